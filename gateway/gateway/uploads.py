"""Which routes take an upload: a body streamed to the service, which bounds its size itself.

Every other body is bounded at the gateway by `GATEWAY_MAX_BODY_BYTES` (413):
JSON is read whole by the service before it is validated. These routes are
also the ones `GATEWAY_MAX_UPLOADS_PER_CALLER` counts. The services mark the
same routes `x-streamed-body` in their OpenAPI documents.
"""

from __future__ import annotations

from .policy import template_pattern

UPLOAD_ROUTES = [
    ("POST", "/api/v1/documents"),  # multipart, DOCUMENTS_MAX_UPLOAD_BYTES
    ("POST", "/api/v1/documents/{id}/versions"),
    ("POST", "/api/v1/regions/import"),  # text/csv, PARTICIPANTS_IMPORT_MAX_BYTES
    ("POST", "/api/v1/monitoring/periods/{code}/reports/{region_code}/upload"),  # MONITORING_UPLOAD_MAX_BYTES
]
_PATTERNS = [(method, template_pattern(template)) for method, template in UPLOAD_ROUTES]


def is_upload(method: str, path: str) -> bool:
    return any(method == m and pattern.match(path) for m, pattern in _PATTERNS)
