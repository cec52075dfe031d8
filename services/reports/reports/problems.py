"""Reports' refusals: only the kit's generic types (`not-found`, `not-acceptable`, `validation-failed`), no type of
its own; its messages' Indonesian is in `locale/id/LC_MESSAGES/reports.po`, read when `REPORTS` is made."""

from __future__ import annotations

from pathlib import Path

from smartcity_kit.problemtypes import ProblemTypes

REPORTS = ProblemTypes("reports", Path(__file__).parent)
