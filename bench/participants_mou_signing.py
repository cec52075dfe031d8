"""How long one bulk signing of 50 MoUs takes in the participants service.

Per round, in a fresh database: a phase with quota 50, 50 kabupaten/kota
apply, are assessed and selected (not timed), then one
`POST /api/v1/phases/{code}/mou-signings` with all 50 is timed end to end
through the app (ASGI, real PostgreSQL). Prints every round and the median.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/participants_mou_signing.py --rounds 15
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from participants.main import create_app
from participants.migrate import MIGRATIONS
from participants.settings import Settings
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.identity import Caller, sign_identity
from smartcity_kit.migrations import upgrade

SECRET = "bench-secret-of-at-least-32-characters!"
CONTACT = {"role": "Kepala Dinas", "name": "Budi", "email": "budi@example.go.id", "phone": "081234567890"}


def regions_csv(rounds: int, size: int) -> tuple[str, list[list[str]]]:
    """`rounds` disjoint sets of `size` kabupaten (a region takes part once, so each round has its own)."""
    lines = ["code,name,level,kind,province_code,province_name"]
    sets: list[list[str]] = []
    provinces = iter([*range(11, 22), *range(31, 37), *range(51, 54), *range(61, 66), *range(71, 77)])
    province = 0
    for _ in range(rounds):
        codes = []
        for n in range(size):
            if n % 60 == 0:
                province = next(provinces)
                lines.append(f"{province},Provinsi {province},province,provinsi,,")
            code = f"{province}.{n % 60 + 1:02d}"
            lines.append(f"{code},Kabupaten {code},regency_city,kabupaten,{province},Provinsi {province}")
            codes.append(code)
        sets.append(codes)
    return "\n".join(lines) + "\n", sets


async def disable_audit(url: str) -> None:
    """The same run without the audit triggers (bench/audit_overhead.py compares the two)."""
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_schema = 'participants' AND trigger_name LIKE 'audit_%'"
        )
        for (table,) in tables:
            await conn.execute(f'ALTER TABLE participants."{table}" DISABLE TRIGGER USER')
    finally:
        await conn.close()


async def main(rounds: int, size: int, audit: bool = True) -> list[float]:
    server_url = os.environ["DATABASE_URL"]
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        if not audit:
            await disable_audit(url)
        settings = Settings(database_url=url, internal_secret=SECRET, log_level="WARNING", audit_sealer=False)
        app = create_app(settings)
        engine = create_engine(url)
        app.state.engine, app.state.sessionmaker = engine, make_sessionmaker(engine)
        operator = {"x-smartcity-identity": sign_identity(Caller("bench@kominfo.go.id", "operator"), SECRET, 3600)}
        csv_text, sets = regions_csv(rounds, size)
        timings = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            imported = await client.post(
                "/api/v1/regions/import", content=csv_text, headers={**operator, "content-type": "text/csv"}
            )
            imported.raise_for_status()
            for r, codes in enumerate(sets):
                phase = {
                    "code": f"bench-{r}",
                    "name": "Bench",
                    "year": 2018,
                    "quota": size,
                    "registration_opens_on": "2000-01-01",
                    "registration_closes_on": "2100-01-01",
                }
                (await client.post("/api/v1/phases", json=phase, headers=operator)).raise_for_status()
                ids = []
                for code in codes:
                    body = {"region_code": code, "phase_code": phase["code"], "contacts": [CONTACT]}
                    created = await client.post("/api/v1/participants", json=body, headers=operator)
                    created.raise_for_status()
                    scores = dict.fromkeys(
                        ("fiscal_capacity", "green_city_index", "government_performance_index", "infrastructure"), 70
                    ) | {"superstructure": 70, "leadership_vision": 70, "sustainable_city_index": None}
                    pid = created.json()["id"]
                    assessed = await client.put(f"/api/v1/participants/{pid}/assessment", json=scores, headers=operator)
                    assessed.raise_for_status()
                    ids.append(pid)
                selection = await client.post(
                    f"/api/v1/phases/{phase['code']}/selection", json={"dry_run": False}, headers=operator
                )
                selection.raise_for_status()
                signing = {
                    "signed_on": "2018-05-08",
                    "venue": "Jakarta",
                    "signatures": [
                        {"participant_id": pid, "signatory_name": f"Bupati {n}", "signatory_title": "Bupati"}
                        for n, pid in enumerate(ids)
                    ],
                }
                started = time.perf_counter()
                signed = await client.post(
                    f"/api/v1/phases/{phase['code']}/mou-signings", json=signing, headers=operator
                )
                elapsed = time.perf_counter() - started
                assert signed.status_code == 201, signed.text
                timings.append(elapsed * 1000)
                print(f"round {r + 1}: {size} MoUs signed in {elapsed * 1000:.1f} ms")
        await engine.dispose()
        print(
            f"median {statistics.median(timings):.1f} ms, min {min(timings):.1f} ms, max {max(timings):.1f} ms"
            f" for {size} MoUs ({rounds} rounds{'' if audit else ', without audit'})"
        )
        return timings
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--size", type=int, default=50)
    parser.add_argument("--without-audit", action="store_true", help="the audit triggers disabled")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.size, audit=not args.without_audit))
