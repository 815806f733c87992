"""A message for Slack incoming webhooks, also accepted by Mattermost and by Discord's
Slack-compatible endpoint (``.../slack``).

Only the common subset is used: ``text`` plus one legacy attachment with colour, title, link,
text and fields. Limits are the tightest of the three: Discord caps message text at 2,000
characters, an embed title at 256, a field value at 1,024; Slack caps text at 3,000 for its
block rendering and truncates beyond 40,000. Text is escaped per Slack's rules (``&<>`` as
entities) so an article title cannot inject a mention (``<!channel>``) or a fake link.
"""

from __future__ import annotations

from typing import Any

from service.webhooks.event import AlertView, alert_url

TEXT_LIMIT = 2000  # Discord's, the smallest; well inside Slack's 3,000
TITLE_LIMIT = 256
FIELD_LIMIT = 1024
ATTACHMENT_TEXT_LIMIT = 3000
_EVIDENCE_SHOWN = 5
_COLOURS = {"critical": "#d40e0d", "warning": "#e8a317", "resolved": "#2eb886", "info": "#439fe0"}


def escape(text: str) -> str:
    """Slack's escaping: only &, < and > are special in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(escaped: str, limit: int) -> str:
    """Shorten already-escaped text to ``limit`` characters without splitting an entity."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # drop a half-cut "&amp;" rather than send "&am"
    return cut + "…"


def _link(url: str, label: str) -> str:
    # Inside <url|label> a "|" or ">" in the URL would end the link early.
    safe_url = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    safe_url = safe_url.replace("&", "&amp;")
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def _headline(alert: AlertView) -> str:
    if alert.is_test:
        return "Ceasewatch test event: this subscription receives alerts."
    level = alert.level.upper()
    name = alert.watch_name or alert.watch_slug
    return {
        "alert.firing": f"[{level}] Ceasefire breakdown: {name}",
        "alert.escalated": f"[{level}] Escalated: {name}",
        "alert.reminder": f"[{level}] Still firing: {name}",
        "alert.resolved": f"[RESOLVED] {name} (was {alert.level})",
    }[alert.type]


def _evidence_lines(alert: AlertView) -> str:
    lines = []
    for item in alert.evidence[:_EVIDENCE_SHOWN]:
        label = item.title or item.link
        line = _link(item.link, label) if item.link else escape(label)
        if item.outlets:
            line += " — " + escape(", ".join(item.outlets[:3]))
        if item.signals:
            line += " (" + escape(", ".join(f"{n} {p:.2f}" for n, p in item.signals[:3])) + ")"
        lines.append("• " + line)
    # Cut whole lines, so no link is left half-open.
    while lines and len("\n".join(lines)) > FIELD_LIMIT:
        lines.pop()
    return "\n".join(lines)


def body(alert: AlertView, *, event_id: str, external_url: str) -> dict[str, Any]:
    headline = _headline(alert)
    text = headline
    if alert.rationale:
        text += "\n" + alert.rationale
    colour_key = (
        "info" if alert.is_test else ("resolved" if alert.status == "resolved" else alert.level)
    )
    fields: list[dict[str, Any]] = []
    if not alert.is_test:
        fields.append({"title": "Level", "value": escape(alert.level), "short": True})
        if alert.index is not None:
            peak = f" (peak {alert.peak_index:.0f})" if alert.peak_index is not None else ""
            fields.append({"title": "Index", "value": f"{alert.index:.0f}{peak}", "short": True})
        fields.append(
            {
                "title": "Started",
                "value": alert.started_at.strftime("%Y-%m-%d %H:%M UTC"),
                "short": True,
            }
        )
        if alert.resolved_at is not None:
            fields.append(
                {
                    "title": "Resolved",
                    "value": alert.resolved_at.strftime("%Y-%m-%d %H:%M UTC"),
                    "short": True,
                }
            )
        evidence = _evidence_lines(alert)
        if evidence:
            fields.append({"title": "Evidence", "value": evidence, "short": False})
    attachment: dict[str, Any] = {
        "fallback": clip(escape(headline), TITLE_LIMIT),
        "color": _COLOURS.get(colour_key, _COLOURS["warning"]),
        "title": clip(escape(headline), TITLE_LIMIT),
        "title_link": alert_url(external_url, alert),
        "text": clip(escape(alert.rationale), ATTACHMENT_TEXT_LIMIT),
        "fields": fields,
        "footer": clip(escape(f"Ceasewatch · {alert.type} · {event_id}"), TITLE_LIMIT),
        "ts": int(alert.timestamp.timestamp()),
    }
    return {"text": clip(escape(text), TEXT_LIMIT), "attachments": [attachment]}
