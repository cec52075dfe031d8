"""End-to-end tests: the real processes on free ports, talked to over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from gateway.settings import Settings as GatewaySettings
from gateway.token_cli import issue_token
from smartcity_dev.platform import Platform


@pytest.fixture(scope="session")
def platform(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    root = tmp_path_factory.mktemp("platform")
    (root / ".data").mkdir()
    p = Platform(database_url=database_url, root=root, log_dir=root / "logs")
    p.env["GATEWAY_SIGNING_KEY_PATH"] = str(root / ".data" / "gateway-signing-key.pem")
    try:
        p.start_all(timeout=90)
        yield p
    except BaseException:
        for log in sorted((root / "logs").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")
        raise
    finally:
        p.stop_all()


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


@pytest.fixture
def gateway(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.url(), timeout=30) as client:
        yield client


def pytest_report_header() -> str:
    return (
        f"end-to-end tests start real processes; DATABASE_URL={'set' if os.environ.get('DATABASE_URL') else 'embedded'}"
    )
