"""POST /phases/{code}/mou-signings."""

from __future__ import annotations

from fastapi import APIRouter
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep
from smartcity_kit.problems import problem_responses

from ..access import CanManageProgramme
from ..phases.router import PhaseCodePath
from ..problems import NOT_OF_PHASE, NOT_SELECTED, SIGNED_IN_FUTURE
from . import service
from .schemas import SigningIn, SigningOut

router = APIRouter(prefix="/api/v1/phases", tags=["mou"])


@router.post(
    "/{code}/mou-signings",
    status_code=201,
    response_model=SigningOut,
    responses=problem_responses(401, 403, 404, 409, 422, NOT_SELECTED, NOT_OF_PHASE, SIGNED_IN_FUTURE),
    dependencies=[CanManageProgramme],
)
async def sign_mous(code: PhaseCodePath, data: SigningIn, session: SessionDep, caller: CallerDep) -> SigningOut:
    """Record one signing day: all or nothing; each participant must be `selected` in this phase."""
    return await service.sign(session, code, data, caller)
