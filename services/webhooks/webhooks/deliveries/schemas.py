"""API models of deliveries and their attempts."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from smartcity_kit.schemas import Rfc3339Time, StrictModel

from .models import DeliveryStatus


class AttemptOut(BaseModel):
    attempted_at: datetime
    duration_ms: int
    status_code: int | None = Field(description="The receiver's answer; none when it did not answer.")
    error: str | None
    response_body: str | None = Field(description="The start of the receiver's answer.")


class DeliveryOut(BaseModel):
    id: int
    endpoint_id: uuid.UUID
    message_id: str = Field(description="`webhook-id`: the event's id, the same on every attempt.")
    event_type: str
    status: DeliveryStatus = Field(
        description="`pending` (to send or retry), `delivered` or `failed` (retries exhausted)."
    )
    attempts: int
    last_status_code: int | None
    last_error: str | None
    last_duration_ms: int | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When it goes out next, while pending.")
    delivered_at: datetime | None
    created_at: datetime


class DeliveryDetail(DeliveryOut):
    body: str = Field(description="The exact JSON sent.")
    attempt_log: list[AttemptOut]


class RedeliverIn(StrictModel):
    since: Rfc3339Time = Field(description="Every delivery made at or after this time goes out again.")


class Redelivered(BaseModel):
    redelivered: int
