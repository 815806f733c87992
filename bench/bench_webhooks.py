"""Webhook fan-out benchmark (issue 5): one alert to N subscriptions on a loopback receiver
that verifies every signature with `standardwebhooks`, with a share of them failing.

The receiver runs in its own process (as a real receiver would), so the sender and the
receiver do not share one interpreter lock. Prints the time until every healthy receiver has
verified the alert, whether the failing ones delayed the others, and deliveries per second.

    .venv/bin/python bench/bench_webhooks.py [--subscriptions 1000] [--failing 0.1] [--hang]
`--hang` makes the failing receivers never answer (each send runs into the 15 s timeout)
instead of answering 500. Target: every healthy receiver within 10 s on this machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.config import Settings  # noqa: E402
from service.db import make_engine, session_scope  # noqa: E402
from service.migrate import upgrade  # noqa: E402
from service.models import Alert, OutboxEvent  # noqa: E402
from service.ops import subscriptions as sub_ops  # noqa: E402
from service.ops.deliver import deliver_due  # noqa: E402
from service.ops.outbox import publish  # noqa: E402
from service.ops.watches import enable_preset  # noqa: E402


def receiver_process(
    port: int, secrets: dict[str, str], failing: set[int], hang: bool, healthy: int
) -> None:
    """A fast receiver: uvicorn in its own process, verifying with standardwebhooks.

    The tests' thread-per-connection receiver tops out near a hundred requests a second with
    a hundred connections open, which would measure the receiver instead of the sender.
    """
    import asyncio
    import json

    import uvicorn
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    hooks = {path: Webhook(secret) for path, secret in secrets.items()}
    seen: dict[str, int] = {"accepted": 0, "rejected": 0, "healthy": 0}
    done: list[float] = []

    async def app(scope: dict, receive, send) -> None:  # type: ignore[no-untyped-def, type-arg]
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == "/report":
            body = json.dumps({**seen, "done_at": done[0] if done else None}).encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        n = int(path.rsplit("/", 1)[1])
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        status = 204
        try:
            hooks[path].verify(body, headers)
            seen["accepted"] += 1
        except WebhookVerificationError:
            seen["rejected"] += 1
            status = 401
        if n in failing:
            if hang:
                await asyncio.sleep(3600)
            status = 500
        elif status == 204:
            seen["healthy"] += 1
            if seen["healthy"] == healthy:
                done.append(time.time())
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", backlog=2048)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--failing", type=float, default=0.1)
    parser.add_argument("--hang", action="store_true")
    args = parser.parse_args()
    now = datetime.now(UTC)
    failing = set(
        random.Random(7).sample(range(args.subscriptions), int(args.subscriptions * args.failing))
    )
    healthy = args.subscriptions - len(failing)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/r/"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        settings = Settings(database_url=url, allow_private_targets=True)
        secrets = {}
        with session_scope(engine) as session:
            for n in range(args.subscriptions):
                sub = sub_ops.create(
                    session, {"url": f"{base}{n}"}, owner_key_id=None, settings=settings, now=now
                )
                secrets[f"/r/{n}"] = sub.secret
            watch = enable_preset(session, "pakistan-afghanistan", now=now)
            alert = Alert(
                watch_id=watch.id or 0,
                fingerprint="bench",
                state="firing",
                level="critical",
                pending_since=now,
                updated_at=now,
            )
            session.add(alert)
            session.flush()
            publish(
                session,
                OutboxEvent(
                    event_id="msg_bench",
                    type="alert.firing",
                    watch_id=watch.id,
                    alert_id=alert.id,
                    level="critical",
                    created_at=now,
                    payload={
                        "type": "alert.firing",
                        "timestamp": now.isoformat(),
                        "data": {
                            "alert": {
                                "id": alert.id,
                                "fingerprint": "bench",
                                "status": "firing",
                                "level": "critical",
                                "started_at": now.isoformat(),
                                "rationale": "airstrikes (Afghanistan, Pakistan)",
                                "evidence": [],
                            },
                            "watch": {"slug": watch.slug, "name": watch.name},
                        },
                    },
                ),
                now=now,
            )
        proc = multiprocessing.get_context("spawn").Process(
            target=receiver_process,
            args=(port, secrets, failing, args.hang, healthy),
            daemon=True,
        )
        proc.start()
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/report")
                break
            except httpx.HTTPError:
                time.sleep(0.1)

        started = time.time()
        report = deliver_due(engine, settings=settings, limit=args.subscriptions)
        total_s = time.time() - started
        seen = httpx.get(f"http://127.0.0.1:{port}/report").json()
        done_at, accepted, rejected = seen["done_at"], seen["accepted"], seen["rejected"]
        engine.dispose()
    proc.terminate()
    proc.join(timeout=10)

    print(
        f"{args.subscriptions} subscriptions, {len(failing)} failing "
        f"({'never answering' if args.hang else 'answering 500'}), one alert"
    )
    print(
        f"outcomes: {dict(report.outcomes)}; verified by the receiver: {accepted}; "
        f"signatures refused: {rejected}"
    )
    if done_at is None:
        print(f"NOT every healthy receiver got it (cycle {total_s:.2f} s)")
    else:
        print(
            f"every one of {healthy} healthy receivers verified it after "
            f"{done_at - started:.2f} s (target < 10 s); the whole cycle, failing ones "
            f"included, took {total_s:.2f} s"
        )
    print(f"deliveries/s sustained: {args.subscriptions / total_s:.0f}")


if __name__ == "__main__":
    main()
