"""Every problem code is defined once with both languages, its meaning and what to do, and is reached by a test
that asserts it; every message of the code has its Indonesian; docs/problems.md is what the registries say."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from smartcity_dev import messages, problemsdoc
from smartcity_kit.i18n import INDONESIAN, has_indonesian, translate
from smartcity_kit.problemtypes import ProblemType

PROBLEMS = [p for registry in problemsdoc.REGISTRIES.values() for p in registry]
ROOT = Path(__file__).resolve().parents[1]

# Where each problem code is reached: the test that makes a real request get it and asserts its code (it names the
# code as a string). A code reached only by a fault (a database that does not answer, a pool used up) is reached by
# the test that causes the fault.
KIT = "libs/kit/tests/"
GATEWAY = "gateway/tests/"
PARTICIPANTS = "services/participants/tests/"
DOCUMENTS = "services/documents/tests/"
WEBHOOKS = "services/webhooks/tests/"
MONITORING = "services/monitoring/tests/"
MENTORING = "services/mentoring/tests/"

REACHED_BY: dict[str, str] = {
    # the kit's generic codes
    "bad-request": GATEWAY + "test_tokens.py::test_two_authorization_headers_are_refused",
    "unauthorized": KIT + "test_problem_types.py::test_no_identity_and_a_role_that_may_not_in_indonesian",
    "forbidden": KIT + "test_problem_types.py::test_no_identity_and_a_role_that_may_not_in_indonesian",
    "not-found": KIT + "test_problem_types.py::test_an_unknown_route_answers_in_indonesian_when_asked",
    "method-not-allowed": KIT + "test_conventions.py::test_unknown_route_and_method_are_problems",
    "not-acceptable": "services/reports/tests/test_charts.py::test_unknown_charts_and_forms_are_problems",
    "request-timeout": KIT + "test_http_server.py::test_headers_that_do_not_arrive_in_time_are_408",
    "conflict": KIT + "test_problem_types.py::test_a_change_breaking_a_unique_rule_is_conflict",
    "idempotency-key-in-use": KIT
    + "test_conventions.py::test_idempotency_conflict_while_in_flight_and_release_after_5xx",
    "precondition-failed": KIT + "test_conventions.py::test_if_match_is_required_and_must_be_current",
    "content-too-large": KIT + "test_body_limit.py::test_a_body_declared_past_the_limit_is_413_and_nothing_is_written",
    "unsupported-media-type": DOCUMENTS + "test_uploads.py::test_a_spoofed_pdf_is_refused_415_and_nothing_is_kept",
    "range-not-satisfiable": DOCUMENTS
    + "test_downloads.py::test_an_unsatisfiable_range_is_416_and_others_send_everything",
    "validation-failed": KIT + "test_problem_types.py::test_validation_errors_carry_a_code_per_field_in_both_languages",
    "invalid-cursor": KIT + "test_problem_types.py::test_a_cursor_not_given_out_is_invalid_cursor_and_documented",
    "idempotency-key-reused": GATEWAY
    + "test_api_keys.py::test_the_same_idempotency_key_and_body_gets_the_first_answer_again",
    "value-not-storable": KIT + "test_problem_types.py::test_a_value_the_database_cannot_take_is_value_not_storable",
    "precondition-required": KIT + "test_conventions.py::test_if_match_is_required_and_must_be_current",
    "too-many-requests": GATEWAY + "test_rate_limits.py::test_a_caller_over_its_burst_gets_429_with_retry_after",
    "header-fields-too-large": KIT
    + "test_http_server.py::test_headers_past_the_bound_are_431_and_the_rest_is_never_read",
    "internal-error": KIT + "test_conventions.py::test_idempotency_conflict_while_in_flight_and_release_after_5xx",
    "service-unavailable": GATEWAY + "test_downstream.py::test_a_service_outside_the_deployment_is_503",
    "database-unavailable": KIT + "test_busy_pool.py::test_a_database_refusing_new_connections_is_503_not_500",
    "service-busy": KIT
    + "test_busy_pool.py::test_a_request_that_finds_no_free_connection_is_503_in_a_route_and_in_a_middleware",
    "gateway-timeout": GATEWAY + "test_downstream.py::test_a_slow_service_is_504_after_the_configured_timeout",
    # the gateway's
    "credentials-expired": GATEWAY + "test_tokens.py::test_an_expired_token_says_so",
    "too-many-failed-authentications": GATEWAY + "test_rate_limits.py::"
    "test_an_address_whose_credentials_keep_failing_is_told_to_wait",
    "too-many-uploads": GATEWAY + "test_admission.py::test_uploads_are_bounded_per_caller_and_not_by_the_route",
    "admin-key-forbidden": GATEWAY + "test_api_keys.py::test_only_an_admin_makes_an_admin_key",
    "api-key-fields-invalid": GATEWAY
    + "test_api_keys.py::test_a_refused_first_attempt_leaves_the_idempotency_key_free",
    # participants'
    "registration-closed": PARTICIPANTS + "test_applications.py::"
    "test_registration_closed_is_a_code_in_either_language_with_dates_as_each_writes_them",
    "already-participating": PARTICIPANTS + "test_applications.py::test_a_region_takes_part_once",
    "status-transition-not-allowed": PARTICIPANTS + "test_assessment.py::"
    "test_a_rejected_or_withdrawn_participant_is_not_assessed",
    "phase-code-taken": PARTICIPANTS + "test_phases.py::test_a_second_phase_with_the_same_code_is_409",
    "nothing-to-select": PARTICIPANTS + "test_selection_and_mou.py::test_selection_needs_something_assessed",
    "participants-not-selected": PARTICIPANTS + "test_selection_and_mou.py::test_the_2018_cohort",
    "region-cannot-apply": PARTICIPANTS + "test_applications.py::"
    "test_a_province_or_an_unknown_phase_cannot_apply_and_each_says_why",
    "unknown-phase": PARTICIPANTS + "test_applications.py::"
    "test_a_province_or_an_unknown_phase_cannot_apply_and_each_says_why",
    "signing-date-in-future": PARTICIPANTS + "test_selection_and_mou.py::test_the_2018_cohort",
    "not-participants-of-phase": PARTICIPANTS + "test_selection_and_mou.py::test_the_2018_cohort",
    "scores-missing": PARTICIPANTS + "test_assessment.py::test_bad_scores_are_refused_and_change_nothing",
    "score-not-applicable": PARTICIPANTS + "test_assessment.py::test_bad_scores_are_refused_and_change_nothing",
    "invalid-regions-file": PARTICIPANTS + "test_regions.py::test_a_bad_row_names_its_line_and_imports_nothing",
    # documents'
    "file-empty": DOCUMENTS + "test_uploads.py::test_an_empty_file_is_422",
    "file-too-expanded": DOCUMENTS + "test_uploads.py::test_a_docx_zip_bomb_is_refused_422_and_nothing_is_kept",
    # mentoring's
    "mentor-email-taken": MENTORING + "test_curriculum_and_mentors.py::test_an_operator_creates_a_mentor",
    "track-not-active": MENTORING + "test_masterplan.py::test_a_track_goes_through_all_four_stages_and_completes",
    "mentor-already-assigned": MENTORING
    + "test_tracks.py::test_assignment_refuses_capacity_and_home_region_saying_which",
    "mentor-home-region": MENTORING + "test_tracks.py::test_assignment_refuses_capacity_and_home_region_saying_which",
    "mentor-at-capacity": MENTORING + "test_tracks.py::test_assignment_refuses_capacity_and_home_region_saying_which",
    "track-stage-incomplete": MENTORING
    + "test_deliverables_and_advance.py::test_advance_needs_every_required_kind_approved",
    "deliverable-already-approved": MENTORING
    + "test_deliverables_and_advance.py::test_review_by_assigned_mentor_or_operator_and_superseding",
    "deliverable-not-submitted": MENTORING
    + "test_deliverables_and_advance.py::test_review_by_assigned_mentor_or_operator_and_superseding",
    "workshop-overlap": MENTORING + "test_sessions.py::test_a_track_or_mentor_cannot_be_in_two_workshops_at_once",
    "attendance-not-yours": MENTORING + "test_sessions.py::test_attendance_per_track",
    "masterplan-frozen": MENTORING + "test_masterplan.py::test_edits_need_if_match_and_approval_freezes",
    "masterplan-missing": MENTORING + "test_masterplan.py::test_approving_without_a_plan_is_409",
    "masterplan-already-approved": MENTORING + "test_masterplan.py::test_edits_need_if_match_and_approval_freezes",
    "masterplan-invalid": MENTORING + "test_masterplan.py::test_a_draft_of_the_old_rule_is_judged_before_approval",
    # monitoring's
    "period-exists": MONITORING + "test_conventions.py::test_a_repeated_post_with_its_idempotency_key_opens_one_period",
    "period-already-locked": MONITORING
    + "test_reports.py::test_a_locked_period_refuses_until_an_operator_reopens_the_report",
    "period-locked": MONITORING + "test_reports.py::test_a_locked_period_refuses_until_an_operator_reopens_the_report",
    "report-not-editable": MONITORING + "test_reports.py::test_submission_on_time_then_frozen_until_decided",
    "report-empty": MONITORING + "test_reports.py::test_an_empty_report_cannot_be_submitted",
    "report-not-submitted": MONITORING
    + "test_verification_and_results.py::test_returned_corrected_and_accepted_with_its_history_and_results",
    "report-final": MONITORING
    + "test_verification_and_results.py::test_returned_corrected_and_accepted_with_its_history_and_results",
    "report-already-reopened": MONITORING
    + "test_reports.py::test_a_locked_period_refuses_until_an_operator_reopens_the_report",
    "indicator-already-tracked": MONITORING
    + "test_indicators.py::test_a_region_attaches_a_catalogue_indicator_with_its_baseline_and_targets",
    "official-index-owner-only": MONITORING + "test_official_indices.py::test_only_the_owning_ministry_publishes",
    # webhooks's
    "webhook-url-refused": WEBHOOKS
    + "test_endpoints.py::test_destinations_inside_our_network_are_refused_and_nothing_is_stored",
}


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.code)
def test_every_code_has_both_languages_a_meaning_and_what_to_do(problem: ProblemType):
    assert has_indonesian(problem.title), f"no Indonesian title for {problem.code}: run `make messages`"
    assert translate(problem.title, INDONESIAN) != problem.title
    assert 400 <= problem.status <= 599
    assert problem.meaning.strip() and problem.action.strip()
    assert problem.type.endswith("/problems/" + problem.code)


def test_codes_are_unique_across_the_platform():
    codes = [p.code for p in PROBLEMS]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("domain", list(messages.PACKAGES))
def test_every_message_of_a_package_has_its_indonesian(domain: str):
    assert messages.untranslated(domain) == [], f"translate these in {messages.catalogue_path(domain)}"
    assert messages.placeholders_changed(domain) == []


@pytest.mark.parametrize("domain", list(messages.PACKAGES))
def test_no_message_is_built_at_run_time(domain: str):
    # an f-string cannot be found in a catalogue: "... {name} ..." with name=value can
    assert list(messages.non_literal_messages(domain)) == []


def test_the_problems_document_is_current():
    assert problemsdoc.TARGET.read_text() == problemsdoc.render(), "run `make problems-doc`"


def source_of(where: str) -> str:
    """The test `path::name`, with its decorators."""
    path, name = where.split("::")
    source = (ROOT / path).read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])  # its parameters too
            return "\n".join(source.splitlines()[start - 1 : node.end_lineno])
    raise AssertionError(f"no test {where}")


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.code)
def test_every_code_is_reached_by_a_test_that_asserts_it(problem: ProblemType):
    assert problem.code in REACHED_BY, f"name the test that reaches {problem.code} in REACHED_BY"
    assert f'"{problem.code}"' in source_of(REACHED_BY[problem.code]), REACHED_BY[problem.code]
