"""Fixtures for the webhook tests: a secret, a sample alert event and a loopback receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from service.webhooks.signing import new_secret
from tests.support.webhook_receiver import WebhookReceiver


@pytest.fixture(scope="module")
def secret() -> str:
    return new_secret()


@pytest.fixture(scope="module")
def receiver(secret: str) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret) as server:
        yield server


def alert_event(
    kind: str = "alert.firing", *, status: str = "firing", level: str = "critical"
) -> dict[str, Any]:
    """An outbox payload shaped like service.ops.alerts writes it (naive UTC timestamps, as
    SQLite hands them back)."""
    resolved = status == "resolved"
    return {
        "type": kind,
        "timestamp": "2026-02-27T10:05:00" if not resolved else "2026-02-28T08:00:00",
        "data": {
            "alert": {
                "id": 42,
                "fingerprint": "3f2a9c0d1e4b5a67",
                "status": status,
                "level": level,
                "started_at": "2026-02-27T10:00:00",
                "resolved_at": "2026-02-28T08:00:00" if resolved else None,
                "peak_index": 91.5,
                "index": 88.25 if not resolved else 31.0,
                "rationale": "Airstrikes on Kabul & Kandahar <reported by 4 outlets>",
                "evidence": [
                    {
                        "article_id": 7,
                        "title": 'Pakistan declares "open war" <on> Taliban & strikes Kabul',
                        "link": "https://example.org/news?id=1&lang=en",
                        "outlets": ["Dawn", "Reuters"],
                        "published_at": "2026-02-27T09:41:00",
                        "signals": {"war_rhetoric": 0.93, "airstrike": 0.97},
                        "explanation": [["open war", 1.2], ["airstrike", 0.9]],
                    },
                    {
                        "title": "Cross-border attack in Paktia",
                        "link": "https://example.com/paktia",
                        "outlets": ["Al Jazeera"],
                        "published_at": "2026-02-27T08:00:00",
                        "signals": {"cross_border_attack": 0.88},
                        "explanation": [],
                    },
                ],
            },
            "watch": {"slug": "pakistan-afghanistan", "name": "Pakistan\u2013Afghanistan"},
        },
    }
