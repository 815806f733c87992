"""Can a model learnt from our signal annotations beat the phrase patterns? (session 9)

    .venv/bin/python experiments/signal_learning/stack.py C WITH_PATTERNS [balanced]

Per signal, a logistic regression on the shipped model's word TF-IDF features (plus, with
WITH_PATTERNS 1, the pattern evidence, the shipped signal probabilities and the model's
relevance and escalation) is trained on every *tuning* annotation (archive and AG News, 2,472
items). Its decision threshold is the one with the best F1 on 5-fold out-of-fold predictions
of the tuning items. It is then measured on the three held-out samples pooled (915 items),
alone and as max(learned, shipped). Nothing here reads a held-out label before that point.
"""
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, ".")
import classifiers.agnews_sample as ags  # noqa: E402
from classifiers.artifacts import default_model_path, load_model  # noqa: E402
from classifiers.capture_sample import CAPTURE_ANNOTATIONS, read_captures  # noqa: E402
from classifiers.model_card import ANNOTATIONS, read_annotations, read_archive  # noqa: E402
from classifiers.scoring import TextItem  # noqa: E402
from classifiers.signals import SIGNALS, pattern_evidence  # noqa: E402

data = Path("../shared/data")
C = float(sys.argv[1])
with_patterns = sys.argv[2] == "1"
weight = "balanced" if len(sys.argv) > 3 and sys.argv[3] == "balanced" else None
scorer = load_model(default_model_path())
archive, captures, ag = read_archive(data), read_captures(data), ags.read_ag_world(data)
rows = [("heldout" in r["batch"], archive[r["id"]], set(r["signals"]))
        for r in read_annotations(ANNOTATIONS)]
rows += [(True, captures[r["id"]], set(r["signals"])) for r in read_annotations(CAPTURE_ANNOTATIONS)]
rows += [("heldout" in r["batch"], ag[r["id"]], set(r["signals"]))
         for r in read_annotations(ags.AGNEWS_ANNOTATIONS)]
held = np.array([r[0] for r in rows])
texts = [r[1] for r in rows]
scores = scorer.score([TextItem(id=str(i), text=t) for i, t in enumerate(texts)])
shipped = np.array([[s.signals[n] for n in SIGNALS] for s in scores])
X = scorer.features([TextItem(id="", text=t).full_text() for t in texts]).tocsr()
if with_patterns:
    extra = np.hstack([pattern_evidence(texts), shipped,
                       np.array([[1 - s.quad["neutral"], s.escalation] for s in scores])])
    X = sp.hstack([X, sp.csr_matrix(3 * extra)]).tocsr()
tuning = np.where(~held)[0]


def prf(truth, pred):
    tp = int((truth & pred).sum())
    return (f"P {tp / max(int(pred.sum()), 1):.2f} R {tp / max(int(truth.sum()), 1):.2f} "
            f"({tp}/{int(truth.sum())} true, {int(pred.sum())} predicted)")


print(f"C={C} with_patterns={with_patterns} class_weight={weight}")
for name in ("airstrike", "armed_clash", "shelling", "casualties", "bombing",
             "cross_border_attack", "mobilization"):
    y = np.array([name in r[2] for r in rows])
    oof = np.zeros(len(tuning))
    for fit, out in StratifiedKFold(5, shuffle=True, random_state=0).split(tuning, y[tuning]):
        model = LogisticRegression(C=C, max_iter=3000, class_weight=weight)
        model.fit(X[tuning[fit]], y[tuning[fit]])
        oof[out] = model.predict_proba(X[tuning[out]])[:, 1]
    grid = np.linspace(0.05, 0.95, 19)
    f1 = [2 * (y[tuning] & (oof >= t)).sum() / max(y[tuning].sum() + (oof >= t).sum(), 1)
          for t in grid]
    threshold = float(grid[int(np.argmax(f1))])
    model = LogisticRegression(C=C, max_iter=3000, class_weight=weight).fit(X[tuning], y[tuning])
    learned = model.predict_proba(X[held])[:, 1]
    j = SIGNALS.index(name)
    print(f"{name:20s} threshold {threshold:.2f}\n"
          f"    shipped   {prf(y[held], shipped[held, j] >= 0.5)}\n"
          f"    learned   {prf(y[held], learned >= threshold)}\n"
          f"    max       {prf(y[held], (learned >= threshold) | (shipped[held, j] >= 0.5))}")
