"""Who sees which region: a region its own, a mentor the regions of the tracks assigned to it, staff and partners all.

Partners read every region, but of reports only what was accepted (reports/access.py
narrows that). Out of scope is 404, as everywhere on the platform: existence does not leak.
"""

from __future__ import annotations

import contextlib
import uuid

import sqlalchemy as sa
from smartcity_kit.identity import SERVICE, Caller, Role, require_roles
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from .portfolio.models import RegionMentor

# who may do what, named once; a route names its permission, and the gateway's table says the same
# (tests/test_permissions.py)
CanManageProgramme = require_roles(Role.ADMIN, Role.OPERATOR)
# a region for its own region (the route checks which), or staff for any
OwnRegionOrStaff = require_roles(Role.ADMIN, Role.OPERATOR, Role.REGION)
# a mentor for the regions it mentors (the route checks which), or staff for any
AssignedMentorOrStaff = require_roles(Role.ADMIN, Role.OPERATOR, Role.MENTOR)
# a partner ministry's key, for the index its ministry publishes (the route checks which)
PartnerMinistry = require_roles(Role.PARTNER)

READERS_OF_ALL = (Role.ADMIN, Role.OPERATOR, Role.PARTNER, Role.AUDITOR, SERVICE)


def mentor_match(caller: Caller) -> sa.ColumnElement[bool]:
    """The region_mentors rows that stand for a `mentor` caller: its token subject is the mentor's id or e-mail."""
    condition = sa.func.lower(RegionMentor.mentor_email) == caller.subject.lower()
    with contextlib.suppress(ValueError):  # a subject that is not a UUID is an e-mail
        condition = sa.or_(condition, RegionMentor.mentor_id == uuid.UUID(caller.subject))
    return condition


def mentored_regions(caller: Caller) -> sa.Select[str]:
    return sa.select(RegionMentor.region_code).where(mentor_match(caller))


def region_scope(caller: Caller, column: sa.ColumnElement[str] | QueryableAttribute[str]) -> sa.ColumnElement[bool]:
    """A condition on `column` (a region code) true for the regions `caller` may see."""
    if caller.role in READERS_OF_ALL:
        return sa.true()
    if caller.role == Role.REGION and caller.region_code:
        return column == caller.region_code
    if caller.role == Role.MENTOR:
        return column.in_(mentored_regions(caller))
    return sa.false()


async def sees_region(session: AsyncSession, caller: Caller, region_code: str) -> bool:
    if caller.role in READERS_OF_ALL:
        return True
    if caller.role == Role.REGION:
        return caller.region_code == region_code
    if caller.role == Role.MENTOR:
        stmt = sa.select(sa.literal(True)).where(mentor_match(caller), RegionMentor.region_code == region_code)
        return bool((await session.execute(stmt.limit(1))).scalar())
    return False


def may_write_for(caller: Caller, region_code: str) -> bool:
    """Writing a region's data (indicators, reports): the region itself, or an operator for it."""
    return caller.is_staff or (caller.role == Role.REGION and caller.region_code == region_code)
