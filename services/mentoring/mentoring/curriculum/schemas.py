"""API models of the curriculum."""

from pydantic import BaseModel


class StageOut(BaseModel):
    code: str
    position: int
    name: str
    description: str
    required_deliverables: list[str]
