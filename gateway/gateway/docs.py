"""`/docs`: Swagger UI from files shipped in this package (swagger-ui-dist, see static/swagger-ui/VERSION).

Nothing is loaded from a CDN, so the page works with no internet access.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from smartcity_kit.problems import NotFound
from starlette.responses import FileResponse, HTMLResponse, Response

ASSETS = Path(__file__).parent / "static" / "swagger-ui"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
_SERVED = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}

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
});
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/docs/init.js")
async def init() -> Response:
    return Response(INIT, media_type="text/javascript")


@router.get("/docs/assets/{name}")
async def asset(name: str) -> FileResponse:
    if name not in _SERVED:
        raise NotFound("No such asset.")
    return FileResponse(
        ASSETS / name,
        media_type=_TYPES[Path(name).suffix],
        headers={"Cache-Control": "public, max-age=86400"},
    )
