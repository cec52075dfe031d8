"""API models of mentors."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, EmailStr, Field, field_validator
from smartcity_kit.fielderrors import field_refusal
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import Dimension

Name = Annotated[str, Field(min_length=1, max_length=200)]


class MentorIn(StrictModel):
    name: Name
    email: EmailStr
    organization: Name
    expertise: list[Dimension] = Field(
        min_length=1,
        max_length=6,
        description="Dimensions the mentor knows, each once.",
        json_schema_extra={"uniqueItems": True},
    )
    home_region_code: str | None = Field(
        None, pattern=r"^\d{2}\.\d{2}$", description="The kabupaten/kota the mentor lives or works in."
    )
    max_tracks: int = Field(ge=1, le=100, description="How many active tracks the mentor may take at once.")

    @field_validator("expertise")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise field_refusal("duplicate", "Each dimension once.")
        return value


class MentorOut(BaseModel):
    id: uuid.UUID
    name: str
    email: str
    organization: str
    expertise: list[str]
    home_region_code: str | None
    max_tracks: int
    active_tracks: int
    created_at: datetime
