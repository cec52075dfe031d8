"""The participants' pure rules, called directly (the HTTP tests cover the same through the API)."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest
from participants.applications.flow import TRANSITIONS, allowed
from participants.assessment.scoring import readiness_score
from participants.selection.service import Allotment, allot
from smartcity_vocabulary import ParticipantStatus as S

# the contract's flow written out again, move by move, so that a change of the table is a change of this test too
FLOW = {
    ("applied", "assessed"),
    ("applied", "rejected"),
    ("applied", "withdrawn"),
    ("assessed", "selected"),
    ("assessed", "waitlisted"),
    ("assessed", "rejected"),
    ("assessed", "withdrawn"),
    ("waitlisted", "selected"),
    ("waitlisted", "withdrawn"),
    ("selected", "mou_signed"),
    ("selected", "rejected"),
    ("selected", "withdrawn"),
    ("mou_signed", "mentoring"),
    ("mou_signed", "withdrawn"),
    ("mentoring", "completed"),
    ("mentoring", "withdrawn"),
}


@pytest.mark.parametrize(("current", "to"), list(product(S, S)), ids=lambda s: str(s))
def test_the_transition_table_allows_exactly_the_contracts_moves(current: S, to: S) -> None:
    assert allowed(current, to) is ((current, to) in FLOW)


def test_every_status_has_a_row_and_the_ends_lead_nowhere() -> None:
    assert set(TRANSITIONS) == set(S)
    assert [s for s, moves in TRANSITIONS.items() if not moves] == [S.COMPLETED, S.REJECTED, S.WITHDRAWN]


@pytest.mark.parametrize(
    ("ranked", "quota", "expected"),
    [
        # places go down the ranking; the rest wait
        ([S.ASSESSED] * 4, 2, Allotment(2, 0, [S.SELECTED, S.SELECTED, S.WAITLISTED, S.WAITLISTED])),
        # fewer candidates than places: every one selected, places left over
        ([S.ASSESSED, S.ASSESSED], 5, Allotment(5, 3, [S.SELECTED, S.SELECTED])),
        # those holding a place keep it and count against the quota, whatever their rank
        (
            [S.ASSESSED, S.MOU_SIGNED, S.ASSESSED, S.COMPLETED],
            3,
            Allotment(1, 0, [S.SELECTED, S.MOU_SIGNED, S.WAITLISTED, S.COMPLETED]),
        ),
        # a run again after a withdrawal: the waitlist fills the freed place in rank order
        (
            [S.SELECTED, S.WAITLISTED, S.WAITLISTED],
            2,
            Allotment(1, 0, [S.SELECTED, S.SELECTED, S.WAITLISTED]),
        ),
        # more places held than the quota (a quota lowered later): none left, never negative
        ([S.SELECTED, S.MENTORING, S.ASSESSED], 1, Allotment(0, 0, [S.SELECTED, S.MENTORING, S.WAITLISTED])),
        # a run with nothing to decide changes nothing
        ([S.SELECTED, S.WAITLISTED], 1, Allotment(0, 0, [S.SELECTED, S.WAITLISTED])),
    ],
)
def test_selection_shares_out_the_places_left_in_rank_order(ranked: list[S], quota: int, expected: Allotment) -> None:
    assert allot(ranked, quota) == expected


WEIGHTS = dict.fromkeys(
    (
        "fiscal_capacity",
        "green_city_index",
        "government_performance_index",
        "sustainable_city_index",
        "infrastructure",
        "superstructure",
        "leadership_vision",
    ),
    1.0,
)


@pytest.mark.parametrize(
    ("scores", "weights", "expected"),
    [
        (dict.fromkeys(WEIGHTS, 70), WEIGHTS, "70.00"),
        # a kabupaten: no sustainable city index, left out of both sums
        (dict.fromkeys(WEIGHTS, 60) | {"sustainable_city_index": None}, WEIGHTS, "60.00"),
        # half up at the second decimal: 200/3 = 66.666...
        ({"fiscal_capacity": 100, "green_city_index": 100, "government_performance_index": 0}, WEIGHTS, "66.67"),
        # (100*3 + 0*1) / 4
        ({"fiscal_capacity": 100, "green_city_index": 0}, WEIGHTS | {"fiscal_capacity": 3.0}, "75.00"),
        # 1/8 = 0.125 rounds half up, not to even
        ({"fiscal_capacity": 1, "green_city_index": 0}, WEIGHTS | {"green_city_index": 7.0}, "0.13"),
    ],
)
def test_the_readiness_score_is_the_weighted_mean_of_what_applies(
    scores: dict[str, float | None], weights: dict[str, float], expected: str
) -> None:
    assert readiness_score(scores, weights) == Decimal(expected)
