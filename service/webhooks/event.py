"""Read an outbox event payload the same way for every body format.

Payloads are JSON written by service.ops.alerts; a ``test`` event may carry no alert at all, so
every accessor tolerates missing pieces instead of failing a delivery over a cosmetic field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

ALERT_TYPES = ("alert.firing", "alert.escalated", "alert.resolved", "alert.reminder")
EVENT_TYPES = (*ALERT_TYPES, "test")


@dataclass(frozen=True)
class Evidence:
    title: str
    link: str
    outlets: tuple[str, ...]
    signals: tuple[tuple[str, float], ...]  # strongest first


@dataclass(frozen=True)
class AlertView:
    """The fields the formats need, with types settled."""

    type: str
    timestamp: datetime
    alert_id: str
    fingerprint: str
    status: str  # firing | resolved
    level: str  # warning | critical, or "info" for a test event
    started_at: datetime
    resolved_at: datetime | None
    index: float | None
    peak_index: float | None
    rationale: str
    watch_slug: str
    watch_name: str
    evidence: tuple[Evidence, ...]

    @property
    def is_test(self) -> bool:
        return self.type == "test"


def parse_time(value: object) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 string; naive values are UTC (SQLite drops the
    offset on the way through, and the service stores UTC only)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def rfc3339(value: datetime) -> str:
    """``2026-02-27T10:00:00Z``, with fractional seconds only when there are some (as Go does)."""
    text = value.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _evidence(items: object) -> tuple[Evidence, ...]:
    if not isinstance(items, Sequence) or isinstance(items, str):
        return ()
    found: list[Evidence] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        raw_signals = item.get("signals")
        signals: list[tuple[str, float]] = []
        if isinstance(raw_signals, Mapping):
            for name, p in raw_signals.items():
                score = _number(p)
                if score is not None:
                    signals.append((str(name), score))
        signals.sort(key=lambda pair: -pair[1])
        outlets = item.get("outlets")
        found.append(
            Evidence(
                title=_text(item.get("title")),
                link=_text(item.get("link")),
                outlets=tuple(_text(o) for o in outlets) if isinstance(outlets, list) else (),
                signals=tuple(signals),
            )
        )
    return tuple(found)


def view(event: Mapping[str, Any]) -> AlertView:
    """Settle the payload's shape once; raises ValueError only for an unknown event type."""
    kind = _text(event.get("type"))
    if kind not in EVENT_TYPES:
        raise ValueError(f"unknown event type {kind!r}; expected one of {', '.join(EVENT_TYPES)}")
    data = event.get("data")
    data = data if isinstance(data, Mapping) else {}
    alert = data.get("alert")
    alert = alert if isinstance(alert, Mapping) else {}
    watch = data.get("watch")
    watch = watch if isinstance(watch, Mapping) else {}
    timestamp = parse_time(event.get("timestamp")) or datetime.now(UTC)
    resolved = kind == "alert.resolved" or alert.get("status") == "resolved"
    status = "resolved" if resolved else "firing"
    level = _text(alert.get("level")) or ("info" if kind == "test" else "warning")
    slug = _text(watch.get("slug"))
    alert_id = _text(alert.get("id"))
    return AlertView(
        type=kind,
        timestamp=timestamp,
        alert_id=alert_id,
        fingerprint=_text(alert.get("fingerprint")),
        status=status,
        level=level,
        started_at=parse_time(alert.get("started_at")) or timestamp,
        resolved_at=parse_time(alert.get("resolved_at")),
        index=_number(alert.get("index")),
        peak_index=_number(alert.get("peak_index")),
        rationale=_text(alert.get("rationale")),
        watch_slug=slug,
        watch_name=_text(watch.get("name")) or slug,
        evidence=_evidence(alert.get("evidence")),
    )


def alert_url(external_url: str, alert: AlertView) -> str:
    """Where a person (with a key) reads the alert; the service root for a test event."""
    base = external_url.rstrip("/")
    return f"{base}/api/v1/alerts/{alert.alert_id}" if alert.alert_id else f"{base}/"
