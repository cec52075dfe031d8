"""openapi/openapi.json, the platform's merged OpenAPI document: `make openapi` writes it, a test checks it is current.

No server is started: each service's app is built in process (its document
needs no database) and so is the gateway's own, and they are merged by the
gateway's merge code, as the running gateway merges what the services serve.
Nothing in it depends on the machine or the time: the same code writes the
same bytes (keys in the code's order, two-space indents, a final newline).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from gateway.main import Gateway
from gateway.openapi import feed_services, merge
from gateway.settings import Settings as GatewaySettings

from .generated import write_or_check

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


def main(argv: list[str] | None = None) -> int:
    return write_or_check(TARGET, lambda: render(build()), make="openapi", description=__doc__, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
