"""Property-based fuzzing of the merged OpenAPI document, as every role, against the real processes.

Schemathesis reads the gateway's `/openapi.json`, generates valid and invalid
requests for every operation and runs every check on the answers: no 5xx, each
status, content type, header and body as documented, invalid data refused,
valid data accepted, deleted resources gone, auth not ignored, undeclared
methods answered with 405 and `Allow`, and every problem's `code` one the
operation documents for that status (tests/fuzz/hooks.py). Rules a schema
cannot express are listed in tests/fuzz/schemathesis.toml, each with its reason.

Bounded for `make test` (FUZZ_MAX_EXAMPLES per operation, a fixed seed);
`make fuzz` runs the same with many more examples and a random seed.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from gateway.settings import Settings as GatewaySettings
from gateway.token_cli import issue_token
from smartcity_dev.platform import BIN, Platform
from smartcity_dev.samples import synthetic_regions_csv

CONFIG = Path(__file__).parent / "fuzz" / "schemathesis.toml"
HOOKS = Path(__file__).parent / "fuzz" / "hooks.py"
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "4"))
SEED = os.environ.get("FUZZ_SEED", "20261128")  # "random": a new seed each run (make fuzz)
RUN_TIMEOUT = float(os.environ.get("FUZZ_RUN_TIMEOUT", "300"))
# The coverage phase (boundary and invalid values of every parameter, undeclared methods) takes most of the
# time and hardly depends on the role: bounded, only the operator runs it; FUZZ_ALL_PHASES=1 (make fuzz) all roles.
ALL_PHASES = os.environ.get("FUZZ_ALL_PHASES") == "1"
BOUNDED_PHASES = "fuzzing,stateful"

REGION = "32.73"
MENTOR_EMAIL = "mentor.fuzz@example.org"
REGIONS_CSV = synthetic_regions_csv({"32": "Jawa Barat", "33": "Jawa Tengah"}, kabupaten=4, kota=4)
# the smallest PNG: a 1x1 image
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
ROLES = {
    "admin": ("admin@fuzz", None),
    "operator": ("operator@fuzz", None),
    "mentor": (MENTOR_EMAIL, None),
    "region": ("tim@bandung.fuzz", REGION),
    "partner": ("partner@fuzz", None),
}


@pytest.fixture(scope="module")
def fuzzed(own_platform: Callable[..., Platform], new_database: Callable[[], str]) -> Platform:
    """A platform of its own: fuzzing fills its database with odd data, and no rate limit gets in the way."""
    return own_platform(
        new_database(),
        GATEWAY_RATE_LIMITS="",  # a role left out is not limited
        GATEWAY_FAILED_AUTH_LIMIT="100000:100000",  # the auth check sends many requests without credentials
        GATEWAY_ACCESS_LOG="false",
    )


@pytest.fixture(scope="module")
def tokens(fuzzed: Platform) -> dict[str, str]:
    settings = GatewaySettings(signing_key_path=fuzzed.env["GATEWAY_SIGNING_KEY_PATH"])
    return {role: issue_token(settings, subject, role, region, 3600) for role, (subject, region) in ROLES.items()}


@pytest.fixture(scope="module")
def seeded(fuzzed: Platform, tokens: dict[str, str]) -> Platform:
    """A little of everything, so that paths with ids have something to find."""
    operator = {"Authorization": f"Bearer {tokens['operator']}"}
    with httpx.Client(base_url=fuzzed.url(), headers=operator, timeout=30) as client:
        imported = client.post("/api/v1/regions/import", content=REGIONS_CSV, headers={"content-type": "text/csv"})
        assert imported.status_code == 200, imported.text
        mentor = {
            "name": "Dr. Fuzz",
            "email": MENTOR_EMAIL,
            "organization": "ITB",
            "expertise": ["governance", "society"],
            "max_tracks": 5,
        }
        assert client.post("/api/v1/mentors", json=mentor).status_code == 201
        uploaded = client.post(
            "/api/v1/documents",
            data={"region_code": REGION, "kind": "minutes", "title": "Notulen rapat"},
            files={"file": ("notulen.png", PNG, "image/png")},
        )
        assert uploaded.status_code == 201, uploaded.text
        today = date.today()
        phase = {
            "code": "fuzz",
            "name": "Tahap fuzz",
            "year": today.year,
            "quota": 2,
            "registration_opens_on": str(today - timedelta(days=30)),
            "registration_closes_on": str(today + timedelta(days=30)),
        }
        assert client.post("/api/v1/phases", json=phase).status_code == 201
        contact = {
            "role": "Kepala Dinas Kominfo",
            "name": "Ibu Sari",
            "email": "sari@bandung.go.id",
            "phone": "0812345678",
        }
        application = {"region_code": REGION, "phase_code": "fuzz", "contacts": [contact]}
        applied = client.post("/api/v1/participants", json=application)
        assert applied.status_code == 201, applied.text
        key = client.post("/api/v1/api-keys", json={"name": f"fuzz {uuid.uuid4().hex[:6]}", "role": "partner"})
        assert key.status_code == 201, key.text
    return fuzzed


def schemathesis_command(url: str, token: str, max_examples: int, seed: str, phases: str | None) -> list[str]:
    command = [
        str(BIN / "st"),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(max_examples),
        # one worker: hypothesis describes filters by parsing source, which CPython 3.11 cannot do in two threads
        # at once ("AST constructor recursion depth mismatch")
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--output-truncate",
        "false",
    ]
    if seed != "random":
        command += ["--seed", seed]
    if phases is not None:
        command += ["--phases", phases]
    return command


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_answers_as_documented_when_fuzzed(seeded: Platform, tokens: dict[str, str], role: str):
    phases = None if ALL_PHASES or role == "operator" else BOUNDED_PHASES
    command = schemathesis_command(seeded.url(), tokens[role], MAX_EXAMPLES, SEED, phases)
    seen = seeded.root / f"problem-codes-{role}.txt"
    result = subprocess.run(
        command,
        cwd=seeded.root,  # its cache and reports stay out of the repository
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env={
            **os.environ,
            "NO_COLOR": "1",
            "SCHEMATHESIS_HOOKS": str(HOOKS),
            "FUZZ_PROBLEM_CODES_SEEN": str(seen),
        },
    )
    assert result.returncode == 0, f"schemathesis as {role}:\n{failures(result.stdout)}\n{result.stderr[-3000:]}"
    # the check ran: every run meets refusals (a 404, a 422, a role that may not), each with a documented code
    assert seen.exists() and seen.read_text().strip(), "the problem-code check saw no problem"


def failures(report: str) -> str:
    """The failures of a schemathesis report and its summary: the warnings between them can fill a screen."""
    start = report.find("= FAILURES =")
    warnings = report.find("= WARNINGS =", max(start, 0))
    summary = report.find("= SUMMARY =", max(start, 0))
    if start < 0:
        return report[-30000:]
    return report[start : warnings if warnings > 0 else summary][:30000] + "\n...\n" + report[summary:]
