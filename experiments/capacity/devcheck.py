"""Dev quarter and annotated disaster/crime check of an archive calm weight (session 8), run from
the repository root: .venv/bin/python experiments/capacity/devcheck.py 1.5  (about 40 s)"""
import sys, json
from pathlib import Path
from classifiers import training
from classifiers.scoring import Scorer
from classifiers.unrelated_news import unrelated_share
w = float(sys.argv[1])
orig = training.source_weights
training.source_weights = lambda: {**orig(), "archive_calm": w}
model, card = training.train(Path("/work/shared/data"), seed=0)
dm = card["dev_metrics"]
print(w, {k: (dm[k]["escalation_f1"], dm[k]["macro_f1"], dm[k]["share_above_alert_threshold"]) for k in dm})
print(json.dumps(unrelated_share(Scorer(model, version="x"), Path("/work/shared/data"))))
