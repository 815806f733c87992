import sys, collections
from pathlib import Path
from classifiers import weak_labels as W
from classifiers.datasets import load_corpora
from classifiers.training import split_news_dev, fit_design, DEFAULT_DESIGN, dev_metrics
from classifiers.scoring import Scorer
from classifiers.unrelated_news import unrelated_share
data = Path("/work/shared/data")
training, dev = split_news_dev(load_corpora(data), seed=0)
weak, card = W.archive_weak_labels(data)
print(card["teacher"])
variants = {"base": None, "t90": {}, "t90w05": {"archive_teacher": 0.5}, "t90c13": {"archive_calm": 1.3}}
for v in sys.argv[1].split(","):
    rows = training + [i for i in weak if variants[v] is not None or i.source != "archive_teacher"]
    p = fit_design(DEFAULT_DESIGN, rows, seed=0, weights=variants[v] or {})
    m = dev_metrics(p, dev); u = unrelated_share(Scorer(p, "x"), data)
    print("DEV", v, m["conflibert"]["escalation_f1"], m["conflibert"]["macro_f1"], m["all_news"]["escalation_ece"], m["ag_calm"]["share_above_alert_threshold"], u["disaster"]["share_above_threshold"], u["crime"]["share_above_threshold"], flush=True)
