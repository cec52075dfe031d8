"""Engine, sessions and the one transaction boundary of a request."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import sqlalchemy as sa
import structlog
from fastapi import Depends, FastAPI, Request
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from starlette.responses import Response

from . import tracing
from .audit.context import stamp_session
from .generic_problems import CONFLICT, DATABASE_UNAVAILABLE, SERVICE_BUSY, VALUE_NOT_STORABLE
from .logging import request_id_var
from .problems import language, problem_response

log = structlog.get_logger("db")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata(schema: str) -> sa.MetaData:
    return sa.MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (pgserver, operators) and use asyncpg."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


# a connection idle longer than this is pinged when checked out; one used more recently is trusted
IDLE_PING_SECONDS = 30.0


def create_engine(
    url: str, *, pool_size: int = 10, max_overflow: int = 10, pool_timeout: float = 5, echo: bool = False
) -> AsyncEngine:
    # a request that waits `pool_timeout` seconds for a connection gets 503 (busy) rather than queueing without end
    engine = create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        echo=echo,
        connect_args={"timeout": 5, "command_timeout": 30},
    )
    check_on_checkout(engine)
    tracing.instrument_engine(engine)
    return engine


def check_on_checkout(engine: AsyncEngine, idle_ping_seconds: float = IDLE_PING_SECONDS) -> None:
    """The pool heals by itself after PostgreSQL restarts, without a round trip per request.

    SQLAlchemy's `pool_pre_ping` costs three round trips on every checkout (BEGIN, a ping, ROLLBACK with
    asyncpg), more than a cheap read's own work (bench/hot_reads.md). Instead a connection is refused at
    checkout, and the pool takes another, when asyncpg saw its socket closed (a restart, a terminated
    backend: no round trip needed to know), or when it sat idle longer than `idle_ping_seconds` and a ping
    fails (a peer gone silently). A connection that breaks while in use fails its request with 503 and
    Retry-After (`install_db_error_handlers`), and SQLAlchemy then invalidates every connection of the
    pool made before it, so the next request starts on a fresh one.
    """
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @sa.event.listens_for(pool, "checkin")
    def checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(pool, "checkout")
    def checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if record.driver_connection.is_closed():
            raise DisconnectionError("the server closed the connection")
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since > idle_ping_seconds:
            try:
                dialect.do_ping(dbapi_connection)
            except Exception as exc:
                raise DisconnectionError("the connection did not answer a ping") from exc


def make_sessionmaker(engine: AsyncEngine | AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    """The one place that commits: code below only flushes."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        if request.method not in _READS:
            _stamp_actor(session, request)
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _stamp_actor(session: AsyncSession, request: Request) -> None:
    """A write's transaction names its caller and request id to the audit triggers (smartcity_kit.audit)."""
    caller = request.scope.get("state", {}).get("caller")
    stamp_session(session, caller.actor if caller is not None else "anonymous", request_id_var.get())


SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]


# SQLSTATE classes of a server that cannot take the work now: connection exception (08), insufficient resources
# (53: too many clients, out of memory or disk), operator intervention (57P01-57P03: shutting down, starting up)
UNAVAILABLE_SQLSTATES = ("08", "53", "57P01", "57P02", "57P03")


def is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
        # the asyncpg dialect wraps asyncpg's error: its own class name says little, its sqlstate and cause say it all
        sqlstate = getattr(orig, "sqlstate", None) or ""
        if sqlstate.startswith(UNAVAILABLE_SQLSTATES):
            return True
        cause = orig.__cause__ if orig is not None else None
        names = {type(orig).__name__, type(cause).__name__} if orig is not None else set()
        return (
            isinstance(orig, OSError)
            or isinstance(cause, OSError)
            or bool(
                names
                & {
                    "CannotConnectNowError",
                    "ConnectionDoesNotExistError",
                    "InterfaceError",
                    "AdminShutdownError",
                    "ConnectionFailureError",
                    "TooManyConnectionsError",
                }
            )
        )
    return isinstance(exc, (OSError, TimeoutError, ConnectionError))


def is_data_error(exc: BaseException) -> bool:
    """PostgreSQL's class 22 (data exception): a value from the request it cannot store, such as a NUL in text."""
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
    return isinstance(exc, DBAPIError) and sqlstate.startswith("22")


def install_db_error_handlers(app: FastAPI) -> None:
    async def db_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, IntegrityError):
            return problem_response(
                CONFLICT, language(request), "The change conflicts with the current state; reload and retry."
            )
        if is_connection_error(exc):
            return problem_response(
                DATABASE_UNAVAILABLE,
                language(request),
                "The database is not reachable; retry shortly.",
                headers={"Retry-After": "5"},
            )
        if is_data_error(exc):
            log.warning("value refused by the database", error=str(getattr(exc, "orig", exc)))
            return problem_response(
                VALUE_NOT_STORABLE,
                language(request),
                "The request holds a value that cannot be stored (a NUL character, a number out of range).",
            )
        raise exc

    async def os_error(request: Request, exc: Exception) -> Response:
        # asyncpg raises plain OSErrors when it cannot connect (refused, timed out, or the
        # server's unix socket gone while PostgreSQL restarts); storage raises them too
        log.warning("backing store unreachable", error=repr(exc))
        return problem_response(
            DATABASE_UNAVAILABLE,
            language(request),
            "A backing store is not reachable; retry shortly.",
            headers={"Retry-After": "5"},
        )

    async def pool_timeout(request: Request, exc: Exception) -> Response:
        # every connection of the pool stayed busy for pool_timeout: the service is saturated
        log.warning("no database connection came free in time", error=str(exc).split(" (Background")[0])
        return problem_response(
            SERVICE_BUSY, language(request), "The service is busy; retry shortly.", headers={"Retry-After": "2"}
        )

    app.add_exception_handler(DBAPIError, db_error)
    app.add_exception_handler(OSError, os_error)
    app.add_exception_handler(PoolTimeout, pool_timeout)


async def database_ready(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
        return True
    except Exception:
        return False
