"""Problem details (RFC 9457): the kit's problem types, one error base class and the handlers that render it.

Every refusal has a problem type (problemtypes.py): `type` is its URI, `code` its
stable name, `title` and `detail` in the request's language (i18n.py). The types
here are the generic ones, of any service; a service defines its own in its
`problems.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from .fielderrors import validation_errors
from .generic_problems import (
    BAD_REQUEST,
    CONFLICT,
    CONTENT_TOO_LARGE,
    FORBIDDEN,
    GENERIC,
    INTERNAL_ERROR,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    PRECONDITION_FAILED,
    PRECONDITION_REQUIRED,
    RANGE_NOT_SATISFIABLE,
    SERVICE_UNAVAILABLE,
    UNAUTHORIZED,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION_FAILED,
)
from .i18n import message_id, negotiate, render, translate
from .problemtypes import FieldError, ProblemType

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("problems")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")  # as OpenAPI names them

Errors = Sequence[FieldError | Mapping[str, Any]]


def _field_error(error: FieldError | Mapping[str, Any]) -> FieldError:
    if isinstance(error, FieldError):
        return error
    extra = {k: v for k, v in error.items() if k not in ("field", "code", "message")}
    return FieldError(error["field"], error.get("code", "invalid"), error["message"], extra=extra)


def problem_body(
    problem: ProblemType,
    language: str,
    detail: str | None = None,
    *,
    values: Mapping[str, Any] | None = None,
    errors: Errors | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The problem+json body in `language`: `detail` is an English message id, its `{name}`s filled from `values`
    (the problem's title when there is no detail)."""
    body: dict[str, Any] = {
        "type": problem.type,
        "code": problem.code,
        "title": translate(problem.title, language),
        "status": problem.status,
        "detail": render(detail if detail is not None else problem.title, values, language),
    }
    if errors is not None:
        body["errors"] = [_field_error(e).render(language) for e in errors]
    if extra:
        body.update(extra)
    return body


def problem_response(
    problem: ProblemType,
    language: str,
    detail: str | None = None,
    *,
    values: Mapping[str, Any] | None = None,
    errors: Errors | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    body = problem_body(problem, language, detail, values=values, errors=errors, extra=extra)
    response = Response(orjson.dumps(body), status_code=problem.status, media_type=PROBLEM_JSON, headers=headers)
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    return response


class AppError(Exception):
    """An expected refusal: its problem type, and a detail (an English message id, `{name}`s filled from the
    keyword `values`); rendered as problem+json in the request's language.

    `raise AppError(REGISTRATION_CLOSED, "Registration for {phase} closed on {closes_on}.", phase=..., closes_on=...)`
    """

    def __init__(
        self,
        problem: ProblemType,
        detail: str | None = None,
        /,
        *,
        errors: Errors | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        **values: Any,
    ) -> None:
        super().__init__(detail or problem.title)
        self.problem = problem
        self.detail = detail
        self.values = values
        self.errors = errors
        self.headers = headers
        self.extra = extra

    @property
    def status_code(self) -> int:
        return self.problem.status

    def to_response(self, language: str) -> Response:
        return problem_response(
            self.problem,
            language,
            self.detail,
            values=self.values,
            errors=self.errors,
            headers=self.headers,
            extra=self.extra,
        )


class CarriedError(StarletteHTTPException):
    """An AppError raised while FastAPI reads a body: FastAPI lets only an HTTPException through (any other
    becomes its own 400), so the error travels as one and is rendered as the AppError it carries."""

    def __init__(self, error: AppError) -> None:
        super().__init__(error.status_code, str(error), error.headers)
        self.error = error


class _GenericError(AppError):
    """A refusal of the generic type of its status (`NotFound("No phase {code}.", code=code)`); a refusal a client
    would branch on has a type of its own: `AppError(THE_TYPE, ...)`."""

    generic: ProblemType

    def __init__(
        self,
        detail: str | None = None,
        /,
        *,
        errors: Errors | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        **values: Any,
    ) -> None:
        super().__init__(self.generic, detail, errors=errors, headers=headers, extra=extra, **values)


class Unauthorized(AppError):
    """A 401, with the `WWW-Authenticate` challenge: `unauthorized`, or a more specific type of 401."""

    def __init__(
        self,
        detail: str = message_id("Missing or invalid credentials."),
        /,
        *,
        problem: ProblemType = UNAUTHORIZED,
        **values: Any,
    ) -> None:
        super().__init__(problem, detail, headers={"WWW-Authenticate": 'Bearer realm="smartcity"'}, **values)


class Forbidden(_GenericError):
    generic = FORBIDDEN


class NotFound(_GenericError):
    generic = NOT_FOUND


class Conflict(_GenericError):
    generic = CONFLICT


class PreconditionFailed(_GenericError):
    generic = PRECONDITION_FAILED


class PayloadTooLarge(_GenericError):
    generic = CONTENT_TOO_LARGE


class UnsupportedMediaType(_GenericError):
    generic = UNSUPPORTED_MEDIA_TYPE


class RangeNotSatisfiable(_GenericError):
    generic = RANGE_NOT_SATISFIABLE


class Unprocessable(_GenericError):
    generic = VALIDATION_FAILED


class PreconditionRequired(_GenericError):
    generic = PRECONDITION_REQUIRED


class ServiceUnavailable(AppError):
    def __init__(
        self, detail: str, /, retry_after: int = 5, *, problem: ProblemType = SERVICE_UNAVAILABLE, **values: Any
    ) -> None:
        super().__init__(problem, detail, headers={"Retry-After": str(retry_after)}, **values)


def problem_responses(*refusals: int | ProblemType) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries so that expected refusals show in the OpenAPI document: a status alone stands for its
    generic type, a problem type for itself; each response lists its codes in `x-problem-codes`."""
    codes: dict[int, set[str]] = {}
    for refusal in refusals:
        problem = refusal if isinstance(refusal, ProblemType) else GENERIC[refusal]
        codes.setdefault(problem.status, set()).add(problem.code)
    return {status: problem_response_doc(status, found) for status, found in sorted(codes.items())}


def problem_response_doc(status: int, codes: set[str] | list[str]) -> dict[str, Any]:
    return {
        "description": HTTPStatus(status).phrase,
        "x-problem-codes": sorted(codes),
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
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


FRAMEWORK_DETAILS = {
    400: message_id("The request body cannot be read as its Content-Type says."),
    404: message_id("No resource at this path."),
    405: message_id("This resource does not take this method."),
}


def language(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"))


def install_problem_handlers(app: FastAPI) -> None:
    async def app_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return exc.to_response(language(request))

    async def request_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        literal = request.app.openapi().get("paths", {}).get(request.url.path)
        if literal is not None and request.method.lower() not in literal:
            # GET /regions/import fell to GET /regions/{code}: the resource is there, not with this method
            allowed = allowed_methods(request.app.openapi(), request.url.path)
            return problem_response(METHOD_NOT_ALLOWED, language(request), headers={"Allow": ", ".join(allowed)})
        errors = validation_errors(list(exc.errors()))
        return problem_response(VALIDATION_FAILED, language(request), "The request is not valid.", errors=errors)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc, CarriedError):
            return exc.error.to_response(language(request))
        # the framework's own refusals (no route, no such method, a body that does not parse): ours say why
        problem = GENERIC.get(exc.status_code) or (INTERNAL_ERROR if exc.status_code >= 500 else BAD_REQUEST)
        detail = FRAMEWORK_DETAILS.get(problem.status)
        headers = dict(getattr(exc, "headers", None) or {})
        allowed = allowed_methods(request.app.openapi(), request.url.path) if exc.status_code == 405 else []
        if allowed:
            headers["Allow"] = ", ".join(allowed)
        return problem_response(problem, language(request), detail, headers=headers or None)

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
        return problem_response(INTERNAL_ERROR, language(request), "An unexpected error occurred; it has been logged.")

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
