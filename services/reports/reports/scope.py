"""What a report covers and who may read it: a phase, a province or one region, narrowed to the caller.

A region caller reads only its own region's figures (another region or a
province is 404, so that nothing leaks); staff, mentors and partners read
every report, the aggregates included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Query
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep, Role
from smartcity_kit.problems import NotFound

from .projections.models import Phase
from .provinces import BY_CODE, province_of


@dataclass(frozen=True, slots=True)
class Scope:
    phase_code: str | None = None
    province_code: str | None = None
    region_code: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"phase_code": self.phase_code, "province_code": self.province_code, "region_code": self.region_code}

    def where(self, table: Any) -> list[sa.ColumnElement[bool]]:
        """Conditions on a projection class with `phase_code`, `province_code`, `region_code` columns."""
        conditions = []
        if self.phase_code is not None:
            conditions.append(table.phase_code == self.phase_code)
        if self.province_code is not None:
            conditions.append(table.province_code == self.province_code)
        if self.region_code is not None:
            conditions.append(table.region_code == self.region_code)
        return conditions


async def report_scope(
    session: SessionDep,
    caller: CallerDep,
    phase_code: Annotated[
        str | None, Query(min_length=1, max_length=50, description="One phase (tahap); all when left out.")
    ] = None,
    province_code: Annotated[str | None, Query(pattern=r"^\d{2}$", description="One province, e.g. `32`.")] = None,
    region_code: Annotated[
        str | None, Query(pattern=r"^\d{2}\.\d{2}$", description="One kabupaten/kota, e.g. `32.73`.")
    ] = None,
) -> Scope:
    if caller.role == Role.REGION:
        own = caller.region_code
        if own is None:
            raise NotFound("Your credential names no region.")
        if region_code is not None and region_code != own:
            raise NotFound("No region {region_code} is visible to you.", region_code=region_code)
        if province_code is not None and province_code != province_of(own):
            raise NotFound("No province {province_code} is visible to you.", province_code=province_code)
        region_code = own
    if province_code is not None and province_code not in BY_CODE:
        raise NotFound("No province {province_code}.", province_code=province_code)
    if region_code is not None:
        if province_of(region_code) not in BY_CODE:
            raise NotFound("No region {region_code}.", region_code=region_code)
        if province_code is not None and province_of(region_code) != province_code:
            raise NotFound(
                "No region {region_code} in province {province_code}.",
                region_code=region_code,
                province_code=province_code,
            )
        province_code = province_of(region_code)
    if phase_code is not None and await session.get(Phase, phase_code) is None:
        raise NotFound("No phase {phase_code}.", phase_code=phase_code)
    return Scope(phase_code=phase_code, province_code=province_code, region_code=region_code)


ScopeDep = Annotated[Scope, Depends(report_scope)]
