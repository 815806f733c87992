"""The learned signal model against the patterns as they were first measured, round by round.

    .venv/bin/python experiments/signal_learning/rolling.py C

For rounds 7 and 8 (independent annotators; the card's signal_heldout_history has the patterns'
first measurement on each): train stack.py's text-only model on the tuning batches labelled
before that round (AG News' tuning batch came later and is left out), pick its threshold by
5-fold out-of-fold F1 on them, and measure it on the round's batch.
"""
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, ".")
from classifiers.artifacts import default_model_path, load_model  # noqa: E402
from classifiers.model_card import ANNOTATIONS, read_annotations, read_archive  # noqa: E402
from classifiers.scoring import TextItem  # noqa: E402

C = float(sys.argv[1])
scorer = load_model(default_model_path())
archive = read_archive(Path("../shared/data"))
labels = [r for r in read_annotations(ANNOTATIONS) if "heldout" not in r["batch"]]
X = scorer.features([TextItem(id="", text=archive[r["id"]]).full_text() for r in labels]).tocsr()
batch = np.array([r["batch"] for r in labels])
rounds = {"round 7": "tuning_round9_from_round7", "round 8": "tuning_round9_from_round8"}
for label, name in rounds.items():
    later = [b for b in rounds.values() if b >= name]  # this round and the ones after it
    train = np.where(~np.isin(batch, later))[0]
    test = np.where(batch == name)[0]
    for signal in ("armed_clash", "cross_border_attack", "airstrike", "mobilization"):
        y = np.array([signal in r["signals"] for r in labels])
        oof = np.zeros(len(train))
        for fit, out in StratifiedKFold(5, shuffle=True, random_state=0).split(train, y[train]):
            model = LogisticRegression(C=C, max_iter=3000).fit(X[train[fit]], y[train[fit]])
            oof[out] = model.predict_proba(X[train[out]])[:, 1]
        grid = np.linspace(0.05, 0.95, 19)
        f1 = [2 * (y[train] & (oof >= t)).sum() / max(y[train].sum() + (oof >= t).sum(), 1)
              for t in grid]
        threshold = grid[int(np.argmax(f1))]
        model = LogisticRegression(C=C, max_iter=3000).fit(X[train], y[train])
        pred = model.predict_proba(X[test])[:, 1] >= threshold
        tp = int((pred & y[test]).sum())
        print(f"{label} ({len(train)} training items) {signal:20s} threshold {threshold:.2f}: "
              f"P {tp / max(int(pred.sum()), 1):.2f} R {tp / max(int(y[test].sum()), 1):.2f} "
              f"({tp}/{int(y[test].sum())} true, {int(pred.sum())} predicted)")
