"""Evidence for an alert: the articles that push a watch's index most, and a one-line why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pycountry
from sqlmodel import Session

from service.ops import stability
from service.store import watches as watch_store

# How each signal reads in a sentence.
SIGNAL_WORDS = {
    "airstrike": "airstrikes",
    "shelling": "shelling",
    "armed_clash": "armed clashes",
    "bombing": "bombings",
    "cross_border_attack": "cross-border attacks",
    "ceasefire_violation": "ceasefire violations",
    "war_rhetoric": "war rhetoric",
    "mobilization": "troop mobilisation",
    "territorial_seizure": "territory seized",
    "casualties": "casualties",
}
SIGNAL_SHOWN = 0.5


def contributions_for(
    session: Session, watch_id: int, *, since: datetime, until: datetime
) -> tuple[list[stability.Contribution], dict[int, int]]:
    """The index's inputs in the window, and each article's newest score id."""
    rows = watch_store.attributed_signals(session, watch_id, since=since, until=until)
    contributions = [
        stability.Contribution(
            article_id=article_id,
            published_at=published,
            escalation=escalation,
            deescalation=deescalation,
            signals=signals,
            sources=sources,
        )
        for article_id, published, sources, _, escalation, deescalation, signals in rows
    ]
    return contributions, {row[0]: row[3] for row in rows}


def evidence_items(
    session: Session,
    top: Sequence[tuple[stability.Contribution, float]],
    score_ids: dict[int, int],
) -> list[dict[str, Any]]:
    articles = watch_store.articles_with_scores(session, (score_ids[c.article_id] for c, _ in top))
    outlets = watch_store.outlets_for(session, (c.article_id for c, _ in top))
    items = []
    for contribution, value in top:
        article, score = articles[contribution.article_id]
        items.append(
            {
                "article_id": article.id,
                "title": article.title,
                "link": article.canonical_link,
                "outlets": outlets.get(contribution.article_id, []),
                "published_at": article.published_at.isoformat(),
                "escalation": round(score.escalation, 3),
                "strength": round(stability.escalation_strength(contribution), 3),
                "contribution": round(value, 3),
                "signals": {
                    k: round(v, 3)
                    for k, v in sorted(score.signals.items(), key=lambda kv: -kv[1])
                    if v >= SIGNAL_SHOWN
                },
                "countries": score.countries,
                "explanation": score.explanation[:5],
                "model_version": score.model_version,
            }
        )
    return items


def rationale(evidence: Sequence[dict[str, Any]], *, index: float) -> str:
    """One line that names the signals, the places and the sources, e.g.
    'airstrikes, cross-border attacks and war rhetoric (Afghanistan, Pakistan) reported by
    3 outlets: "Pakistani airstrikes hit Kabul..."; index 72'."""
    if not evidence:
        return f"index {index:.0f}"
    signals: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    outlets: set[str] = set()
    for item in evidence:
        signals.update(k for k in item["signals"] if k in SIGNAL_WORDS)
        countries.update(item["countries"])
        outlets.update(item["outlets"])
    words = [SIGNAL_WORDS[s] for s, _ in signals.most_common(4)] or ["escalating reports"]
    said = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    places = ", ".join(_country_name(c) for c, _ in countries.most_common(3))
    headline = str(evidence[0]["title"])
    if len(headline) > 100:
        headline = headline[:99].rstrip() + "…"
    where = f" ({places})" if places else ""
    n = len(outlets)
    sources = f"{n} outlet{'s' if n != 1 else ''}"
    return f'{said}{where} reported by {sources}: "{headline}"; index {index:.0f}'


# Names as newsrooms write them, where the ISO name reads like a form ("Palestine, State of").
SHORT_NAMES = {
    "PS": "Palestine",
    "RU": "Russia",
    "IR": "Iran",
    "SY": "Syria",
    "KR": "South Korea",
    "KP": "North Korea",
    "CD": "DR Congo",
    "CG": "Congo",
    "TW": "Taiwan",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "LA": "Laos",
    "VN": "Vietnam",
}


def _country_name(code: str) -> str:
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)
