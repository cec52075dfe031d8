"""The reference for the request path: what serving `GET /api/v1/regions?limit=50` needs and nothing more.

    DATABASE_URL=postgresql://... .venv/bin/python bench/minimal_app.py --port 8099

A Starlette route, an asyncpg pool, the participants service's own SQL for the
page (the same columns, order and limit + 1), the same JSON document (items and
next_cursor) as orjson bytes, served by uvicorn with uvloop and httptools. No
identity, logging, metrics or validation: bench/gateway_overhead.py reports
every figure as a ratio to this app measured in the same run, so the figures
mean the same on any machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import orjson
import uvicorn
from smartcity_kit.pagination import encode_cursor
from smartcity_vocabulary import TimeZone
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# the statement SQLAlchemy emits for the service's list (the ORM selects every column)
SQL = (
    "SELECT participants.regions.code, participants.regions.name, participants.regions.level, "
    "participants.regions.kind, participants.regions.province_code, participants.regions.province_name, "
    "participants.regions.time_zone, participants.regions.population_male, "
    "participants.regions.population_female, participants.regions.population, participants.regions.area_km2, "
    "participants.regions.updated_at FROM participants.regions ORDER BY participants.regions.code LIMIT $1::INTEGER"
)
ABBREVIATION = {zone.value: zone.name for zone in TimeZone}


def decimal_as_string(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)  # as pydantic writes a Decimal in JSON
    raise TypeError


def region(row: asyncpg.Record) -> dict[str, object]:
    return {
        "code": row["code"],
        "name": row["name"],
        "level": row["level"],
        "kind": row["kind"],
        "province_code": row["province_code"],
        "province_name": row["province_name"],
        "time_zone": row["time_zone"],
        "time_zone_abbreviation": ABBREVIATION[row["time_zone"]],
        "population_male": row["population_male"],
        "population_female": row["population_female"],
        "population": row["population"],
        "area_km2": row["area_km2"],
    }


async def list_regions(request: Request) -> Response:
    limit = int(request.query_params.get("limit", "50"))
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(SQL, limit + 1)
    next_cursor = encode_cursor([rows[limit - 1]["code"]]) if len(rows) > limit else None
    page = {"items": [region(row) for row in rows[:limit]], "next_cursor": next_cursor}
    return Response(orjson.dumps(page, default=decimal_as_string), media_type="application/json")


async def healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


def create_app(database_url: str) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(database_url, min_size=1, max_size=10)
        yield
        await app.state.pool.close()

    routes = [Route("/api/v1/regions", list_regions), Route("/healthz", healthz)]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(os.environ["DATABASE_URL"])
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, loop="uvloop", http="httptools", log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
