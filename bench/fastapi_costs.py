"""What FastAPI's own request path costs, piece by piece, in process (no server, no database).

    .venv/bin/python bench/fastapi_costs.py [--requests 3000]

Each line is the CPU per request (the best of three runs) of one small app called
straight through ASGI, beside a bare Starlette route: a FastAPI route that does
nothing, then the same with one `async def` dependency, a plain `def` one (run in
FastAPI's thread pool), an async generator dependency (what the kit's session
dependency is), the six query parameters of the regions list, and the regions
page of 50 rows returned as the response model (validated and dumped by pydantic)
against the same page's bytes from orjson. It says which part of a service's
request path is the framework's and what each convention costs
(bench/hot_reads.md, "the kit's request path").
"""

from __future__ import annotations

import argparse
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated, Any, Literal

import orjson
import uvloop
from fastapi import Depends, FastAPI, Query
from participants.regions.schemas import RegionOut
from pydantic import TypeAdapter
from smartcity_kit.pagination import Page
from smartcity_vocabulary import TimeZone
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message


def page_of_regions() -> Page[RegionOut]:
    return Page[RegionOut](
        items=[
            RegionOut(
                code=f"{11 + i // 10}.{i % 100:02d}",
                name=f"Kabupaten Contoh {i}",
                level="regency_city",
                kind="kabupaten",
                province_code=f"{11 + i // 10}",
                province_name=f"Provinsi {i // 10}",
                time_zone=TimeZone("Asia/Jakarta"),
                time_zone_abbreviation="WIB",
                population_male=100_000 + i,
                population_female=101_000 + i,
                population=201_000 + 2 * i,
                area_km2=Decimal("1234.56"),
            )
            for i in range(50)
        ],
        next_cursor="WyIzMi43MyJd",
    )


async def call(app: ASGIApp, path: str, query: bytes = b"") -> None:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"bench")],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8001),
        "state": {},
    }
    status = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    assert status == [200], (path, status)


async def cost(app: ASGIApp, path: str, requests: int, query: bytes = b"") -> float:
    """CPU microseconds per request, the best of three runs."""
    for _ in range(300):
        await call(app, path, query)
    runs = []
    for _ in range(3):
        started = time.process_time()
        for _ in range(requests):
            await call(app, path, query)
        runs.append((time.process_time() - started) / requests * 1e6)
    return min(runs)


def timed(function: Any, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        function()
    return (time.process_time() - started) / requests * 1e6


async def async_dependency() -> int:
    return 1


def sync_dependency() -> int:
    return 1


async def generator_dependency() -> AsyncIterator[int]:
    yield 1


def build(page: Page[RegionOut]) -> FastAPI:
    app = FastAPI()

    @app.get("/nothing")
    async def nothing() -> None:
        return None

    @app.get("/async")
    async def with_async(_: Annotated[int, Depends(async_dependency)]) -> None:
        return None

    @app.get("/sync")
    async def with_sync(_: Annotated[int, Depends(sync_dependency)]) -> None:
        return None

    @app.get("/generator")
    async def with_generator(_: Annotated[int, Depends(generator_dependency, scope="function")]) -> None:
        return None

    @app.get("/query")
    async def with_query(
        q: Annotated[str | None, Query(max_length=100)] = None,
        province_code: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
        kind: Literal["provinsi", "kabupaten", "kota"] | None = None,
        level: Literal["province", "regency_city"] | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
    ) -> None:
        return None

    @app.get("/page", response_model=Page[RegionOut])
    async def model_page() -> Page[RegionOut]:
        return page

    body = orjson.dumps(page.model_dump(mode="json"))

    @app.get("/bytes")
    async def bytes_page() -> Response:
        return Response(body, media_type="application/json")

    return app


async def main(requests: int) -> None:
    page = page_of_regions()
    app = build(page)

    async def bare(request: Request) -> Response:
        return Response(b"null", media_type="application/json")

    starlette = Starlette(routes=[Route("/nothing", bare)])
    rows = [
        ("a bare Starlette route", await cost(starlette, "/nothing", requests)),
        ("a FastAPI route that does nothing", await cost(app, "/nothing", requests)),
        ("+ one async def dependency", await cost(app, "/async", requests)),
        ("+ one plain def dependency (thread pool)", await cost(app, "/sync", requests)),
        ("+ one async generator dependency", await cost(app, "/generator", requests)),
        ("+ the regions list's 6 query parameters", await cost(app, "/query", requests, b"limit=50")),
        ("the 50-row page as response model", await cost(app, "/page", requests)),
        ("the same page as orjson bytes", await cost(app, "/bytes", requests)),
    ]
    adapter = TypeAdapter(Page[RegionOut])
    as_dict = page.model_dump(mode="json")
    rows += [
        ("  of which: the page validated again (an instance)", timed(lambda: adapter.validate_python(page), requests)),
        ("  of which: pydantic's dump_json of the page", timed(lambda: adapter.dump_json(page), requests)),
        ("  beside: orjson.dumps of the same page as dicts", timed(lambda: orjson.dumps(as_dict), requests)),
    ]
    print("| what | CPU us per request |\n| --- | ---: |")
    for name, micros in rows:
        print(f"| {name} | {micros:.1f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    uvloop.run(main(parser.parse_args().requests))
