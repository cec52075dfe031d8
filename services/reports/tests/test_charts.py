"""Charts and the map as SVG and PNG: drawn from the overview's figures, labelled in Indonesian or English."""

from __future__ import annotations

import struct
from xml.etree import ElementTree

import altair as alt
import pytest
from reports.charts.catalogue import CHARTS
from reports.scope import Scope
from smartcity_kit.db import make_sessionmaker

SVG_NS = "{http://www.w3.org/2000/svg}"


def texts(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return [t.text for t in root.iter(f"{SVG_NS}text") if t.text]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
async def signed(feeds, catch_up):
    for i in range(5):
        pid = feeds.walk(f"32.{71 + i}", "2027", "applied", "assessed", "selected", "mou_signed", "mentoring")
        feeds.track(pid, f"32.{71 + i}", "2027", *(("bimtek_2",) if i < 2 else ()))
    feeds.walk("91.71", "2027", "applied")
    await catch_up()


async def test_the_funnel_in_indonesian_and_english(signed, client, as_role):
    response = await client.get("/api/v1/reports/charts/funnel.svg?phase_code=2027", headers=as_role("partner"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    words = texts(response.content)
    assert "Corong peserta" in words and "Tahap 2027" in words
    steps = ["Mendaftar", "Dinilai", "Terpilih", "MoU ditandatangani", "Pendampingan", "Selesai"]
    assert [w for w in words if w in steps] == steps
    assert "6" in words and "5" in words  # the bars' numbers
    english = await client.get("/api/v1/reports/charts/funnel.svg?phase_code=2027&lang=en", headers=as_role("partner"))
    assert {"Participant funnel", "Phase 2027", "Applied", "MoU signed"} <= set(texts(english.content))


async def test_png_is_the_same_chart_at_twice_the_size(signed, client, as_role):
    response = await client.get("/api/v1/reports/charts/stages.png", headers=as_role("operator"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    width, height = png_size(response.content)
    svg = ElementTree.fromstring(
        (await client.get("/api/v1/reports/charts/stages.svg", headers=as_role("operator"))).content
    )
    assert (width, height) == (2 * int(float(svg.get("width"))), 2 * int(float(svg.get("height"))))


async def test_the_map_shows_every_province_with_its_count(signed, client, as_role):
    response = await client.get("/api/v1/reports/charts/map.svg?phase_code=2027", headers=as_role("operator"))
    words = texts(response.content)
    for short in ("Aceh", "Jabar", "Papua", "Babel", "DIY", "Malut", "PBD"):
        assert short in words
    assert words.count("–") == 36  # every province without a participant
    assert "5" in words and "1" in words  # Jawa Barat's five, Papua's one
    assert {"Mendaftar", "Terpilih", "Pendampingan", "Selesai"} <= set(words)  # the bar's legend
    png = await client.get("/api/v1/reports/charts/map.png", headers=as_role("operator"))
    assert png_size(png.content)[0] > 1000


async def test_every_chart_is_a_valid_vega_lite_specification(signed, engine):
    # a request builds its specification unvalidated (validating the map costs more than drawing it): here it is
    async with make_sessionmaker(engine)() as session:
        for build in CHARTS.values():
            for scope in (Scope(), Scope(phase_code="2027"), Scope(phase_code="2099")):
                alt.TopLevelSpec.validate(await build(session, scope, "en"))


async def test_empty_data_gives_a_labelled_empty_chart(feeds, client, as_role):
    for name in ("funnel", "stages", "map", "achievement"):
        response = await client.get(f"/api/v1/reports/charts/{name}.svg?lang=en", headers=as_role("operator"))
        assert response.status_code == 200, name
        assert "No data yet" in texts(response.content), name


async def test_achievement_per_dimension_of_the_latest_period_with_results(feeds, catch_up, client, as_role):
    for period, region, governance in (
        ("2027-S1", "32.73", 0.5),
        ("2027-S2", "32.73", 0.75),
        ("2027-S2", "32.71", 0.25),
    ):
        data = {
            "period_code": period,
            "region_code": region,
            "achievement": governance,
            "progress": None,
            "on_time": True,
            "dimensions": {"governance": governance, "living": 1.0},
        }
        feeds.add("monitoring", "result.computed", f"results/{period}/{region}", data)
    for n, region in enumerate(("32.73", "32.71")):
        track = f"5f0c2a52-8a3e-4c1e-9a4e-2f5b8e1d7c1{n}"
        plan = {"track_id": track, "region_code": region, "phase_code": "2027", "initiative_ids": []}
        feeds.add("monitoring", "portfolio.created", f"portfolios/{track}", plan)
    for period in ("2027-S1", "2027-S2"):
        due = "2027-07-15" if period.endswith("1") else "2028-01-15"
        opened = {
            "period_code": period,
            "year": 2027,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "due_on": due,
            "locks_on": due,
        }
        feeds.add("monitoring", "period.opened", f"periods/{period}", opened)
        for region in ("32.73", "32.71"):
            decided = {
                "period_code": period,
                "region_code": region,
                "from": "submitted",
                "to": "accepted",
                "comment": None,
            }
            feeds.add("monitoring", "report.accepted", f"reports/{period}/{region}", decided)
    await catch_up()
    response = await client.get("/api/v1/reports/charts/achievement.svg", headers=as_role("operator"))
    assert response.status_code == 200
    words = texts(response.content)
    assert "Capaian per dimensi, periode 2027-S2" in words
    assert {"Smart Governance (2)", "Smart Living (2)", "Smart Economy (0)"} <= set(words)
    assert "50" in words and "100" in words  # governance (0.75 + 0.25) / 2, living 1.0, in percent


async def test_a_region_draws_its_own_figures_only(signed, client, as_role):
    own = await client.get("/api/v1/reports/charts/funnel.svg", headers=as_role("region", "91.71"))
    assert "91.71" in " ".join(texts(own.content))
    other = await client.get("/api/v1/reports/charts/funnel.svg?region_code=32.71", headers=as_role("region", "91.71"))
    assert other.status_code == 404


async def test_an_unchanged_chart_is_not_sent_again(signed, client, as_role):
    first = await client.get("/api/v1/reports/charts/funnel.svg", headers=as_role("operator"))
    etag = first.headers["etag"]
    again = await client.get(
        "/api/v1/reports/charts/funnel.svg", headers={**as_role("operator"), "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b""
    english = await client.get(
        "/api/v1/reports/charts/funnel.svg?lang=en", headers={**as_role("operator"), "If-None-Match": etag}
    )
    assert english.status_code == 200 and english.headers["etag"] != etag


@pytest.mark.parametrize(
    ("file", "status"),
    [("pie.svg", 404), ("funnel", 404), ("funnel.gif", 406), ("funnel.SVG", 406), ("..svg", 404)],
)
async def test_unknown_charts_and_forms_are_problems(feeds, client, as_role, file, status):
    response = await client.get(f"/api/v1/reports/charts/{file}", headers=as_role("operator"))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == {404: "not-found", 406: "not-acceptable"}[status]
    if status == 406:
        assert [a["format"] for a in response.json()["available"]] == ["svg", "png"]
        in_indonesian = await client.get(
            f"/api/v1/reports/charts/{file}", headers={**as_role("operator"), "Accept-Language": "id"}
        )
        assert in_indonesian.json()["detail"] == (
            f"Grafik tersedia dalam format svg, png; tidak dalam format '{file.rpartition('.')[2]}'."
        )
