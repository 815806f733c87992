"""Signatures checked by the Standard Webhooks reference implementation, not by our code."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from service.webhooks.signing import USER_AGENT, headers, new_secret, sign

BODY = (
    '{"type":"test","timestamp":"2026-02-27T10:00:00Z","data":{"note":"Kabul \u2013 ünïcode"}}'
).encode()


def test_new_secret_is_whsec_with_24_random_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 24


def test_single_secret_verifies_with_reference_library() -> None:
    secret = new_secret()
    sent = headers(msg_id="msg_abc", timestamp=int(time.time()), body=BODY, secrets=[secret])
    assert Webhook(secret).verify(BODY, sent)["data"]["note"] == "Kabul \u2013 ünïcode"
    assert sent["content-type"] == "application/json"
    assert sent["user-agent"] == USER_AGENT
    assert sent["webhook-id"] == "msg_abc"
    assert sent["webhook-signature"].startswith("v1,")


def test_rotation_sends_both_and_each_secret_alone_verifies() -> None:
    old, new = new_secret(), new_secret()
    sent = headers(msg_id="msg_rot", timestamp=int(time.time()), body=BODY, secrets=[old, new])
    assert len(sent["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(BODY, sent)
    Webhook(new).verify(BODY, sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, sent)


def test_signature_matches_reference_sign_exactly() -> None:
    secret, now = new_secret(), int(time.time())
    ours = sign(msg_id="msg_1", timestamp=now, body=BODY, secrets=[secret])
    theirs = Webhook(secret).sign("msg_1", datetime.fromtimestamp(now, UTC), BODY.decode())
    assert ours == theirs


@pytest.mark.parametrize(
    ("tamper", "value"),
    [("webhook-id", "msg_other"), ("webhook-timestamp", None), ("body", None)],
)
def test_tampering_fails_verification(tamper: str, value: str | None) -> None:
    secret, now = new_secret(), int(time.time())
    sent = headers(msg_id="msg_t", timestamp=now, body=BODY, secrets=[secret])
    body = BODY
    if tamper == "body":
        body = BODY.replace(b"Kabul", b"Quetta")
    elif tamper == "webhook-timestamp":
        sent[tamper] = str(now - 1)
    else:
        sent[tamper] = value or ""
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, sent)


def test_stale_timestamp_is_refused_by_receivers() -> None:
    # The per-attempt timestamp is why a retry an hour later must be re-signed.
    secret = new_secret()
    sent = headers(msg_id="msg_old", timestamp=int(time.time()) - 3600, body=BODY, secrets=[secret])
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, sent)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one secret"):
        sign(msg_id="msg_x", timestamp=1, body=b"{}", secrets=[])
    with pytest.raises(ValueError, match="without dots"):
        sign(msg_id="msg.x", timestamp=1, body=b"{}", secrets=[new_secret()])
    with pytest.raises(ValueError, match="empty"):
        sign(msg_id="msg_x", timestamp=1, body=b"{}", secrets=["whsec_"])
