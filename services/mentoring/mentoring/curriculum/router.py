"""HTTP routes of the curriculum."""

from __future__ import annotations

from fastapi import APIRouter
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import Page
from smartcity_kit.problems import problem_responses

from . import service
from .schemas import StageOut

router = APIRouter(prefix="/api/v1/curriculum", tags=["curriculum"])


@router.get("", response_model=Page[StageOut], responses=problem_responses(401))
async def read_curriculum(session: SessionDep, _: CallerDep) -> Page[StageOut]:
    """The ordered stages `bimtek_1` .. `bimtek_4`, each with its required deliverable kinds."""
    stages = await service.list_stages(session)
    items = [
        StageOut(
            code=s.code,
            position=s.position,
            name=s.name,
            description=s.description,
            required_deliverables=list(s.required_deliverables),
        )
        for s in stages
    ]
    return Page[StageOut](items=items, next_cursor=None)
