"""Who acts, for the audit triggers: two transaction-local settings made when a session's transaction begins."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

_STAMP = sa.text("SELECT set_config('smartcity.actor', :actor, true), set_config('smartcity.request_id', :rid, true)")


def stamp_session(session: AsyncSession, actor: str, request_id: str | None) -> None:
    """Every transaction `session` begins records `actor` and `request_id` in the audit entries it causes."""

    def stamp(_session: Any, _transaction: Any, connection: Any) -> None:
        connection.execute(_STAMP, {"actor": actor, "rid": request_id or ""})

    event.listen(session.sync_session, "after_begin", stamp)
