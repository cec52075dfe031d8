"""PUT /participants/{id}/assessment: the scores, the readiness score, status `assessed`."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, require_if_match, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.problems import AppError, problem_responses
from smartcity_kit.problemtypes import FieldError
from smartcity_vocabulary import ParticipantStatus

from ..access import CanManageProgramme, LockedParticipant
from ..applications.flow import change_status
from ..applications.schemas import ParticipantOut
from ..applications.service import participant_out
from ..official.fill import fill_official
from ..official.models import INDICES as OFFICIAL
from ..problems import SCORE_NOT_APPLICABLE, SCORES_MISSING, STATUS_TRANSITION_NOT_ALLOWED
from .events import assessed
from .schemas import AssessmentIn
from .scoring import readiness_score

router = APIRouter(prefix="/api/v1/participants", tags=["participants"])


@router.put(
    "/{participant_id}/assessment",
    response_model=ParticipantOut,
    responses=problem_responses(
        401, 403, 404, 409, 412, 422, 428, STATUS_TRANSITION_NOT_ALLOWED, SCORES_MISSING, SCORE_NOT_APPLICABLE
    ),
    dependencies=[CanManageProgramme],
)
async def assess(
    participant: LockedParticipant,
    data: AssessmentIn,
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
) -> ParticipantOut:
    """Record the scores; an `applied` participant becomes `assessed`, an `assessed` one is re-scored (If-Match)."""
    if participant.status not in (ParticipantStatus.APPLIED, ParticipantStatus.ASSESSED):
        raise AppError(
            STATUS_TRANSITION_NOT_ALLOWED,
            "The participant is '{current}'; only an applied or assessed participant is assessed.",
            extra={"current_status": participant.status},
            current=str(participant.status),
        )
    if participant.status == ParticipantStatus.ASSESSED:  # a re-scoring changes a score others may have read
        require_if_match(request, etag_of(participant_out(participant).model_dump(mode="json")))
    scores, sources = await fill_official(session, participant.region_code, participant.kind, data.model_dump())
    missing = [
        name
        for name in OFFICIAL
        if scores.get(name) is None and not (name == "sustainable_city_index" and participant.kind == "kabupaten")
    ]
    if missing:
        raise AppError(
            SCORES_MISSING,
            "No score given and none published for region {region}: {missing}.",
            errors=[
                FieldError(name, "required", "Give a score (0-100); no value has been published.") for name in missing
            ],
            region=participant.region_code,
            missing=", ".join(missing),
        )
    if participant.kind == "kabupaten" and data.sustainable_city_index is not None:
        raise AppError(
            SCORE_NOT_APPLICABLE,
            "The sustainable city index applies to kota only.",
            errors=[FieldError("sustainable_city_index", "only_for_kota", "Must be null for a kabupaten.")],
        )
    participant.assessment = scores
    participant.assessment_sources = sources
    participant.readiness_score = readiness_score(scores, request.app.state.settings.readiness_weights())
    participant.updated_at = sa.func.clock_timestamp()
    await session.flush()
    rescored = participant.status == ParticipantStatus.ASSESSED
    if not rescored:
        await change_status(session, participant, ParticipantStatus.ASSESSED, caller.actor)
    await session.refresh(participant)
    await assessed(session, participant, rescored, caller.actor)
    out = participant_out(participant)
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out
