"""`smartcity-healthcheck URL`: exit 0 when URL answers 200, else 1 (a container's HEALTHCHECK).

Python's standard library only: the images carry no curl or wget.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: smartcity-healthcheck URL", file=sys.stderr)
        return 2
    try:
        with urllib.request.urlopen(args[0], timeout=3) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
