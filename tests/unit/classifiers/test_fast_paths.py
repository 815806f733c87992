"""The fast scoring paths give exactly what the straightforward code gave.

The references below are the code the Scorer ran before it was optimised (per-text regex scans,
scikit-learn's own vectoriser), kept here so that any later change to the fast paths is checked
against them, on edge cases and on a few hundred real archive items.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from classifiers import signals
from classifiers.fast_features import WordTfidf, supports
from classifiers.gazetteer import _pattern, countries_in, countries_in_texts, gazetteer
from classifiers.scoring import QUAD_CLASSES, Score, Scorer, TextItem
from classifiers.signal_patterns import PATTERNS
from classifiers.word_preprocessing import strip_accents

EDGE_CASES = [
    "",
    " ",
    "Shelling",
    "shelling shelling; shelling",
    "Airstrikes hit Kabul. Artillery shelling near Bakhmut; no shelling in Donetsk.",
    "Israeli strikes on Gaza were denied by officials",
    "strikes on were denied",  # a pattern ending in a space, then the negation after it
    "The reports of strikes on Rafah were false.",
    "Drones attacked Moscow\u2019s airports \u2014 the Kremlin denied airstrikes",
    "Caf\u00e9 bombing in S\u00e3o Paulo; \u0130stanbul clashes; na\u0131ve",  # accents, dotted I
    "e\u0301 combining acute, \ufb01 ligature, \u00bd fraction, ARTILLERY IN CAPITALS",
    "\u00a0Heavy fighting\u00a0erupted\tin\nKhartoum as RSF and SAF clashed",
    "Kabul",
    "XSudan and South Sudan and McKabul; Sudan.",
    "Washington, D.C. and the U.S. and the Democratic Republic of the Congo",
    "Pakistani airstrikes hit Kabul, Kandahar and Paktia after an Afghan cross-border attack",
    "threatened to launch airstrikes; vowed revenge; will pay a heavy price",
    "zzzz qqqq",  # no vocabulary word at all
    "a\x00b shelling\x00artillery",  # the batch separator inside a text
    # A context-gated pattern (North Korean missile tests) matches first but its context is
    # missing: the shelling pattern it overlaps must still count.
    "Russia fired missiles at targets across Ukraine",
    "North Korea fired missiles into the sea",
    "Ukraine says fighting continues",  # gated armed_clash words without an armed context
    "Israel plans a ground offensive; Hamas vowed to launch rockets",  # a plan, then a threat
    # Negation scopes (classifiers.word_preprocessing): marked words, a hyphenated cue, a curly
    # apostrophe, a cue at the very end.
    "Russia rules out peace talks; Hamas didn\u2019t attack a no-fly zone, not-for-profit. Not",
]

# ---- the code paths before optimisation -------------------------------------------------------

_OLD_NEGATION_AFTER = re.compile(r"(?:\s*\w+){0,4}\s+(?:were|was|is|are|been)\s+(?:denied|false)")


_Meaning = tuple[tuple[int, ...], float, bool]


@lru_cache(maxsize=16)
def _old_signal_regex(
    present: frozenset[str | None],
) -> tuple[re.Pattern[str], dict[str, _Meaning]]:
    """The regex of the patterns whose context is in `present` (None: no context needed)."""
    tree: dict[str, dict[str, list[str]]] = {}
    groups: dict[str, _Meaning] = {}
    for number, pattern in enumerate(PATTERNS):
        if pattern.context not in present:
            continue
        names = pattern.signals.split("+")
        meaning = (
            tuple(signals._SIGNAL_INDEX[name] for name in names if name != "none"),
            pattern.strength,
            any(name in signals._EVENTS for name in names),
        )
        expanded = [
            alt for source in pattern.alternatives for alt in signals._literal_first(source)
        ]
        for index, alternative in enumerate(expanded):
            group = f"p{number}_{index}"
            groups[group] = meaning
            first, rest = alternative[0], alternative[1:]
            second = rest[0] if rest[:1].isalpha() and rest[1:2] not in ("?", "*", "+", "{") else ""
            tail = rest[1:] if second else rest
            tree.setdefault(first, {}).setdefault(second, []).append(f"(?P<{group}>{tail})")
    buckets = []
    for first, by_second in sorted(tree.items()):
        inner = [f"{second}(?:{'|'.join(alts)})" for second, alts in by_second.items()]
        buckets.append(f"{first}(?:{'|'.join(inner)})")
    return re.compile(r"\b(?:" + "|".join(buckets) + ")"), groups


def _old_pattern_scores(text: str) -> NDArray[np.float64]:
    """The definition, one text at a time: only the patterns whose context the text has."""
    lowered = text.lower().replace("\u2019", "'")
    present = frozenset(
        pattern.context
        for pattern in PATTERNS
        if pattern.context is None or re.search(pattern.context, lowered)
    )
    regex, groups = _old_signal_regex(present)
    scores = np.zeros(len(signals.SIGNALS))
    for match in regex.finditer(lowered):
        indices, strength, threat_is_rhetoric = groups[match.lastgroup or ""]
        before = signals._preceding_words(lowered, match.start(), signals.NEGATION_WORDS)
        # A pattern may end in a space: what follows the event starts after its last word.
        end = len(lowered[: match.end()].rstrip())
        if signals._NEGATION.search(before) or _OLD_NEGATION_AFTER.match(lowered, match.end()):
            grade = signals.NEGATED
        elif (
            signals._MODALITY.search(cue := " ".join(before.split()[-signals.MODALITY_WORDS :]))
            and not signals._ONGOING.search(before)
        ) or signals._MODALITY_AFTER.match(lowered, end):
            grade = signals.MODAL
            if threat_is_rhetoric and signals._THREAT.search(cue):
                scores[signals._RHETORIC] = max(scores[signals._RHETORIC], signals.WEAK)
        else:
            grade = strength
        for index in indices:
            scores[index] = max(scores[index], grade)
    return scores


def _old_countries_in(text: str) -> list[str]:
    names = gazetteer()
    found: dict[str, None] = {}
    for match in _pattern().finditer(text):
        start = match.start()
        if start == 0 or not text[start - 1].isalnum():
            found.update(dict.fromkeys(names[match.group()]))
    return list(found)


def _old_score(scorer: Scorer, items: list[TextItem]) -> list[Score]:
    texts = [item.full_text() for item in items]
    features = scorer.pipeline.named_steps["features"].transform(texts)  # scikit-learn's own
    calibrated, quad = scorer._quad_from_features(features)
    escalation = quad[:, scorer._conflict].sum(axis=1)
    deescalation = quad[:, scorer._cooperation].sum(axis=1)
    evidence = np.array([_old_pattern_scores(text) for text in texts])
    # Signals are scaled by the probabilities before sharpening.
    relevance = 1.0 - calibrated[:, QUAD_CLASSES.index("neutral")]
    signal_rows = signals.combine_with_model(
        evidence, relevance, calibrated[:, scorer._conflict].sum(axis=1)).tolist()
    explanations = scorer._explanations(features)
    quad_rows = np.round(quad, 4).tolist()
    escalation_list = np.round(escalation, 4).tolist()
    deescalation_list = np.round(deescalation, 4).tolist()
    return [
        Score(
            id=item.id,
            escalation=escalation_list[i],
            deescalation=deescalation_list[i],
            quad=dict(zip(QUAD_CLASSES, quad_rows[i], strict=True)),
            signals=dict(zip(signals.SIGNALS, signal_rows[i], strict=True)),
            countries=_old_countries_in(texts[i]),
            explanation=explanations[i],
            model_version=scorer.version,
        )
        for i, item in enumerate(items)
    ]


# ---- texts --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive_texts(shared_data_dir: Path) -> list[str]:
    """Every 40th archive item (about 410), cleaned as the feeds deliver them and raw (HTML,
    entities, odd whitespace left in)."""
    from classifiers.model_card import ARCHIVE, archive_text

    path = shared_data_dir / ARCHIVE
    if not path.is_file():
        pytest.skip(f"needs the archive at {path}")
    texts: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number % 40 == 0:
                record = json.loads(line)
                texts.append(archive_text(record))
                texts.append(f"{record.get('title') or ''}\n{record.get('description') or ''}")
    return texts


def _same_matrix(a: object, b: object) -> bool:
    return all(
        np.array_equal(getattr(a, part), getattr(b, part))
        and getattr(a, part).dtype == getattr(b, part).dtype
        for part in ("data", "indices", "indptr")
    ) and a.shape == b.shape  # type: ignore[attr-defined]


# ---- tests --------------------------------------------------------------------------------------


def test_strip_accents_matches_scikit_learn() -> None:
    from sklearn.feature_extraction.text import strip_accents_unicode

    for text in EDGE_CASES:
        assert strip_accents(text.lower()) == strip_accents_unicode(text.lower())


def test_fast_features_are_bit_identical_on_edge_cases(scorer: Scorer) -> None:
    features = scorer.pipeline.named_steps["features"]
    assert supports(features)  # the shipped model takes the fast path
    fast = WordTfidf(features).transform(EDGE_CASES)
    assert _same_matrix(fast, features.transform(EDGE_CASES))


def test_signal_scan_matches_the_per_text_scan_on_edge_cases() -> None:
    batch = signals.pattern_evidence(EDGE_CASES)
    for row, text in zip(batch, EDGE_CASES, strict=True):
        assert row.tolist() == _old_pattern_scores(text).tolist(), text
    assert signals.pattern_evidence([]).shape == (0, len(signals.SIGNALS))


def test_country_scan_matches_the_per_text_scan_on_edge_cases() -> None:
    assert countries_in_texts(EDGE_CASES) == [_old_countries_in(text) for text in EDGE_CASES]
    assert countries_in_texts([]) == []
    assert countries_in("XSudan and South Sudan") == ["SS"]


def test_scores_equal_the_old_code_path_on_archive_items(
    scorer: Scorer, archive_texts: list[str]
) -> None:
    texts = archive_texts + EDGE_CASES
    features = scorer.pipeline.named_steps["features"]
    assert _same_matrix(scorer.features(texts), features.transform(texts))
    items = [TextItem(id=str(i), text=text) for i, text in enumerate(texts)]
    new, old = scorer.score(items), _old_score(scorer, items)
    assert new == old
    # Not vacuous: the sample exercises signals, countries and explanations.
    assert sum(any(v >= 0.5 for v in s.signals.values()) for s in new) > 50
    assert sum(bool(s.countries) for s in new) > 200
    assert all(s.explanation for s in new[:100] if s.escalation > 0.5)


def test_signal_patterns_cannot_match_the_batch_separator() -> None:
    with pytest.raises(ValueError, match="batch separator"):
        signals._check(r"air.strike")
    with pytest.raises(ValueError, match="capturing group"):
        signals._check(r"air(strike)")
    signals._check(r"u\.s\. (?:strikes?|raids?)[- ]?\b")  # escaped dot, plain groups: fine


def test_the_warm_up_texts_compile_the_rescan_regexes() -> None:
    # Each warm-up text lacks a different set of contexts, so scoring them at start compiles
    # one rescan regex each (plus the full one) before the first poll needs them.
    signals._compiled.cache_clear()
    signals.pattern_evidence(list(signals.WARM_UP_TEXTS))
    assert signals._compiled.cache_info().currsize == 1 + len(signals.WARM_UP_TEXTS)
