"""The curriculum as seeded data; mentors: creation, validation, filters, roles."""

from __future__ import annotations

import uuid


async def test_curriculum_lists_the_four_stages_with_required_kinds(client, as_role):
    response = await client.get("/api/v1/curriculum", headers=as_role("region", "32.73"))
    assert response.status_code == 200
    stages = response.json()["items"]
    assert [(s["code"], s["position"], s["required_deliverables"]) for s in stages] == [
        ("bimtek_1", 1, ["readiness_report"]),
        ("bimtek_2", 2, ["strategic_analysis", "quick_win_list"]),
        ("bimtek_3", 3, ["masterplan_draft"]),
        ("bimtek_4", 4, ["masterplan_final", "commitment_sheet"]),
    ]
    assert [s["name"] for s in stages] == [
        "Bimtek I: policy, governance and readiness",
        "Bimtek II: Buku 1, the strategic analysis",
        "Bimtek III: Buku 2, the master plan",
        "Bimtek IV: roadmap review and commitments",
    ]
    assert (await client.get("/api/v1/curriculum")).status_code == 401


async def test_an_operator_creates_a_mentor(client, as_role):
    body = {
        "name": "Dr. Suhono Harso Supangkat",
        "email": "Suhono@ITB.ac.id",
        "organization": "Institut Teknologi Bandung",
        "expertise": ["governance", "economy"],
        "home_region_code": "32.73",
        "max_tracks": 3,
    }
    response = await client.post("/api/v1/mentors", json=body, headers=as_role("operator"))
    assert response.status_code == 201, response.text
    mentor = response.json()
    assert {k: mentor[k] for k in body} == {**body, "email": "suhono@itb.ac.id"}
    assert mentor["active_tracks"] == 0
    again = await client.post("/api/v1/mentors", json=body, headers=as_role("operator"))
    assert (again.status_code, again.json()["code"]) == (409, "mentor-email-taken")
    assert again.json()["detail"] == "A mentor with the e-mail suhono@itb.ac.id already exists."
    in_indonesian = await client.post("/api/v1/mentors", json=body, headers=as_role("operator", language="id"))
    assert in_indonesian.json()["title"] == "Mentor sudah terdaftar"
    assert in_indonesian.json()["detail"] == "Mentor dengan alamat surel suhono@itb.ac.id sudah terdaftar."
    read = await client.get(f"/api/v1/mentors/{mentor['id']}", headers=as_role("partner"))
    assert read.status_code == 200 and read.json() == mentor and read.headers["etag"]


async def test_bad_mentors_are_refused_naming_each_field(client, as_role):
    body = {
        "name": "",
        "email": "not-an-email",
        "organization": "X",
        "expertise": ["governance", "technology"],
        "home_region_code": "32",
        "max_tracks": 0,
        "twitter": "@x",
    }
    response = await client.post("/api/v1/mentors", json=body, headers=as_role("operator"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "email",
        "expertise[1]",
        "home_region_code",
        "max_tracks",
        "name",
        "twitter",
    ]
    for role in ("region", "mentor", "partner"):
        ok = {**body, "name": "A", "email": "a@b.id", "expertise": ["governance"], "max_tracks": 1}
        ok.pop("twitter")
        ok.pop("home_region_code")
        assert (await client.post("/api/v1/mentors", json=ok, headers=as_role(role))).status_code == 403, role


def test_the_document_says_each_dimension_once_and_names_are_not_blank(app):
    """Found by fuzzing: `["economy", "economy"]` and a blank name were valid by the document, refused by the API."""
    from smartcity_kit.schemas import not_blank_pattern

    mentor_in = app.openapi()["components"]["schemas"]["MentorIn"]["properties"]
    assert mentor_in["expertise"]["uniqueItems"] is True
    assert (mentor_in["name"]["pattern"], mentor_in["organization"]["pattern"]) == (
        not_blank_pattern(1),
        not_blank_pattern(1),
    )


async def test_mentors_filter_by_dimension_and_page(client, as_role, make_mentor):
    made = [await make_mentor(expertise=["governance"]) for _ in range(3)]
    made += [await make_mentor(expertise=["environment", "society"]) for _ in range(2)]
    headers = as_role("region", "51.71")
    env = (await client.get("/api/v1/mentors", params={"dimension": "environment"}, headers=headers)).json()
    assert [m["id"] for m in env["items"]] == [m["id"] for m in made[3:]]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/mentors", params=params, headers=headers)).json()
        seen += [m["id"] for m in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [m["id"] for m in made]
    bad = await client.get("/api/v1/mentors", params={"dimension": "technology"}, headers=headers)
    assert bad.status_code == 422
    assert (await client.get(f"/api/v1/mentors/{uuid.uuid4()}", headers=headers)).status_code == 404


async def test_an_operator_changes_a_stage_without_a_release(client, as_role):
    path = "/api/v1/curriculum/bimtek_2"
    read = await client.get(path, headers=as_role("partner"))
    assert read.status_code == 200
    body = {
        "name": "Bimtek II: Buku 1 and quick wins",
        "description": "Strategic analysis.",
        "required_deliverables": ["strategic_analysis", "quick_win_list", "minutes"],
    }
    assert (await client.put(path, json=body, headers=as_role("operator"))).status_code == 428
    assert (await client.put(path, json=body, headers={**as_role("operator"), "if-match": '"x"'})).status_code == 412
    for role in ("region", "mentor", "partner"):
        response = await client.put(path, json=body, headers={**as_role(role), "if-match": read.headers["etag"]})
        assert response.status_code == 403
    bad = await client.put(
        path,
        json={**body, "required_deliverables": ["selfie"], "position": 1},
        headers={**as_role("operator"), "if-match": read.headers["etag"]},
    )
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["position", "required_deliverables[0]"]
    changed = await client.put(path, json=body, headers={**as_role("operator"), "if-match": read.headers["etag"]})
    assert changed.status_code == 200
    assert changed.json() == {"code": "bimtek_2", "position": 2, **body}
    listed = (await client.get("/api/v1/curriculum", headers=as_role("partner"))).json()["items"]
    assert listed[1]["required_deliverables"] == ["strategic_analysis", "quick_win_list", "minutes"]
    assert (await client.get("/api/v1/curriculum/bimtek_9", headers=as_role("partner"))).status_code == 404
