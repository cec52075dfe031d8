"""Every body that is not an upload is bounded (413 problem+json), judged before and while it is read."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import FastAPI
from smartcity_kit.bodylimit import BodyLimitMiddleware

MiB = 1024 * 1024


def chunks(total: int, size: int = 64 * 1024):
    async def generate():
        sent = 0
        while sent < total:
            piece = min(size, total - sent)
            sent += piece
            yield b" " * piece

    return generate()


def big_note(size: int) -> bytes:
    return b'{"text": "' + b"a" * (size - 12) + b'"}'


async def test_a_body_declared_past_the_limit_is_413_and_nothing_is_written(kit_client, as_role, kit_engine):
    headers = {"Content-Type": "application/json", "Idempotency-Key": "big-1", **as_role("operator")}
    response = await kit_client.post("/api/v1/notes", content=big_note(MiB + 1), headers=headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/content-too-large",
        "code": "content-too-large",
        "title": "Body too large",
        "status": 413,
        "detail": "The request body is larger than this endpoint accepts (1048576 bytes).",
    }
    async with kit_engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT count(*) FROM kit_test.notes"))).scalar_one() == 0
        # the key is free again: the same key with a body that fits is a first request, not a replay
        assert (await conn.execute(sa.text("SELECT count(*) FROM kit_test.idempotency_keys"))).scalar_one() == 0


async def test_a_body_just_within_the_limit_is_read(kit_client, as_role):
    headers = {"Content-Type": "application/json", **as_role("operator")}
    response = await kit_client.post("/api/v1/notes", content=big_note(MiB), headers=headers)
    assert response.status_code == 201


async def test_a_body_without_a_length_is_cut_while_it_streams(kit_client, as_role, kit_engine):
    headers = {"Content-Type": "application/json", **as_role("operator")}
    response = await kit_client.post("/api/v1/notes", content=chunks(8 * MiB), headers=headers)
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is larger than this endpoint accepts (1048576 bytes)."
    async with kit_engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT count(*) FROM kit_test.notes"))).scalar_one() == 0


async def test_the_body_is_bounded_whatever_its_declared_type(kit_client, as_role):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        headers = {"Content-Type": content_type, **as_role("operator")}
        response = await kit_client.patch("/api/v1/notes/1", content=chunks(2 * MiB), headers=headers)
        assert response.status_code == 413, content_type


async def test_a_route_that_streams_its_body_is_not_bounded_here(kit_client, as_role):
    response = await kit_client.post("/api/v1/notes/attachments", content=chunks(5 * MiB), headers=as_role("operator"))
    assert response.status_code == 200
    assert response.json() == {"size": 5 * MiB}


async def test_the_limit_comes_from_the_settings(kit_app: FastAPI):
    middleware = next(m for m in kit_app.user_middleware if m.cls is BodyLimitMiddleware)
    assert middleware.kwargs["max_bytes"] == MiB  # the kit's app has no settings: the default
