"""The Alertmanager webhook body (version 4), so existing Alertmanager receivers work unchanged.

Field for field what Alertmanager's webhook_config sends: one group per event holding one
alert. Labels stay few and stable (alertname, watch, severity) because receivers group and
deduplicate on them; the rest of what we know goes into annotations, which are strings only.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from service.webhooks.event import AlertView, alert_url, rfc3339

ALERTNAME = "CeasefireBreakdown"
TEST_ALERTNAME = "CeasewatchTest"
RECEIVER = "ceasewatch"
# Go's zero time.Time, which Alertmanager sends as endsAt for an alert still firing.
ZERO_TIME = "0001-01-01T00:00:00Z"
_EVIDENCE_SHOWN = 5


def _label_set(labels: dict[str, str]) -> str:
    # Alertmanager prints a LabelSet sorted by name with Go-quoted values: {a="x", b="y"}.
    return "{" + ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(labels.items())) + "}"


def _fingerprint(alert: AlertView, event_id: str) -> str:
    # Alertmanager fingerprints are 16 hex digits; ours already are, a test event gets one.
    if alert.fingerprint:
        return alert.fingerprint
    return hashlib.sha256(f"ceasewatch/test/{event_id}".encode()).hexdigest()[:16]


def _summary(alert: AlertView) -> str:
    if alert.is_test:
        return "Ceasewatch test event: this subscription receives alerts"
    what = {
        "alert.firing": "ceasefire breakdown",
        "alert.escalated": "ceasefire breakdown escalated",
        "alert.reminder": "ceasefire breakdown still firing",
        "alert.resolved": "ceasefire breakdown resolved",
    }[alert.type]
    index = f" (index {alert.index:.0f})" if alert.index is not None else ""
    return f"{alert.watch_name}: {what}, {alert.level}{index}"


def _annotations(alert: AlertView, event_id: str) -> dict[str, str]:
    notes = {
        "summary": _summary(alert),
        "description": alert.rationale or _summary(alert),
        "event_id": event_id,
        "event_type": alert.type,
    }
    links = [f"{e.title} {e.link}".strip() for e in alert.evidence[:_EVIDENCE_SHOWN] if e.link]
    if links:
        notes["evidence"] = "\n".join(links)
    if alert.index is not None:
        notes["index"] = f"{alert.index:.1f}"
    if alert.peak_index is not None:
        notes["peak_index"] = f"{alert.peak_index:.1f}"
    return notes


def body(alert: AlertView, *, event_id: str, external_url: str) -> dict[str, Any]:
    labels = {
        "alertname": TEST_ALERTNAME if alert.is_test else ALERTNAME,
        "severity": alert.level,
    }
    # Alertmanager drops labels with empty values; a test event may have no watch.
    if alert.watch_slug:
        labels["watch"] = alert.watch_slug
    group_labels = {k: v for k, v in labels.items() if k in ("alertname", "watch")}
    annotations = _annotations(alert, event_id)
    ends_at = ZERO_TIME
    if alert.status == "resolved":
        ends_at = rfc3339(alert.resolved_at or alert.timestamp)
    return {
        "version": "4",
        "groupKey": "{}:" + _label_set(group_labels),
        "truncatedAlerts": 0,
        "status": alert.status,
        "receiver": RECEIVER,
        "groupLabels": group_labels,
        "commonLabels": dict(labels),
        "commonAnnotations": dict(annotations),
        "externalURL": external_url,
        "alerts": [
            {
                "status": alert.status,
                "labels": labels,
                "annotations": annotations,
                "startsAt": rfc3339(alert.started_at),
                "endsAt": ends_at,
                "generatorURL": alert_url(external_url, alert),
                "fingerprint": _fingerprint(alert, event_id),
            }
        ],
    }
