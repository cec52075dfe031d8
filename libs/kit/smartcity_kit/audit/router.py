"""`GET /api/v1/audit/{service}`: the service's audit entries for admins and auditors, as JSON pages or CSV."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Literal

import orjson
import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from ..db import SessionDep
from ..generic_problems import INVALID_CURSOR
from ..identity import Role, require_roles
from ..pagination import CursorQuery, LimitQuery, Page, decode_cursor, encode_cursor, invalid_cursor
from ..problems import Unprocessable, problem_responses
from ..problemtypes import FieldError

# who reads the audit trail; the gateway's policy says the same
AUDIT_READERS = require_roles(Role.ADMIN, Role.AUDITOR)
CSV_COLUMNS = ("id", "at", "actor", "request_id", "action", "resource", "changes")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    request_id: str | None
    action: Literal["insert", "update", "delete"]
    resource: str
    changes: dict[str, Any]


def changes_of(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """{"field": {"before", "after"}} for every field either side names."""
    before, after = before or {}, after or {}
    return {k: {"before": before.get(k), "after": after.get(k)} for k in {**before, **after}}


def entry_of(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        request_id=row.request_id,
        action=row.action,
        resource=row.resource,
        changes=changes_of(row.before, row.after),
    )


def _cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    # what a spreadsheet would run is shown as text (OWASP's CSV injection advice)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def audit_router(service: str, entries: sa.Table) -> APIRouter:
    router = APIRouter(tags=["audit"])

    def filtered(
        resource: str | None, actor: str | None, request_id: str | None, since: datetime | None, until: datetime | None
    ) -> sa.Select[Any]:
        stmt = sa.select(entries)
        if resource is not None:  # a resource and everything under it: participants/<id> takes .../history too
            stmt = stmt.where(
                sa.or_(entries.c.resource == resource, entries.c.resource.startswith(resource + "/", autoescape=True))
            )
        if actor is not None:
            stmt = stmt.where(entries.c.actor == actor)
        if request_id is not None:
            stmt = stmt.where(entries.c.request_id == request_id)
        if since is not None:
            stmt = stmt.where(entries.c.at >= since)
        if until is not None:
            stmt = stmt.where(entries.c.at < until)
        return stmt

    @router.get(
        "/api/v1/audit/{service}",
        response_model=Page[AuditEntry],
        summary=f"Read the {service} audit trail: who changed what, when, from what to what",
        responses={
            **problem_responses(401, 403, 422, INVALID_CURSOR),
            200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        },
        dependencies=[AUDIT_READERS],
    )
    async def read_audit(
        service: Literal[service],  # type: ignore[valid-type]
        session: SessionDep,
        request: Request,
        resource: str | None = Query(None, max_length=500, description="A resource and everything under it."),
        actor: str | None = Query(None, max_length=500, description="`role:subject`, as entries name it."),
        request_id: str | None = Query(None, max_length=200),
        since: datetime | None = Query(None, alias="from", description="Entries at or after this time."),
        until: datetime | None = Query(None, alias="to", description="Entries before this time."),
        format_: Literal["json", "csv"] = Query(
            "json", alias="format", description="`csv`: every matching entry, one per row."
        ),
        limit: LimitQuery = 50,
        cursor: CursorQuery = None,
    ) -> Any:
        for name, moment in (("from", since), ("to", until)):
            if moment is not None and moment.tzinfo is None:
                raise Unprocessable(
                    "A time needs its offset.",
                    errors=[FieldError(name, "offset_required", "Needs an offset, such as +07:00.")],
                )
        stmt = filtered(resource, actor, request_id, since, until)
        if format_ == "csv":
            return StreamingResponse(
                _csv(request.app.state.engine, stmt.order_by(entries.c.id)),
                media_type="text/csv; charset=utf-8",
                headers={"content-disposition": f'attachment; filename="audit-{service}.csv"'},
            )
        if cursor:
            (after,) = decode_cursor(cursor, 1)
            if not isinstance(after, int):
                raise invalid_cursor("cursor")
            stmt = stmt.where(entries.c.id > after)
        rows = (await session.execute(stmt.order_by(entries.c.id).limit(limit + 1))).all()
        next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
        return Page[AuditEntry](
            items=[entry_of(row) for row in rows[:limit]],
            next_cursor=next_cursor,
        )

    return router


async def _csv(engine: Any, stmt: sa.Select[Any]) -> AsyncIterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield out.getvalue().encode()
    out.seek(0)
    out.truncate()
    async with engine.connect() as conn:
        result = await conn.stream(stmt.execution_options(yield_per=500))
        async for rows in result.partitions():
            for row in rows:
                entry = entry_of(row)
                writer.writerow(
                    [
                        _cell(orjson.dumps(entry.changes).decode()) if c == "changes" else _cell(getattr(entry, c))
                        for c in CSV_COLUMNS
                    ]
                )
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
