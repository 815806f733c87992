"""The stability index: a pure, deterministic function of attributed articles and `now`.

For each article a attributed to a watch, published at t_a <= now:

    esc_a   = max(escalation_a, max_s w_s * p_a(s)) + 0.25 * (other signals with p >= 0.5)
    deesc_a = max(deescalation_a, max_s w_s * p_a(s))    over de-escalation signals s
    decay_a = 0.5 ** ((now - t_a) / half_life)
    src_a   = 1 + 0.5 * min(sources_a - 1, 3)            independent outlets carrying the story
    E = sum(decay_a * src_a * esc_a)     D = sum(decay_a * src_a * deesc_a)
    pressure = max(0, E - DEESCALATION_WEIGHT * D)
    index = 100 * (1 - exp(-pressure / SCALE))

0 is calm, 100 is open war. A single strongly escalatory story from one outlet gives about 33,
or about 50 when it names four kinds of violence at once (airstrikes, a cross-border attack,
"open war", casualties); three such plain stories give about 70. De-escalation news (a truce,
talks, a prisoner exchange) pulls the index down but never below 0. Syndicated copies are one
article with several sources, so they count once, weighted by their independent outlets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

ESCALATION_WEIGHTS: Mapping[str, float] = {
    "airstrike": 1.0,
    "shelling": 1.0,
    "cross_border_attack": 1.0,
    "armed_clash": 0.9,
    "bombing": 0.9,
    "ceasefire_violation": 0.9,
    "territorial_seizure": 0.9,
    "war_rhetoric": 0.8,
    "casualties": 0.8,
    "mobilization": 0.7,
}
DEESCALATION_WEIGHTS: Mapping[str, float] = {
    "ceasefire_agreement": 1.0,
    "prisoner_exchange": 0.9,
    "withdrawal": 0.9,
    "talks": 0.7,
    "humanitarian_access": 0.6,
}
DEESCALATION_WEIGHT = 0.6
SCALE = 2.5
MAX_SOURCE_BONUS = 3
STRONG_SIGNAL = 0.5
EXTRA_SIGNAL_BONUS = 0.25


@dataclass(frozen=True)
class Contribution:
    """What the index needs to know of one attributed article."""

    article_id: int
    published_at: datetime
    escalation: float
    deescalation: float
    signals: Mapping[str, float]
    sources: int


def escalation_strength(c: Contribution) -> float:
    # An article naming several kinds of violence says more than one naming a single kind.
    strong = sum(1 for s in ESCALATION_WEIGHTS if c.signals.get(s, 0.0) >= STRONG_SIGNAL)
    base = max([c.escalation] + [w * c.signals.get(s, 0.0) for s, w in ESCALATION_WEIGHTS.items()])
    return base + EXTRA_SIGNAL_BONUS * max(0, strong - 1)


def deescalation_strength(c: Contribution) -> float:
    return max(
        [c.deescalation] + [w * c.signals.get(s, 0.0) for s, w in DEESCALATION_WEIGHTS.items()]
    )


def weight(c: Contribution, *, now: datetime, half_life_h: float) -> float:
    """Decay times source weight; articles from the future (of `now`) weigh nothing."""
    age_h = (now - c.published_at).total_seconds() / 3600.0
    if age_h < 0:
        return 0.0
    sources = 1.0 + 0.5 * min(max(c.sources, 1) - 1, MAX_SOURCE_BONUS)
    return float(0.5 ** (age_h / half_life_h)) * sources


def index_at(contributions: Iterable[Contribution], *, now: datetime, half_life_h: float) -> float:
    escalation = deescalation = 0.0
    for c in contributions:
        w = weight(c, now=now, half_life_h=half_life_h)
        if w == 0.0:
            continue
        escalation += w * escalation_strength(c)
        deescalation += w * deescalation_strength(c)
    pressure = max(0.0, escalation - DEESCALATION_WEIGHT * deescalation)
    return round(100.0 * (1.0 - math.exp(-pressure / SCALE)), 2)


def top_evidence(
    contributions: Sequence[Contribution], *, now: datetime, half_life_h: float, limit: int
) -> list[tuple[Contribution, float]]:
    """The articles that push the index up most right now, with their contribution."""
    ranked = [
        (c, weight(c, now=now, half_life_h=half_life_h) * escalation_strength(c))
        for c in contributions
    ]
    ranked = [(c, v) for c, v in ranked if v > 0.0]
    ranked.sort(key=lambda cv: (-cv[1], cv[0].article_id))
    return ranked[:limit]


def trend(current: float, week_ago: float, *, tolerance: float = 5.0) -> str:
    """CrisisWatch's words: deteriorated, improved or unchanged over the last seven days."""
    if current - week_ago > tolerance:
        return "deteriorated"
    if week_ago - current > tolerance:
        return "improved"
    return "unchanged"
