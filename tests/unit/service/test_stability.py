"""The stability index formula: deterministic, decaying, source-weighted, bounded."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from service.ops import stability
from service.ops.stability import Contribution, index_at, top_evidence, trend

NOW = datetime(2026, 2, 27, 12, 0, tzinfo=UTC)


def strike(hours_ago: float, *, sources: int = 1, article_id: int = 1) -> Contribution:
    return Contribution(
        article_id, NOW - timedelta(hours=hours_ago), 0.95, 0.02, {"airstrike": 0.97}, sources
    )


def truce(hours_ago: float) -> Contribution:
    return Contribution(
        99, NOW - timedelta(hours=hours_ago), 0.05, 0.95, {"ceasefire_agreement": 0.96}, 1
    )


def test_calm_is_zero_and_more_violence_is_higher() -> None:
    assert index_at([], now=NOW, half_life_h=24) == 0.0
    one = index_at([strike(1)], now=NOW, half_life_h=24)
    three = index_at([strike(1, article_id=i) for i in range(3)], now=NOW, half_life_h=24)
    assert 20 < one < three < 100


def test_decay_halves_the_pressure_per_half_life() -> None:
    fresh = index_at([strike(0)], now=NOW, half_life_h=24)
    old = index_at([strike(24)], now=NOW, half_life_h=24)
    assert old < fresh
    assert index_at([strike(24 * 30)], now=NOW, half_life_h=24) < 0.1


def test_sources_weigh_and_syndication_is_capped() -> None:
    single = index_at([strike(1)], now=NOW, half_life_h=24)
    corroborated = index_at([strike(1, sources=3)], now=NOW, half_life_h=24)
    assert corroborated > single
    assert index_at([strike(1, sources=50)], now=NOW, half_life_h=24) == index_at(
        [strike(1, sources=4)], now=NOW, half_life_h=24
    )


def test_deescalation_lowers_but_not_below_zero_and_future_is_ignored() -> None:
    with_truce = index_at([strike(1), truce(1)], now=NOW, half_life_h=24)
    assert with_truce < index_at([strike(1)], now=NOW, half_life_h=24)
    assert index_at([truce(1)], now=NOW, half_life_h=24) == 0.0
    assert index_at([strike(-5)], now=NOW, half_life_h=24) == 0.0


def test_deterministic_evidence_and_trend() -> None:
    items = [strike(1, article_id=2), strike(1, article_id=1), strike(30, article_id=3)]
    ranked = top_evidence(items, now=NOW, half_life_h=24, limit=2)
    assert [c.article_id for c, _ in ranked] == [1, 2]
    assert trend(70, 40) == "deteriorated"
    assert trend(20, 60) == "improved"
    assert trend(42, 40) == "unchanged"


def test_rationale_names_signals_places_and_sources() -> None:
    from service.ops.evidence import rationale

    evidence = [
        {"title": "Israeli airstrikes hit Gaza", "signals": {"airstrike": 0.9, "casualties": 0.7},
         "countries": ["IL", "PS"], "outlets": ["aljazeera.com", "bbc.co.uk"]},
        {"title": "Rockets fired from Gaza", "signals": {"shelling": 0.8},
         "countries": ["PS"], "outlets": ["bbc.co.uk"]},
    ]
    line = rationale(evidence, index=81.4)
    assert line.startswith("airstrikes, casualties and shelling (Palestine, Israel)")
    assert 'reported by 2 outlets: "Israeli airstrikes hit Gaza"; index 81' in line


def _index_by_definition(contributions: list[Contribution], *, now: datetime, hl: float) -> float:
    """The formula in the module docstring, one article at a time (the code before arrays)."""
    escalation = deescalation = 0.0
    for c in contributions:
        w = stability.weight(c, now=now, half_life_h=hl)
        if w == 0.0:
            continue
        escalation += w * stability.escalation_strength(c)
        deescalation += w * stability.deescalation_strength(c)
    pressure = max(0.0, escalation - stability.DEESCALATION_WEIGHT * deescalation)
    return round(100.0 * (1.0 - math.exp(-pressure / stability.SCALE)), 2)


def test_the_array_form_gives_the_index_of_the_definition() -> None:
    # Alerts, the dashboard and the API must show the same number for the same moment.
    rng = random.Random(7)
    names = list(stability.ESCALATION_WEIGHTS) + list(stability.DEESCALATION_WEIGHTS)
    for case in range(300):
        contributions = [
            Contribution(
                i,
                NOW - timedelta(microseconds=rng.randrange(-10**10, 4 * 10**11)),
                rng.random(),
                rng.random(),
                {n: rng.random() for n in rng.sample(names, rng.randrange(0, 5))},
                rng.randrange(0, 9),
            )
            for i in range(rng.randrange(0, 60))
        ]
        hl = rng.choice([6.0, 24.0, 36.5])
        expected = _index_by_definition(contributions, now=NOW, hl=hl)
        assert index_at(contributions, now=NOW, half_life_h=hl) == expected, case
