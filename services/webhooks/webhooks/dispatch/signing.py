"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one per live secret."""

from __future__ import annotations

import base64
import hashlib
import hmac


def signature(secret: bytes, message_id: str, timestamp: int, body: str) -> str:
    digest = hmac.new(secret, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets: list[bytes], message_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets),
        "content-type": "application/json",
        "user-agent": "smartcity-webhooks/1.0",
    }
