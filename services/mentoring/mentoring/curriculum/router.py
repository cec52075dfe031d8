"""HTTP routes of the curriculum: read by anyone, reworded by operators without a release."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, require_if_match, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import Page
from smartcity_kit.problems import NotFound, problem_responses
from sqlalchemy.ext.asyncio import AsyncSession

from ..access import CanManageProgramme
from . import service
from .models import Stage
from .schemas import StageIn, StageOut

router = APIRouter(prefix="/api/v1/curriculum", tags=["curriculum"])

StageCode = Path(pattern=r"^[a-z0-9_]{1,32}$", examples=["bimtek_1"])


def stage_out(stage: Stage) -> StageOut:
    return StageOut(
        code=stage.code,
        position=stage.position,
        name=stage.name,
        description=stage.description,
        required_deliverables=list(stage.required_deliverables),
    )


async def stage_or_404(session: AsyncSession, code: str, *, lock: bool = False) -> Stage:
    stage = await service.get_stage(session, code, lock=lock)
    if stage is None:
        raise NotFound("No stage '{code}' in the curriculum.", code=code)
    return stage


async def path_stage(session: SessionDep, code: str = StageCode) -> Stage:
    return await stage_or_404(session, code)


async def locked_stage(session: SessionDep, code: str = StageCode) -> Stage:
    return await stage_or_404(session, code, lock=True)


# a route names the stage of its path once: `stage: PathStage` to read it, `LockedStage` to change it
PathStage = Annotated[Stage, Depends(path_stage)]
LockedStage = Annotated[Stage, Depends(locked_stage)]


@router.get("", response_model=Page[StageOut], responses=problem_responses(401))
async def read_curriculum(session: SessionDep, _: CallerDep) -> Page[StageOut]:
    """The ordered stages `bimtek_1` .. `bimtek_4`, each with its required deliverable kinds."""
    stages = await service.list_stages(session)
    return Page[StageOut](items=[stage_out(s) for s in stages], next_cursor=None)


@router.get("/{code}", response_model=StageOut, responses=problem_responses(401, 404, 422))
async def read_stage(stage: PathStage, _: CallerDep, response: Response) -> StageOut:
    out = stage_out(stage)
    set_etag(response, etag_of(out.model_dump()))
    return out


@router.put(
    "/{code}",
    response_model=StageOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
    dependencies=[CanManageProgramme],
)
async def update_stage(
    stage: LockedStage, data: StageIn, request: Request, response: Response, session: SessionDep
) -> StageOut:
    """Change a stage's name, description or required deliverables (If-Match required)."""
    require_if_match(request, etag_of(stage_out(stage).model_dump()))
    stage.name, stage.description = data.name, data.description
    stage.required_deliverables = list(data.required_deliverables)
    await session.flush()
    out = stage_out(stage)
    set_etag(response, etag_of(out.model_dump()))
    return out
