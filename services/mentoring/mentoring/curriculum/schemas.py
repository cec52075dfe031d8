"""API models of the curriculum."""

from pydantic import BaseModel, Field, field_validator
from smartcity_kit.fielderrors import field_refusal
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import DocumentKind


class StageOut(BaseModel):
    code: str
    position: int
    name: str
    description: str
    required_deliverables: list[str]


class StageIn(StrictModel):
    """A stage's words and required deliverables; its code and position stay."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    required_deliverables: list[DocumentKind] = Field(max_length=9)

    @field_validator("required_deliverables")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise field_refusal("duplicate", "Each kind once.")
        return value
