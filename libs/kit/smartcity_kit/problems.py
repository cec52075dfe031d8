"""Problem details (RFC 9457): one error base class and the handlers that render it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("problems")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")  # as OpenAPI names them

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def problem_body(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return body


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    body = problem_body(status, detail, title=title, errors=errors, extra=extra)
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


class AppError(Exception):
    """An expected error: rendered as problem+json with its status."""

    status_code = 400

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra
        if status_code is not None:
            self.status_code = status_code

    def to_response(self) -> Response:
        return problem_response(
            self.status_code, self.detail, errors=self.errors, headers=self.headers, extra=self.extra
        )


class Unauthorized(AppError):
    status_code = 401

    def __init__(self, detail: str = "Missing or invalid credentials.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="smartcity"'})


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class PreconditionFailed(AppError):
    status_code = 412


class PayloadTooLarge(AppError):
    status_code = 413


class UnsupportedMediaType(AppError):
    status_code = 415


class RangeNotSatisfiable(AppError):
    status_code = 416


class Unprocessable(AppError):
    status_code = 422


class PreconditionRequired(AppError):
    status_code = 428


class ServiceUnavailable(AppError):
    status_code = 503

    def __init__(self, detail: str, retry_after: int = 5) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "contacts", 0, "email")` -> `contacts[0].email`."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or str(loc[0] if loc else "body")


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for err in errors:
        message = str(err.get("msg", "invalid"))
        if err.get("type") == "extra_forbidden":
            message = "Unknown field."
        out.append({"field": field_path(err.get("loc", ())), "message": message})
    return out


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries so that expected errors show in the OpenAPI document."""
    return {
        status: {
            "description": _TITLES.get(status, "Error"),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


def allowed_methods(document: dict[str, Any], path: str) -> list[str]:
    """The methods the OpenAPI document gives the path that `path` falls under: what a 405 lists in `Allow`.

    FastAPI makes one route per method, so Starlette's own `Allow` names only the
    first route that matched the path, not every method the resource has.
    """
    paths = document.get("paths", {})
    if path in paths:  # a literal path first: `/regions/import` before `/regions/{code}`
        return sorted(method.upper() for method in paths[path] if method in HTTP_METHODS)
    for template, item in paths.items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            return sorted(method.upper() for method in item if method in HTTP_METHODS)
    return []


def install_problem_handlers(app: FastAPI) -> None:
    async def app_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return exc.to_response()

    async def request_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        literal = request.app.openapi().get("paths", {}).get(request.url.path)
        if literal is not None and request.method.lower() not in literal:
            # GET /regions/import fell to GET /regions/{code}: the resource is there, not with this method
            allowed = allowed_methods(request.app.openapi(), request.url.path)
            return problem_response(405, "Method Not Allowed", headers={"Allow": ", ".join(allowed)})
        errors = validation_errors(list(exc.errors()))
        return problem_response(422, "The request is not valid.", errors=errors)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        headers = dict(getattr(exc, "headers", None) or {})
        allowed = allowed_methods(request.app.openapi(), request.url.path) if exc.status_code == 405 else []
        if allowed:
            headers["Allow"] = ", ".join(allowed)
        return problem_response(exc.status_code, detail, headers=headers or None)

    async def unexpected(request: Request, exc: Exception) -> Response:
        # an error raised in a middleware (outside the router) arrives here whatever its class:
        # give it the handler its class has, as it would have had inside a route
        handlers = request.app.exception_handlers
        handler = next((handlers[c] for c in type(exc).__mro__ if c is not Exception and c in handlers), None)
        if handler is not None:
            try:
                response: Response = await handler(request, exc)
                return response
            except Exception as again:
                if again is not exc:
                    raise
        log.exception("unhandled error", exc_info=exc)
        return problem_response(500, "An unexpected error occurred; it has been logged.")

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
