"""Scoring: text items in, `Score`s out (DESIGN.md's scoring output line).

A `Scorer` wraps a fitted pipeline (steps `features` and `classifier`, see designs.py). It
vectorises a batch ONCE (with fast_features.py's exact re-implementation of the word TF-IDF
when the pipeline allows it) and reuses that matrix for the QuadClass probabilities and for
the explanations; signals come from signals.py, countries from gazetteer.py, each with one
scan over the whole batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.pipeline import Pipeline

from classifiers.datasets import CONFLICT_CLASSES, COOPERATION_CLASSES
from classifiers.designs import SharpenedCalibratedClassifierCV, sharpen
from classifiers.fast_features import WordTfidf, supports
from classifiers.gazetteer import countries_in_texts
from classifiers.signals import SIGNALS, combine_with_model, pattern_evidence
from classifiers.vocabulary import (
    ESCALATION_ALERT_THRESHOLD,
    QUAD_CLASSES,
    SIGNALS_DEESCALATION,
    SIGNALS_ESCALATION,
)

__all__ = [
    "ESCALATION_ALERT_THRESHOLD",
    "QUAD_CLASSES",
    "SIGNALS_DEESCALATION",
    "SIGNALS_ESCALATION",
    "Score",
    "Scorer",
    "TextItem",
]

EXPLANATION_TERMS = 5
# Words that tell a reader nothing on their own: scikit-learn's English stop list without its
# content words ("fire", "front", "side", "un", "us" as in UN and US, ...), which explain
# conflict news well.
FUNCTION_WORDS = ENGLISH_STOP_WORDS - {
    "amount", "back", "bill", "bottom", "call", "con", "cry", "de", "describe", "detail", "empty",
    "fill", "find", "fire", "first", "found", "front", "full", "give", "hundred", "interest",
    "keep", "last", "made", "mill", "move", "name", "part", "put", "see", "serious", "show",
    "side", "sincere", "system", "take", "thick", "thin", "third", "top", "un", "us", "whole",
}
_DIGITS = 4


@dataclass(frozen=True)
class TextItem:
    id: str
    text: str
    title: str | None = None

    def full_text(self) -> str:
        if self.title and not self.text.startswith(self.title):
            return f"{self.title}. {self.text}" if self.text else self.title
        return self.text


@dataclass(frozen=True, slots=True)  # no per-instance __dict__: a batch makes thousands
class Score:
    id: str
    escalation: float
    deescalation: float
    quad: dict[str, float]
    signals: dict[str, float]
    countries: list[str]
    explanation: list[tuple[str, float]]
    model_version: str

    def to_json(self) -> dict[str, object]:
        """DESIGN.md's scoring output line (json.dumps-ready)."""
        return {
            "id": self.id,
            "escalation": self.escalation,
            "deescalation": self.deescalation,
            "quad": dict(self.quad),
            "signals": dict(self.signals),
            "countries": list(self.countries),
            "explanation": [[term, weight] for term, weight in self.explanation],
            "model_version": self.model_version,
        }


def _escalation_direction(pipeline: Pipeline) -> NDArray[np.float64]:
    """Per-feature weight toward escalation: mean coefficient of the conflict classes minus
    mean coefficient of the others (the linear part of the log-odds of conflict)."""
    classifier = pipeline.named_steps["classifier"]
    estimator = getattr(classifier, "calibrated_classifiers_", [classifier])[0]
    linear = getattr(estimator, "estimator", estimator)
    coef = np.asarray(linear.coef_, dtype=np.float64)
    classes = list(classifier.classes_)
    conflict = [classes.index(name) for name in CONFLICT_CLASSES]
    other = [i for i in range(len(classes)) if i not in conflict]
    return np.asarray(coef[conflict].mean(axis=0) - coef[other].mean(axis=0))


def _explainable_terms(pipeline: Pipeline, n_features: int) -> NDArray[np.object_]:
    """Feature index -> readable term. Only word features are explained (character n-grams
    and hashed features are not readable), and not terms made only of FUNCTION_WORDS ("in",
    "of the": they carry weight in the model but tell a reader nothing); those map to ""."""
    terms = np.full(n_features, "", dtype=object)
    offset = 0
    for name, transformer in pipeline.named_steps["features"].transformer_list:
        if hasattr(transformer, "vocabulary_"):
            width = len(transformer.vocabulary_)
            if name == "word":
                terms[offset : offset + width] = [
                    "" if FUNCTION_WORDS.issuperset(term.split()) else term
                    for term in transformer.get_feature_names_out()
                ]
        else:
            width = n_features - offset
        offset += width
    return terms


@dataclass
class Scorer:
    """A loaded model. Read-only after construction, so one instance serves many threads."""

    pipeline: Pipeline
    version: str
    sha256: str = ""
    card: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        classifier = self.pipeline.named_steps["classifier"]
        classes = list(classifier.classes_)
        self._order = np.array([classes.index(name) for name in QUAD_CLASSES])
        self._conflict = [QUAD_CLASSES.index(name) for name in CONFLICT_CLASSES]
        self._cooperation = [QUAD_CLASSES.index(name) for name in COOPERATION_CLASSES]
        direction = _escalation_direction(self.pipeline)
        terms = _explainable_terms(self.pipeline, direction.shape[0])
        self._direction = np.where(terms != "", direction, 0.0)
        self._terms = terms
        features = self.pipeline.named_steps["features"]
        self._fast_features = WordTfidf(features) if supports(features) else None

    def features(self, texts: Sequence[str]) -> object:
        """The pipeline's `features` step applied to `texts` (same matrix, faster when the
        step is the plain word TF-IDF)."""
        if self._fast_features is not None:
            return self._fast_features.transform(texts)
        return self.pipeline.named_steps["features"].transform(list(texts))

    def quad_probabilities(self, texts: Sequence[str]) -> NDArray[np.float64]:
        return self._quad_from_features(self.features(texts))[1]

    def _quad_from_features(
        self, features: object
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(calibrated, reported) QuadClass probabilities, columns in QUAD_CLASSES order: the
        reported ones are sharpened where the model says so (designs.SHARPEN_TEMPERATURE); the
        signals are scaled by the calibrated ones, which their floors were tuned on."""
        classifier = self.pipeline.named_steps["classifier"]
        if isinstance(classifier, SharpenedCalibratedClassifierCV):
            calibrated = classifier.calibrated_proba(features)
            reported = sharpen(calibrated, classifier.temperature)
        else:
            calibrated = reported = classifier.predict_proba(features)
        return (np.asarray(calibrated[:, self._order], dtype=np.float64),
                np.asarray(reported[:, self._order], dtype=np.float64))

    def _explanations(self, features: object) -> list[list[tuple[str, float]]]:
        """Top terms per row by |tfidf x escalation weight|, in one vectorised sort."""
        matrix = features.tocsr()  # type: ignore[attr-defined]
        data = matrix.data * self._direction[matrix.indices]  # same sparsity pattern
        # Unexplainable features (weight 0) sort last within a row and are dropped.
        row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        # One float key sorts by row, then strongest first (rows are spaced wider than any
        # weight, so they never interleave).
        magnitude = np.abs(data)
        order = np.argsort(row_of * (2.0 * magnitude.max(initial=0.0) + 1.0) - magnitude)
        rank = np.arange(len(order)) - matrix.indptr[row_of[order]]
        chosen = order[(rank < EXPLANATION_TERMS) & (data[order] != 0)]
        terms = self._terms[matrix.indices[chosen]].tolist()
        weights = np.round(data[chosen], _DIGITS).tolist()
        counts = np.bincount(row_of[chosen], minlength=matrix.shape[0]).tolist()
        out: list[list[tuple[str, float]]] = []
        start = 0
        for count in counts:
            out.append(list(zip(terms[start : start + count], weights[start : start + count],
                                strict=True)))
            start += count
        return out

    def score(self, items: Sequence[TextItem]) -> list[Score]:
        """Score a batch: one vectorisation, one predict_proba, then per-item extras."""
        if not items:
            return []
        texts = [item.full_text() for item in items]
        features = self.features(texts)
        calibrated, quad = self._quad_from_features(features)
        escalation = quad[:, self._conflict].sum(axis=1)
        deescalation = quad[:, self._cooperation].sum(axis=1)
        evidence = pattern_evidence(texts)
        relevance = 1.0 - calibrated[:, QUAD_CLASSES.index("neutral")]
        explanations = self._explanations(features)
        countries = countries_in_texts(texts)
        # Column lists, then one short-lived tuple per item: a list per item held until the
        # end would survive into the oldest garbage-collector generation, and a batch's worth
        # of those makes the collector walk the whole heap (it cost as much as the signals).
        quad_rows = zip(*np.round(quad, _DIGITS).T.tolist(), strict=True)
        signal_columns = combine_with_model(
            evidence, relevance, calibrated[:, self._conflict].sum(axis=1)).T.tolist()
        signal_rows = zip(*signal_columns, strict=True)
        escalation_list = np.round(escalation, _DIGITS).tolist()
        deescalation_list = np.round(deescalation, _DIGITS).tolist()
        return [
            Score(
                id=item.id,
                escalation=escalation_value,
                deescalation=deescalation_value,
                quad=dict(zip(QUAD_CLASSES, quad_row, strict=True)),
                signals=dict(zip(SIGNALS, signal_row, strict=True)),
                countries=item_countries,
                explanation=explanation,
                model_version=self.version,
            )
            for (
                item, escalation_value, deescalation_value, quad_row, signal_row, item_countries,
                explanation,
            ) in zip(
                items, escalation_list, deescalation_list, quad_rows, signal_rows, countries,
                explanations, strict=True,
            )
        ]
