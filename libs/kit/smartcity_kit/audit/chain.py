"""The hash chain over a service's audit entries: sealing, verifying, purging.

Hashing inside every write would make all writers of a service wait on the
previous entry. Instead a sealer seals committed entries afterwards, in
(transaction id, id) order and only those of transactions older than every
running one (as the outbox's feed does), so an entry that commits late is
never passed over. Each seal holds sha256(previous seal's hash || the entry
as PostgreSQL renders it in jsonb, in UTC). Replicas take turns with an
advisory lock; the seal table refuses an entry sealed twice.

`verify` walks the seals in order and names every break: a seal whose entry
is gone (deleted), an entry whose hash differs (edited), a seal whose
previous hash is not the hash before it (a sealed entry removed with its seal).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from .tables import ENTRIES, SEALS

log = structlog.get_logger("audit")
GENESIS = bytes(32)


def link(prev_hash: bytes, rendered: str) -> bytes:
    return hashlib.sha256(prev_hash + rendered.encode()).digest()


async def _utc(conn: AsyncConnection) -> None:
    # the rendering of `at` depends on the session's time zone: seal and verify in the same one
    await conn.execute(sa.text("SET LOCAL TIME ZONE 'UTC'"))


async def seal(conn: AsyncConnection, schema: str, batch: int = 1000) -> int:
    """Seal up to `batch` entries in the caller's transaction; 0 when another replica is sealing."""
    turn = sa.text("SELECT pg_try_advisory_xact_lock(hashtextextended(:name, 0))")
    if not (await conn.execute(turn, {"name": f"audit-seal:{schema}"})).scalar():
        return 0
    await _utc(conn)
    last = (
        await conn.execute(
            sa.text(
                f'SELECT s.hash, s.entry_txid, s.entry_id FROM "{schema}".{SEALS} AS s ORDER BY s.position DESC LIMIT 1'
            )
        )
    ).first()
    prev_hash, txid, entry_id = (last.hash, last.entry_txid, last.entry_id) if last else (GENESIS, -1, -1)
    rows = (
        await conn.execute(
            sa.text(
                f'SELECT e.id, e.txid, to_jsonb(e)::text AS rendered FROM "{schema}".{ENTRIES} AS e '
                "WHERE e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint "
                "AND (e.txid, e.id) > (:txid, :id) ORDER BY e.txid, e.id LIMIT :batch"
            ),
            {"txid": txid, "id": entry_id, "batch": batch},
        )
    ).all()
    if not rows:
        return 0
    sealed = []
    for row in rows:
        digest = link(prev_hash, row.rendered)
        sealed.append({"entry_id": row.id, "entry_txid": row.txid, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    await conn.execute(
        sa.text(
            f'INSERT INTO "{schema}".{SEALS} (entry_id, entry_txid, prev_hash, hash) '
            "VALUES (:entry_id, :entry_txid, :prev_hash, :hash)"
        ),
        sealed,
    )
    return len(sealed)


@dataclass
class Verdict:
    sealed: int = 0
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


async def verify(conn: AsyncConnection, schema: str, page: int = 5000) -> Verdict:
    """Walk the whole chain of `schema`; every break is one line of the verdict's problems."""
    verdict = Verdict()
    await _utc(conn)
    expected: bytes | None = None  # the first seal starts the chain (after a purge it starts mid-way)
    position = 0
    while True:
        rows = (
            await conn.execute(
                sa.text(
                    "SELECT s.position, s.entry_id, s.prev_hash, s.hash, to_jsonb(e)::text AS rendered "
                    f'FROM "{schema}".{SEALS} AS s LEFT JOIN "{schema}".{ENTRIES} AS e ON e.id = s.entry_id '
                    "WHERE s.position > :position ORDER BY s.position LIMIT :page"
                ),
                {"position": position, "page": page},
            )
        ).all()
        for row in rows:
            verdict.sealed += 1
            if expected is not None and row.prev_hash != expected:
                verdict.problems.append(
                    f"seal {row.position} (entry {row.entry_id}) does not follow the seal before it: "
                    "a sealed entry was removed with its seal"
                )
            if row.rendered is None:
                verdict.problems.append(f"entry {row.entry_id} (seal {row.position}) is missing: it was deleted")
            elif link(row.prev_hash, row.rendered) != row.hash:
                verdict.problems.append(f"entry {row.entry_id} (seal {row.position}) was changed after it was sealed")
            expected = row.hash
            position = row.position
        if len(rows) < page:
            break
    unsealed = sa.text(
        f'SELECT count(*) FROM "{schema}".{ENTRIES} AS e '
        f'WHERE NOT EXISTS (SELECT 1 FROM "{schema}".{SEALS} AS s WHERE s.entry_id = e.id)'
    )
    verdict.unsealed = (await conn.execute(unsealed)).scalar_one()
    return verdict


async def purge(conn: AsyncConnection, schema: str, before: datetime) -> int:
    """Delete the sealed entries older than `before`, and their seals; needs a role allowed to DELETE them."""
    result = await conn.execute(
        sa.text(
            f'WITH gone AS (DELETE FROM "{schema}".{SEALS} AS s USING "{schema}".{ENTRIES} AS e '
            "WHERE e.id = s.entry_id AND e.at < :before RETURNING s.entry_id) "
            f'DELETE FROM "{schema}".{ENTRIES} WHERE id IN (SELECT entry_id FROM gone)'
        ),
        {"before": before},
    )
    return result.rowcount


class AuditSealer:
    """Seals new entries every `interval` seconds, in the background of each service process.

    It stops between two batches when asked (`close`), not by cancellation in the middle of one: a task cancelled
    inside the driver's work can be left waiting for ever.
    """

    def __init__(self, engine: AsyncEngine, schema: str, *, interval: float = 1.0, batch: int = 1000) -> None:
        self.engine, self.schema, self.interval, self.batch = engine, schema, interval, batch
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> int:
        async with self.engine.begin() as conn:
            return await seal(conn, self.schema, self.batch)

    async def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                sealed = await self.run_once()
            except Exception as exc:  # the database is away: try again later
                log.warning("audit sealer failed", schema=self.schema, error=repr(exc))
                sealed = 0
            if sealed < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run_forever(), name=f"audit-sealer-{self.schema}")

    async def close(self, grace: float = 10.0) -> None:
        if self._task is None:
            return
        self._stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


@contextlib.asynccontextmanager
async def sealing(
    engine: AsyncEngine, schema: str, *, enabled: bool = True, interval: float = 1.0
) -> AsyncIterator[None]:
    """The sealer running in the background for as long as the block (a service's lifespan) runs."""
    sealer = AuditSealer(engine, schema, interval=interval)
    if enabled:
        sealer.start()
    try:
        yield
    finally:
        await sealer.close()
