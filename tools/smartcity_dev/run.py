"""`smartcity-run` (what `make run` calls): the whole platform on this machine.

Uses `DATABASE_URL` when set, else an embedded PostgreSQL (pgserver) in
`.data/postgres`; applies every service's migrations; starts the services and
the gateway; Ctrl-C stops them all.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from .platform import Platform, embedded_database


def main() -> None:
    root = Path.cwd()
    handle = None
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        database_url, handle = embedded_database(root / ".data")
        print(f"embedded PostgreSQL in {root / '.data' / 'postgres'}", flush=True)
    platform = Platform(database_url=database_url, root=root)
    platform.internal_secret = os.environ.get("SMARTCITY_INTERNAL_SECRET", platform.internal_secret)
    platform.ports = {
        "gateway": int(os.environ.get("GATEWAY_PORT", 8000)),
        "participants": int(os.environ.get("PARTICIPANTS_PORT", 8001)),
        "mentoring": int(os.environ.get("MENTORING_PORT", 8002)),
        "documents": int(os.environ.get("DOCUMENTS_PORT", 8003)),
        "monitoring": int(os.environ.get("MONITORING_PORT", 8005)),
        "reports": int(os.environ.get("REPORTS_PORT", 8006)),
        "webhooks": int(os.environ.get("WEBHOOKS_PORT", 8004)),
    }
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        platform.start_all(timeout=120)
        for name in (*platform.services, "gateway"):
            print(f"{name:>13}: {platform.url(name)}", flush=True)
        print(f"API docs: {platform.url()}/docs   token: .venv/bin/gateway-token --sub you --role operator", flush=True)
        print("Ctrl-C stops everything.", flush=True)
        while not stopping:
            for name, process in platform.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping.", file=sys.stderr, flush=True)
                    stopping = True
            time.sleep(0.5)
    finally:
        print("stopping...", flush=True)
        platform.stop_all()
        del handle  # the embedded PostgreSQL stops with its last handle


if __name__ == "__main__":
    main()
