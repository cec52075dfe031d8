"""The webhooks' pure rules, called directly: the retry schedule, Retry-After and the signatures."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from webhooks.dispatch.outcomes import next_wait
from webhooks.dispatch.sender import Outcome, retry_after
from webhooks.dispatch.signing import headers, signature
from webhooks.settings import Settings

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def failed(retry_after: float | None = None, status_code: int | None = 500) -> Outcome:
    return Outcome(delivery_id=1, attempted_at=NOW, duration_ms=12, status_code=status_code, retry_after=retry_after)


def rules(**changes: object) -> Settings:
    return Settings(database_url="postgresql://db/unused", **changes)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(1, 5.0), (2, 300.0), (3, 1800.0), (4, 7200.0), (5, 18000.0), (6, 36000.0), (7, 86400.0), (8, None)],
)
def test_the_default_schedule_waits_longer_after_each_failure_and_gives_up_after_the_seventh(failures, wait) -> None:
    assert next_wait(failures, failed(), rules(retry_jitter=0)) == wait


@pytest.mark.parametrize(("failures", "wait"), [(1, 0.2), (2, 0.4), (3, None)])
def test_a_schedule_of_the_settings_is_followed(failures, wait) -> None:
    assert next_wait(failures, failed(), rules(retry_schedule="0.2,0.4", retry_jitter=0)) == wait


def test_the_jitter_stays_within_its_share_of_the_step() -> None:
    waits = [next_wait(2, failed(), rules(retry_jitter=0.2)) for _ in range(500)]
    assert all(240.0 <= w <= 360.0 for w in waits)
    assert len(set(waits)) > 1


@pytest.mark.parametrize(
    ("asked", "failures", "wait"),
    [
        (42.0, 1, 42.0),  # the receiver's Retry-After instead of the step
        (0.0, 3, 0.0),
        (10 * 86400.0, 1, 86400.0),  # capped by WEBHOOKS_MAX_RETRY_AFTER
        (42.0, 8, None),  # the schedule used up: given up even though the receiver asked for a retry
    ],
)
def test_retry_after_replaces_the_step_within_its_cap(asked, failures, wait) -> None:
    assert next_wait(failures, failed(retry_after=asked, status_code=429), rules(retry_jitter=0)) == wait


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Mon, 01 Mar 2027 08:02:00 GMT", 120.0),
        ("Mon, 01 Mar 2027 07:59:00 GMT", 0.0),  # a date already past: at once
        ("soon", None),
        ("-5", None),
    ],
)
def test_retry_after_is_seconds_or_an_http_date(header, seconds) -> None:
    assert retry_after(header, NOW) == seconds


# the test vector of the Standard Webhooks specification (github.com/standard-webhooks/standard-webhooks)
SPEC_SECRET = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_is_the_standard_webhooks_one() -> None:
    assert signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


@pytest.mark.parametrize(
    ("changed", "value"),
    [("message_id", "msg_other"), ("timestamp", SPEC_TIMESTAMP + 1), ("body", '{"test": 2432232315}')],
)
def test_the_signature_covers_the_id_the_timestamp_and_the_body(changed, value) -> None:
    signed = {"message_id": SPEC_ID, "timestamp": SPEC_TIMESTAMP, "body": SPEC_BODY} | {changed: value}
    assert signature(SPEC_SECRET, **signed) != SPEC_SIGNATURE


def test_during_a_rotation_each_live_secret_signs_in_the_one_header() -> None:
    sent = headers([SPEC_SECRET, b"the-new-secret"], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    assert sent == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": SPEC_SIGNATURE + " " + signature(b"the-new-secret", SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY),
        "content-type": "application/json",
        "user-agent": "smartcity-webhooks/1.0",
    }
