"""openapi/openapi.json, the platform's merged OpenAPI document: `make openapi` writes it, a test checks it is current.

No server is started: each service's app is built in process (its document
needs no database) and so is the gateway's own, and they are merged by the
gateway's merge code, as the running gateway merges what the services serve.
Nothing in it depends on the machine or the time: the same code writes the
same bytes (keys in the code's order, two-space indents, a final newline).
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from gateway.main import Gateway
from gateway.openapi import feed_services, merge
from gateway.settings import Settings as GatewaySettings

# in the gateway's order (GATEWAY_SERVICES): the order of the document's tags
SERVICES = ("participants", "mentoring", "documents", "monitoring", "reports", "webhooks")
TARGET = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
# a database URL the apps are built with and never use: nothing connects before the app starts
UNUSED_DATABASE = "postgresql://unused/none"


def service_document(name: str) -> dict[str, Any]:
    main = importlib.import_module(f"{name}.main")
    settings = importlib.import_module(f"{name}.settings")
    document: dict[str, Any] = main.create_app(settings.Settings(database_url=UNUSED_DATABASE)).openapi()
    return document


def gateway_document() -> dict[str, Any]:
    # no issuer of its own (it would make a signing key) and no OpenID Connect provider (a deployment's own)
    settings = GatewaySettings(embedded_issuer=False, oidc_issuer="", database_url=UNUSED_DATABASE)
    document: dict[str, Any] = Gateway(settings).local.openapi()
    return document


def build() -> dict[str, Any]:
    return merge(
        gateway_document(),
        {name: service_document(name) for name in SERVICES},
        event_services=feed_services(SERVICES),
    )


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def difference(current: str, expected: str) -> str:
    """A unified diff from the committed file to what the code makes, or '' when they agree."""
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            "openapi/openapi.json (committed)",
            "openapi/openapi.json (from the code)",
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail, showing the diff, if the file is not current")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        diff = difference(TARGET.read_text() if TARGET.exists() else "", text)
        if diff:
            print(diff + f"\n{TARGET} is out of date: run `make openapi`", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
