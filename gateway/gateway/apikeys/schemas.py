"""API models of API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from smartcity_kit.identity import Role
from smartcity_kit.schemas import Rfc3339Time, StrictModel

# the partner ministries that publish official indices (monitoring checks which index is whose)
Organization = Literal["kemenkeu", "pupr", "kemendagri", "bappenas"]


class ApiKeyIn(StrictModel):
    name: str = Field(min_length=1, max_length=200, examples=["Kemendagri regional data sync"])
    role: Role = Field(examples=["partner"])
    region_code: str | None = Field(None, pattern=r"^\d{2}\.\d{2}$", description="Required for role region only.")
    expires_at: Rfc3339Time | None = Field(None, description="After this instant the key stops working.")
    organization: Organization | None = Field(
        None, description="For role partner only: the ministry the key speaks for, passed on in the identity."
    )


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    role: Role
    region_code: str | None
    organization: Organization | None
    prefix: str = Field(description="The key's first characters, to tell keys apart; not a secret.")
    created_at: datetime
    created_by: str
    expires_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself: shown this once, stored only as a hash.")
