"""Who sees and changes what: region teams their own region only (others 404), readers of all, writers."""

from __future__ import annotations

import pytest


@pytest.fixture
async def bandung(upload, as_role, make_pdf):
    response = await upload(make_pdf(b"Bandung"), headers=as_role("region", "32.73"), title="Buku 1 Bandung")
    assert response.status_code == 201
    return response.json()["id"]


@pytest.fixture
async def denpasar(upload, as_role, make_pdf):
    response = await upload(
        make_pdf(b"Denpasar"), headers=as_role("operator"), region_code="51.71", kind="mou", title="MoU Denpasar"
    )
    assert response.status_code == 201
    return response.json()["id"]


async def test_a_region_team_sees_only_its_own_region(client, as_role, bandung, denpasar):
    mine = as_role("region", "32.73")
    listed = (await client.get("/api/v1/documents", headers=mine)).json()
    assert [d["id"] for d in listed["items"]] == [bandung]
    assert (await client.get("/api/v1/documents", params={"region_code": "51.71"}, headers=mine)).json()["items"] == []
    for path in ("", "/content", "/versions/1/content"):
        response = await client.get(f"/api/v1/documents/{denpasar}{path}", headers=mine)
        assert response.status_code == 404, path
    assert (await client.get(f"/api/v1/documents/{bandung}", headers=mine)).status_code == 200


async def test_a_mentor_reads_nothing_while_the_mentoring_service_cannot_say_what_it_mentors(
    client, as_role, bandung, denpasar
):
    mentor = as_role("mentor", subject="ahli@its.ac.id")
    for path in ("/api/v1/documents", f"/api/v1/documents/{bandung}", f"/api/v1/documents/{denpasar}/content"):
        response = await client.get(path, headers=mentor)
        assert response.status_code == 503, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "The mentoring service does not answer; a mentor's reads wait."


@pytest.mark.parametrize("role", ["partner", "operator", "admin", "auditor", "service"])
async def test_readers_of_all_see_every_region(client, as_role, bandung, denpasar, role):
    listed = (await client.get("/api/v1/documents", headers=as_role(role))).json()
    assert sorted(d["id"] for d in listed["items"]) == sorted([bandung, denpasar])
    assert (await client.get(f"/api/v1/documents/{denpasar}/content", headers=as_role(role))).status_code == 200


async def test_the_service_role_reads_metadata_for_other_services(client, as_role, denpasar):
    response = await client.get(f"/api/v1/documents/{denpasar}", headers=as_role("service", subject="mentoring"))
    assert response.status_code == 200
    body = response.json()
    assert (body["region_code"], body["kind"]) == ("51.71", "mou")
    assert "deleted" not in body
    assert response.headers["etag"]
    await client.delete(f"/api/v1/documents/{denpasar}", headers=as_role("operator"))
    gone = await client.get(f"/api/v1/documents/{denpasar}", headers=as_role("service", subject="mentoring"))
    assert gone.status_code == 404
    unknown = await client.get(
        "/api/v1/documents/00000000-0000-0000-0000-000000000000", headers=as_role("service", subject="mentoring")
    )
    assert unknown.status_code == 404


async def test_only_operators_and_the_owning_region_write(client, upload, as_role, make_pdf, bandung, leftovers):
    other_region = await upload(make_pdf(), headers=as_role("region", "51.71"), region_code="32.73")
    assert other_region.status_code == 403
    for role in ("mentor", "partner", "service"):
        assert (await upload(make_pdf(), headers=as_role(role))).status_code == 403
    file = {"file": ("v.pdf", make_pdf(b"v2"), "application/pdf")}
    url = f"/api/v1/documents/{bandung}/versions"
    assert (await client.post(url, files=file, headers=as_role("region", "51.71"))).status_code == 404
    assert (await client.post(url, files=file, headers=as_role("partner"))).status_code == 403
    assert (await client.post(url, files=file, headers=as_role("region", "32.73"))).status_code == 201
    assert (await leftovers())["temp"] == []


async def test_only_operators_delete(client, as_role, bandung):
    for role in ("region", "mentor", "partner", "service"):
        response = await client.delete(f"/api/v1/documents/{bandung}", headers=as_role(role, "32.73"))
        assert response.status_code == 403
    assert (await client.delete(f"/api/v1/documents/{bandung}", headers=as_role("operator"))).status_code == 204
    assert (await client.delete(f"/api/v1/documents/{bandung}", headers=as_role("operator"))).status_code == 404


async def test_no_identity_is_401(client):
    assert (await client.get("/api/v1/documents")).status_code == 401


async def test_lists_filter_and_page(client, upload, as_role, make_pdf):
    for i in range(5):
        kind = "mou" if i % 2 else "minutes"
        response = await upload(make_pdf(bytes([i])), headers=as_role("operator"), kind=kind, title=f"Notulen {i}")
        assert response.status_code == 201
    operator = as_role("operator")
    minutes = (await client.get("/api/v1/documents", params={"kind": "minutes"}, headers=operator)).json()
    # one transaction here, so one created_at: the order within it is the id's
    assert sorted(d["title"] for d in minutes["items"]) == ["Notulen 0", "Notulen 2", "Notulen 4"]
    found = (await client.get("/api/v1/documents", params={"q": "notulen 3"}, headers=operator)).json()
    assert [d["title"] for d in found["items"]] == ["Notulen 3"]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/documents", params=params, headers=operator)).json()
        seen += [d["title"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"Notulen {i}" for i in range(5)]
    bad = await client.get("/api/v1/documents", params={"cursor": "nonsense"}, headers=operator)
    assert bad.status_code == 422


async def test_an_auditor_reads_but_uploads_and_deletes_nothing(client, as_role, denpasar):
    auditor = as_role("auditor", subject="bpk@bpk.go.id")
    assert (await client.delete(f"/api/v1/documents/{denpasar}", headers=auditor)).status_code == 403
    upload = await client.post(
        "/api/v1/documents",
        files={"file": ("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        data={"region_code": "51.71", "kind": "mou", "title": "x"},
        headers=auditor,
    )
    assert upload.status_code == 403
    assert (await client.get(f"/api/v1/documents/{denpasar}", headers=auditor)).status_code == 200
