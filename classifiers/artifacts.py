"""Model artifacts: skops archives, hash-pinned, loaded with an explicit list of trusted types.

Loading order matters for safety: (1) read the bytes, (2) check the sha256 against the pinned
value (argument, else the sidecar card), (3) check it is a zip (skops) and not a pickle,
(4) read the archive's schema and refuse any type outside TRUSTED_TYPES, and only then
(5) deserialise with skops, passing that same list.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

from classifiers.scoring import Scorer

DEFAULT_MODEL_VERSION = "2026.12.7"
ARTIFACT_PREFIX = "ceasewatch-"
_ZIP_MAGIC = b"PK\x03\x04"
_PICKLE_MAGIC = b"\x80"

# Every type a Ceasewatch pipeline may contain (designs.py). Anything else is refused.
TRUSTED_TYPES: tuple[str, ...] = (
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.slice",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.NoneType",
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.float32",
    "numpy.float64",
    "numpy.int32",
    "numpy.int64",
    "numpy.str_",
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csr.csr_array",
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._stochastic_gradient.SGDClassifier",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.calibration.CalibratedClassifierCV",
    "classifiers.designs.SharpenedCalibratedClassifierCV",
    # A function, stored by name: the word vectorizer's preprocessor (designs.word_features).
    "classifiers.word_preprocessing.preprocess",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.utils._bunch.Bunch",
)


class ModelLoadError(Exception):
    """The artifact cannot be trusted or read; the message says which file and why."""


def default_model_path() -> Path:
    """The trained model shipped inside the package."""
    return Path(__file__).parent / "artifacts" / f"{ARTIFACT_PREFIX}{DEFAULT_MODEL_VERSION}.skops"


def card_path(model_path: Path) -> Path:
    return model_path.with_suffix(".card.json")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _vectorizers(model: Pipeline) -> list[object]:
    features = model.named_steps["features"]
    return [t for _, t in features.transformer_list if hasattr(t, "vocabulary_")]


def _terms_in_column_order(vocabulary: dict[str, int]) -> np.ndarray:
    """A vocabulary dict as one string array (index = column). skops writes a dict entry by
    entry (80,000 schema nodes: seconds to load); one string array loads in milliseconds."""
    column_order = np.empty(len(vocabulary), dtype=object)
    for term, column in vocabulary.items():
        column_order[column] = term
    return column_order.astype(str)


def _unpack(archive: object, path: Path) -> Pipeline:
    if not isinstance(archive, dict) or not isinstance(archive.get("pipeline"), Pipeline):
        raise ModelLoadError(f"model file {path}: not a Ceasewatch model archive")
    model: Pipeline = archive["pipeline"]
    vectorizers = _vectorizers(model)
    vocabularies = archive.get("vocabularies")
    if not isinstance(vocabularies, list) or len(vocabularies) != len(vectorizers):
        raise ModelLoadError(f"model file {path}: vocabularies do not match the pipeline")
    for vectorizer, terms in zip(vectorizers, vocabularies, strict=True):
        vocabulary = {term: column for column, term in enumerate(terms.tolist())}
        vectorizer.vocabulary_ = vocabulary  # type: ignore[attr-defined]
    return model


def save_model(
    model: Pipeline, directory: Path, *, version: str, card: dict[str, object]
) -> tuple[Path, str]:
    """Write `ceasewatch-<version>.skops` and its card; return (path, sha256)."""
    import skops.io

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{ARTIFACT_PREFIX}{version}.skops"
    # A copy, so a model that is serving meanwhile keeps its vocabularies.
    stripped = copy.deepcopy(model)
    terms = []
    for vectorizer in _vectorizers(stripped):
        terms.append(_terms_in_column_order(vectorizer.vocabulary_))  # type: ignore[attr-defined]
        vectorizer.vocabulary_ = {}  # type: ignore[attr-defined]
    archive = {"pipeline": stripped, "vocabularies": terms}
    data = skops.io.dumps(archive, compression=zipfile.ZIP_DEFLATED)
    path.write_bytes(data)
    digest = _sha256(data)
    sidecar = {**card, "version": version, "artifact": path.name, "sha256": digest,
               "size_bytes": len(data)}
    card_path(path).write_text(json.dumps(sidecar, indent=2, sort_keys=True) + "\n")
    return path, digest


def _read_card(path: Path) -> dict[str, object]:
    sidecar = card_path(path)
    if not sidecar.is_file():
        return {}
    try:
        card = json.loads(sidecar.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"model card {sidecar}: unreadable ({error})") from error
    if not isinstance(card, dict):
        raise ModelLoadError(f"model card {sidecar}: expected a JSON object")
    return card


def _archive_types(path: Path, data: bytes) -> set[str]:
    """All `module.Class` names the skops schema would instantiate."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            schema = json.loads(archive.read("schema.json"))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, EOFError) as error:
        message = f"model file {path}: truncated or corrupt archive ({error})"
        raise ModelLoadError(message) from error
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "__module__" in node and "__class__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def load_model(path: Path, *, expected_sha256: str | None = None) -> Scorer:
    """Load a skops artifact after checking its hash and every type it contains."""
    import skops.io

    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelLoadError(f"model file {path}: cannot read ({error.strerror})") from error
    card = _read_card(path)
    expected = expected_sha256 or card.get("sha256")
    if not isinstance(expected, str) or not expected:
        raise ModelLoadError(
            f"model file {path}: no expected sha256 (pass one, or keep {card_path(path).name}"
            " next to it)"
        )
    actual = _sha256(data)
    if actual != expected:
        raise ModelLoadError(
            f"model file {path}: sha256 mismatch (expected {expected}, got {actual})"
        )
    if data.startswith(_PICKLE_MAGIC) or not data.startswith(_ZIP_MAGIC):
        raise ModelLoadError(
            f"model file {path}: is not a skops archive (pickle files are refused)"
        )
    untrusted = sorted(_archive_types(path, data) - set(TRUSTED_TYPES))
    if untrusted:
        raise ModelLoadError(f"model file {path}: untrusted type {', '.join(untrusted)}")
    try:
        model = skops.io.loads(data, trusted=list(TRUSTED_TYPES))
    except Exception as error:  # skops raises many kinds; all mean "cannot use this file"
        raise ModelLoadError(f"model file {path}: cannot deserialise ({error})") from error
    model = _unpack(model, path)
    if "classifier" not in model.named_steps or "features" not in model.named_steps:
        raise ModelLoadError(f"model file {path}: not a Ceasewatch pipeline")
    version = card.get("version")
    if not isinstance(version, str):
        version = path.stem.removeprefix(ARTIFACT_PREFIX)
    return Scorer(pipeline=model, version=version, sha256=actual, card=card)
