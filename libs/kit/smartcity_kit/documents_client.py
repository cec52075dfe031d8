"""Asking the documents service about a document, as role `service`.

Used by every service that accepts a document id (mentoring's deliverables,
monitoring's evidence); only they depend on httpx, so only they import this module.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import structlog

from .identity import SERVICE, Caller, sign_identity
from .logging import request_id_var
from .problems import ServiceUnavailable

log = structlog.get_logger("documents_client")


@dataclass(frozen=True)
class DocumentInfo:
    id: uuid.UUID
    region_code: str
    kind: str


class DocumentsClient:
    def __init__(self, *, base_url: str, client: httpx.AsyncClient, secret: str, me: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.secret = secret
        self.me = me

    async def find(self, document_id: uuid.UUID) -> DocumentInfo | None:
        """The document's metadata; None when it is unknown or deleted; 503 when the service does not answer."""
        headers = {"x-smartcity-identity": sign_identity(Caller(subject=self.me, role=SERVICE), self.secret)}
        if (rid := request_id_var.get()) is not None:
            headers["x-request-id"] = rid
        try:
            response = await self.client.get(f"{self.base_url}/api/v1/documents/{document_id}", headers=headers)
        except httpx.HTTPError as exc:
            log.warning("documents service unreachable", error=repr(exc))
            raise ServiceUnavailable("The documents service does not answer; nothing was recorded.") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            log.warning("documents service refused", status=response.status_code, body=response.text[:500])
            raise ServiceUnavailable("The documents service could not check the document; nothing was recorded.")
        try:
            body = response.json()
            if body.get("deleted"):
                return None
            return DocumentInfo(id=uuid.UUID(str(body["id"])), region_code=body["region_code"], kind=body["kind"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("documents service answered nonsense", error=repr(exc))
            raise ServiceUnavailable("The documents service gave an answer that cannot be read.") from exc
