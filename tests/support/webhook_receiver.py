"""A real webhook receiver on 127.0.0.1 that checks every request with the reference library.

Built on ``FeedServer`` (threaded HTTP server, background thread, random port). Each request's
signature is verified with ``standardwebhooks.Webhook(secret).verify`` -- the Standard
Webhooks reference implementation, deliberately not our own signing code -- and verified
deliveries are recorded and counted per ``webhook-id``. Requests that fail verification get
401 and are kept apart in ``rejected()`` so a test can insist there were none.

Per path the receiver can answer 500, 429 with Retry-After, 410, slowly, or not at all:

    with WebhookReceiver(secret) as receiver:
        receiver.fail("/down", status=500)
        receiver.rate_limit("/busy", retry_after="3")
        receiver.script("/flaky", [500, 500, 200])   # one answer per request, the last repeats
        url = receiver.url("/hook")
        ...
        assert receiver.wait_for_deliveries(3)
"""

from __future__ import annotations

import ssl
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support.feed_server import FeedServer, Request, Response, wait_for

# Paths of up to this many segments are caught (FeedServer placeholders match one segment).
_MAX_SEGMENTS = 4


@dataclass(frozen=True)
class Behaviour:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b'{"ok":true}'
    delay_s: float = 0.0  # wait before answering (slow, or hung when large)


@dataclass(frozen=True)
class Delivery:
    path: str
    webhook_id: str
    timestamp: int
    signature: str
    type: str | None  # the payload's "type" for standard bodies; None for other formats
    body: bytes
    payload: Any  # the parsed JSON body
    headers: dict[str, str]
    answered: int  # the status this receiver answered with


class WebhookReceiver:
    """Loopback receiver verifying Standard Webhooks signatures; see the module docstring."""

    def __init__(
        self, secret: str, *, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self._server = FeedServer(host, ssl_context=ssl_context)
        self._default_secret = secret
        self._secrets: dict[str, str] = {}
        self._behaviours: dict[str, Behaviour] = {}
        self._scripts: dict[str, list[Behaviour]] = {}
        self._deliveries: list[Delivery] = []
        self._rejected: list[tuple[str, str]] = []  # (path, why)
        self._per_id: Counter[str] = Counter()
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> WebhookReceiver:
        self._server.start()
        for depth in range(1, _MAX_SEGMENTS + 1):
            pattern = "".join(f"/{{s{i}}}" for i in range(depth))
            self._server.route(pattern, self._handle)
        self._server.route("/", self._handle)
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def server(self) -> FeedServer:
        """The underlying server, for raw request counts (``server.count(path)``)."""
        return self._server

    def url(self, path: str = "/hook") -> str:
        return self._server.url(path)

    # -- configuration ---------------------------------------------------------------------
    def use_secret(self, path: str, secret: str) -> None:
        """Verify requests to ``path`` with ``secret`` instead of the receiver's default."""
        with self._lock:
            self._secrets[path] = secret

    def answer(self, path: str, behaviour: Behaviour) -> None:
        with self._lock:
            self._behaviours[path] = behaviour
            self._scripts.pop(path, None)

    def script(self, path: str, statuses: Sequence[int | Behaviour]) -> None:
        """Answer successive requests to ``path`` in turn; the last answer then repeats."""
        steps = [s if isinstance(s, Behaviour) else Behaviour(status=s) for s in statuses]
        if not steps:
            raise ValueError("a script needs at least one answer")
        with self._lock:
            self._scripts[path] = steps

    def fail(self, path: str, *, status: int = 500) -> None:
        self.answer(path, Behaviour(status=status, body=b"receiver is failing"))

    def rate_limit(self, path: str, *, retry_after: str = "2") -> None:
        self.answer(
            path, Behaviour(status=429, headers=(("Retry-After", retry_after),), body=b"slow down")
        )

    def gone(self, path: str) -> None:
        self.answer(path, Behaviour(status=410, body=b"this endpoint is gone"))

    def slow(self, path: str, seconds: float, *, status: int = 200) -> None:
        self.answer(path, Behaviour(status=status, delay_s=seconds))

    def hang(self, path: str) -> None:
        """Accept the request and never answer (until the receiver stops)."""
        self.answer(path, Behaviour(delay_s=3600.0))

    # -- what arrived ------------------------------------------------------------------------
    def deliveries(self, path: str | None = None) -> list[Delivery]:
        with self._lock:
            return [d for d in self._deliveries if path is None or d.path == path]

    def accepted(self, path: str | None = None) -> list[Delivery]:
        """Verified deliveries this receiver answered with 2xx."""
        return [d for d in self.deliveries(path) if 200 <= d.answered < 300]

    def count(self, webhook_id: str) -> int:
        """How many verified requests carried ``webhook_id`` (attempts, including failures)."""
        with self._lock:
            return self._per_id[webhook_id]

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._per_id)

    def rejected(self) -> list[tuple[str, str]]:
        """(path, reason) of requests whose signature did not verify."""
        with self._lock:
            return list(self._rejected)

    def wait_for_deliveries(
        self,
        n: int,
        *,
        timeout_s: float = 5.0,
        path: str | None = None,
        accepted_only: bool = False,
    ) -> bool:
        """Wait until at least ``n`` verified deliveries (to ``path``) have arrived."""
        pick = self.accepted if accepted_only else self.deliveries
        return wait_for(lambda: len(pick(path)) >= n, timeout_s=timeout_s)

    # -- the handler (runs on the server's threads) --------------------------------------
    def _behaviour(self, path: str) -> Behaviour:
        with self._lock:
            steps = self._scripts.get(path)
            if steps:
                return steps.pop(0) if len(steps) > 1 else steps[0]
            return self._behaviours.get(path, Behaviour())

    def _handle(self, request: Request) -> Response:
        with self._lock:
            secret = self._secrets.get(request.path, self._default_secret)
        try:
            payload = Webhook(secret).verify(request.body, request.headers)
        except (WebhookVerificationError, ValueError) as exc:
            with self._lock:
                self._rejected.append((request.path, f"{type(exc).__name__}: {exc}"))
            return Response(401, b"signature did not verify", [("Content-Type", "text/plain")])
        behaviour = self._behaviour(request.path)
        webhook_id = request.headers["webhook-id"]
        kind = payload.get("type") if isinstance(payload, dict) else None
        delivery = Delivery(
            path=request.path,
            webhook_id=webhook_id,
            timestamp=int(request.headers["webhook-timestamp"]),
            signature=request.headers["webhook-signature"],
            type=kind if isinstance(kind, str) else None,
            body=request.body,
            payload=payload,
            headers=dict(request.headers),
            answered=behaviour.status,
        )
        with self._lock:
            self._deliveries.append(delivery)
            self._per_id[webhook_id] += 1
        headers = [("Content-Type", "application/json"), *behaviour.headers]
        return Response(behaviour.status, behaviour.body, headers, delay_s=behaviour.delay_s)
