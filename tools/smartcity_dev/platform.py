"""Start and stop the platform's processes: migrations, the services, the gateway.

Used by `make run` (through `smartcity-run`) and by the end-to-end tests, so
that both run exactly the same commands.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SERVICES = ("participants", "mentoring", "documents", "monitoring", "webhooks", "reports")
# the services that publish an events feed (webhooks delivers feeds, reports reads them; neither has one)
FEED_SERVICES = ("participants", "mentoring", "documents", "monitoring")
BIN = Path(sys.executable).parent


def installed_services() -> list[str]:
    """The services whose packages are installed (a service lands when its package does)."""
    return [s for s in SERVICES if (BIN / f"{s}-serve").exists()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def embedded_database(data_dir: Path) -> tuple[str, object]:
    """Start (or join) the embedded PostgreSQL in `data_dir/postgres`; returns (url, handle)."""
    from pgserver.postgres_server import get_server  # only needed when no DATABASE_URL is given

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "postgres", cleanup_mode="stop")
    return server.get_uri(), server


@dataclass
class Platform:
    database_url: str
    root: Path
    ports: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    internal_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log_dir: Path | None = None
    services: list[str] = field(default_factory=installed_services)

    def url(self, name: str = "gateway") -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def environ(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env)
        env["DATABASE_URL"] = self.database_url
        env["SMARTCITY_INTERNAL_SECRET"] = self.internal_secret
        for name in (*self.services, "gateway"):
            env[f"{name.upper()}_PORT"] = str(self.ports[name])
            env.setdefault(f"{name.upper()}_HOST", "127.0.0.1")
        # every process learns where the others are: <ME>_<OTHER>_URL, e.g. MENTORING_DOCUMENTS_URL
        for me in (*SERVICES, "gateway"):
            for other in SERVICES:
                if other != me:
                    env[f"{me.upper()}_{other.upper()}_URL"] = f"http://127.0.0.1:{self.ports.get(other, 0)}"
        env["GATEWAY_SERVICES"] = ",".join(self.services)
        # the webhooks service delivers every feed of the platform
        feeds = (f"{s}=http://127.0.0.1:{self.ports.get(s, 0)}" for s in self.services if s in FEED_SERVICES)
        env.setdefault("WEBHOOKS_FEEDS", ",".join(feeds))
        env.setdefault("GATEWAY_SIGNING_KEY_PATH", str(self.root / ".data" / "gateway-signing-key.pem"))
        env.setdefault("DOCUMENTS_STORAGE_DIR", str(self.root / ".data" / "documents"))
        return env

    def migrate(self) -> None:
        # the gateway's own schema (API keys) too, before the gateway starts
        for name in (*self.services, "gateway"):
            subprocess.run([str(BIN / f"{name}-migrate")], env=self.environ(), check=True)

    def start(self, name: str, replica: str | None = None, port: int | None = None) -> subprocess.Popen[bytes]:
        """Start `name`; a `replica` name and its own `port` start one more process of the same service."""
        command = [str(BIN / ("gateway-serve" if name == "gateway" else f"{name}-serve"))]
        key = replica or name
        env = self.environ()
        if port is not None:
            env[f"{name.upper()}_PORT"] = str(port)
        out = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{key}.log", "ab")  # noqa: SIM115 (lives as long as the process)
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT if out else None)
        self.processes[key] = process
        return process

    def start_all(self, timeout: float = 60) -> None:
        for name in (*self.services, "gateway"):
            self.ports.setdefault(name, free_port())
        self.migrate()
        for name in (*self.services, "gateway"):
            self.start(name)
        self.wait_ready(timeout)
        self.wait_documented(timeout)

    def wait_documented(self, timeout: float = 60) -> None:
        """Until the gateway's merged OpenAPI document holds every service (one still starting is asked again)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                response = httpx.get(self.url() + "/openapi.json", timeout=5)
                # each read asks the services still missing again (GATEWAY_OPENAPI_RETRY_MISSING apart)
                if response.status_code == 200 and all(
                    state == "present" for state in response.json()["info"].get("x-services", {}).values()
                ):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"the gateway's OpenAPI document lacked a service after {timeout} s")

    def wait_ready(self, timeout: float = 60, name: str = "gateway", url: str | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for proc_name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{proc_name} exited with {process.returncode} while starting")
            try:
                if httpx.get((url or self.url(name)) + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{name} was not ready within {timeout} s")

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 25) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        # the reverse of the start order: the gateway first, extra replicas included
        for name in reversed(list(self.processes)):
            self.stop(name)
