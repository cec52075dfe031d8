"""POST /phases/{code}/selection."""

from __future__ import annotations

from fastapi import APIRouter
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep
from smartcity_kit.problems import problem_responses

from ..access import CanManageProgramme
from ..phases.router import PhaseCodePath
from ..problems import NOTHING_TO_SELECT, STATUS_TRANSITION_NOT_ALLOWED
from . import service
from .schemas import SelectionIn, SelectionOut

router = APIRouter(prefix="/api/v1/phases", tags=["selection"])


@router.post(
    "/{code}/selection",
    response_model=SelectionOut,
    responses=problem_responses(401, 403, 404, 409, 422, NOTHING_TO_SELECT, STATUS_TRANSITION_NOT_ALLOWED),
    dependencies=[CanManageProgramme],
)
async def run_selection(code: PhaseCodePath, data: SelectionIn, session: SessionDep, caller: CallerDep) -> SelectionOut:
    """Rank the phase's assessed participants and select up to the quota left; `dry_run` only reports."""
    return await service.run_selection(session, code, dry_run=data.dry_run, caller=caller)
