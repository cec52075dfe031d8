"""The audit trail: triggers record each change and its actor, grants keep it append-only, the chain finds edits."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from smartcity_kit.audit.chain import seal, verify
from smartcity_kit.audit.cli import main as audit_cli
from smartcity_kit.audit.context import stamp_session
from smartcity_kit.audit.triggers import Audited, install_on
from smartcity_kit.db import create_engine
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

AUDITED = {
    "accounts": Audited("accounts/{id}", exclude=("password_hash",)),
    "scores": Audited("regions/{region}/scores/{year}"),
}


async def make_schema(engine: AsyncEngine, schema: str, owner: str | None = None) -> None:
    """A schema as a service's migration leaves it: two tables, audited; made by `owner` when given."""
    async with engine.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"' + (f' AUTHORIZATION "{owner}"' if owner else "")))
        if owner:
            await conn.execute(sa.text(f'SET LOCAL ROLE "{owner}"'))
        await conn.execute(
            sa.text(f'CREATE TABLE "{schema}".accounts (id int PRIMARY KEY, name text, email text, password_hash text)')
        )
        await conn.execute(
            sa.text(
                f'CREATE TABLE "{schema}".scores (region text, year int, value numeric, PRIMARY KEY (region, year))'
            )
        )
        await conn.run_sync(install_on, schema, AUDITED)


@pytest.fixture
async def audited(database_url: str) -> AsyncIterator[tuple[AsyncEngine, str]]:
    schema = f"audit_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    await make_schema(engine, schema)
    yield engine, schema
    async with engine.begin() as conn:
        await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    await engine.dispose()


async def entries(engine: AsyncEngine, schema: str) -> list[tuple[str, str, str | None, str, dict[str, object]]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                f'SELECT actor, action, request_id, resource, before, after FROM "{schema}".audit_entries ORDER BY id'
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_every_change_is_recorded_with_its_fields_before_and_after(audited):
    engine, schema = audited
    async with AsyncSession(engine) as session:
        stamp_session(session, "operator:ops@kominfo.go.id", "req-1")
        await session.execute(
            sa.text(f"INSERT INTO \"{schema}\".accounts VALUES (1, 'Budi', 'b@x.id', 'h1'), (2, 'Sari', NULL, 'h2')")
        )
        await session.commit()
    async with AsyncSession(engine) as session:
        stamp_session(session, "admin:root", "req-2")
        # one statement, two rows: one changes name and secret, the other only its secret (recorded as nothing)
        await session.execute(
            sa.text(
                f"UPDATE \"{schema}\".accounts SET name = CASE id WHEN 1 THEN 'Budi S.' ELSE name END, "
                "password_hash = 'h3'"
            )
        )
        await session.execute(sa.text(f'DELETE FROM "{schema}".accounts WHERE id = 2'))
        await session.commit()
    async with engine.begin() as conn:  # no request: a job or a feed consumer
        await conn.execute(sa.text(f"INSERT INTO \"{schema}\".scores VALUES ('32.73', 2026, 80.5)"))
    assert await entries(engine, schema) == [
        (
            "operator:ops@kominfo.go.id",
            "insert",
            "req-1",
            "accounts/1",
            None,
            {"id": 1, "name": "Budi", "email": "b@x.id"},
        ),
        ("operator:ops@kominfo.go.id", "insert", "req-1", "accounts/2", None, {"id": 2, "name": "Sari"}),
        ("admin:root", "update", "req-2", "accounts/1", {"name": "Budi"}, {"name": "Budi S."}),
        ("admin:root", "delete", "req-2", "accounts/2", {"id": 2, "name": "Sari"}, None),
        ("system", "insert", None, "regions/32.73/scores/2026", None, {"region": "32.73", "year": 2026, "value": 80.5}),
    ]


async def test_the_owning_role_may_add_and_read_entries_but_not_change_them(database_url):
    role = f"svc_{uuid.uuid4().hex[:8]}"
    schema = f"audit_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f'CREATE ROLE "{role}" NOLOGIN'))
        await conn.execute(sa.text(f'GRANT "{role}" TO CURRENT_USER'))  # needed for SET ROLE by a non-superuser
    try:
        await make_schema(engine, schema, owner=role)  # the migration runs as the service's role, as in deploy
        async with engine.begin() as conn:
            await conn.execute(sa.text(f'SET LOCAL ROLE "{role}"'))
            await conn.execute(sa.text(f"INSERT INTO \"{schema}\".accounts (id, name) VALUES (1, 'Budi')"))
            assert (await conn.execute(sa.text(f'SELECT count(*) FROM "{schema}".audit_entries'))).scalar() == 1
        async with engine.begin() as conn:
            await conn.execute(sa.text(f'SET LOCAL ROLE "{role}"'))
            assert await seal(conn, schema) == 1
        for statement in (
            f"UPDATE \"{schema}\".audit_entries SET actor = 'nobody'",
            f'DELETE FROM "{schema}".audit_entries',
            f'TRUNCATE "{schema}".audit_entries',
            f"UPDATE \"{schema}\".audit_seals SET hash = '\\x00'",
            f'DELETE FROM "{schema}".audit_seals',
        ):
            async with engine.connect() as conn:
                await conn.execute(sa.text(f'SET ROLE "{role}"'))
                with pytest.raises(ProgrammingError, match="permission denied"):
                    await conn.execute(sa.text(statement))
                await conn.rollback()
                await conn.execute(sa.text("RESET ROLE"))
    finally:
        async with engine.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await conn.execute(sa.text(f'DROP ROLE "{role}"'))
        await engine.dispose()


async def test_the_chain_follows_commit_order_and_finds_a_deleted_and_an_edited_entry(audited, database_url):
    engine, schema = audited
    early = await engine.connect()
    await early.begin()
    await early.execute(sa.text(f"INSERT INTO \"{schema}\".accounts (id, name) VALUES (1, 'first, committed last')"))
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"INSERT INTO \"{schema}\".accounts (id, name) VALUES (2, 'second')"))
    async with engine.begin() as conn:  # the second waits for the first, still running, to end
        assert await seal(conn, schema) == 0
    await early.commit()
    await early.close()
    async with engine.begin() as conn:
        for n in range(3, 7):
            await conn.execute(sa.text(f"INSERT INTO \"{schema}\".accounts (id, name) VALUES ({n}, 'n{n}')"))
    async with engine.begin() as conn:
        assert await seal(conn, schema) == 6
        assert await seal(conn, schema) == 0
        sealed = (await conn.execute(sa.text(f'SELECT entry_id FROM "{schema}".audit_seals ORDER BY position'))).all()
        assert [r[0] for r in sealed] == [1, 2, 3, 4, 5, 6]
        verdict = await verify(conn, schema)
        assert (verdict.intact, verdict.sealed, verdict.unsealed) == (True, 6, 0)

    # what a superuser may still do, and what verify then says
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"UPDATE \"{schema}\".audit_entries SET actor = 'someone:else' WHERE id = 2"))
        await conn.execute(sa.text(f'DELETE FROM "{schema}".audit_entries WHERE id = 4'))
        await conn.execute(sa.text(f'DELETE FROM "{schema}".audit_entries WHERE id = 5'))
        await conn.execute(sa.text(f'DELETE FROM "{schema}".audit_seals WHERE entry_id = 5'))
        verdict = await verify(conn, schema)
    assert verdict.problems == [
        "entry 2 (seal 2) was changed after it was sealed",
        "entry 4 (seal 4) is missing: it was deleted",
        "seal 6 (entry 6) does not follow the seal before it: a sealed entry was removed with its seal",
    ]
    # the command, as an operator runs it
    command = [str(Path(sys.executable).with_name("smartcity-audit")), "verify", "--schema", schema]
    done = await asyncio.to_thread(
        subprocess.run, command, env={**os.environ, "DATABASE_URL": database_url}, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        f"{schema}: BROKEN, 5 sealed, 0 not yet sealed",
        "  entry 2 (seal 2) was changed after it was sealed",
        "  entry 4 (seal 4) is missing: it was deleted",
        "  seal 6 (entry 6) does not follow the seal before it: a sealed entry was removed with its seal",
    ]


def test_purge_deletes_nothing_without_a_retention(monkeypatch, capsys):
    monkeypatch.delenv("SMARTCITY_AUDIT_RETENTION_DAYS", raising=False)
    with pytest.raises(SystemExit) as exit_:
        audit_cli(["purge", "--database-url", "postgresql://nowhere/none"])
    assert exit_.value.code == 2
    assert "nothing purged" in capsys.readouterr().err


async def test_a_write_request_names_its_caller_and_admins_read_it(kit_client, as_role):
    created = await kit_client.post(
        "/api/v1/notes",
        json={"text": "=1+1"},
        headers={**as_role("operator", subject="ops@kominfo.go.id"), "x-request-id": "r-1"},
    )
    assert created.status_code == 201
    await kit_client.post(
        "/api/v1/notes", json={"text": "two"}, headers=as_role("operator", subject="other@kominfo.go.id")
    )
    assert (await kit_client.get("/api/v1/audit/kit", headers=as_role("operator"))).status_code == 403
    page = await kit_client.get(
        "/api/v1/audit/kit", params={"actor": "operator:ops@kominfo.go.id"}, headers=as_role("admin")
    )
    assert page.status_code == 200
    [entry] = page.json()["items"]
    assert {k: entry[k] for k in ("id", "actor", "request_id", "action", "resource", "changes")} == {
        "id": 1,
        "actor": "operator:ops@kominfo.go.id",
        "request_id": "r-1",
        "action": "insert",
        "resource": "notes/1",
        "changes": {
            "id": {"before": None, "after": 1},
            "text": {"before": None, "after": "=1+1"},
            "version": {"before": None, "after": 1},
        },
    }
    first = (await kit_client.get("/api/v1/audit/kit", params={"limit": 1}, headers=as_role("admin"))).json()
    rest = await kit_client.get(
        "/api/v1/audit/kit", params={"limit": 1, "cursor": first["next_cursor"]}, headers=as_role("admin")
    )
    assert [e["resource"] for e in first["items"] + rest.json()["items"]] == ["notes/1", "notes/2"]
    assert rest.json()["next_cursor"] is None
    by_resource = await kit_client.get("/api/v1/audit/kit", params={"resource": "notes/2"}, headers=as_role("admin"))
    assert [e["actor"] for e in by_resource.json()["items"]] == ["operator:other@kominfo.go.id"]
    naive = await kit_client.get("/api/v1/audit/kit", params={"from": "2026-01-01T00:00:00"}, headers=as_role("admin"))
    assert naive.status_code == 422
    later = await kit_client.get("/api/v1/audit/kit", params={"from": "2999-01-01T00:00:00Z"}, headers=as_role("admin"))
    assert later.json() == {"items": [], "next_cursor": None}

    csv_ = await kit_client.get("/api/v1/audit/kit", params={"format": "csv"}, headers=as_role("admin"))
    assert csv_.headers["content-type"] == "text/csv; charset=utf-8"
    lines = csv_.text.splitlines()
    assert lines[0] == "id,at,actor,request_id,action,resource,changes"
    assert [line.split(",")[2:6] for line in lines[1:]] == [
        ["operator:ops@kominfo.go.id", "r-1", "insert", "notes/1"],
        ["operator:other@kominfo.go.id", lines[2].split(",")[3], "insert", "notes/2"],
    ]
    # a value a spreadsheet would run stays text inside the JSON cell
    assert '""text"":{""before"":null,""after"":""=1+1""}' in lines[1]


async def test_an_auditor_reads_every_trail_and_feed_and_writes_nothing(kit_client, as_role):
    assert (
        await kit_client.get("/api/v1/audit/kit", headers=as_role("auditor", subject="bpk@bpk.go.id"))
    ).status_code == 200
    assert (await kit_client.get("/api/v1/events/kit", headers=as_role("auditor"))).status_code == 200
    refused = await kit_client.post("/api/v1/notes", json={"text": "x"}, headers=as_role("auditor"))
    assert refused.status_code == 403
    assert (await kit_client.get("/api/v1/audit/kit", headers=as_role("admin"))).json()["items"] == []
