"""send() against the real loopback receiver, which verifies every signature with the
standardwebhooks reference library. Loopback needs allow_private=True except in the
address-refusal tests, which check that nothing reaches the server at all."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from service.webhooks.formats import render
from service.webhooks.sender import SendResult, make_client, send
from service.webhooks.signing import headers, new_secret
from tests.support.webhook_receiver import Behaviour, WebhookReceiver
from tests.unit.webhooks.conftest import alert_event

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def signed(secret: str, msg_id: str, body: bytes) -> dict[str, str]:
    return headers(msg_id=msg_id, timestamp=int(time.time()), body=body, secrets=[secret])


async def post(url: str, secret: str, msg_id: str = "msg_1", **kw: Any) -> SendResult:
    kw.setdefault("allow_private", True)
    body = render("standard", alert_event(), event_id=msg_id)
    async with make_client() as client:
        return await send(client, url, body=body, headers=signed(secret, msg_id, body), **kw)


def test_ok_is_verified_by_the_receiver(receiver: WebhookReceiver, secret: str) -> None:
    result = run(post(receiver.url("/ok"), secret, "msg_ok"))
    assert (result.outcome, result.status, result.error) == ("ok", 200, None)
    assert 0 < result.latency_s < 5
    assert result.response_excerpt == '{"ok":true}'
    (delivery,) = receiver.deliveries("/ok")
    assert delivery.webhook_id == "msg_ok" and delivery.type == "alert.firing"
    assert delivery.headers["user-agent"] == "Ceasewatch-Webhooks/0.1"
    assert delivery.headers["content-type"] == "application/json"
    assert receiver.count("msg_ok") == 1 and receiver.rejected() == []


def test_excerpt_is_truncated(receiver: WebhookReceiver, secret: str) -> None:
    receiver.answer("/big", Behaviour(status=200, body=b"x" * 100_000))
    result = run(post(receiver.url("/big"), secret, max_response_bytes=100))
    assert result.outcome == "ok" and result.response_excerpt == "x" * 100


def test_wrong_secret_is_rejected_by_the_receiver(receiver: WebhookReceiver) -> None:
    result = run(post(receiver.url("/wrong-secret"), new_secret()))
    assert (result.outcome, result.status) == ("reject", 401)
    assert any(path == "/wrong-secret" for path, _why in receiver.rejected())
    assert receiver.deliveries("/wrong-secret") == []


@pytest.mark.parametrize(
    ("status", "outcome"), [(500, "retry"), (503, "retry"), (410, "gone"), (400, "reject")]
)
def test_status_outcomes(receiver: WebhookReceiver, secret: str, status: int, outcome: str) -> None:
    path = f"/status-{status}"
    if status == 410:
        receiver.gone(path)
    else:
        receiver.fail(path, status=status)
    result = run(post(receiver.url(path), secret))
    assert (result.status, result.outcome) == (status, outcome)
    assert result.error is not None and str(status) in result.error
    assert result.response_excerpt  # the receiver's words are kept for the owner


def test_429_with_retry_after(receiver: WebhookReceiver, secret: str) -> None:
    receiver.rate_limit("/busy", retry_after="7")
    result = run(post(receiver.url("/busy"), secret))
    assert (result.status, result.outcome, result.retry_after_s) == (429, "retry", 7.0)


def test_redirect_is_not_followed(receiver: WebhookReceiver, secret: str) -> None:
    target = receiver.url("/redirect-target")
    receiver.answer("/moved", Behaviour(status=302, headers=(("Location", target),)))
    result = run(post(receiver.url("/moved"), secret))
    assert (result.status, result.outcome) == (302, "reject")
    assert result.error is not None and target in result.error and "not followed" in result.error
    assert receiver.server.count("/redirect-target") == 0


@pytest.mark.parametrize("how", ["slow", "hang"])
def test_timeout_is_a_retry(receiver: WebhookReceiver, secret: str, how: str) -> None:
    path = f"/{how}"
    if how == "slow":
        receiver.slow(path, 3.0)
    else:
        receiver.hang(path)
    started = time.monotonic()
    result = run(post(receiver.url(path), secret, timeout_s=0.5))
    assert time.monotonic() - started < 2.5
    assert (result.status, result.outcome) == (None, "retry")
    assert result.error is not None and "timed out" in result.error and "0.5 s" in result.error


def test_connection_refused_is_a_retry(secret: str) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(post(f"http://127.0.0.1:{port}/hook", secret))
    assert (result.status, result.outcome) == (None, "retry")
    assert result.error is not None and "cannot connect" in result.error


def test_unresolvable_name_is_a_retry(secret: str) -> None:
    result = run(post("http://no-such-host.invalid/hook", secret, allow_private=False))
    assert (result.outcome, result.status) == ("retry", None)
    assert result.error is not None and "resolve" in result.error


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "localhost", "0.0.0.0"]
)
def test_private_targets_are_blocked_before_connecting(
    receiver: WebhookReceiver, secret: str, host: str
) -> None:
    path = f"/blocked-{host.strip('[]').replace(':', '-')}"
    url = f"http://{host}:{receiver.server.port}{path}"
    result = run(post(url, secret, allow_private=False, timeout_s=2))
    assert (result.outcome, result.status) == ("blocked", None)
    assert result.error is not None and "not a public address" in result.error
    assert receiver.server.count(path) == 0


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "http:///nohost", "not a url"])
def test_invalid_urls_are_blocked(secret: str, url: str) -> None:
    result = run(post(url, secret, allow_private=False))
    assert result.outcome == "blocked" and result.error


def test_pinned_connection_keeps_the_name_in_host(receiver: WebhookReceiver, secret: str) -> None:
    # Connected to the checked IP, but the receiver still sees the name it was registered as.
    url = f"http://localhost:{receiver.server.port}/by-name"
    result = run(post(url, secret))
    assert result.outcome == "ok"
    (delivery,) = receiver.deliveries("/by-name")
    assert delivery.headers["host"] == f"localhost:{receiver.server.port}"


def test_fan_out_one_slow_receiver_does_not_hold_others(
    receiver: WebhookReceiver, secret: str
) -> None:
    receiver.hang("/fan-dead")

    async def fan_out() -> list[SendResult]:
        async with make_client(max_connections=20) as client:
            jobs = []
            for i in range(60):
                path, msg_id = ("/fan-dead" if i % 10 == 0 else "/fan"), f"msg_fan_{i}"
                body = render("slack", alert_event(), event_id=msg_id)
                jobs.append(
                    send(
                        client,
                        receiver.url(path),
                        body=body,
                        allow_private=True,
                        headers=signed(secret, msg_id, body),
                        timeout_s=1.0,
                    )
                )
            return await asyncio.gather(*jobs)

    started = time.monotonic()
    results = run(fan_out())
    assert time.monotonic() - started < 4
    assert sum(r.outcome == "ok" for r in results) == 54
    assert sum(r.outcome == "retry" for r in results) == 6
    assert receiver.wait_for_deliveries(54, path="/fan", accepted_only=True)
    assert all(receiver.count(f"msg_fan_{i}") == 1 for i in range(60))


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_https_post_pinned_to_checked_address_keeps_sni(
    tls_files: tuple[Path, Path], secret: str
) -> None:
    """Connected to the resolved IP, TLS must still verify "localhost": success proves the
    name was kept for SNI and the certificate check while the address was pinned."""
    cert, key = tls_files
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    with WebhookReceiver(secret, ssl_context=server_context) as tls_receiver:
        body = render("alertmanager", alert_event(), event_id="msg_tls")

        async def go(url: str) -> SendResult:
            async with httpx.AsyncClient(verify=client_context) as client:
                return await send(
                    client, url, body=body, headers=signed(secret, "msg_tls", body),
                    allow_private=True, timeout_s=5,
                )  # fmt: skip

        result = run(go(f"https://localhost:{tls_receiver.server.port}/secure"))
        assert (result.outcome, result.status) == ("ok", 200)
        (delivery,) = tls_receiver.deliveries("/secure")
        assert delivery.payload["version"] == "4"
        # The certificate names localhost, not 127.0.0.1: asking for the IP must fail.
        by_ip = run(go(f"https://127.0.0.1:{tls_receiver.server.port}/secure"))
        assert by_ip.outcome == "retry" and by_ip.error
        assert len(tls_receiver.deliveries("/secure")) == 1
