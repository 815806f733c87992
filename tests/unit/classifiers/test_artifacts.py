"""Saving, hash pinning and refusal of anything that is not a trusted skops archive."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
import skops.io
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import Pipeline

from classifiers.artifacts import (
    ModelLoadError,
    card_path,
    default_model_path,
    load_model,
    save_model,
)
from classifiers.scoring import Scorer, TextItem

TEXTS = [
    TextItem(id="1", text="Pakistani airstrikes hit Kabul and Kandahar overnight."),
    TextItem(id="2", text="Talks in Doha produced a ceasefire agreement.", title="Truce"),
    TextItem(id="3", text="The central bank left interest rates unchanged."),
]


def test_shipped_model_loads_with_its_card(scorer: Scorer) -> None:
    assert default_model_path().is_file()
    assert scorer.sha256 == scorer.card["sha256"]
    assert scorer.version == scorer.card["version"]
    assert default_model_path().stat().st_size < 20_000_000


def test_save_and_reload_gives_identical_scores(scorer: Scorer, tmp_path: Path) -> None:
    path, digest = save_model(scorer.pipeline, tmp_path, version="t1", card={"note": "test"})
    assert path.name == "ceasewatch-t1.skops"
    card = json.loads(card_path(path).read_text())
    assert card["sha256"] == digest and card["version"] == "t1" and card["note"] == "test"
    reloaded = load_model(path)
    assert reloaded.sha256 == digest
    before = [s.to_json() | {"model_version": ""} for s in scorer.score(TEXTS)]
    after = [s.to_json() | {"model_version": ""} for s in reloaded.score(TEXTS)]
    assert before == after


def _copy_shipped(tmp_path: Path) -> Path:
    target = tmp_path / default_model_path().name
    shutil.copy(default_model_path(), target)
    shutil.copy(card_path(default_model_path()), card_path(target))
    return target


def test_tampered_file_is_refused_before_deserialising(tmp_path: Path) -> None:
    path = _copy_shipped(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match=r"sha256 mismatch \(expected [0-9a-f]{64}, got"):
        load_model(path)


def test_explicit_expected_hash_overrides_the_card(tmp_path: Path) -> None:
    path = _copy_shipped(tmp_path)
    with pytest.raises(ModelLoadError, match="sha256 mismatch"):
        load_model(path, expected_sha256="0" * 64)


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    path = _copy_shipped(tmp_path)
    truncated = path.read_bytes()[: path.stat().st_size // 3]
    path.write_bytes(truncated)
    with pytest.raises(ModelLoadError, match="sha256 mismatch"):
        load_model(path)  # the card's hash catches it first
    import hashlib

    digest = hashlib.sha256(truncated).hexdigest()
    with pytest.raises(ModelLoadError, match="truncated or corrupt"):
        load_model(path, expected_sha256=digest)  # even with a matching hash


def test_pickle_file_is_refused(scorer: Scorer, tmp_path: Path) -> None:
    path = tmp_path / "ceasewatch-evil.skops"
    data = pickle.dumps(scorer.pipeline)
    path.write_bytes(data)
    import hashlib

    with pytest.raises(ModelLoadError, match=r"not a skops archive \(pickle files are refused\)"):
        load_model(path, expected_sha256=hashlib.sha256(data).hexdigest())


def test_untrusted_type_is_refused(tmp_path: Path) -> None:
    pipeline = Pipeline([("features", CountVectorizer()), ("classifier", CountVectorizer())])
    path = tmp_path / "ceasewatch-odd.skops"
    data = skops.io.dumps(pipeline)
    path.write_bytes(data)
    import hashlib

    with pytest.raises(ModelLoadError, match=r"untrusted type sklearn\.feature_extraction\.text"):
        load_model(path, expected_sha256=hashlib.sha256(data).hexdigest())


def test_a_function_other_than_the_trusted_preprocessor_is_refused(tmp_path: Path) -> None:
    """skops stores a function by name and would import and call any one; only
    classifiers.word_preprocessing.preprocess is trusted."""
    import hashlib
    import textwrap

    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(preprocessor=textwrap.dedent).fit(["alpha beta", "beta gamma"])
    pipeline = Pipeline([("features", vectorizer), ("classifier", vectorizer)])
    path = tmp_path / "ceasewatch-odd.skops"
    data = skops.io.dumps(pipeline)
    path.write_bytes(data)
    with pytest.raises(ModelLoadError, match=r"untrusted type textwrap\.dedent"):
        load_model(path, expected_sha256=hashlib.sha256(data).hexdigest())


def test_missing_hash_is_refused(tmp_path: Path) -> None:
    path = _copy_shipped(tmp_path)
    card_path(path).unlink()
    with pytest.raises(ModelLoadError, match="no expected sha256"):
        load_model(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="cannot read"):
        load_model(tmp_path / "nope.skops")
