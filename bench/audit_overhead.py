"""What the audit trail costs a write: bulk signing of 50 MoUs with and without the audit triggers.

Runs bench/participants_mou_signing.py's rounds with the audit and without it
(its triggers disabled; the sealer off in both, as it works after the commit),
alternately, `--pairs` times, each run in a fresh database, so a busy machine
weighs on both alike; prints the median of each side and their ratio.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/audit_overhead.py --pairs 3

Without DATABASE_URL it starts the embedded PostgreSQL in .data/bench-postgres.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import participants_mou_signing as signing  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--size", type=int, default=50)
    args = parser.parse_args()
    server = None
    if not os.environ.get("DATABASE_URL"):
        from pgserver.postgres_server import get_server

        data = Path(__file__).resolve().parents[1] / ".data"
        data.mkdir(exist_ok=True)
        server = get_server(data / "bench-postgres", cleanup_mode="stop")
        os.environ["DATABASE_URL"] = server.get_uri()
    audited: list[float] = []
    bare: list[float] = []
    for _ in range(args.pairs):
        audited += asyncio.run(signing.main(args.rounds, args.size, audit=True))
        bare += asyncio.run(signing.main(args.rounds, args.size, audit=False))
    with_, without = statistics.median(audited), statistics.median(bare)
    print(f"audit on {with_:.1f} ms, off {without:.1f} ms: {with_ / without:.2f}x for {args.size} MoUs in one request")
    del server


if __name__ == "__main__":
    main()
