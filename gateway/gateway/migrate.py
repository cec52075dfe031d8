"""`gateway-migrate`: apply the gateway's migrations (its API keys) to the configured database."""

import sys
from pathlib import Path

from smartcity_kit.migrations import upgrade

from .settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    settings = Settings()
    if not settings.database_url:
        sys.exit("gateway-migrate: set GATEWAY_DATABASE_URL or DATABASE_URL.")
    upgrade(MIGRATIONS, settings.database_url)


if __name__ == "__main__":
    main()
