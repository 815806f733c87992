"""One receiver's odd answer, or one delivery's surprise, must not stall or loop the others:
every answer becomes a recorded attempt; on SQLite and PostgreSQL, over loopback."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from service.config import Settings
from service.db import session_scope
from service.models import DeliveryAttempt
from service.ops import deliver as deliver_ops
from service.webhooks.sender import retry_after_s
from tests.integration.test_delivery import T0, deliver, delivery, event, receiver, subscribe
from tests.support.api import ADMIN, bearer
from tests.support.webhook_receiver import Behaviour, WebhookReceiver

__all__ = ["receiver"]  # the fixture, shared with test_delivery

ODD = Behaviour(status=503, headers=(("Retry-After", "²"),), body=b"busy")


def attempts(engine: Engine) -> list[DeliveryAttempt]:
    with session_scope(engine) as session:
        return list(session.exec(select(DeliveryAttempt)).all())


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("²", None), ("٣", None), ("12", 12.0), ("9" * 400, 86400.0), ("soon", None), ("", None)],
)
def test_retry_after_is_read_defensively(header: str, seconds: float | None) -> None:
    assert retry_after_s(header) == seconds


def test_an_odd_retry_after_is_an_attempt_and_others_are_sent_once(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    odd = subscribe(engine, settings, receiver, "/odd")
    fine = subscribe(engine, settings, receiver, "/fine")
    receiver.answer("/odd", ODD)
    event(engine, "alert.firing", alert_id=1)

    assert deliver(engine, settings, T0) == {"pending": 1, "delivered": 1}
    row = delivery(engine, odd)
    assert row.attempts == 1 and row.last_status == 503 and "503" in (row.last_error or "")
    assert row.next_attempt_at > T0  # backoff, not once per lease
    assert delivery(engine, fine).status == "delivered"
    # Nothing is due a second later: neither the odd receiver nor the fine one hears it again.
    assert deliver(engine, settings, T0 + timedelta(seconds=1)) == {}
    assert len(receiver.deliveries("/fine")) == 1 and len(receiver.deliveries("/odd")) == 1


def test_a_nul_in_the_answer_is_stripped_and_excerpts_are_bounded(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    nul = subscribe(engine, settings, receiver, "/nul")
    receiver.answer("/nul", Behaviour(status=500, body=b"bad\x00answer" + b"x" * 100_000))
    event(engine, "alert.firing", alert_id=1)

    assert deliver(engine, settings, T0) == {"pending": 1}
    assert delivery(engine, nul).attempts == 1
    (attempt,) = attempts(engine)
    assert attempt.response_excerpt.startswith("badanswer")
    assert len(attempt.response_excerpt) <= 4096


def test_one_deliverys_exception_is_a_failed_attempt_and_spares_the_others(
    engine: Engine,
    settings: Settings,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = subscribe(engine, settings, receiver, "/broken")
    fine = subscribe(engine, settings, receiver, "/fine")
    event(engine, "alert.firing", alert_id=1)
    real = deliver_ops.post_signed

    async def flaky(client, url, **kwargs):  # type: ignore[no-untyped-def]
        if url.endswith("/broken"):
            raise RuntimeError("a bug of ours")
        return await real(client, url, **kwargs)

    monkeypatch.setattr(deliver_ops, "post_signed", flaky)
    assert deliver(engine, settings, T0) == {"pending": 1, "delivered": 1}
    row = delivery(engine, broken)
    assert row.attempts == 1 and row.next_attempt_at > T0
    assert "RuntimeError: a bug of ours" in (row.last_error or "")
    assert delivery(engine, fine).status == "delivered"
    assert "a bug of ours" in caplog.text  # the traceback is logged


def test_a_result_the_database_refuses_is_recorded_bare_and_spares_the_batch(
    engine: Engine,
    settings: Settings,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = subscribe(engine, settings, receiver, "/first")
    second = subscribe(engine, settings, receiver, "/second")
    receiver.fail("/first")
    event(engine, "alert.firing", alert_id=1)
    real = deliver_ops._record_one

    def picky(session, item, result, **kwargs):  # type: ignore[no-untyped-def]
        if item.subscription_id == first and result.response_excerpt:
            raise ValueError("refused by the database")
        return real(session, item, result, **kwargs)

    monkeypatch.setattr(deliver_ops, "_record_one", picky)
    assert deliver(engine, settings, T0) == {"pending": 1, "delivered": 1}
    row = delivery(engine, first)
    assert row.attempts == 1 and row.next_attempt_at > T0
    assert "could not be recorded" in (row.last_error or "")
    assert delivery(engine, second).status == "delivered"


def test_a_hanging_receiver_cannot_hold_the_job(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    quick = settings.model_copy(update={"delivery_timeout_s": 1.0})
    hung = subscribe(engine, quick, receiver, "/hung")
    odd = subscribe(engine, quick, receiver, "/odd")
    receiver.hang("/hung")
    receiver.answer("/odd", ODD)
    event(engine, "alert.firing", alert_id=1)

    started = time.monotonic()
    assert deliver(engine, quick, T0) == {"pending": 2}
    assert time.monotonic() - started < 5
    assert "timed out" in (delivery(engine, hung).last_error or "")
    assert delivery(engine, odd).attempts == 1


def test_the_test_send_reports_an_odd_answer(
    engine: Engine, settings: Settings, receiver: WebhookReceiver, client: TestClient
) -> None:
    sub_id = subscribe(engine, settings, receiver, "/odd")
    receiver.answer("/odd", ODD)
    answer = client.post(f"/api/v1/subscriptions/{sub_id}/test", headers=bearer(ADMIN))
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["status"] == 503 and report["outcome"] == "retry"
    assert report["response_excerpt"] == "busy"
