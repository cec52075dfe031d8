"""End-to-end tests: the real processes on free ports, talked to over HTTP."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from importlib import import_module
from types import ModuleType

import httpx
import pytest
from gateway.settings import Settings as GatewaySettings
from gateway.token_cli import issue_token
from smartcity_dev.clients import generate_python_client
from smartcity_dev.platform import SERVICES, Platform
from smartcity_kit.migrations import upgrade


@pytest.fixture(scope="session")
def platform(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    root = tmp_path_factory.mktemp("platform")
    (root / ".data").mkdir()
    p = Platform(database_url=database_url, root=root, log_dir=root / "logs")
    p.env["GATEWAY_SIGNING_KEY_PATH"] = str(root / ".data" / "gateway-signing-key.pem")
    try:
        p.start_all(timeout=180)
        yield p
    except BaseException:
        print_logs(p)
        raise
    finally:
        p.stop_all()


GENEROUS_LIMITS = "admin=500:1000,operator=500:1000,mentor=500:1000,region=500:1000,partner=500:1000"


@pytest.fixture(scope="module")
def own_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Platform]]:
    """Starts platforms of the module's own (own database, own data dir); all stop when the module ends.

    For tests that restart, kill or fill what they run on, so that no other test sees it.
    """
    started: list[Platform] = []

    def start(database_url: str, **env: str) -> Platform:
        root = tmp_path_factory.mktemp("own-platform")
        (root / ".data").mkdir()
        p = Platform(database_url=database_url, root=root, log_dir=root / "logs")
        p.env["GATEWAY_SIGNING_KEY_PATH"] = str(root / ".data" / "gateway-signing-key.pem")
        p.env["GATEWAY_RATE_LIMITS"] = GENEROUS_LIMITS
        p.env.update(env)
        started.append(p)
        try:
            p.start_all(timeout=180)
        except BaseException:
            print_logs(p)
            raise
        return p

    try:
        yield start
    finally:
        for p in started:
            p.stop_all()


def print_logs(p: Platform, tail: int = 4000) -> None:
    if p.log_dir is not None:
        for log in sorted(p.log_dir.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-tail:]}")


@pytest.fixture(scope="session")
def every_schema(new_database: Callable[[], str]) -> str:
    """A database of its own with every service's and the gateway's migrations applied, for what compares them."""
    url = new_database()
    for package in (*SERVICES, "gateway"):
        upgrade(import_module(f"{package}.migrate").MIGRATIONS, url)
    return url


@pytest.fixture(scope="session")
def auth_for() -> Callable[[Platform], Callable[..., dict[str, str]]]:
    """auth_for(platform) -> auth(role, region_code=None, subject=None): bearer headers its gateway accepts."""
    return _auth_for


def _auth_for(p: Platform) -> Callable[..., dict[str, str]]:
    settings = GatewaySettings(signing_key_path=p.env["GATEWAY_SIGNING_KEY_PATH"])

    def auth(role: str, region_code: str | None = None, subject: str | None = None) -> dict[str, str]:
        token = issue_token(settings, subject or f"{role}@e2e", role, region_code, 3600)
        return {"Authorization": f"Bearer {token}"}

    return auth


@pytest.fixture(scope="session")
def token(platform: Platform):
    settings = GatewaySettings(signing_key_path=platform.env["GATEWAY_SIGNING_KEY_PATH"])

    def make(role: str, region_code: str | None = None, subject: str | None = None, ttl: int = 3600) -> str:
        return issue_token(settings, subject or f"{role}@e2e", role, region_code, ttl)

    return make


@pytest.fixture(scope="session")
def bearer(token):
    def make(role: str, region_code: str | None = None, subject: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(role, region_code, subject)}"}

    return make


@pytest.fixture(scope="session")
def python_client(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """`smartcity_client`: the Python client openapi-python-client generates from openapi/openapi.json."""
    return generate_python_client(tmp_path_factory.mktemp("python-client"))


@pytest.fixture
def gateway(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.url(), timeout=30) as client:
        yield client


def pytest_report_header() -> str:
    return (
        f"end-to-end tests start real processes; DATABASE_URL={'set' if os.environ.get('DATABASE_URL') else 'embedded'}"
    )
