"""The kit's problem types: the generic refusal of each status, and those of the kit's own machinery (cursors,
Idempotency-Key, ETags, the database). Any service may give them; a service defines its own in its `problems.py`."""

from __future__ import annotations

from pathlib import Path

from .problemtypes import ProblemType, ProblemTypes

KIT = ProblemTypes("smartcity_kit", Path(__file__).parent)
# the generic refusals: each status any service (or the gateway) may give, when nothing more specific applies
BAD_REQUEST = KIT.define(
    "bad-request",
    400,
    "Bad request",
    meaning="The request cannot be read: a malformed header, or a body that is not what its Content-Type says.",
    action="Fix the request; sent again unchanged, it is refused again.",
)
UNAUTHORIZED = KIT.define(
    "unauthorized",
    401,
    "Not signed in",
    meaning="No credential came with the request, or it is not valid (expired, revoked, not signed by a trusted "
    "issuer).",
    action="Sign in again or send a valid bearer token or X-API-Key, then retry.",
)
FORBIDDEN = KIT.define(
    "forbidden",
    403,
    "Not allowed",
    meaning="The caller is known, but its role (or its region) may not do this.",
    action="Do not retry: ask an administrator for a role that may, or act on your own region only.",
)
NOT_FOUND = KIT.define(
    "not-found",
    404,
    "Not found",
    meaning="No such resource, or none the caller may see (a region sees only its own).",
    action="Check the id or code in the path; a list shows what exists.",
)
METHOD_NOT_ALLOWED = KIT.define(
    "method-not-allowed",
    405,
    "Method not allowed",
    meaning="The resource exists but does not take this HTTP method.",
    action="Use one of the methods the `Allow` header lists.",
)
NOT_ACCEPTABLE = KIT.define(
    "not-acceptable",
    406,
    "No acceptable representation",
    meaning="None of the media types the `Accept` header names is one this resource is served as.",
    action="Ask for one of the media types the operation documents.",
)
REQUEST_TIMEOUT = KIT.define(
    "request-timeout",
    408,
    "Request too slow",
    meaning="The request's headers, or its body, did not arrive in time.",
    action="Send the request again over a working connection.",
)
CONFLICT = KIT.define(
    "conflict",
    409,
    "Conflict with the current state",
    meaning="The change conflicts with the resource's current state, often a change made at the same moment.",
    action="Read the resource again, decide, and retry if the change still applies.",
)
IDEMPOTENCY_KEY_IN_USE = KIT.define(
    "idempotency-key-in-use",
    409,
    "Same request still running",
    meaning="A request with the same Idempotency-Key is still being processed.",
    action="Wait the seconds of `Retry-After` and send the same request again: it is answered once done.",
)
PRECONDITION_FAILED = KIT.define(
    "precondition-failed",
    412,
    "Changed since read",
    meaning="The resource changed since the ETag sent in If-Match was read.",
    action="GET the resource again, apply the change to what it is now, and send it with the new ETag.",
)
CONTENT_TOO_LARGE = KIT.define(
    "content-too-large",
    413,
    "Body too large",
    meaning="The request body is larger than the operation takes.",
    action="Send a smaller body (the detail names the limit); do not retry unchanged.",
)
UNSUPPORTED_MEDIA_TYPE = KIT.define(
    "unsupported-media-type",
    415,
    "Unsupported media type",
    meaning="The body's Content-Type, or the type of the file judged from its bytes, is not one the operation takes.",
    action="Send one of the media types the operation documents.",
)
RANGE_NOT_SATISFIABLE = KIT.define(
    "range-not-satisfiable",
    416,
    "Range not satisfiable",
    meaning="The Range header asks for bytes the content does not have.",
    action="Ask for a range within the size in `Content-Range`, or for the whole content.",
)
VALIDATION_FAILED = KIT.define(
    "validation-failed",
    422,
    "Request not valid",
    meaning="One or more fields (or parameters) are not valid; `errors` names each, with a code and a message.",
    action="Correct the fields `errors` names, by their `code`, and send the request again.",
)
INVALID_CURSOR = KIT.define(
    "invalid-cursor",
    422,
    "Cursor not valid",
    meaning="The cursor is not one this list (or feed) gave out.",
    action="Start again without a cursor, and pass on only the `next_cursor` the answers give.",
)
IDEMPOTENCY_KEY_REUSED = KIT.define(
    "idempotency-key-reused",
    422,
    "Idempotency-Key used for another request",
    meaning="The Idempotency-Key was used before with another request body.",
    action="Use a new key for a new request; the same key only to repeat the same request.",
)
VALUE_NOT_STORABLE = KIT.define(
    "value-not-storable",
    422,
    "Value cannot be stored",
    meaning="A value of the request cannot be stored: a NUL character in text, a number out of range.",
    action="Correct the value; sent again unchanged, it is refused again.",
)
PRECONDITION_REQUIRED = KIT.define(
    "precondition-required",
    428,
    "If-Match required",
    meaning="This resource changes only with an If-Match header carrying its current ETag.",
    action="GET the resource, then send the change with `If-Match` set to its `ETag`.",
)
TOO_MANY_REQUESTS = KIT.define(
    "too-many-requests",
    429,
    "Too many requests",
    meaning="The caller sent more requests than its rate allows.",
    action="Wait the seconds of `Retry-After`, then slow down.",
)
HEADER_FIELDS_TOO_LARGE = KIT.define(
    "header-fields-too-large",
    431,
    "Headers too large",
    meaning="The request line and headers together are larger than the server takes.",
    action="Send smaller headers (a shorter token, fewer cookies).",
)
INTERNAL_ERROR = KIT.define(
    "internal-error",
    500,
    "Internal error",
    meaning="An unexpected error; it has been logged with the request id.",
    action="Retry later; if it persists, report the `X-Request-ID` of the answer to the operators.",
)
SERVICE_UNAVAILABLE = KIT.define(
    "service-unavailable",
    503,
    "Service unavailable",
    meaning="A service this request needs does not answer; nothing was changed.",
    action="Wait the seconds of `Retry-After` and retry.",
)
DATABASE_UNAVAILABLE = KIT.define(
    "database-unavailable",
    503,
    "Database unavailable",
    meaning="The service's database (or another backing store) is not reachable; nothing was changed.",
    action="Wait the seconds of `Retry-After` and retry.",
)
SERVICE_BUSY = KIT.define(
    "service-busy",
    503,
    "Service busy",
    meaning="The service has no capacity free for the request right now; nothing was changed.",
    action="Wait the seconds of `Retry-After` and retry.",
)
GATEWAY_TIMEOUT = KIT.define(
    "gateway-timeout",
    504,
    "Service too slow",
    meaning="The service owning the resource did not answer in time; a change may or may not have been made.",
    action="Read the resource to see whether the change was made before retrying it (an Idempotency-Key makes "
    "a retried POST safe).",
)
# the generic type of each status: what an error raised without a type of its own (Starlette's 404 and 405,
# a subclass below without a type) is given
GENERIC: dict[int, ProblemType] = {
    p.status: p
    for p in (
        BAD_REQUEST,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        NOT_ACCEPTABLE,
        REQUEST_TIMEOUT,
        CONFLICT,
        PRECONDITION_FAILED,
        CONTENT_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        RANGE_NOT_SATISFIABLE,
        VALIDATION_FAILED,
        PRECONDITION_REQUIRED,
        TOO_MANY_REQUESTS,
        HEADER_FIELDS_TOO_LARGE,
        INTERNAL_ERROR,
        SERVICE_UNAVAILABLE,
        GATEWAY_TIMEOUT,
    )
}
