"""Mentoring's pure rules, called directly (the HTTP tests cover the same through the API)."""

from __future__ import annotations

import pytest
from mentoring.tracks.service import StageExit, stage_exit
from smartcity_kit.i18n import render
from smartcity_vocabulary import StageCode


def test_the_stages_come_in_the_workshops_order() -> None:
    assert [str(s) for s in StageCode] == ["bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4"]


@pytest.mark.parametrize(
    ("required", "approved", "last", "plan_status", "expected"),
    [
        # every required kind approved, not the last stage: it may go on
        (["readiness_report"], {"readiness_report"}, False, None, StageExit("bimtek_1", [])),
        # approvals of other kinds do not count; the missing are named in the stage's order
        (
            ["readiness_report", "baseline_survey"],
            {"quick_win_plan"},
            False,
            None,
            StageExit("bimtek_1", ["readiness_report", "baseline_survey"]),
        ),
        # a stage that requires nothing
        ([], set(), False, None, StageExit("bimtek_1", [])),
        # the last stage asks for an approved master plan too: a draft or none is not enough
        ([], set(), True, "approved", StageExit("bimtek_1", [], True)),
        ([], set(), True, "draft", StageExit("bimtek_1", [], False)),
        ([], set(), True, None, StageExit("bimtek_1", [], False)),
        # before the last stage the master plan is not asked about, whatever its state
        ([], set(), False, "draft", StageExit("bimtek_1", [])),
    ],
)
def test_what_a_track_needs_to_leave_its_stage(
    required: list[str], approved: set[str], last: bool, plan_status: str | None, expected: StageExit
) -> None:
    assert stage_exit("bimtek_1", required, approved, last, plan_status) == expected


@pytest.mark.parametrize(
    ("needed", "refusal", "extra"),
    [
        (StageExit("bimtek_2", []), None, {"stage": "bimtek_2", "missing_deliverables": []}),
        (
            StageExit("bimtek_2", ["a", "b"]),
            "The track cannot leave bimtek_2 yet: it needs approved deliverables of kind a, b.",
            {"stage": "bimtek_2", "missing_deliverables": ["a", "b"]},
        ),
        (
            StageExit("bimtek_4", [], False),
            "The track cannot leave bimtek_4 yet: it needs an approved master plan.",
            {"stage": "bimtek_4", "missing_deliverables": [], "masterplan_approved": False},
        ),
        (
            StageExit("bimtek_4", ["final_report"], False),
            "The track cannot leave bimtek_4 yet: it needs approved deliverables of kind final_report"
            " and an approved master plan.",
            {"stage": "bimtek_4", "missing_deliverables": ["final_report"], "masterplan_approved": False},
        ),
        (
            StageExit("bimtek_4", [], True),
            None,
            {"stage": "bimtek_4", "missing_deliverables": [], "masterplan_approved": True},
        ),
    ],
)
def test_a_refusal_names_every_missing_thing(needed: StageExit, refusal: str | None, extra: dict) -> None:
    error = needed.refusal
    detail = None if error is None else render(error.detail or "", error.values, "en")
    assert (detail, needed.extra()) == (refusal, extra)
    assert error is None or (error.problem.code, error.extra) == ("track-stage-incomplete", extra)
