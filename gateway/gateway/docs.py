"""`/docs`: Swagger UI from files shipped in this package (swagger-ui-dist, see static/swagger-ui/VERSION).

Nothing is loaded from a CDN, so the page works with no internet access. With
an OpenID Connect provider (GATEWAY_OIDC_ISSUER) and a public client registered
there for the docs (GATEWAY_DOCS_OIDC_CLIENT_ID), Authorize signs the operator
in with the authorization code flow and PKCE: the provider sends the browser
back to /docs/oauth2-redirect.html, which hands the code to the page, and the
page exchanges it at the provider's token endpoint. The pages' Content Security
Policy allows scripts, styles and images from the gateway only and connections
to the gateway and the provider's origin (discovery and token), nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from smartcity_kit.problems import NotFound
from starlette.responses import FileResponse, HTMLResponse, Response

from .settings import Settings

ASSETS = Path(__file__).parent / "static" / "swagger-ui"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
_SERVED = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}
REDIRECT_PATH = "/docs/oauth2-redirect.html"

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Smart City API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""

INIT = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  oauth2RedirectUrl: window.location.origin + "%s",
});
"""

router = APIRouter(include_in_schema=False)


def init_script(settings: Settings) -> str:
    """Swagger UI's start; with a docs client, `initOAuth` for the authorization code flow with PKCE."""
    script = INIT % REDIRECT_PATH
    if settings.oidc_issuer and settings.docs_oidc_client_id:
        oauth = {
            "clientId": settings.docs_oidc_client_id,
            "scopes": settings.docs_oidc_scope_list(),
            "usePkceWithAuthorizationCodeGrant": True,
        }
        script += f"window.ui.initOAuth({json.dumps(oauth)});\n"
    return script


def content_security_policy(settings: Settings) -> str:
    connect = "'self'"
    if settings.oidc_issuer:
        issuer = urlsplit(settings.oidc_issuer)
        connect += f" {issuer.scheme}://{issuer.netloc}"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": content_security_policy(_settings(request))})


@router.get("/docs/init.js")
async def init(request: Request) -> Response:
    return Response(init_script(_settings(request)), media_type="text/javascript")


@router.get(REDIRECT_PATH)
async def oauth2_redirect(request: Request) -> FileResponse:
    """Where the provider sends the operator's browser back; its script (below) hands the code to /docs."""
    return FileResponse(
        ASSETS / "oauth2-redirect.html",
        media_type="text/html",
        headers={"Content-Security-Policy": content_security_policy(_settings(request)), "Cache-Control": "no-cache"},
    )


@router.get("/docs/oauth2-redirect.js")
async def oauth2_redirect_script() -> FileResponse:
    return FileResponse(ASSETS / "oauth2-redirect.js", media_type="text/javascript")


@router.get("/docs/assets/{name}")
async def asset(name: str) -> FileResponse:
    if name not in _SERVED:
        raise NotFound("No such asset.")
    return FileResponse(
        ASSETS / name,
        media_type=_TYPES[Path(name).suffix],
        headers={"Cache-Control": "public, max-age=86400"},
    )
