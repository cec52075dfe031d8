"""bench/hot_reads.py's reading of py-spy's collapsed stacks, on a canned profile."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))

import hot_reads  # noqa: E402


def test_top_entries_reads_frames_that_span_lines(tmp_path: Path) -> None:
    # SQLAlchemy's generated functions give py-spy a frame whose text holds newlines: the stack ends on a later line
    collapsed = tmp_path / "read.txt"
    collapsed.write_text(
        "main (app.py:1);handle (app.py:5);execute (connection.py:9) 3\n"
        "main (app.py:1);handle (app.py:5);yield_per (<string>:2)\n"
        "    return target(fn, self, num)\n"
        " (def yield_per(self, num):) 1\n"
    )
    own, inclusive = hot_reads.top_entries(collapsed)
    assert [name for name, _ in own] == [
        "execute (connection.py)",
        "yield_per (<string>:2)     return target(fn, self, num)  (def yield_per(self, num):)",
    ]
    assert [share for _, share in own] == [75.0, 25.0]
    assert dict(inclusive)["handle (app.py)"] == 100.0
