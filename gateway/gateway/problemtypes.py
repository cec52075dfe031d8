"""The platform's problem types as a list: `GET /api/v1/problem-types`, read from the merged document.

Each process defines its problem types once (the kit's generic ones, each
service's and the gateway's own `problems.py`) and publishes them in its OpenAPI
document under `x-problem-types`; the merged document holds them all, and here
they are one list, by code: what a client branches on, with what each means and
what to do about it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Titles(BaseModel):
    en: str = Field(description="In English, as answered without `Accept-Language: id`.")
    id: str = Field(description="In Bahasa Indonesia, as answered to `Accept-Language: id`.")


class ProblemTypeOut(BaseModel):
    code: str = Field(examples=["registration-closed"], description="What a problem's `code` says.")
    type: str = Field(description="What a problem's `type` says: the code's URI.")
    status: int = Field(description="The HTTP status of a problem of this type.")
    title: Titles
    meaning: str = Field(description="When a request gets it.")
    action: str = Field(description="What a client should do on meeting it.")


class ProblemTypeList(BaseModel):
    items: list[ProblemTypeOut] = Field(description="Every problem type of the platform, by code.")


def problem_type_list(document: dict[str, Any]) -> ProblemTypeList:
    return ProblemTypeList(items=[ProblemTypeOut.model_validate(p) for p in document.get("x-problem-types", [])])


def merged_problem_types(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The problem types of every document, once each, by code (the kit's appear in every document)."""
    found: dict[str, dict[str, Any]] = {}
    for document in documents:
        for problem in document.get("x-problem-types", []):
            found.setdefault(problem["code"], problem)
    return [found[code] for code in sorted(found)]
