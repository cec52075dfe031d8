"""Webhooks' problem types: the refusals of its own rules a client may branch on, each defined once.

A plain lookup that finds nothing is the kit's `not-found`, a request whose
fields break a rule the kit's `validation-failed` with a code per field; the
types here name what only webhooks refuses. Their Indonesian, and that of every
message of this package, is in `locale/id/LC_MESSAGES/webhooks.po`.
"""

from __future__ import annotations

from pathlib import Path

from smartcity_kit.problemtypes import ProblemTypes

WEBHOOKS = ProblemTypes("webhooks", Path(__file__).parent)

WEBHOOK_URL_REFUSED = WEBHOOKS.define(
    "webhook-url-refused",
    422,
    "Webhook URL refused",
    meaning="Events are not delivered to this URL: it is not https (outside development), carries credentials or "
    "a fragment, has no host, or its host does not resolve or resolves to a loopback, private, link-local or "
    "reserved address. The field error's code says which (`scheme_not_allowed`, `credentials_in_url`, "
    "`fragment_in_url`, `no_host`, `host_does_not_resolve`, `address_not_public`, `not_a_url`).",
    action="Give a public https URL of your system; authenticate deliveries by their signature, not the URL.",
)
