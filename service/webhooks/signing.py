"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A receiver verifies ``webhook-signature`` against ``f"{id}.{timestamp}.{body}"`` with the
secret it was shown. During a rotation we sign with every live secret and send the signatures
space-separated, so a receiver holding either the old or the new secret accepts the message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as _secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"
USER_AGENT = "Ceasewatch-Webhooks/0.1"
# 24 bytes (192 bits) is what the reference libraries generate; the spec asks for 24 to 64.
_SECRET_BYTES = 24


def new_secret() -> str:
    """A fresh ``whsec_`` secret: the prefix plus base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(_SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a ``whsec_`` secret (the prefix is optional, as in the reference)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        # Like the reference implementation, tolerate missing padding.
        key = base64.b64decode(encoded + "==", validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"webhook secret is not valid base64: {exc}") from None
    if not key:
        raise ValueError("webhook secret is empty")
    return key


def _signature(key: bytes, *, msg_id: str, timestamp: int, body: bytes) -> str:
    # Sign the exact bytes sent; building the string from a decoded body could re-encode it.
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign(*, msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]) -> str:
    """``v1,<signature>`` for each secret, space-separated, in the order given."""
    if not secrets:
        raise ValueError("at least one secret is needed to sign a webhook")
    if not msg_id or any(c in msg_id for c in ". \r\n"):
        # A dot would make "id.timestamp.body" ambiguous; whitespace cannot travel in a header.
        raise ValueError(f"webhook id {msg_id!r} must be non-empty, without dots or whitespace")
    return " ".join(
        _signature(secret_key(s), msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets
    )


def headers(*, msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]) -> dict[str, str]:
    """The request headers for one attempt; ``timestamp`` is the attempt's (Unix seconds)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": sign(msg_id=msg_id, timestamp=timestamp, body=body, secrets=secrets),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
