"""HTTP routes of an endpoint's deliveries: the log, one delivery with its attempts, redelivery, a test event."""

from __future__ import annotations

import uuid
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses

from ..access import Subscriber, VisibleEndpoint, endpoint_or_404
from . import service
from .models import Delivery, DeliveryStatus
from .schemas import DeliveryDetail, DeliveryOut, Redelivered, RedeliverIn

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], dependencies=[Subscriber])


async def endpoint_delivery(
    endpoint_id: uuid.UUID, delivery_id: int, session: SessionDep, caller: CallerDep
) -> Delivery:
    """The path's delivery, one of the path's endpoint's as `caller` may see it (404 otherwise)."""
    endpoint = await endpoint_or_404(session, caller, endpoint_id)
    return await service.delivery_or_404(session, endpoint, delivery_id)


EndpointDelivery = Annotated[Delivery, Depends(endpoint_delivery)]


@router.get(
    "/{endpoint_id}/deliveries", response_model=Page[DeliveryOut], responses=problem_responses(401, 403, 404, 422)
)
async def list_deliveries(
    endpoint: VisibleEndpoint,
    session: SessionDep,
    status: DeliveryStatus | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[DeliveryOut]:
    """The endpoint's deliveries in the order they were made (the feeds' order)."""
    stmt = sa.select(Delivery).where(Delivery.endpoint_id == endpoint.id)
    if status is not None:
        stmt = stmt.where(Delivery.status == status)
    rows, next_cursor = await keyset_page(
        session, stmt, keys=[Delivery.id], key_of=lambda d: [d.id], limit=limit, cursor=cursor, convert=[int]
    )
    return Page[DeliveryOut](items=[service.delivery_out(d) for d in rows], next_cursor=next_cursor)


@router.get(
    "/{endpoint_id}/deliveries/{delivery_id}",
    response_model=DeliveryDetail,
    responses=problem_responses(401, 403, 404, 422),
)
async def read_delivery(delivery: EndpointDelivery, session: SessionDep) -> DeliveryDetail:
    return await service.detail(session, delivery)


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def redeliver_one(delivery: EndpointDelivery, session: SessionDep) -> DeliveryOut:
    return service.delivery_out(await service.redeliver(session, delivery))


@router.post(
    "/{endpoint_id}/redeliver",
    status_code=202,
    response_model=Redelivered,
    responses=problem_responses(401, 403, 404, 422),
)
async def redeliver_since(endpoint: VisibleEndpoint, data: RedeliverIn, session: SessionDep) -> Redelivered:
    return Redelivered(redelivered=await service.redeliver_since(session, endpoint, data.since))


@router.post(
    "/{endpoint_id}/test", status_code=202, response_model=DeliveryOut, responses=problem_responses(401, 403, 404, 422)
)
async def send_test_event(endpoint: VisibleEndpoint, session: SessionDep, caller: CallerDep) -> DeliveryOut:
    return service.delivery_out(await service.send_test(session, endpoint, caller))
