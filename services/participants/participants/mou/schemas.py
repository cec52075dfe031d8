"""API models of a bulk MoU signing."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from smartcity_kit.fielderrors import field_refusal
from smartcity_kit.schemas import IsoDate, StrictModel

Text = Annotated[str, Field(min_length=1, max_length=200)]


class SignatureIn(StrictModel):
    participant_id: uuid.UUID
    signatory_name: Text
    signatory_title: Text = Field(description="e.g. 'Wali Kota Bandung'.")
    document_id: uuid.UUID | None = Field(None, description="The signed MoU in the documents service.")


class SigningIn(StrictModel):
    signed_on: IsoDate
    venue: Text
    signatures: Annotated[list[SignatureIn], Field(min_length=1, max_length=514)]

    @field_validator("signatures")
    @classmethod
    def _each_once(cls, value: list[SignatureIn]) -> list[SignatureIn]:
        counts = Counter(s.participant_id for s in value)
        twice = [str(participant_id) for participant_id, n in counts.items() if n > 1]
        if twice:
            raise field_refusal(
                "repeated", "Each participant once; repeated: {repeated}.", repeated=", ".join(sorted(set(twice)))
            )
        return value


class SignatureOut(BaseModel):
    participant_id: uuid.UUID
    region_code: str
    region_name: str
    signatory_name: str
    signatory_title: str
    document_id: uuid.UUID | None
    status: str


class SigningOut(BaseModel):
    id: uuid.UUID
    phase_code: str
    signed_on: date
    venue: str
    recorded_at: datetime
    signatures: list[SignatureOut]
