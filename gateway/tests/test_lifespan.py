"""The gateway's resources: opened by one lifespan, kept on the local app's state, all closed at its end."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from gateway.main import Gateway
from gateway.resources import resources_of
from sqlalchemy import text


def background_tasks() -> set[str]:
    """The tasks running now that have a name of their own (the stand-in services' connection handlers have none)."""
    return {
        task.get_name() for task in asyncio.all_tasks() if not task.done() and not task.get_name().startswith("Task-")
    }


async def test_the_lifespan_opens_what_the_gateway_holds_and_closes_all_of_it(make_settings, bearer):
    gateway = Gateway(make_settings(audit_sealer=True))
    before = background_tasks()
    async with gateway.running():
        resources = resources_of(gateway.local.state)
        assert sorted(resources.upstreams) == [
            "documents",
            "mentoring",
            "monitoring",
            "participants",
            "reports",
            "webhooks",
        ]
        assert not any(upstream.session.closed for upstream in resources.upstreams.values())
        assert resources.engine is gateway.local.state.engine
        async with resources.engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
        assert resources.auth.api_keys is resources.api_keys is not None
        assert background_tasks() - before == {"openapi-refresh", "api-key-revocations", "audit-sealer-gateway"}
    assert all(upstream.session.closed for upstream in resources.upstreams.values())
    assert background_tasks() - before == set()


async def test_without_a_database_the_gateway_runs_without_api_keys(make_settings, bearer):
    gateway = Gateway(make_settings(database_url=""))
    async with gateway.running():
        resources = resources_of(gateway.local.state)
        assert resources.engine is None
        assert resources.api_keys is None
        assert not hasattr(gateway.local.state, "sessionmaker")


def test_the_local_app_does_not_import_the_gateway_back():
    """local.py is what main.py wraps: importing it alone must not need main.py (no cycle between them)."""
    probe = "import sys, gateway.local; print('gateway.main' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
