"""DNS rebinding against webhook delivery.

There is no DNS server we control on these machines, so the resolver is replaced (the only
stand-in in these tests): a name whose answers change between look-ups, as a rebinding attacker's
would. All traffic stays on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from service.webhooks import signing
from service.webhooks.sender import SendResult, make_client, send
from tests.support.webhook_receiver import WebhookReceiver

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class RebindingResolver:
    """Answers look-ups of `evil.test` from a script; every other name resolves normally."""

    def __init__(self, answers: list[list[str]]) -> None:
        self.answers = answers
        self.calls = 0
        self.real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "evil.test":
            return self.real(host, port, *args, **kwargs)
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port))) for address in answer
        ]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as rx:
        yield rx


def post(url: str, *, allow_private: bool) -> SendResult:
    body = b'{"type":"test","timestamp":"2026-02-27T06:00:00Z","data":{}}'
    headers = signing.headers(msg_id="msg_rebind", timestamp=1, body=body, secrets=[SECRET])

    async def go() -> SendResult:
        async with make_client() as client:
            return await send(client, url, body=body, headers=headers, allow_private=allow_private)

    return asyncio.run(go())


def test_a_name_with_any_private_answer_is_refused(
    monkeypatch: pytest.MonkeyPatch, receiver: WebhookReceiver
) -> None:
    resolver = RebindingResolver([["8.8.8.8", "127.0.0.1"]])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    result = post(f"http://evil.test:{receiver.server.port}/hook", allow_private=False)
    assert result.outcome == "blocked" and "127.0.0.1" in (result.error or "")
    assert receiver.server.count("/hook") == 0


def test_the_connection_goes_to_the_checked_answer_not_a_later_one(
    monkeypatch: pytest.MonkeyPatch, receiver: WebhookReceiver
) -> None:
    """The first answer (127.0.0.2, where nothing listens) is the one checked; a second look-up
    would answer 127.0.0.1, where the receiver listens. The request must never arrive there:
    the sender connects to the address it checked instead of resolving again."""
    resolver = RebindingResolver([["127.0.0.2"], ["127.0.0.1"]])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    result = post(f"http://evil.test:{receiver.server.port}/hook", allow_private=True)
    assert receiver.server.count("/hook") == 0
    assert result.outcome == "retry"  # connection refused at 127.0.0.2
    assert resolver.calls == 1
