"""Target-signal P/R of one model on annotation batches (throwaway; run from a checkout's root).

    MODEL=/tmp/m/ceasewatch-X.skops python measure_round.py BATCH[,BATCH...]

The checkout's classifiers (its patterns) score the texts; the annotation files are read from
this repository's current classifiers/annotations/ (the batches may be newer than the checkout).
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, os.getcwd())
from classifiers.agnews_sample import read_ag_world  # noqa: E402
from classifiers.artifacts import load_model  # noqa: E402
from classifiers.capture_sample import CAPTURE_ANNOTATIONS, read_captures  # noqa: E402
from classifiers.model_card import read_annotations, read_archive  # noqa: E402
from classifiers.scoring import TextItem  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
LABELS = Path(__file__).resolve().parents[2] / "classifiers" / "annotations"
TARGETS = ("airstrike", "shelling", "armed_clash", "cross_border_attack", "casualties")

texts = {**read_archive(DATA), **read_ag_world(DATA), **read_captures(DATA)}
labels = [row for name in ("signals_sample.jsonl", "agnews_world_2004.jsonl")
          for row in read_annotations(LABELS / name)] + read_annotations(CAPTURE_ANNOTATIONS)
scorer = load_model(Path(os.environ["MODEL"]))
batches = sys.argv[1].split(",")
groups = {batch: [row for row in labels if row["batch"] == batch] for batch in batches}
if len(batches) > 1:
    groups["pooled"] = [row for batch in batches for row in groups[batch]]
for name, rows in groups.items():
    scores = scorer.score([TextItem(id=row["id"], text=texts[row["id"]]) for row in rows])
    print(f"{name} ({len(rows)} items)")
    for signal in TARGETS:
        found = sum(signal in row["signals"] and score.signals[signal] >= 0.5
                    for row, score in zip(rows, scores))
        support = sum(signal in row["signals"] for row in rows)
        predicted = sum(score.signals[signal] >= 0.5 for score in scores)
        print(f"  {signal}: P {found / predicted if predicted else 0:.2f} "
              f"R {found / support if support else 0:.2f} ({found} of {support}, "
              f"{predicted} predicted)")
