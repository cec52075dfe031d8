"""The programme year carried on into monitoring, through the gateway only, with every process real.

Three regions sign their MoUs and get approved master plans; monitoring builds
their portfolios from mentoring's feed. Indicators are attached, a period is
opened; one region reports by XLSX (the template filled in with openpyxl),
another by JSON; one report is returned and submitted again, both are accepted.
A partner key reads the accepted results and no draft; the region that did not
report is reminded once (`report.due_soon`); a ministry's key publishes its
index for the year and the next cohort's assessment takes it.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import httpx
from openpyxl import load_workbook
from smartcity_dev.samples import master_plan, synthetic_regions_csv
from smartcity_dev.testing import wait_until

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
M = "/api/v1/monitoring"


def test_a_year_of_monitoring(own_platform, new_database, auth_for):
    platform = own_platform(new_database(), MONITORING_REMINDER_INTERVAL="1")
    auth = auth_for(platform)
    ops = auth("operator")
    api = httpx.Client(base_url=platform.url(), timeout=60)
    today = date.today()
    year = today.year

    def ok(response: httpx.Response, status: int = 200) -> dict:
        assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
        return response.json() if response.content else {}

    def feed(type_: str) -> list[dict]:
        items, after = [], None
        while True:
            params = {"limit": 500, **({"after": after} if after else {})}
            page = ok(api.get("/api/v1/events/monitoring", params=params, headers=ops))
            items += [e for e in page["items"] if e["type"] == type_]
            if not page["items"]:
                return items
            after = page["next_cursor"]

    # a cohort of three kabupaten, selected and signed, and a fourth region for next year's cohort
    ok(api.post("/api/v1/regions/import", content=synthetic_regions_csv(), headers={**ops, "content-type": "text/csv"}))
    a, b, c, newcomer = "32.01", "33.02", "35.03", "51.04"
    window = {
        "registration_opens_on": str(today - timedelta(days=30)),
        "registration_closes_on": str(today + timedelta(days=30)),
    }
    phase = f"{year}-M"
    ok(
        api.post(
            "/api/v1/phases", json={"code": phase, "name": "Tahap M", "year": year, "quota": 3, **window}, headers=ops
        ),
        201,
    )
    contact = {"role": "coordinator", "name": "Koordinator", "email": "tim@example.go.id", "phone": "081234567890"}
    scores = {
        "fiscal_capacity": 70,
        "green_city_index": 70,
        "government_performance_index": 70,
        "sustainable_city_index": None,
        "infrastructure": 70,
        "superstructure": 70,
        "leadership_vision": 70,
    }
    for code in (a, b, c):
        participant = ok(
            api.post(
                "/api/v1/participants",
                json={"region_code": code, "phase_code": phase, "contacts": [contact]},
                headers=ops,
            ),
            201,
        )
        ok(api.put(f"/api/v1/participants/{participant['id']}/assessment", json=scores, headers=ops))
    ok(api.post(f"/api/v1/phases/{phase}/selection", json={"dry_run": False}, headers=ops))
    selected = ok(api.get("/api/v1/participants", params={"phase_code": phase, "status": "selected"}, headers=ops))[
        "items"
    ]
    signatures = [
        {"participant_id": p["id"], "signatory_name": "Bupati", "signatory_title": "Bupati"} for p in selected
    ]
    ok(
        api.post(
            f"/api/v1/phases/{phase}/mou-signings",
            json={"signed_on": str(today), "venue": "Jakarta", "signatures": signatures},
            headers=ops,
        ),
        201,
    )
    tracks = wait_until(
        lambda: (
            (t := ok(api.get("/api/v1/tracks", params={"phase_code": phase}, headers=ops))["items"])
            and len(t) == 3
            and t
        ),
        90,
        "three tracks",
    )
    track_of = {t["region_code"]: t["id"] for t in tracks}

    def approve_plan(code: str) -> None:
        ok(
            api.put(
                f"/api/v1/tracks/{track_of[code]}/masterplan", json=master_plan(year), headers=auth("region", code)
            ),
            201,
        )
        ok(api.post(f"/api/v1/tracks/{track_of[code]}/masterplan/approve", json={}, headers=ops))

    def portfolio(code: str) -> dict | None:
        items = ok(api.get(f"{M}/portfolios", params={"region_code": code}, headers=ops))["items"]
        return ok(api.get(f"{M}/portfolios/{items[0]['track_id']}", headers=ops)) if items else None

    approve_plan(a)
    approve_plan(b)
    plans = {code: wait_until(lambda code=code: portfolio(code), 90, f"the portfolio of {code}") for code in (a, b)}
    assert [i["title"] for i in plans[a]["initiatives"]] == [i["title"] for i in master_plan(year)["initiatives"]]

    # indicators with baselines and targets, attached by each region
    def attach(code: str, initiative: int, indicator: str, baseline: float, target: float) -> str:
        body = {
            "indicator_code": indicator,
            "baseline": {"value": baseline, "year": year - 1},
            "targets": [{"year": year, "value": target}],
        }
        initiative_id = plans[code]["initiatives"][initiative]["id"]
        return ok(
            api.post(f"{M}/initiatives/{initiative_id}/indicators", json=body, headers=auth("region", code)), 201
        )["id"]

    online_a = attach(a, 0, "online_services_share", 20, 40)
    permit_a = attach(a, 3, "business_permit_days", 10, 5)
    online_b = attach(b, 0, "online_services_share", 50, 70)

    period = f"{year}-Y"
    dates = {
        "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
        "due_on": str(today + timedelta(days=7)),
        "locks_on": str(today + timedelta(days=30)),
    }
    ok(
        api.post(
            f"{M}/periods", json={"code": period, **dates}, headers={**ops, "Idempotency-Key": f"period-{period}"}
        ),
        201,
    )
    report = f"{M}/periods/{period}/reports"

    # region A reports by spreadsheet: the template, filled in with openpyxl, uploaded and submitted
    template = api.get(f"{report}/{a}/template.xlsx", headers=auth("region", a))
    assert (template.status_code, template.headers["content-type"]) == (200, XLSX)
    workbook = load_workbook(io.BytesIO(template.content))
    rows = {row[0].value: row for row in workbook["Indicators"].iter_rows(min_row=2)}
    rows[online_a][7].value, rows[online_a][8].value = 25, "Data Diskominfo"
    rows[permit_a][7].value = 7
    initiatives = workbook["Initiatives"]
    initiatives["D2"], initiatives["E2"] = "on_track", 40
    upload = io.BytesIO()
    workbook.save(upload)
    uploaded = ok(
        api.post(
            f"{report}/{a}/upload",
            params={"submit": "true"},
            content=upload.getvalue(),
            headers={**auth("region", a), "content-type": XLSX},
        )
    )
    assert (uploaded["status"], uploaded["late"]) == ("submitted", False)

    # region B by JSON
    body = {
        "values": [{"tracked_indicator_id": online_b, "value": 65}],
        "initiatives": [{"initiative_id": plans[b]["initiatives"][0]["id"], "status": "done", "progress": 100}],
        "submit": True,
    }
    assert ok(api.put(f"{report}/{b}", json=body, headers=auth("region", b)))["status"] == "submitted"

    # a partner key reads no report before it is accepted
    partner = {
        "X-API-Key": ok(api.post("/api/v1/api-keys", json={"name": "Bappenas", "role": "partner"}, headers=ops), 201)[
            "key"
        ]
    }
    assert api.get(f"{report}/{a}", headers=partner).status_code == 404
    assert ok(api.get(report, headers=partner))["items"] == []

    # A is returned, corrects its sheet and submits again; both accepted
    returned = ok(
        api.post(f"{report}/{a}/review", json={"decision": "returned", "comment": "Nilai izin usaha?"}, headers=ops)
    )
    assert returned["status"] == "returned"
    rows[permit_a][7].value = 6
    upload = io.BytesIO()
    workbook.save(upload)
    again = ok(
        api.post(
            f"{report}/{a}/upload",
            params={"submit": "true"},
            content=upload.getvalue(),
            headers={
                **auth("region", a),
                "content-type": XLSX,
                "If-Match": api.get(f"{report}/{a}", headers=auth("region", a)).headers["etag"],
            },
        )
    )
    assert again["status"] == "submitted"
    for code in (a, b):
        assert (
            ok(api.post(f"{report}/{code}/review", json={"decision": "accepted"}, headers=ops))["status"] == "accepted"
        )
    history = ok(api.get(f"{report}/{a}/history", headers=partner))["items"]
    assert [(h["from"], h["to"]) for h in history] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "accepted"),
    ]

    # the partner reads the accepted results: A (25 of 20->40: 0.25; 6 of 10->5: 0.8) and B (65 of 50->70: 0.75)
    results = ok(api.get(f"{M}/periods/{period}/results", headers=partner))["items"]
    assert [(r["region_code"], r["achievement"], r["on_time"]) for r in results] == [(b, 0.75, True), (a, 0.525, True)]
    detail = ok(api.get(f"{M}/periods/{period}/results/{a}", headers=partner))
    assert detail["dimensions"] == {"governance": 0.25, "living": 0.8}
    assert ok(api.get(f"{report}/{a}", headers=partner))["status"] == "accepted"
    assert api.get(f"{M}/periods/{period}/results/{a}", headers=auth("region", b)).status_code == 404

    # C's plan is approved late and it does not report: reminded once, however many runs of the job
    approve_plan(c)
    wait_until(lambda: portfolio(c), 90, f"the portfolio of {c}")
    wait_until(lambda: [e for e in feed("report.due_soon") if e["data"]["region_code"] == c], 90, "C reminded")
    # a period long past: the job locks it on a later run, after which C's reminder is still one
    past = {
        "code": f"{year - 1}-Y",
        "starts_on": f"{year - 1}-01-01",
        "ends_on": f"{year - 1}-12-31",
        "due_on": f"{year - 1}-12-31",
        "locks_on": f"{year - 1}-12-31",
    }
    ok(api.post(f"{M}/periods", json=past, headers=ops), 201)
    wait_until(lambda: [e for e in feed("period.locked") if e["data"]["period_code"] == past["code"]], 90, "locked")
    reminded = [e for e in feed("report.due_soon") if e["data"]["region_code"] == c]
    assert [(e["data"]["period_code"], e["data"]["days_before"]) for e in reminded] == [(period, 7)]

    # PUPR's key publishes the green city index for the year; next year's cohort is assessed with it
    pupr = ok(
        api.post("/api/v1/api-keys", json={"name": "PUPR", "role": "partner", "organization": "pupr"}, headers=ops), 201
    )
    pupr_key = {"X-API-Key": pupr["key"]}
    assert (
        api.put(
            f"{M}/official-indices/green_city_index/{year}",
            json={"values": [{"region_code": newcomer, "value": 73.5}]},
            headers=partner,
        ).status_code
        == 403
    )
    published = ok(
        api.put(
            f"{M}/official-indices/green_city_index/{year}",
            content=f"region_code,value\n{newcomer},73.5\n".encode(),
            headers={**pupr_key, "content-type": "text/csv"},
        )
    )
    assert (published["organization"], published["changed"]) == ("pupr", 1)
    next_phase = f"{year + 1}-M"
    ok(
        api.post(
            "/api/v1/phases",
            json={"code": next_phase, "name": "Tahap berikut", "year": year + 1, "quota": 5, **window},
            headers=ops,
        ),
        201,
    )
    applicant = ok(
        api.post(
            "/api/v1/participants",
            json={"region_code": newcomer, "phase_code": next_phase, "contacts": [contact]},
            headers=ops,
        ),
        201,
    )
    without_green = {k: v for k, v in scores.items() if k != "green_city_index"}

    def assess() -> dict | None:
        response = api.put(f"/api/v1/participants/{applicant['id']}/assessment", json=without_green, headers=ops)
        return response.json() if response.status_code == 200 else None

    assessed = wait_until(assess, 90, "the assessment with the published index")
    assert assessed["assessment"]["green_city_index"] == 73.5
    assert (
        assessed["sources"]["green_city_index"]["organization"],
        assessed["sources"]["green_city_index"]["year"],
    ) == ("pupr", year)
    assert assessed["sources"]["fiscal_capacity"]["kind"] == "assessor"
    api.close()
