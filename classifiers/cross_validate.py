"""Cross-validation on the training part: the protocol behind the card's design and weight choices.

    cd /work/main && .venv/bin/python -m classifiers.cross_validate --data ../shared/data \\
        --design tfidf_word_svm_news_adapted --seeds 0 1 2 [--weight un=0.3] \\
        [--set classifier__estimator__domain_scale=1.5]

The dev split (classifiers.training.split_news_dev) is never touched. Five stratified folds of
the ConfliBERT training part and, fold for fold, five folds of the archive's weakly labelled
calm items (disaster and crime news by rule, classifiers/weak_labels.py); every other training
row is always in. Each fold reports escalation F1 and macro-F1 on its held-out ConfliBERT
sentences and the share of its held-out calm items at or above the alert threshold, which
stands in for the annotated disaster and crime sample without looking at it. Printed: the means
over folds and fold seeds, and each seed's escalation F1 (the seeds differ by about 0.02, so
compare designs on several).
"""

from __future__ import annotations

import argparse
import ast
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

from classifiers.datasets import LabelledText, load_corpora
from classifiers.designs import DESIGNS
from classifiers.evaluation import quad_metrics
from classifiers.training import (
    DEFAULT_DESIGN,
    check_weighted_sources,
    fit_design,
    quad_probabilities,
    share_above_alert_threshold,
    split_news_dev,
)
from classifiers.weak_labels import archive_weak_labels

FOLDS = 5
_REPO_ROOT = Path(__file__).resolve().parent.parent

Fold = tuple[list[LabelledText], list[LabelledText], list[LabelledText]]


def folds(training: Sequence[LabelledText], *, seed: int) -> Iterator[Fold]:
    """(rows to fit, held-out ConfliBERT sentences, held-out calm items), FOLDS times."""
    news = [item for item in training if item.source == "conflibert"]
    calm = [item for item in training if item.source == "archive_calm"]
    always = [item for item in training if item.source not in ("conflibert", "archive_calm")]
    news_folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(
        news, [item.quad for item in news])
    # KFold needs FOLDS items; with fewer (no archive) every fold simply holds none out.
    calm_folds = (KFold(FOLDS, shuffle=True, random_state=seed).split(calm)
                  if len(calm) >= FOLDS else [(np.arange(len(calm)), np.array([], int))] * FOLDS)
    for (news_in, news_out), (calm_in, calm_out) in zip(news_folds, calm_folds, strict=True):
        fit = always + [news[i] for i in news_in] + [calm[i] for i in calm_in]
        yield fit, [news[i] for i in news_out], [calm[i] for i in calm_out]


def cross_validate(training: Sequence[LabelledText], *, design: str, seeds: Sequence[int],
                   weights: Mapping[str, float] | None = None,
                   params: Mapping[str, object] | None = None) -> dict[str, object]:
    per_seed: list[list[tuple[float, float, float]]] = []
    for seed in seeds:
        rows = []
        for fit, news, calm in folds(training, seed=seed):
            pipeline = fit_design(design, fit, seed=seed, weights=weights, params=params)
            metrics = quad_metrics([str(item.quad) for item in news],
                                   quad_probabilities(pipeline, [item.text for item in news]))
            above = share_above_alert_threshold(
                quad_probabilities(pipeline, [item.text for item in calm])) if calm else 0.0
            rows.append((float(str(metrics["escalation_f1"])), float(str(metrics["macro_f1"])),
                         above))
        per_seed.append(rows)
    means = np.array([row for rows in per_seed for row in rows]).mean(axis=0)
    return {
        "design": design,
        "weights": dict(weights or {}),
        "params": dict(params or {}),
        "seeds": list(seeds),
        "escalation_f1": round(float(means[0]), 4),
        "macro_f1": round(float(means[1]), 4),
        "calm_share_above_threshold": round(float(means[2]), 4),
        "escalation_f1_by_seed": [round(float(np.mean([row[0] for row in rows])), 4)
                                  for rows in per_seed],
    }


def parse_assignment(text: str) -> tuple[str, int | float]:
    """NAME=NUMBER, the number kept an int where it is written as one (min_df=1 is a count,
    min_df=1.0 a share of documents)."""
    name, _, value = text.partition("=")
    try:
        number = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        number = None
    if not name or isinstance(number, bool) or not isinstance(number, int | float):
        raise argparse.ArgumentTypeError(f"expected NAME=NUMBER, got {text!r}")
    return name, number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--design", choices=sorted(DESIGNS), default=DEFAULT_DESIGN)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--weight", type=parse_assignment, action="append", default=[],
                        metavar="SOURCE=W", help="sample weight of a source (repeatable)")
    parser.add_argument("--set", type=parse_assignment, action="append", default=[],
                        metavar="PARAM=X", help="a pipeline parameter (repeatable)")
    args = parser.parse_args(argv)
    if not (args.data / "corpora").is_dir():
        parser.error(f"{args.data}/corpora not found (pass --data)")
    training, _dev = split_news_dev(load_corpora(args.data), seed=0)
    training += archive_weak_labels(args.data)[0]
    sources = {item.source for item in training}
    try:
        check_weighted_sources(dict(args.weight), sources)
    except ValueError as error:
        parser.error(f"--weight: {error}")
    result = cross_validate(training, design=args.design, seeds=args.seeds,
                            weights=dict(args.weight), params=dict(args.set))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
