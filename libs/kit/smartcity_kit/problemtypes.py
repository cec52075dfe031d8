"""Problem types: the stable code of each refusal, defined once, with what it means and what a client should do.

A client branches on `code` (`registration-closed`), never on prose: the
title and detail are for people and come in the request's language. Each
package defines its types once, in its own `problems.py`, on one
`ProblemTypes` (which also reads the package's Indonesian catalogue), and
raises them by reference. A code is defined by one package only: the platform
has one list (`GET /api/v1/problem-types`, docs/problems.md).

`type` is the code under one base URI, the same in every process
(`SMARTCITY_PROBLEM_TYPE_BASE`, default `https://smartcity.kominfo.go.id/problems/`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from .i18n import ENGLISH, INDONESIAN, load_catalogue, render, translate

CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
FIELD_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
DEFAULT_BASE = "https://smartcity.kominfo.go.id/problems/"


class ProblemSettings(BaseSettings):
    """The base of every problem's `type`: one for the whole platform, so read unprefixed by every process."""

    model_config = SettingsConfigDict(env_prefix="SMARTCITY_", extra="ignore")

    problem_type_base: str = DEFAULT_BASE


@cache
def type_base() -> str:
    base = ProblemSettings().problem_type_base
    return base if base.endswith("/") else base + "/"


@dataclass(frozen=True)
class ProblemType:
    code: str
    status: int
    title: str  # English, the catalogue's message id
    meaning: str
    action: str  # what a client should do on meeting it
    package: str

    @property
    def type(self) -> str:
        return type_base() + self.code

    def describe(self) -> dict[str, Any]:
        """The type as `GET /api/v1/problem-types` lists it (and each OpenAPI document's `x-problem-types`)."""
        return {
            "code": self.code,
            "type": self.type,
            "status": self.status,
            "title": {ENGLISH: self.title, INDONESIAN: translate(self.title, INDONESIAN)},
            "meaning": self.meaning,
            "action": self.action,
        }


# every code defined in this process, whichever package defined it
_DEFINED: dict[str, ProblemType] = {}
REGISTRIES: list[ProblemTypes] = []


class ProblemTypes:
    """One package's problem types; making it reads the package's Indonesian catalogue."""

    def __init__(self, package: str, package_dir: Path) -> None:
        self.package = package
        self.types: dict[str, ProblemType] = {}
        self.catalogue = load_catalogue(package_dir, package)
        REGISTRIES.append(self)

    def define(self, code: str, status: int, title: str, *, meaning: str, action: str) -> ProblemType:
        if not CODE.fullmatch(code):
            raise ValueError(f"problem code {code!r} is not kebab-case")
        if code in _DEFINED:
            raise ValueError(f"problem code {code!r} is already defined by {_DEFINED[code].package}")
        problem = ProblemType(code, status, title, meaning, action, self.package)
        self.types[code] = _DEFINED[code] = problem
        return problem

    def __iter__(self) -> Iterator[ProblemType]:
        return iter(self.types.values())


@dataclass(frozen=True)
class FieldError:
    """One field's refusal inside a problem's `errors`: the field, a stable `code` (snake_case, such as `required`,
    `too_long`, `not_a_region`) and a message (an English message id, its `{name}`s filled from `values`); `extra`
    says more where the field is (a spreadsheet's `sheet`, `row` and `column`)."""

    field: str
    code: str
    message: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not FIELD_CODE.fullmatch(self.code):
            raise ValueError(f"field error code {self.code!r} is not snake_case")

    def render(self, language: str) -> dict[str, Any]:
        message = render(self.message, self.values, language)
        return {"field": self.field, "code": self.code, "message": message, **self.extra}
