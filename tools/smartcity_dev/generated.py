"""The files made from the code (docs/events.md, docs/problems.md, openapi/openapi.json): each module's `make`
target writes its file; with `--check` it fails, showing the difference, when the committed file is not what the
code makes."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def difference(current: str, expected: str, name: str) -> str:
    """A unified diff from the committed file `name` to what the code makes, or '' when they agree."""
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            f"{name} (committed)",
            f"{name} (from the code)",
        )
    )


def write_or_check(
    target: Path, render: Callable[[], str], *, make: str, description: str | None, argv: list[str] | None
) -> int:
    """The command line of one generated file: write it, or with --check exit 1 with the diff when it is stale."""
    name = target.relative_to(ROOT).as_posix()
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help=f"fail, showing the diff, if {name} is not current")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        diff = difference(target.read_text() if target.exists() else "", text, name)
        if diff:
            print(diff + f"\n{name} is out of date: run `make {make}`", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(exist_ok=True)
    target.write_text(text)
    return 0
