"""Signing secrets: made (`whsec_` + base64 of 32 random bytes), sealed at rest, opened to sign.

A secret is shown once, when it is made; the database holds it only sealed
with AES-256-GCM under `WEBHOOKS_SECRET_KEY`, bound to its endpoint (the
endpoint id is the associated data), so a sealed secret copied to another
endpoint's row does not open.
"""

from __future__ import annotations

import base64
import os
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "whsec_"
NONCE_BYTES = 12


def new_secret() -> bytes:
    return os.urandom(32)


def shown(secret: bytes) -> str:
    """The secret as the subscriber sees it once and as Standard Webhooks libraries take it."""
    return PREFIX + base64.b64encode(secret).decode()


def seal(key: bytes, endpoint_id: uuid.UUID, secret: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, secret, endpoint_id.bytes)


def unseal(key: bytes, endpoint_id: uuid.UUID, sealed: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], endpoint_id.bytes)
