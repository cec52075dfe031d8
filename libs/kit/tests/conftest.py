"""Kit tests: a tiny app of our own on a real PostgreSQL, with the kit's conventions installed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import EmailStr
from smartcity_kit.app import RequestContextMiddleware, install_common
from smartcity_kit.audit.router import audit_router
from smartcity_kit.audit.tables import audit_tables
from smartcity_kit.audit.triggers import Audited, install_on
from smartcity_kit.bodylimit import STREAMED_BODY
from smartcity_kit.db import SessionDep, create_engine, make_metadata
from smartcity_kit.etag import etag_of, require_if_match, set_etag
from smartcity_kit.idempotency import IdempotencyMiddleware, idempotency_table
from smartcity_kit.identity import CallerDep, IdentityMiddleware, Role, require_roles
from smartcity_kit.outbox import consumer_cursor_table, events_router, outbox_table, record_event
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import NotFound
from smartcity_kit.schemas import StrictModel
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

SECRET = "kit-test-secret-long-enough-for-hs256!"
metadata = make_metadata("kit_test")
events = outbox_table(metadata)
keys = idempotency_table(metadata)
cursors = consumer_cursor_table(metadata)
audit_entries, audit_seals = audit_tables(metadata)
notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
)


class NoteIn(StrictModel):
    text: str
    author_email: EmailStr | None = None


class NoteOut(StrictModel):
    id: int
    text: str


def build_app() -> FastAPI:
    app = FastAPI()
    install_common(app, service="kit", outbox=events)
    router = APIRouter()

    @router.post("/api/v1/notes", status_code=201, response_model=NoteOut, dependencies=[require_roles(Role.OPERATOR)])
    async def create(body: NoteIn, session: SessionDep, request: Request) -> NoteOut:
        note_id = (await session.execute(sa.insert(notes).values(text=body.text).returning(notes.c.id))).scalar_one()
        await record_event(session, events, "note.created", f"notes/{note_id}", {"id": note_id})
        if body.text == "fail-after-write":
            raise RuntimeError("boom")
        return NoteOut(id=note_id, text=body.text)

    @router.get("/api/v1/notes", response_model=Page[NoteOut])
    async def list_(session: SessionDep, _: CallerDep, limit: LimitQuery = 50, cursor: CursorQuery = None):
        rows, next_cursor = await keyset_page(
            session,
            sa.select(notes),
            keys=[notes.c.id],
            key_of=lambda r: [r],
            limit=limit,
            cursor=cursor,
            convert=[int],
        )
        return Page[NoteOut](items=[NoteOut(id=i, text="") for i in rows], next_cursor=next_cursor)

    @router.post("/api/v1/notes/import", status_code=204, dependencies=[require_roles(Role.OPERATOR)])
    async def import_notes() -> None:  # a literal path beside /notes/{note_id}: GET on it is a 405, not a 422
        return None

    @router.post("/api/v1/notes/attachments", openapi_extra=STREAMED_BODY, dependencies=[require_roles(Role.OPERATOR)])
    async def attach(request: Request) -> dict[str, int]:  # streams its body and bounds it itself (here: never)
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return {"size": size}

    @router.get("/api/v1/notes/{note_id}", response_model=NoteOut)
    async def get(note_id: int, session: SessionDep, response: Response, _: CallerDep) -> NoteOut:
        row = (await session.execute(sa.select(notes).where(notes.c.id == note_id))).first()
        if row is None:
            raise NotFound("No such note.")
        set_etag(response, etag_of([row.id, row.version]))
        return NoteOut(id=row.id, text=row.text)

    @router.patch("/api/v1/notes/{note_id}", response_model=NoteOut)
    async def patch(
        note_id: int, body: NoteIn, session: SessionDep, request: Request, response: Response, _: CallerDep
    ) -> NoteOut:
        row = (await session.execute(sa.select(notes).where(notes.c.id == note_id).with_for_update())).first()
        if row is None:
            raise NotFound("No such note.")
        require_if_match(request, etag_of([row.id, row.version]))
        await session.execute(
            sa.update(notes).where(notes.c.id == note_id).values(text=body.text, version=row.version + 1)
        )
        set_etag(response, etag_of([row.id, row.version + 1]))
        return NoteOut(id=row.id, text=body.text)

    app.include_router(router)
    app.include_router(events_router("kit", events))
    app.include_router(audit_router("kit", audit_entries))
    app.add_middleware(IdempotencyMiddleware, table=keys, state_app=app)
    app.add_middleware(IdentityMiddleware, secret=SECRET)
    app.add_middleware(RequestContextMiddleware, registry=app.state.metrics_registry, service="kit")
    return app


@pytest.fixture(scope="session")
async def kit_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE SCHEMA IF NOT EXISTS kit_test"))
        await conn.run_sync(metadata.create_all)
        await conn.run_sync(install_on, "kit_test", {"notes": Audited("notes/{id}")}, create_tables=False)
    yield engine
    await engine.dispose()


@pytest.fixture
async def kit_app(kit_engine: AsyncEngine) -> AsyncIterator[FastAPI]:
    """Committed for real (the outbox and idempotency need real transactions); tables emptied after."""
    app = build_app()
    app.state.engine = kit_engine
    app.state.sessionmaker = async_sessionmaker(kit_engine, expire_on_commit=False, class_=AsyncSession)
    yield app
    async with kit_engine.begin() as conn:
        await conn.execute(
            sa.text(
                "TRUNCATE kit_test.notes, kit_test.events, kit_test.idempotency_keys, "
                "kit_test.consumer_cursors, kit_test.audit_entries, kit_test.audit_seals RESTART IDENTITY"
            )
        )


@pytest.fixture
async def kit_client(kit_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=kit_app, raise_app_exceptions=False), base_url="http://kit"
    ) as client:
        yield client


@pytest.fixture(scope="session")
def internal_secret() -> str:
    return SECRET


@pytest.fixture
def kit_cursors() -> sa.Table:
    return cursors
