"""The whole path with the service running as a real process: feeds on a loopback server are
polled, scored, attributed, alerted on, and the alert arrives at a loopback receiver as a
webhook that the reference `standardwebhooks` package verifies."""

from __future__ import annotations

import signal
import subprocess
import time

import httpx

from tests.flows.test_serve import ADMIN, CLI, env, free_port, wait_until  # noqa: F401
from tests.integration.test_alert_lifecycle import CLASHES, OPEN_WAR
from tests.support.feed_server import FeedServer
from tests.support.feed_server import outlet_rss as rss
from tests.support.webhook_receiver import WebhookReceiver


def test_corroborated_breakdown_reaches_the_subscriber(env: dict[str, str]) -> None:  # noqa: F811
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {ADMIN}"}
    env = {**env, "CEASEWATCH_DELIVER_EVERY_S": "0.5"}
    with (
        FeedServer() as feeds,
        WebhookReceiver("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY") as rx,
    ):
        feeds.static("/dawn.xml", rss("www.dawn.com", CLASHES + OPEN_WAR))
        feeds.static(
            "/tolo.xml", rss("tolonews.com", [(OPEN_WAR[0][0] + " - TOLOnews", OPEN_WAR[0][1])])
        )
        proc = subprocess.Popen(
            [*CLI, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_until(lambda: httpx.get(f"{base}/readyz").status_code == 200)
            sub = httpx.post(
                f"{base}/api/v1/subscriptions",
                headers=auth,
                json={"url": rx.url("/desk"), "watches": ["pakistan-afghanistan"]},
            ).json()
            rx.use_secret("/desk", sub["secret"])
            for path in ("/dawn.xml", "/tolo.xml"):
                answer = httpx.post(
                    f"{base}/api/v1/feeds", headers=auth, json={"url": feeds.url(path)}
                )
                assert answer.status_code == 201, answer.text
            added = time.monotonic()

            def critical() -> bool:
                return any(
                    d.payload["data"]["alert"]["level"] == "critical" for d in rx.accepted("/desk")
                )

            wait_until(critical, timeout_s=60)
            latency = time.monotonic() - added
            # The feeds are polled one by one: the first outlet alone makes a warning, the
            # second corroborates it into critical: one alert, firing then escalated.
            got = rx.accepted("/desk")
            assert [d.type for d in got].count("alert.firing") == 1
            assert got[0].type == "alert.firing"
            last = got[-1]
            assert last.type in ("alert.firing", "alert.escalated")
            alert = last.payload["data"]["alert"]
            assert alert["level"] == "critical" and alert["status"] == "firing"
            assert len({d.payload["data"]["alert"]["id"] for d in got}) == 1
            assert len({o for e in alert["evidence"] for o in e["outlets"]}) >= 2
            assert "Afghanistan" in alert["rationale"]
            print(f"feed added -> verified webhook: {latency:.1f} s (includes the poll cadence)")

            status = httpx.get(f"{base}/api/v1/status", headers=auth).json()
            watch = next(w for w in status["watches"] if w["slug"] == "pakistan-afghanistan")
            assert watch["level"] == "critical"
            deliveries = httpx.get(
                f"{base}/api/v1/subscriptions/{sub['id']}/deliveries", headers=auth
            ).json()
            assert {d["status"] for d in deliveries} == {"delivered"}
            assert {d["webhook_id"] for d in deliveries} == {d.webhook_id for d in got}
            assert rx.rejected() == []
        finally:
            proc.send_signal(signal.SIGTERM)
            output = proc.communicate(timeout=30)[0]
    assert "Traceback" not in output, output
