"""One period's reports for 500 regions x 10 indicators as 500 XLSX uploads, then the results list of all 500.

In a fresh database: 500 kabupaten get a portfolio each (as the mentoring feed
makes them) with 10 catalogue indicators each (as the API stores them), and a
period is opened; none of this is timed. Then, through the monitoring app (ASGI, real
PostgreSQL, the same code the service runs), each region downloads its XLSX
template, fills it in with openpyxl and uploads it with `submit=true`: the
uploads are timed one after the other (uploads per second). An operator
accepts every report (not timed). Finally `GET /periods/{code}/results?limit=500`
(every region in one page, best first) is timed `--reads` times: median and
95th percentile. Peak RSS is this process's (the app and the bench client).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/monitoring_reports.py --regions 500 --reads 50
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import resource
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import httpx
import sqlalchemy as sa
from monitoring.indicators.models import CatalogueIndicator, TrackedIndicator
from monitoring.main import create_app
from monitoring.migrate import MIGRATIONS
from monitoring.portfolio.service import ApprovedPlan, create_portfolio
from monitoring.settings import Settings
from openpyxl import load_workbook
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.identity import Caller, sign_identity
from smartcity_kit.migrations import upgrade

SECRET = "bench-secret-of-at-least-32-characters!"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = date.today().year
PERIOD = f"{YEAR}-Y"
ELEMENTS = {
    "governance": "service",
    "branding": "tourism",
    "economy": "transaction",
    "living": "mobility",
    "society": "learning",
    "environment": "waste",
}
# ten catalogue indicators (all "increase"), spread over the six initiatives: (initiative index, code)
INDICATORS = [
    (0, "online_services_share"),
    (0, "open_datasets"),
    (1, "tourist_arrivals"),
    (1, "msme_online_share"),
    (2, "new_businesses_per_100k"),
    (2, "non_cash_transactions_share"),
    (3, "piped_water_households_share"),
    (4, "household_internet_share"),
    (5, "waste_collected_share"),
    (5, "renewable_energy_share"),
]


def who(role: str, region_code: str | None = None) -> dict[str, str]:
    return {"x-smartcity-identity": sign_identity(Caller(f"{role}@bench", role, region_code), SECRET, 3600)}


def region_codes(count: int) -> list[str]:
    provinces = [*range(11, 22), *range(31, 37), *range(51, 54), *range(61, 66), *range(71, 77), 81, 82, *range(91, 97)]
    return [f"{provinces[n // 60]}.{n % 60 + 1:02d}" for n in range(count)]


def plan(region_code: str) -> ApprovedPlan:
    track = uuid.uuid4()
    initiatives = [
        {
            "id": str(uuid.uuid5(track, f"initiative-{i}")),
            "index": i,
            "dimension": d,
            "element": e,
            "title": f"Inisiatif {d}",
            "start_year": YEAR,
            "end_year": YEAR + 4,
            "quick_win": False,
        }
        for i, (d, e) in enumerate(ELEMENTS.items())
    ]
    return ApprovedPlan.model_validate(
        {
            "track_id": str(track),
            "participant_id": str(uuid.uuid4()),
            "region_code": region_code,
            "phase_code": "bench",
            "version": 2,
            "approved_at": datetime.now(UTC).isoformat(),
            "approved_by": "operator:bench",
            "vision": "Bench",
            "horizon_start_year": YEAR,
            "horizon_end_year": YEAR + 9,
            "initiatives": initiatives,
        }
    )


def filled(template: bytes, n: int) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    for i, row in enumerate(workbook["Indicators"].iter_rows(min_row=2)):
        row[7].value = 20 + (n * 7 + i * 3) % 60  # value
        row[8].value = "Data dinas"
    for row in workbook["Initiatives"].iter_rows(min_row=2):
        row[3].value, row[4].value = "on_track", 50
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def main(regions: int, reads: int) -> None:
    server_url = os.environ["DATABASE_URL"]
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = server_url.rsplit("/", 1)[0] + "/" + name
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        settings = Settings(
            database_url=url, internal_secret=SECRET, log_level="WARNING", consume_feed=False, run_reminders=False
        )
        app = create_app(settings)
        engine = create_engine(url, pool_size=20)
        app.state.engine, app.state.sessionmaker = engine, make_sessionmaker(engine)
        app.state.documents = None  # no evidence documents in this bench: never called
        codes = region_codes(regions)
        plans = {}
        async with make_sessionmaker(engine)() as session:
            for code in codes:
                plans[code] = plan(code)
                await create_portfolio(session, plans[code])
            # ten catalogue indicators per region, as `POST .../indicators` stores them (not what is measured here)
            catalogue = {i.code: i for i in (await session.execute(sa.select(CatalogueIndicator))).scalars()}
            rows = [
                {
                    "id": uuid.uuid4(),
                    "initiative_id": plans[code].initiatives[initiative].id,
                    "region_code": code,
                    "indicator_code": indicator,
                    "name": catalogue[indicator].name_en,
                    "unit": catalogue[indicator].unit,
                    "direction": catalogue[indicator].direction,
                    "baseline_value": 10.0,
                    "baseline_year": YEAR - 1,
                    "targets": {str(YEAR): 80.0},
                    "created_by": "operator:bench",
                    "updated_by": "operator:bench",
                }
                for code in codes
                for initiative, indicator in INDICATORS
            ]
            await session.execute(sa.insert(TrackedIndicator), rows)
            await session.commit()
        operator = who("operator")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120) as c:
            period = {
                "code": PERIOD,
                "starts_on": f"{YEAR}-01-01",
                "ends_on": f"{YEAR}-12-31",
                "due_on": str(date.today() + timedelta(days=30)),
                "locks_on": str(date.today() + timedelta(days=60)),
            }
            (await c.post("/api/v1/monitoring/periods", json=period, headers=operator)).raise_for_status()
            reports = f"/api/v1/monitoring/periods/{PERIOD}/reports"
            download_s = upload_s = 0.0
            upload_ms = []
            for n, code in enumerate(codes):
                region = who("region", code)
                t0 = time.perf_counter()
                template = await c.get(f"{reports}/{code}/template.xlsx", headers=region)
                template.raise_for_status()
                download_s += time.perf_counter() - t0
                body = filled(template.content, n)  # the region's work: not timed
                t0 = time.perf_counter()
                uploaded = await c.post(
                    f"{reports}/{code}/upload",
                    params={"submit": "true"},
                    content=body,
                    headers={**region, "content-type": XLSX},
                )
                elapsed = time.perf_counter() - t0
                assert uploaded.status_code == 200 and uploaded.json()["status"] == "submitted", uploaded.text
                assert len(uploaded.json()["values"]) == len(INDICATORS)
                upload_s += elapsed
                upload_ms.append(elapsed * 1000)
            for code in codes:
                decided = await c.post(f"{reports}/{code}/review", json={"decision": "accepted"}, headers=operator)
                decided.raise_for_status()
            results_ms = []
            for _ in range(reads):
                t0 = time.perf_counter()
                page = await c.get(
                    f"/api/v1/monitoring/periods/{PERIOD}/results", params={"limit": 600}, headers=who("partner")
                )
                results_ms.append((time.perf_counter() - t0) * 1000)
                assert page.status_code == 200 and len(page.json()["items"]) == regions, page.text[:300]
        await engine.dispose()
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results_ms.sort()
        upload_ms.sort()
        print(f"{regions} regions x {len(INDICATORS)} indicators")
        print(f"templates: {regions / download_s:.1f} downloads/s")
        print(
            f"uploads: {regions / upload_s:.1f} uploads/s (median {statistics.median(upload_ms):.0f} ms,"
            f" p95 {upload_ms[int(len(upload_ms) * 0.95) - 1]:.0f} ms)"
        )
        print(
            f"results for {regions} regions in one page: median {statistics.median(results_ms):.1f} ms,"
            f" p95 {results_ms[int(len(results_ms) * 0.95) - 1]:.1f} ms, max {results_ms[-1]:.1f} ms ({reads} reads)"
        )
        print(f"peak RSS {peak_mib:.0f} MiB")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--regions", type=int, default=500)
    parser.add_argument("--reads", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.regions, args.reads))
