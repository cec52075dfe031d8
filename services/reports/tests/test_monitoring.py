"""The monitoring report from the monitoring feed: who reports each period, on time or late, accepted or
returned, who does not report, and what the accepted reports achieved per dimension."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import openpyxl

TODAY = date.today()


def period(feeds, code: str, due_on: date, locked: bool = False) -> None:
    data = {
        "period_code": code,
        "year": due_on.year,
        "starts_on": str(due_on - timedelta(days=200)),
        "ends_on": str(due_on - timedelta(days=15)),
        "due_on": str(due_on),
        "locks_on": str(due_on + timedelta(days=30)),
    }
    feeds.add("monitoring", "period.opened", f"periods/{code}", data)
    if locked:
        feeds.add("monitoring", "period.locked", f"periods/{code}", {**data, "by": "service:monitoring"})


def portfolio(feeds, region: str, phase: str = "2027") -> None:
    tid = str(uuid.uuid4())
    feeds.add(
        "monitoring",
        "portfolio.created",
        f"portfolios/{tid}",
        {
            "track_id": tid,
            "participant_id": str(uuid.uuid4()),
            "region_code": region,
            "phase_code": phase,
            "plan_version": 2,
            "initiative_ids": [str(uuid.uuid4()) for _ in range(4)],
        },
    )


def report(feeds, code: str, region: str, to: str, **extra) -> None:
    rid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{code}/{region}"))
    base = {
        "report_id": rid,
        "period_code": code,
        "region_code": region,
        "from": "draft",
        "to": to,
        "actor": f"region:{region}",
    }
    if to == "submitted":
        feeds.add("monitoring", "report.submitted", f"reports/{rid}", {**base, **extra})
    else:
        feeds.add("monitoring", f"report.{to}", f"reports/{rid}", {**base, "comment": None})


def result(feeds, code: str, region: str, achievement: float | None, dimensions: dict) -> None:
    data = {
        "period_code": code,
        "region_code": region,
        "achievement": achievement,
        "progress": 40.0,
        "on_time": True,
        "dimensions": dimensions,
    }
    feeds.add("monitoring", "result.computed", f"results/{code}/{region}", data)


async def test_timeliness_and_regions_not_reporting(feeds, catch_up, client, as_role):
    for region in ("32.73", "32.71", "73.71", "91.71"):
        portfolio(feeds, region)
    portfolio(feeds, "35.78", phase="2028")
    period(feeds, "2027-S1", TODAY - timedelta(days=60), locked=True)
    period(feeds, "2027-S2", TODAY + timedelta(days=30))
    report(feeds, "2027-S1", "32.73", "submitted", late=False, resubmission=False)
    report(feeds, "2027-S1", "32.73", "accepted")
    result(feeds, "2027-S1", "32.73", 0.55, {"governance": 0.5, "living": 0.6})
    result(feeds, "2027-S1", "32.73", 0.8, {"governance": 1.0, "living": 0.6})  # its targets changed: recomputed
    report(feeds, "2027-S1", "35.78", "submitted", late=False, resubmission=False)
    report(feeds, "2027-S1", "35.78", "accepted")
    result(feeds, "2027-S1", "35.78", 0.1, {"governance": 0.2, "living": None, "economy": 0.0})
    report(feeds, "2027-S1", "32.71", "submitted", late=True, resubmission=False)
    report(feeds, "2027-S1", "32.71", "returned")
    report(feeds, "2027-S1", "32.71", "submitted", late=False, resubmission=True)  # lateness stays the first's
    report(feeds, "2027-S1", "73.71", "submitted", late=False, resubmission=False)
    report(feeds, "2027-S1", "73.71", "returned")
    feeds.add(
        "monitoring",
        "report.overdue",
        "reports/x",
        {"period_code": "2027-S1", "region_code": "91.71", "due_on": str(TODAY - timedelta(days=60))},
    )
    report(feeds, "2027-S2", "32.73", "submitted", late=False, resubmission=False)
    await catch_up()
    body = (await client.get("/api/v1/reports/monitoring?phase_code=2027", headers=as_role("partner"))).json()
    assert body["summary"] == {
        "regions_monitored": 4,
        "periods": 2,
        "reports_expected": 4,
        "submitted": 4,
        "on_time": 3,
        "late": 1,
        "accepted": 1,
        "returned": 1,
        "not_reporting": 1,
        "timeliness_rate": 0.5,
    }
    assert [
        (p["period_code"], p["locked"], p["submitted"], p["on_time"], p["late"], p["not_reporting"])
        for p in body["periods"]
    ] == [("2027-S1", True, 3, 2, 1, 1), ("2027-S2", False, 1, 1, 0, 0)]
    assert body["not_reporting"] == [
        {
            "period_code": "2027-S1",
            "due_on": str(TODAY - timedelta(days=60)),
            "region_code": "91.71",
            "province": "Papua",
        }
    ]
    assert [p["achievement"] for p in body["periods"]] == [0.8, None]
    assert [(a["dimension"], a["regions"], a["achievement"]) for a in body["achievement"][:6]] == [
        ("governance", 1, 1.0),
        ("branding", 0, None),
        ("economy", 0, None),
        ("living", 1, 0.6),
        ("society", 0, None),
        ("environment", 0, None),
    ]
    assert [a["period_code"] for a in body["achievement"]] == ["2027-S1"] * 6 + ["2027-S2"] * 6
    assert body["achievement"][0]["label"] == "Smart Governance"
    everything = (await client.get("/api/v1/reports/monitoring", headers=as_role("operator"))).json()
    assert everything["summary"]["regions_monitored"] == 5 and everything["summary"]["not_reporting"] == 1
    assert [p["achievement"] for p in everything["periods"]] == [0.45, None]
    assert [(a["regions"], a["achievement"]) for a in everything["achievement"][:4]] == [
        (2, 0.6),
        (0, None),
        (1, 0.0),
        (1, 0.6),
    ]
    own = (await client.get("/api/v1/reports/monitoring", headers=as_role("region", "32.71"))).json()
    assert own["summary"]["late"] == 1 and own["not_reporting"] == []
    book = openpyxl.load_workbook(
        io.BytesIO((await client.get("/api/v1/reports/monitoring?format=xlsx", headers=as_role("operator"))).content)
    )
    assert book.sheetnames == ["summary", "periods", "achievement", "not_reporting"]
    assert book["periods"]["B2"].is_date and book["periods"]["C2"].value is True
    again = await catch_up()
    assert again == 0
