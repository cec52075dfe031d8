"""`/docs` without a provider: no sign-in offered, connections to the gateway only; the docs client needs a provider."""

from __future__ import annotations

import pytest
from gateway.settings import Settings
from pydantic import ValidationError


async def test_without_a_provider_the_docs_offer_no_sign_in_and_connect_only_to_the_gateway(client):
    page = await client.get("/docs")
    assert page.headers["content-security-policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    init = await client.get("/docs/init.js")
    assert init.headers["content-type"].startswith("text/javascript")
    assert 'oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect.html"' in init.text
    assert "initOAuth" not in init.text
    redirect = await client.get("/docs/oauth2-redirect.html")
    assert redirect.headers["content-type"].startswith("text/html")
    assert redirect.headers["content-security-policy"] == page.headers["content-security-policy"]
    script = await client.get("/docs/oauth2-redirect.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "swaggerUIRedirectOauth2" in script.text


def test_a_docs_client_without_a_provider_is_refused_at_start():
    with pytest.raises(ValidationError, match="GATEWAY_DOCS_OIDC_CLIENT_ID needs GATEWAY_OIDC_ISSUER"):
        Settings(docs_oidc_client_id="smartcity-docs")
