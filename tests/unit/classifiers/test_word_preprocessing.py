"""The word features' preprocessing: negation and refusal scopes marked, nothing else changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import strip_accents_unicode

from classifiers.word_preprocessing import (
    MAX_SCOPE,
    NEGATED_PREFIX,
    WORD_TOKEN_PATTERN,
    mark_negation_scope,
    preprocess,
)

_TOKENS = re.compile(WORD_TOKEN_PATTERN)


def _marked(text: str) -> list[str]:
    return [t.removeprefix(NEGATED_PREFIX) for t in _TOKENS.findall(preprocess(text))
            if t.startswith(NEGATED_PREFIX)]


def test_refusals_mark_what_they_refuse() -> None:
    assert preprocess("Russia rules out peace talks") == "russia rules out not-peace not-talks"
    assert _marked("Israel rejects calls for a ceasefire in Gaza") == [
        "calls", "ceasefire", "gaza"]  # "for", "a", "in" pass unmarked and uncounted
    assert _marked("Kyiv denied shelling the village") == ["shelling", "village"]
    assert _marked("Hamas REFUSED the truce offer") == ["truce", "offer"]
    assert _marked("Moscow suspends grain deal talks") == ["grain", "deal", "talks"]
    assert _marked("Rebels didn't attack; troops won\u2019t withdraw") == ["attack", "withdraw"]


def test_a_scope_ends_at_punctuation_a_new_clause_or_its_length() -> None:
    assert _marked("Hamas refuses ceasefire proposal as Israeli strikes pound Rafah") == [
        "ceasefire", "proposal"]
    assert _marked("He did not. Talks go on") == []
    assert _marked("Abiy rejected U.S. calls for a truce. Talks go on") == ["calls", "truce"]
    assert _marked("no truce, shelling goes on") == ["truce"]
    long = "Officials rejected one two three four five six"
    assert _marked(long) == ["one", "two", "three", "four"][:MAX_SCOPE]
    # A cue inside a scope opens its own.
    assert _marked("not never talks") == ["talks"]


def test_what_only_looks_like_a_negation_is_left_alone() -> None:
    for text in ("No end in sight as shelling continues", "no respite from the bombing",
                 "a no-fly zone over the city", "a not-for-profit group", "cannon fire",
                 "Notable gains at the front", "the denial of aid"):
        assert preprocess(text) == text.lower(), text


def test_lower_cases_and_strips_accents_as_scikit_learn_does() -> None:
    text = "Caf\u00e9 bombing in S\u00e3o Paulo, \u0130stanbul CLASHES"
    assert preprocess(text) == strip_accents_unicode(text.lower())
    assert mark_negation_scope("no talks") == "no not-talks"


def _tokens_unchanged_but_for_marks(text: str) -> bool:
    plain = _TOKENS.findall(strip_accents_unicode(text.lower()))
    marked = _TOKENS.findall(preprocess(text))
    return len(plain) == len(marked) and all(
        m in (p, NEGATED_PREFIX + p) for p, m in zip(plain, marked, strict=True))


def test_marking_never_splits_joins_or_drops_a_token(shared_data_dir: Path) -> None:
    """The vectorizer must read the same words, some marked: checked on every 10th archive
    item (title and raw description, HTML left in)."""
    from classifiers.model_card import ARCHIVE

    path = shared_data_dir / ARCHIVE
    if not path.is_file():
        pytest.skip(f"needs the archive at {path}")
    texts = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number % 10 == 0:
                record = json.loads(line)
                texts.append(f"{record.get('title') or ''}. {record.get('description') or ''}")
    assert all(_tokens_unchanged_but_for_marks(text) for text in texts)
    assert sum(preprocess(text) != strip_accents_unicode(text.lower()) for text in texts) > 100
