"""Bodies for the three formats: standard round trip, Alertmanager v4 fields, Slack limits."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from service.webhooks.formats import FORMATS, render
from service.webhooks.slack import TEXT_LIMIT, clip, escape
from tests.unit.webhooks.conftest import alert_event

EXTERNAL = "https://ceasewatch.example.org"
ALL_TYPES = ["alert.firing", "alert.escalated", "alert.reminder", "alert.resolved"]


def rendered(fmt: str, event: dict[str, Any], **kw: Any) -> Any:
    body = render(fmt, event, event_id="msg_0123", external_url=EXTERNAL, **kw)
    assert isinstance(body, bytes)
    return json.loads(body)


def test_standard_is_the_event_itself() -> None:
    event = alert_event()
    assert rendered("standard", event) == event
    assert set(rendered("standard", event)) == {"type", "timestamp", "data"}


def test_same_event_same_bytes() -> None:
    # The body is signed once and resent; rendering twice must not differ.
    for fmt in FORMATS:
        assert render(fmt, alert_event(), event_id="m") == render(fmt, alert_event(), event_id="m")


def test_unknown_format_and_type_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown webhook format"):
        render("teams", alert_event(), event_id="m")
    for fmt in FORMATS:
        with pytest.raises(ValueError, match="unknown event type"):
            render(fmt, {"type": "alert.exploded", "data": {}}, event_id="m")


def _is_rfc3339(value: str) -> bool:
    return value.endswith("Z") and datetime.fromisoformat(value).tzinfo is not None


def _check_v4_shape(body: dict[str, Any]) -> dict[str, Any]:
    """Every field Alertmanager's webhook_config sends, with its type."""
    top = {
        "version": str,
        "groupKey": str,
        "truncatedAlerts": int,
        "status": str,
        "receiver": str,
        "groupLabels": dict,
        "commonLabels": dict,
        "commonAnnotations": dict,
        "externalURL": str,
        "alerts": list,
    }
    assert set(body) == set(top)
    for key, kind in top.items():
        assert isinstance(body[key], kind), key
    assert body["version"] == "4" and body["truncatedAlerts"] == 0
    assert body["receiver"] == "ceasewatch" and body["externalURL"] == EXTERNAL
    for mapping in ("groupLabels", "commonLabels", "commonAnnotations"):
        assert all(isinstance(v, str) for v in body[mapping].values())
    (alert,) = body["alerts"]
    fields = {
        "status": str,
        "labels": dict,
        "annotations": dict,
        "startsAt": str,
        "endsAt": str,
        "generatorURL": str,
        "fingerprint": str,
    }
    assert set(alert) == set(fields)
    for key, kind in fields.items():
        assert isinstance(alert[key], kind), key
    assert all(isinstance(v, str) for v in alert["labels"].values())
    assert all(isinstance(v, str) for v in alert["annotations"].values())
    assert alert["status"] == body["status"]
    assert _is_rfc3339(alert["startsAt"])
    return dict(alert)


@pytest.mark.parametrize("kind", ["alert.firing", "alert.escalated", "alert.reminder"])
def test_alertmanager_firing(kind: str) -> None:
    body = rendered("alertmanager", alert_event(kind))
    alert = _check_v4_shape(body)
    assert body["status"] == "firing"
    assert alert["endsAt"] == "0001-01-01T00:00:00Z"
    assert alert["startsAt"] == "2026-02-27T10:00:00Z"
    assert alert["labels"] == {
        "alertname": "CeasefireBreakdown",
        "watch": "pakistan-afghanistan",
        "severity": "critical",
    }
    assert body["groupLabels"] == {
        "alertname": "CeasefireBreakdown",
        "watch": "pakistan-afghanistan",
    }
    assert body["groupKey"] == '{}:{alertname="CeasefireBreakdown", watch="pakistan-afghanistan"}'
    assert body["commonLabels"] == alert["labels"]
    assert body["commonAnnotations"] == alert["annotations"]
    notes = alert["annotations"]
    assert notes["description"].startswith("Airstrikes on Kabul & Kandahar")
    assert "Pakistan\u2013Afghanistan" in notes["summary"]
    assert "https://example.org/news?id=1&lang=en" in notes["evidence"]
    assert "https://example.com/paktia" in notes["evidence"]
    assert alert["fingerprint"] == "3f2a9c0d1e4b5a67"
    assert alert["generatorURL"] == f"{EXTERNAL}/api/v1/alerts/42"


def test_alertmanager_resolved_keeps_fingerprint_and_sets_end() -> None:
    firing = rendered("alertmanager", alert_event())
    body = rendered("alertmanager", alert_event("alert.resolved", status="resolved"))
    alert = _check_v4_shape(body)
    assert body["status"] == alert["status"] == "resolved"
    assert alert["endsAt"] == "2026-02-28T08:00:00Z" and _is_rfc3339(alert["endsAt"])
    # Receivers match the resolution to the firing by fingerprint and labels.
    assert alert["fingerprint"] == firing["alerts"][0]["fingerprint"]
    assert alert["labels"] == firing["alerts"][0]["labels"]
    assert body["groupKey"] == firing["groupKey"]


def test_offsets_are_converted_to_utc() -> None:
    event = alert_event()
    event["data"]["alert"]["started_at"] = "2026-02-27T15:00:00+05:00"
    alert = rendered("alertmanager", event)["alerts"][0]
    assert alert["startsAt"] == "2026-02-27T10:00:00Z"


def test_test_event_renders_in_every_format() -> None:
    event = {"type": "test", "timestamp": "2026-02-27T10:00:00+00:00", "data": {}}
    assert rendered("standard", event) == event
    body = rendered("alertmanager", event)
    alert = _check_v4_shape(body)
    assert alert["labels"]["alertname"] == "CeasewatchTest"
    assert len(alert["fingerprint"]) == 16
    assert "test" in rendered("slack", event)["text"].lower()


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_slack_body_is_escaped_and_within_limits(kind: str) -> None:
    status = "resolved" if kind == "alert.resolved" else "firing"
    body = rendered("slack", alert_event(kind, status=status))
    assert set(body) == {"text", "attachments"}
    assert len(body["text"]) <= 3000 and len(body["text"]) <= TEXT_LIMIT
    # The rationale has & < >: only entities may remain, never raw < > (no injected links).
    assert "&amp;" in body["text"] and "&lt;reported" in body["text"]
    assert "<" not in body["text"] and ">" not in body["text"]
    (attachment,) = body["attachments"]
    assert attachment["color"].startswith("#")
    assert attachment["title_link"] == f"{EXTERNAL}/api/v1/alerts/42"
    assert len(attachment["title"]) <= 256
    assert isinstance(attachment["ts"], int)
    for field in attachment["fields"]:
        assert set(field) == {"title", "value", "short"}
        assert len(field["value"]) <= 1024
    evidence = next(f["value"] for f in attachment["fields"] if f["title"] == "Evidence")
    # Links in Slack's <url|label> form, label escaped, the URL's & as an entity.
    assert "<https://example.org/news?id=1&amp;lang=en|Pakistan declares" in evidence
    assert "&lt;on&gt; Taliban &amp; strikes Kabul>" in evidence


def test_slack_colours_differ_by_state() -> None:
    warn = rendered("slack", alert_event(level="warning"))["attachments"][0]["color"]
    crit = rendered("slack", alert_event())["attachments"][0]["color"]
    done = rendered("slack", alert_event("alert.resolved", status="resolved"))
    assert len({warn, crit, done["attachments"][0]["color"]}) == 3
    assert "RESOLVED" in done["text"]


def test_slack_long_text_is_clipped_without_splitting_entities() -> None:
    event = alert_event()
    event["data"]["alert"]["rationale"] = "&" * 5000
    event["data"]["alert"]["evidence"] = [
        {"title": "<" * 400, "link": f"https://example.org/{i}", "outlets": ["X"], "signals": {}}
        for i in range(20)
    ]
    body = rendered("slack", event)
    assert len(body["text"]) <= TEXT_LIMIT
    assert body["text"].endswith("&amp;…")
    assert all(len(f["value"]) <= 1024 for f in body["attachments"][0]["fields"])
    assert len(body["attachments"][0]["text"]) <= 3000


def test_escape_and_clip_helpers() -> None:
    assert escape("a & <b> <!channel>") == "a &amp; &lt;b&gt; &lt;!channel&gt;"
    assert clip("abc", 10) == "abc"
    assert clip("ab&amp;cd", 5) == "ab…"
    assert clip("abcdef", 4) == "abc…"
