"""Engine, sessions and the one transaction boundary of a request."""

from __future__ import annotations

import json
import time
import weakref
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
import sqlalchemy as sa
import structlog
from fastapi import Depends, FastAPI, Request
from sqlalchemy.engine import ExceptionContext
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
        json_deserializer=json_loads,
    )
    check_on_checkout(engine)
    drop_connections_left_mid_statement(engine)
    tracing.instrument_engine(engine)
    return engine


# 19 digits in a row may be an integer beyond 64 bits, which orjson reads as a float and json exactly; found by
# mapping every digit to 0 and every other byte to a space (bytes.translate: a regex costs more than the parse)
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_NUMBER = b"0" * 19


def json_loads(text: str) -> Any:
    """A json or jsonb value as Python, as `json.loads` reads it: orjson where it reads the same (a feed page
    decodes a hundred events' data; 2.8 against 7 us an event), json for a long number or what orjson refuses."""
    raw = text.encode()
    if _LONG_NUMBER not in raw.translate(_DIGITS):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


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


def drop_connections_left_mid_statement(engine: AsyncEngine) -> None:
    """A connection on which asyncpg refused a statement's parameters itself is closed, not pooled again.

    asyncpg prepares a statement (Parse, Describe, Flush) before it encodes the parameters; when it refuses one
    (a number beyond int32, a value of the wrong type) it sends neither the Bind nor the Sync. PostgreSQL then
    holds the implicit transaction the Parse began, with its locks, until that connection's next statement:
    inside a transaction the rollback ends it, but a read runs without one (`_session`), and an idle pooled
    connection would keep a lock that a TRUNCATE or a migration waits on. Only this connection is dropped (a
    reconnect on a request that sent a value the database cannot take); the rest of the pool stays.
    """

    @sa.event.listens_for(engine.sync_engine, "handle_error")
    def refused_by_driver(context: ExceptionContext) -> None:
        error = context.original_exception
        driver_error = error.__cause__ if error.__cause__ is not None else error
        # a server's error carries its severity, and asyncpg has sent the Sync after it: the connection is sound
        if type(driver_error).__module__.startswith("asyncpg") and not getattr(driver_error, "severity", None):
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False


def row_dicts(result: sa.Result[Any]) -> list[dict[str, Any]]:
    """The rows of a Core select as plain dicts, for one `model_validate` of a page: pydantic validates a dict
    three times faster than SQLAlchemy's RowMapping (a Mapping it walks through Python), 50 regions 96 against
    340 us (bench/hot_reads.md)."""
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


def make_sessionmaker(engine: AsyncEngine | AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    """The one place that commits: code below only flushes.

    A read (GET, HEAD, OPTIONS) runs each statement on its own (AUTOCOMMIT): no BEGIN and COMMIT round trips
    around its statements, two of the three on a one-query read. Under READ COMMITTED every statement takes a
    snapshot of its own either way, so a read sees what it saw in a transaction; a route that writes is no
    read. A session bound to a connection (a test's, rolled back after it) reads in its transaction as before.
    """
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    reads = request.method in _READS
    bind = sessionmaker.kw.get("bind")
    if reads and isinstance(bind, AsyncEngine):
        async with sessionmaker(bind=_autocommit(bind)) as session:
            yield session
        return
    async with sessionmaker() as session:
        if not reads:
            _stamp_actor(session, request)
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_AUTOCOMMIT: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    """`engine` with every statement on its own; the same pool (the level is set and reset without a round trip)."""
    reading = _AUTOCOMMIT.get(engine)
    if reading is None:
        reading = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return reading


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
        # before the connection check: a value asyncpg refused itself also drops its connection (is_disconnect)
        if is_data_error(exc):
            log.warning("value refused by the database", error=str(getattr(exc, "orig", exc)))
            return problem_response(
                VALUE_NOT_STORABLE,
                language(request),
                "The request holds a value that cannot be stored (a NUL character, a number out of range).",
            )
        if is_connection_error(exc):
            return problem_response(
                DATABASE_UNAVAILABLE,
                language(request),
                "The database is not reachable; retry shortly.",
                headers={"Retry-After": "5"},
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
