"""`smartcity-audit verify|seal|purge`: the audit chains of every service schema in one database.

    smartcity-audit verify [--schema participants]     # exit 1 naming every break
    smartcity-audit seal [--schema ...]                # seal what is waiting (the services do it by themselves)
    smartcity-audit purge --retention-days 3650        # or SMARTCITY_AUDIT_RETENTION_DAYS; unset: nothing deleted

The database is `--database-url` or `DATABASE_URL`. Purging needs a role that
may delete audit entries (the services' roles may not): the database owner.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ..db import create_engine
from .chain import purge, seal, verify
from .tables import ENTRIES, SEALS

RETENTION_ENV = "SMARTCITY_AUDIT_RETENTION_DAYS"


async def audited_schemas(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = :seals "
                "AND table_schema IN (SELECT table_schema FROM information_schema.tables WHERE table_name = :entries) "
                "ORDER BY 1"
            ),
            {"seals": SEALS, "entries": ENTRIES},
        )
        return [r[0] for r in rows]


async def run(args: argparse.Namespace) -> int:
    engine = create_engine(args.database_url, pool_size=1, max_overflow=0)
    status = 0
    try:
        schemas = args.schema or await audited_schemas(engine)
        if not schemas:
            print("no audited schema in this database", file=sys.stderr)
            return 1
        for schema in schemas:
            if args.command == "verify":
                async with engine.begin() as conn:
                    verdict = await verify(conn, schema)
                state = "intact" if verdict.intact else "BROKEN"
                print(f"{schema}: {state}, {verdict.sealed} sealed, {verdict.unsealed} not yet sealed")
                for problem in verdict.problems:
                    print(f"  {problem}")
                status = status or (0 if verdict.intact else 1)
            elif args.command == "seal":
                total = 0
                while True:
                    async with engine.begin() as conn:
                        sealed = await seal(conn, schema)
                    total += sealed
                    if sealed == 0:
                        break
                print(f"{schema}: {total} sealed")
            else:
                before = datetime.now(UTC) - timedelta(days=args.retention_days)
                async with engine.begin() as conn:
                    gone = await purge(conn, schema, before)
                print(f"{schema}: {gone} entries before {before.isoformat()} purged")
    finally:
        await engine.dispose()
    return status


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="smartcity-audit", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("verify", "seal", "purge"))
    parser.add_argument("--schema", action="append", help="a service's schema (repeatable); default: every one")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    retention = os.environ.get(RETENTION_ENV)
    parser.add_argument(
        "--retention-days",
        type=int,
        default=int(retention) if retention else None,
        help=f"purge: keep this many days of entries (default {RETENTION_ENV}; unset: purge deletes nothing)",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url or DATABASE_URL is needed")
    if args.command == "purge" and (args.retention_days is None or args.retention_days < 1):
        print(f"no retention set ({RETENTION_ENV} or --retention-days, at least 1): nothing purged", file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(run(args)))
