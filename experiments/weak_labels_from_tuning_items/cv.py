"""What do the annotated items' exclusion from the weak labels cost the model?

Usage (repository root): .venv/bin/python experiments/weak_labels_from_tuning_items/cv.py VARIANT SEED...
VARIANT: shipped (every annotated id left out, as classifiers/weak_labels.py does), heldout
(only the held-out batches and the topic sample left out: the tuning batches' items get weak
labels by the same rules as any archive item).

classifiers.cross_validate's protocol on the ConfliBERT training part; the annotated items are
not measured here, so the CV stays honest either way. What the heldout variant would cost is
elsewhere: the card's headline and de-escalation sections count tuning items, which would then
be in training.
"""
import json
import sys
import time
from pathlib import Path

import classifiers.weak_labels as weak_labels
from classifiers.cross_validate import cross_validate
from classifiers.datasets import load_corpora
from classifiers.model_card import ANNOTATIONS, read_annotations
from classifiers.training import split_news_dev
from classifiers.unrelated_news import UNRELATED_SAMPLE

DATA = Path("../shared/data")


def held_out_only() -> set[str]:
    return ({str(row["id"]) for row in read_annotations(ANNOTATIONS)
             if str(row["batch"]).startswith("heldout")}
            | {str(row["id"]) for row in read_annotations(UNRELATED_SAMPLE)})


def main() -> None:
    variant, seeds = sys.argv[1], [int(s) for s in sys.argv[2:]]
    if variant == "heldout":
        weak_labels.annotated_ids = held_out_only  # the name weak_labels looked up
    elif variant != "shipped":
        raise SystemExit(f"unknown variant {variant!r}")
    training, _ = split_news_dev(load_corpora(DATA), seed=0)
    weak, card = weak_labels.archive_weak_labels(DATA)
    started = time.time()
    result = cross_validate(training + weak, design="tfidf_word_svm_news_adapted", seeds=seeds)
    print(json.dumps({"variant": variant, "weak": {k: card[k] for k in
                                                   ("calm", "conflict", "cooperation",
                                                    "headline_copies", "held_out_ids")},
                      **result, "seconds": round(time.time() - started)}))


if __name__ == "__main__":
    main()
