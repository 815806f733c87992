import json, os, sys, time, numpy as np
from pathlib import Path
from classifiers import weak_labels as W
from classifiers.datasets import load_corpora
from classifiers.training import split_news_dev, fit_design, quad_probabilities, share_above_alert_threshold, DEFAULT_DESIGN
from classifiers.cross_validate import folds
from classifiers.evaluation import quad_metrics
from classifiers.model_card import read_archive
from classifiers.unrelated_news import annotated_ids
data = Path("/work/shared/data")
training, dev = split_news_dev(load_corpora(data), seed=0)
training += [i for i in W.archive_weak_labels(data)[0] if i.source != "archive_teacher"]
texts, exclude = read_archive(data), annotated_ids()
pool = json.load(open("/tmp/exp/pool.json")); ids = [r["id"] for r in pool]
variants = {"base": None, "t90": (0.9, {}), "t90c2": (0.9, {"archive_calm": 2.0}),
            "t95c15": (0.95, {"archive_calm": 1.5}), "t80c2": (0.8, {"archive_calm": 2.0}), "t90w05": (0.9, {"archive_teacher": 0.5}), "t90c13": (0.9, {"archive_calm": 1.3}), "t90w05c13": (0.9, {"archive_teacher": 0.5, "archive_calm": 1.3})}
chosen = sys.argv[1].split(",")
res = {v: [] for v in chosen}
START = int(sys.argv[2]) if len(sys.argv) > 2 else 0
for k, (fit, news, calm) in enumerate(folds(training, seed=0)):
    if k < START: continue
    f = f"/tmp/exp/pool_conf_0_{k}.npy"
    while not os.path.exists(f): time.sleep(20)
    time.sleep(2)
    P = np.load(f)
    labels = {i: tuple(map(float, p)) for i, p in zip(ids, P)}
    for v in chosen:
        extra, w = [], {}
        if variants[v]:
            W.TEACHER_CONFIDENCE = variants[v][0]; w = variants[v][1]
            extra = [i for i in W.weak_labels(texts, exclude, labels) if i.source == "archive_teacher"]
        p = fit_design(DEFAULT_DESIGN, fit + extra, seed=0, weights=w)
        m = quad_metrics([i.quad for i in news], quad_probabilities(p, [i.text for i in news]))
        cs = share_above_alert_threshold(quad_probabilities(p, [i.text for i in calm]))
        res[v].append((m["escalation_f1"], m["macro_f1"], cs))
        print(k, v, len(extra), res[v][-1], flush=True)
for v, r in res.items():
    print("MEAN", v, np.round(np.mean(r, axis=0), 4), flush=True)
