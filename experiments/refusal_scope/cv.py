"""CV of the shipped design with a negation-scope marker as the word vectorizer's preprocessor.

Usage (repository root): .venv/bin/python experiments/refusal_scope/cv.py on|off|draft SEED...
`on` uses classifiers.word_preprocessing.preprocess (what model 2026.12.4 ships), `draft` the
experiment's first marker (mark.py, with SCOPE and CUESET from the environment), `off` none.
"""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from mark import mark  # noqa: E402

from classifiers import designs  # noqa: E402
from classifiers.cross_validate import cross_validate  # noqa: E402
from classifiers.datasets import load_corpora  # noqa: E402
from classifiers.training import split_news_dev  # noqa: E402
from classifiers.weak_labels import archive_weak_labels  # noqa: E402
from classifiers.word_preprocessing import preprocess  # noqa: E402


def main() -> None:
    variant = sys.argv[1]
    seeds = [int(s) for s in sys.argv[2:]]
    original = designs.DESIGNS["tfidf_word_svm_news_adapted"]
    chosen = {"on": preprocess, "draft": mark, "off": None}[variant]

    def marked(seed):
        pipeline = original(seed)
        vectorizer = pipeline.named_steps["features"].transformer_list[0][1]
        vectorizer.set_params(preprocessor=chosen)
        return pipeline

    designs.DESIGNS["tfidf_word_svm_news_adapted"] = marked
    training, _dev = split_news_dev(load_corpora(Path("../shared/data")), seed=0)
    training += archive_weak_labels(Path("../shared/data"))[0]
    started = time.time()
    result = cross_validate(training, design="tfidf_word_svm_news_adapted", seeds=seeds)
    result["marker"] = variant
    result["seconds"] = round(time.time() - started)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
