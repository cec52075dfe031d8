"""The load benchmark's harness on canned inputs: the mix loads, the seed's CSV imports, the PDFs
are well formed, and the table and plot are written. The benchmark itself runs with `make bench`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from participants.regions.importer import parse_regions_csv

LOAD = Path(__file__).resolve().parents[1] / "load"
sys.path.insert(0, str(LOAD))

import pdfs  # noqa: E402
import report  # noqa: E402
import seed  # noqa: E402

SEEDED = {
    "regions": ["32.73", "35.78"],
    "participating": ["32.73"],
    "mentors": ["7c1e5f43-6bb4-4b70-9d51-3a0c61f52a11"],
    "partner_keys": ["sck_canned"],
    "documents": {"32.73": ["0b8e8c8e-2f5e-4a4c-9d59-4b8f3f1f0c01"]},
    "participants": {"32.73": "5b0f0e8a-8a53-4c1e-a0b9-6a6c1e0f2b22"},
    "tracks": ["f3b1c3f2-6d0a-4a7e-9f0a-2c8e7d4b5a33"],
    "phase": "bench",
}

TASKS = """
import collections, json, locustfile
print(json.dumps({c.__name__: collections.Counter(t.__name__ for t in c.tasks)
                  for c in (locustfile.Partner, locustfile.Region, locustfile.Operator)}))
"""


def mix_tasks(tmp_path: Path, seeded: dict | None) -> dict[str, dict[str, int]]:
    """Each kind of user's tasks and their weights."""
    env = {"PATH": "/usr/bin:/bin"}
    if seeded is not None:
        (tmp_path / "seed.json").write_text(json.dumps(seeded))
        env["BENCH_LOAD_SEED"] = str(tmp_path / "seed.json")
    # its own process: importing locust patches the standard library for gevent
    done = subprocess.run([sys.executable, "-c", TASKS], cwd=LOAD, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_mix_leaves_out_what_the_seed_lacks_and_uses_the_rest(tmp_path):
    assert mix_tasks(tmp_path, SEEDED) == {
        "Partner": {
            "list_regions": 4, "one_region": 4, "list_mentors": 1, "list_documents": 3, "one_document": 3,
            "download_document": 1, "read_events": 1, "list_participants": 3, "one_participant": 3,
            "participant_history": 1, "one_phase": 1, "list_tracks": 2, "one_track": 2,
        },
        "Region": {
            "own_documents": 3, "own_document": 2, "upload_document": 1, "upload_version": 1, "own_region": 1,
            "own_participant": 2, "own_contacts": 1, "own_tracks": 2, "own_sessions": 1,
        },
        "Operator": {
            "create_mentor": 2, "list_mentors": 1, "operator_upload": 1, "read_events": 1, "list_participants": 2,
            "operator_contacts": 2, "one_phase": 1, "create_session": 2,
        },
    }  # fmt: skip
    without_programme = mix_tasks(tmp_path, {**SEEDED, "participants": {}, "tracks": [], "phase": None})
    assert without_programme["Operator"] == {
        "create_mentor": 2,
        "list_mentors": 1,
        "operator_upload": 1,
        "read_events": 1,
    }
    assert mix_tasks(tmp_path, None)["Region"] == {
        "own_documents": 3, "own_document": 2, "upload_document": 1, "upload_version": 1, "own_region": 1
    }  # fmt: skip


def test_locust_lists_the_three_kinds_of_user():
    locust = Path(sys.executable).parent / "locust"
    done = subprocess.run(
        [str(locust), "-f", str(LOAD / "locustfile.py"), "--list"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Available", "Users:", "Partner", "Region", "Operator"]


def test_the_synthetic_regions_import_without_a_problem():
    rows = parse_regions_csv(seed.synthetic_regions_csv().encode(), set())
    assert (len(rows), sum(r.level == "province" for r in rows), sum(r.kind == "kota" for r in rows)) == (532, 38, 114)


@pytest.mark.parametrize("size", [200 * 1024, 2 * 1024 * 1024])
def test_the_pdfs_are_well_formed_and_each_upload_is_its_own(size):
    pdf = pdfs.make_pdf(size)
    assert pdf.startswith(b"%PDF-1.7\n") and pdf.endswith(b"%%EOF\n")
    assert size - 1024 < len(pdf) <= size
    xref = int(re.search(rb"startxref\n(\d+)\n", pdf).group(1))
    assert pdf[xref : xref + 5] == b"xref\n"
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n ", pdf)]
    assert [pdf[o : pdf.index(b"\n", o)] for o in offsets] == [b"%d 0 obj" % n for n in range(1, 8)]
    one, two = pdfs.unique(pdf), pdfs.unique(pdf)
    assert len(one) == len(two) == len(pdf) and len({one, two, pdf}) == 3
    at = pdf.index(pdfs.MARKER)
    assert (one[:at], one[at + 32 :]) == (pdf[:at], pdf[at + 32 :]) and re.fullmatch(
        rb"[0-9a-f]{32}", one[at : at + 32]
    )


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/regions,120,0,12,14.2,8,95,9800,4.0,0.0,12,14,15,16,20,31,60,90,95,95,95
POST,/documents,30,2,45,60.1,30,1200,400,1.0,0.07,45,50,55,60,80,110,900,1200,1200,1200,1200
,Aggregated,150,2,14,23.4,8,1200,7900,5.0,0.07,14,16,18,20,40,90,300,900,1200,1200,1200
"""  # noqa: E501
FAILURES = """Method,Name,Error,Occurrences
POST,/documents,HTTP 503: Service Unavailable,2
"""


def test_the_table_and_the_plot_are_written_from_locusts_csv(tmp_path):
    (tmp_path / "step_10_stats.csv").write_text(STATS)
    (tmp_path / "step_10_failures.csv").write_text(FAILURES)
    (tmp_path / "step_1_stats.csv").write_text(STATS.replace(",2,", ",0,"))
    # 40 requests: the slowest 5 % are the two slowest
    times = [("GET", "/regions", 12.5)] * 37 + [
        ("POST", "/documents", 1200),
        ("GET", "/regions", 95),
        ("POST", "/documents", 80),
    ]
    (tmp_path / "step_10_times.csv").write_text("".join(f"{t},{n},{ms}\n" for t, n, ms in times))
    ten = report.read_locust_csv(tmp_path / "step_10", 10, load_before=1.5)
    one = report.read_locust_csv(tmp_path / "step_1", 1)
    assert (ten.requests, ten.failures, ten.rps, ten.p50, ten.p95, ten.p99, ten.max) == (150, 2, 5.0, 14, 90, 900, 1200)
    assert ten.errors == {"POST /documents: HTTP 503: Service Unavailable": 2}
    assert ten.by_name == {"GET /regions": (120, 12, 31), "POST /documents": (30, 45, 110)}
    assert ten.slowest == {"POST /documents": 1, "GET /regions": 1}
    assert (one.failures, one.errors, one.slowest) == (0, {}, {})

    one.cpu = {"gateway": 4.6, "postgresql": 1.4, "locust": 2.0, "machine": 30.0}
    ten.cpu = {"gateway": 55.4, "postgresql": 20.0, "locust": 20.5, "machine": 190.0}
    ten.sessions = 14
    assert (one.cpu_ms_per_request(), ten.cpu_ms_per_request()) == (12.0, pytest.approx(150.8))
    text = report.markdown([one, ten], "Load", ["a note"])
    assert text.splitlines() == [
        "# Load",
        "",
        "a note",
        "",
        "| users | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | error % | load avg before |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| 1 | 150 | 5.0 | 14 | 90 | 900 | 1200 | 0 | 0.00 | 0.00 |",
        "| 10 | 150 | 5.0 | 14 | 90 | 900 | 1200 | 2 | 1.33 | 1.50 |",
        "",
        "Per request, at each step: requests, p50 / p95 ms.",
        "",
        "| request | 1 users | 10 users |",
        "| --- | ---: | ---: |",
        "| `GET /regions` | 120: 12 / 31 | 120: 12 / 31 |",
        "| `POST /documents` | 30: 45 / 110 | 30: 45 / 110 |",
        "",
        "The slowest 5 % of each step's requests, by request: how many of them.",
        "",
        "| request | 1 users | 10 users |",
        "| --- | ---: | ---: |",
        "| `GET /regions` |  | 1 |",
        "| `POST /documents` |  | 1 |",
        "",
        "CPU per process over each step, in % of one core (postgresql: the postmaster and its backends;"
        " machine: every core's busy time, whoever spent it); ms/request: the platform's CPU (not locust's)"
        " per request served; sessions: PostgreSQL sessions (connections) opened during the step.",
        "",
        "| users | gateway | postgresql | locust | machine | ms/request | sessions |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| 1 | 5 | 1 | 2 | 30 | 12.00 | 0 |",
        "| 10 | 55 | 20 | 20 | 190 | 150.80 | 14 |",
        "",
        "Errors (any answer outside the expected statuses, timeouts, refused connections):",
        "",
        "- 10 users: 2 x POST /documents: HTTP 503: Service Unavailable",
    ]
    report.plot([one, ten], tmp_path / "load.png", "Load")
    assert (tmp_path / "load.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
