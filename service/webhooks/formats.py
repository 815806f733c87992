"""Turn an outbox event into the bytes a subscription's format asks for.

The body is rendered once per (event, format) and the same bytes are signed and sent on every
attempt, so a receiver deduplicating on ``webhook-id`` sees identical payloads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from service.webhooks import alertmanager, slack
from service.webhooks.event import view

FORMATS: Final = ("standard", "alertmanager", "slack")
DEFAULT_EXTERNAL_URL: Final = "http://127.0.0.1:8000"


def _dump(value: Any) -> bytes:
    # Compact UTF-8; allow_nan=False because NaN is not JSON and strict parsers reject it.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def render(
    fmt: str,
    event: Mapping[str, Any],
    *,
    event_id: str,
    external_url: str = DEFAULT_EXTERNAL_URL,
) -> bytes:
    """The request body for ``event`` in format ``fmt``; ValueError for an unknown format or
    event type."""
    if fmt == "standard":
        view(event)  # validate the type, so every format refuses the same events
        return _dump(
            {
                "type": event["type"],
                "timestamp": event.get("timestamp"),
                "data": event.get("data", {}),
            }
        )
    if fmt == "alertmanager":
        return _dump(alertmanager.body(view(event), event_id=event_id, external_url=external_url))
    if fmt == "slack":
        return _dump(slack.body(view(event), event_id=event_id, external_url=external_url))
    raise ValueError(f"unknown webhook format {fmt!r}; expected one of {', '.join(FORMATS)}")
