"""A worker killed with SIGKILL in the middle of a delivery: after its lease expires another
worker delivers; nothing is lost, and the receiver sees the webhook-id at most twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from service.clock import utcnow
from service.config import Settings
from service.db import session_scope
from service.models import Delivery
from service.ops.deliver import deliver_due
from tests.integration.test_delivery import event, subscribe
from tests.support.feed_server import wait_for
from tests.support.webhook_receiver import Behaviour, WebhookReceiver

WORKER = "from service.config import Settings; from service.db import make_engine; " \
         "from service.ops.deliver import deliver_due; s = Settings(); " \
         "deliver_due(make_engine(s.database_url), settings=s)"


def test_killed_worker_loses_nothing(engine: Engine, settings: Settings,
                                     database_url: str) -> None:
    with WebhookReceiver("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") as rx:
        sub = subscribe(engine, settings, rx, "/slow")
        rx.answer("/slow", Behaviour(status=200, delay_s=30))  # the request hangs in flight
        webhook_id = event(engine, "alert.firing", alert_id=1, at=utcnow())
        env = {**os.environ, "CEASEWATCH_DATABASE_URL": database_url,
               "CEASEWATCH_ALLOW_PRIVATE_TARGETS": "true", "CEASEWATCH_DELIVERY_LEASE_S": "3"}
        worker = subprocess.Popen([sys.executable, "-c", WORKER], env=env)
        try:
            assert wait_for(lambda: rx.server.count("/slow") >= 1, timeout_s=30)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        assert worker.returncode == -signal.SIGKILL

        with session_scope(engine) as session:
            row = session.exec(select(Delivery).where(Delivery.subscription_id == sub)).one()
            assert row.status == "pending" and row.lease_owner is not None  # claimed, not done
            lease_until = row.lease_until
        assert lease_until is not None
        # While the dead worker's lease runs, nobody else takes the delivery.
        assert dict(deliver_due(engine, settings=settings).outcomes) == {}

        rx.answer("/slow", Behaviour(status=200))
        time.sleep(max(0.0, (lease_until - utcnow()).total_seconds()) + 0.2)
        after = deliver_due(engine, settings=settings, now=lambda: lease_until + timedelta(
            seconds=1))
        assert dict(after.outcomes) == {"delivered": 1}
        assert 1 <= rx.count(webhook_id) <= 2
        assert any(d.webhook_id == webhook_id and d.answered == 200 for d in rx.accepted())
