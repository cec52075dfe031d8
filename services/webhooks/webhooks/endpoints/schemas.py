"""API models of endpoints."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from smartcity_kit.fielderrors import field_refusal
from smartcity_kit.schemas import StrictModel

from .models import EndpointStatus

# an event type (`participant.status_changed`), every type under a prefix (`participant.*`), or all (`*`)
PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$")
EventTypePattern = Annotated[
    str,
    Field(min_length=1, max_length=100, pattern=PATTERN.pattern, examples=["participant.*", "mou.signed", "*"]),
]
Url = Annotated[str, Field(min_length=8, max_length=2000, examples=["https://sync.kemenkeu.go.id/smartcity/hooks"])]
RegionCode = Annotated[str, Field(pattern=r"^\d{2}\.\d{2}$", description="A kabupaten/kota code.")]


def _distinct(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise field_refusal("duplicate", "Each pattern once.")
    return value


class EndpointIn(StrictModel):
    url: Url = Field(description="Where events are POSTed: https (http only in development).")
    event_types: list[EventTypePattern] = Field(
        min_length=1, max_length=50, description="Event types or patterns: `participant.*`, `*`."
    )
    description: str = Field("", max_length=500)
    region_code: RegionCode | None = Field(
        None, description="Only this region's events. A region's own endpoints always have its code."
    )
    ordered: bool = Field(True, description="Deliver in feed order (one at a time); false: in parallel, any order.")

    _distinct_types = field_validator("event_types")(_distinct)


class EndpointPatch(StrictModel):
    url: Url | None = None
    event_types: list[EventTypePattern] | None = Field(None, min_length=1, max_length=50)
    description: str | None = Field(None, max_length=500)
    ordered: bool | None = None

    @field_validator("event_types")
    @classmethod
    def _distinct_patterns(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _distinct(value)


class SecretInfo(BaseModel):
    created_at: datetime
    expires_at: datetime | None = Field(description="When it stops signing; none: the current secret.")


class EndpointOut(BaseModel):
    id: uuid.UUID
    url: str
    description: str
    event_types: list[str]
    region_code: str | None
    ordered: bool
    status: EndpointStatus = Field(description="`active`, or `disabled` (see `disabled_reason`).")
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None = Field(description="First failure since the last success; 3 days disable.")
    secrets: list[SecretInfo]
    created_at: datetime
    updated_at: datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(description="The signing secret, `whsec_` + base64. Shown this once.")


class RotationIn(StrictModel):
    overlap_seconds: int | None = Field(
        None, ge=0, le=7 * 86400, description="How long the old secret keeps signing; default 24 h."
    )


class Rotated(BaseModel):
    secret: str = Field(description="The new signing secret. Shown this once.")
    previous_expires_at: datetime = Field(description="Until then the old secret signs too.")
