"""The gateway's own problem types: the refusals a client meets at the gateway before any service, and would
branch on. The generic ones (401, 403, 404, 429, 503, 504) are the kit's."""

from __future__ import annotations

from pathlib import Path

from smartcity_kit.problemtypes import ProblemTypes

GATEWAY = ProblemTypes("gateway", Path(__file__).parent)

CREDENTIALS_EXPIRED = GATEWAY.define(
    "credentials-expired",
    401,
    "Credentials expired",
    meaning="The bearer token (or the API key) has expired.",
    action="Obtain a new token from the provider (a refresh), or a new API key, and retry.",
)
TOO_MANY_FAILED_AUTHENTICATIONS = GATEWAY.define(
    "too-many-failed-authentications",
    429,
    "Too many failed sign-ins",
    meaning="Too many requests from this address carried credentials that did not verify.",
    action="Wait the seconds of `Retry-After`; check the credentials before trying again.",
)
TOO_MANY_UPLOADS = GATEWAY.define(
    "too-many-uploads",
    429,
    "Too many uploads at once",
    meaning="The caller already has as many uploads in flight as it may.",
    action="Wait for an upload to finish (or the seconds of `Retry-After`), then send the next.",
)
ADMIN_KEY_FORBIDDEN = GATEWAY.define(
    "admin-key-forbidden",
    403,
    "Only an admin makes admin keys",
    meaning="An API key with the role admin can only be made by an admin.",
    action="Ask an admin to make the key, or make a key of another role.",
)
API_KEY_FIELDS_INVALID = GATEWAY.define(
    "api-key-fields-invalid",
    422,
    "API key fields do not fit its role",
    meaning="A field of the key does not go with its role: a region key needs `region_code`, only a partner key "
    "carries `organization`, and an expiry lies in the future.",
    action="Correct the fields `errors` names for the key's role and send again.",
)
