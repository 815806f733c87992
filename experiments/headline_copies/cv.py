"""Does a headline-only copy of each weakly labelled archive item help the model read bare
headlines, and what does it cost?

Usage (repository root): .venv/bin/python experiments/headline_copies/cv.py VARIANT cv SEED...
                         .venv/bin/python experiments/headline_copies/cv.py VARIANT dev
VARIANT: off (none), on (a copy of every weak item), nocalm (of conflict and cooperation items
only, so the held-out calm share of `cv` stays honest).
`cv`: classifiers.cross_validate's protocol (the copies are always in training, so the
held-out calm share is flattered for `on`: a held-out calm item's headline may be in training).
`dev`: trains the shipped design on everything and prints the dev quarter's ConfliBERT figures
and, on the annotated archive items (never weak items), the share scored escalation >= 0.5 from
the headline alone and from headline + summary.
"""
import json
import sys
import time
from pathlib import Path

from classifiers.cross_validate import cross_validate
from classifiers.datasets import LabelledText, clean_text, load_corpora
from classifiers.evaluation import quad_metrics
from classifiers.model_card import ANNOTATIONS, ARCHIVE, archive_id, archive_text, read_annotations
from classifiers.training import fit_design, quad_probabilities, split_news_dev
from classifiers.weak_labels import archive_weak_labels

DATA = Path("../shared/data")
EVENTS = {"airstrike", "shelling", "armed_clash", "bombing", "cross_border_attack"}


def headlines() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """full text -> headline; id -> full text; id -> headline."""
    by_text, full, title = {}, {}, {}
    for line in (DATA / ARCHIVE).open(encoding="utf-8"):
        record = json.loads(line)
        text, head = archive_text(record), clean_text(record.get("title") or "")
        by_text.setdefault(text, head)
        item_id = archive_id(record.get("link") or "")
        full.setdefault(item_id, text)
        title.setdefault(item_id, head)
    return by_text, full, title


def main() -> None:
    variant, mode, seeds = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
    on = variant != "off"
    training, dev = split_news_dev(load_corpora(DATA), seed=0)
    weak = archive_weak_labels(DATA)[0]
    by_text, full, title = headlines()
    copies = [LabelledText(by_text[item.text], item.quad, (), item.source + "_headline")
              for item in weak
              if item.text in by_text and by_text[item.text] != item.text
              and len(by_text[item.text].split()) >= 4
              and (variant != "nocalm" or item.source != "archive_calm")]
    training += weak + (copies if on else [])
    started = time.time()
    if mode == "cv":
        result = cross_validate(training, design="tfidf_word_svm_news_adapted", seeds=seeds)
    else:
        pipeline = fit_design("tfidf_word_svm_news_adapted", training, seed=0)
        news = dev["conflibert"]
        metrics = quad_metrics([str(i.quad) for i in news],
                               quad_probabilities(pipeline, [i.text for i in news]))
        result = {"conflibert_escalation_f1": metrics["escalation_f1"],
                  "conflibert_macro_f1": metrics["macro_f1"]}
        labels = [label for label in read_annotations(ANNOTATIONS) if label["id"] in full]
        for part in ("heldout", "tuning"):
            chosen = [label for label in labels if str(label["batch"]).startswith(part)]
            groups = {"events": [label for label in chosen if EVENTS & set(label["signals"])],
                      "no_signal": [label for label in chosen if not label["signals"]]}
            for name, group in groups.items():
                for view, texts in (("full", full), ("headline", title)):
                    proba = quad_probabilities(pipeline, [texts[label["id"]] for label in group])
                    share = float(((proba[:, 3] + proba[:, 4]) >= 0.5).mean())
                    result[f"{part}_{name}_{view}"] = round(share, 3)
    result["copies"] = len(copies) if on else 0
    result["seconds"] = round(time.time() - started)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
