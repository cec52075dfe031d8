"""HTTP routes of portfolios and initiatives: reading what approved master plans brought in."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi import APIRouter, Query
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses

from ..access import region_scope
from ..dependencies import VisibleInitiative, VisiblePortfolio
from ..vocabulary import REGION_CODE
from .models import Portfolio
from .schemas import InitiativeOut, PortfolioDetail, PortfolioOut
from .service import initiatives_of

router = APIRouter(prefix="/api/v1/monitoring", tags=["portfolios"])


@router.get("/portfolios", response_model=Page[PortfolioOut], responses=problem_responses(401, 422))
async def list_portfolios(
    session: SessionDep,
    caller: CallerDep,
    region_code: str | None = Query(None, pattern=REGION_CODE),
    phase_code: str | None = Query(None, max_length=64),
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[PortfolioOut]:
    stmt = sa.select(Portfolio).where(region_scope(caller, Portfolio.region_code))
    if region_code:
        stmt = stmt.where(Portfolio.region_code == region_code)
    if phase_code:
        stmt = stmt.where(Portfolio.phase_code == phase_code)
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[Portfolio.region_code, Portfolio.track_id],
        key_of=lambda p: [p.region_code, str(p.track_id)],
        limit=limit,
        cursor=cursor,
        convert=[str, uuid.UUID],
    )
    return Page(items=[PortfolioOut.model_validate(p) for p in rows], next_cursor=next_cursor)


@router.get("/portfolios/{track_id}", response_model=PortfolioDetail, responses=problem_responses(401, 404))
async def get_portfolio(portfolio: VisiblePortfolio, session: SessionDep) -> PortfolioDetail:
    initiatives = [InitiativeOut.model_validate(i) for i in await initiatives_of(session, portfolio.track_id)]
    return PortfolioDetail(**PortfolioOut.model_validate(portfolio).model_dump(), initiatives=initiatives)


@router.get("/initiatives/{initiative_id}", response_model=InitiativeOut, responses=problem_responses(401, 404))
async def get_initiative(initiative: VisibleInitiative) -> InitiativeOut:
    return InitiativeOut.model_validate(initiative)
