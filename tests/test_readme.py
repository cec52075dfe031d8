"""The README's programme year, run as written against a running platform, so it cannot drift from the API.

Every `sh` block of the section "A programme year through the API" runs, in
order, in one bash, with `set -euo pipefail` (each `call` fails on an answer
that is not 2xx). The only change made to the text is the gateway's address.
It runs twice on one platform, the second time for another region, as a
newcomer would on a platform already in use.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import httpx
import pytest
from smartcity_dev.samples import pdf_bytes, synthetic_regions_csv
from smartcity_dev.testing import REPO

SECTION = "## A programme year through the API"
README_GATEWAY = "http://127.0.0.1:8000"


def programme_year_blocks() -> list[str]:
    text = (REPO / "README.md").read_text()
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    return re.findall(r"^```sh\n(.*?)^```$", text[start:end], flags=re.DOTALL | re.MULTILINE)


def test_the_section_holds_every_step_of_the_year():
    script = "\n".join(programme_year_blocks())
    for step in (
        "/regions/import",
        "/phases -d",
        "/participants -d",
        "/assessment",
        "/selection",
        "/mou-signings",
        "/tracks?participant_id=",
        "/mentors -d",
        "/tracks/$T/mentors",
        "--role mentor",
        "/curriculum",
        "/sessions -d",
        "/attendance",
        "/documents",
        "/tracks/$T/deliverables",
        "/review",
        "/tracks/$T/advance",
        "/tracks/$T/masterplan --data-binary",
        "/masterplan/approve",
        "= completed",
    ):
        assert step in script, step
    assert README_GATEWAY in script


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, shared_regions_path: Path | None) -> Path:
    """Where a newcomer stands: `.venv` (the repository's), `regions.csv` and a PDF of theirs."""
    work = tmp_path_factory.mktemp("readme")
    (work / ".venv").symlink_to(REPO / ".venv")
    regions = shared_regions_path.read_bytes() if shared_regions_path else synthetic_regions_csv()
    (work / "regions.csv").write_bytes(regions)
    (work / "laporan.pdf").write_bytes(pdf_bytes("Laporan kesiapan"))
    return work


def run_year(platform, workdir: Path, region: str) -> subprocess.CompletedProcess:
    script = "\n".join(programme_year_blocks()).replace(README_GATEWAY, platform.url())
    script, n = re.subn(r"^REGION=32\.73 ", f"REGION={region} ", script, flags=re.MULTILINE)
    assert n == 1
    env = {**os.environ, "GATEWAY_SIGNING_KEY_PATH": platform.env["GATEWAY_SIGNING_KEY_PATH"]}
    return subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_readme_year_runs_as_written_twice_on_one_platform(own_platform, new_database, auth_for, workdir):
    platform = own_platform(new_database())
    ops = auth_for(platform)("operator")
    for region in ("32.73", "32.71"):
        done = run_year(platform, workdir, region)
        assert done.returncode == 0, f"{region}\n--- stdout\n{done.stdout[-6000:]}\n--- stderr\n{done.stderr[-6000:]}"
        assert done.stderr == ""
    with httpx.Client(base_url=platform.url(), timeout=30) as api:
        participants = api.get("/api/v1/participants", params={"limit": 200}, headers=ops).json()["items"]
        assert sorted((p["region_code"], p["status"]) for p in participants) == [
            ("32.71", "completed"),
            ("32.73", "completed"),
        ]
        assert len({p["phase_code"] for p in participants}) == 2  # each try made a phase of its own
        tracks = api.get("/api/v1/tracks", params={"limit": 200}, headers=ops).json()["items"]
        assert sorted((t["region_code"], t["status"], t["stage"]) for t in tracks) == [
            ("32.71", "completed", "bimtek_4"),
            ("32.73", "completed", "bimtek_4"),
        ]
        for track in tracks:
            plan = api.get(f"/api/v1/tracks/{track['id']}/masterplan", headers=ops).json()
            assert plan["status"] == "approved"
        mentors = api.get("/api/v1/mentors", params={"limit": 200}, headers=ops).json()["items"]
        assert len(mentors) == 2
