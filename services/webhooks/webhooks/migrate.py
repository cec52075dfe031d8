"""`webhooks-migrate`: apply this service's migrations to the configured database."""

from pathlib import Path

from smartcity_kit.migrations import upgrade

from .settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    upgrade(MIGRATIONS, Settings().database_url)


if __name__ == "__main__":
    main()
