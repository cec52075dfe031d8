"""deploy/postgres/roles.sql on a real PostgreSQL: each service's role owns its schema and reaches no other.

Roles belong to the whole server, so the script runs inside one transaction that is rolled back.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import asyncpg
import pytest
from smartcity_dev.deployment import IMAGES, REPO


def script(database: str) -> str:
    """The script as psql would send it: its variables replaced by quoted values."""
    sql = (REPO / "deploy/postgres/roles.sql").read_text()
    sql = sql.replace(':"DBNAME"', f'"{database}"')
    return re.sub(r":'(\w+)_password'", lambda m: f"'test-password-of-{m.group(1)}'", sql)


async def confined(url: str) -> None:
    conn = await asyncpg.connect(url)
    transaction = conn.transaction()
    await transaction.start()
    try:
        await conn.execute(script(await conn.fetchval("SELECT current_database()")))
        for name in IMAGES:
            await conn.execute(f"SET ROLE {name}; CREATE TABLE {name}.mine (x int); INSERT INTO {name}.mine VALUES (1)")
            await conn.execute("RESET ROLE")
        for name in IMAGES:
            await conn.execute(f"SET ROLE {name}")
            for other in set(IMAGES) - {name}:
                for sql in (f"SELECT * FROM {other}.mine", f"CREATE TABLE {other}.theirs (x int)"):
                    savepoint = conn.transaction()
                    await savepoint.start()
                    with pytest.raises(asyncpg.InsufficientPrivilegeError):
                        await conn.execute(sql)
                    await savepoint.rollback()
            savepoint = conn.transaction()
            await savepoint.start()
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("CREATE TABLE public.shared (x int)")
            await savepoint.rollback()
            assert await conn.fetchval(f"SELECT count(*) FROM {name}.mine") == 1
            await conn.execute("RESET ROLE")
    finally:
        await transaction.rollback()
        await conn.close()


def test_each_role_uses_its_own_schema_and_no_other(new_database: Callable[[], str]):
    asyncio.run(confined(new_database()))
