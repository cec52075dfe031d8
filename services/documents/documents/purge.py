"""`documents-purge`: remove the stored bytes that no live version references.

Soft-deleted documents keep their bytes until this runs; bytes shared with a
live version (identical content) stay. Prints one JSON line with the outcome.
"""

from __future__ import annotations

import argparse
import asyncio

import orjson
from smartcity_kit.db import create_engine, make_sessionmaker

from .library.blobs import remove_unreferenced
from .settings import Settings
from .storage import make_storage


async def purge(settings: Settings, *, dry_run: bool) -> list[str]:
    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    storage = make_storage(settings)
    await storage.start()
    try:
        return await remove_unreferenced(make_sessionmaker(engine), storage, keep_deleted=False, dry_run=dry_run)
    finally:
        await storage.close()
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="documents-purge", description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    args = parser.parse_args(argv)
    removed = asyncio.run(purge(Settings(), dry_run=args.dry_run))
    print(orjson.dumps({"removed": len(removed), "dry_run": args.dry_run, "sha256": removed}).decode())


if __name__ == "__main__":
    main()
