import json, os, time, numpy as np
from pathlib import Path
from classifiers.datasets import load_corpora, LabelledText
from classifiers.training import split_news_dev, fit_design, quad_probabilities, share_above_alert_threshold, DEFAULT_DESIGN
from classifiers.cross_validate import folds
from classifiers.evaluation import quad_metrics
from classifiers.weak_labels import archive_weak_labels
data = Path("/work/shared/data")
training, dev = split_news_dev(load_corpora(data), seed=0)
weak = archive_weak_labels(data)[0]
training += weak
rule_texts = {w.text for w in weak}
pool = {r["id"]: r["text"] for r in json.load(open("/tmp/exp/pool.json"))}
sent = json.load(open("/tmp/exp/pool_sent.json"))
Q = ["neutral","verbal_cooperation","material_cooperation","verbal_conflict","material_conflict"]
res = {"base": [], "w05": [], "w1": []}
for k, (fit, news, calm) in enumerate(folds(training, seed=0)):
    f = f"/tmp/exp/poolsent_conf_0_{k}.npy"
    while not os.path.exists(f): time.sleep(20)
    time.sleep(2); P = np.load(f)
    rows = [LabelledText(s["text"], Q[int(p.argmax())], (), "archive_teacher") for s, p in zip(sent, P)
            if p.max() >= 0.9 and pool[s["item"]] not in rule_texts]
    for v, w in (("base", None), ("w05", 0.5), ("w1", 1.0)):
        if v == "base" and k < 5:
            pass
        p = fit_design(DEFAULT_DESIGN, fit + (rows if w else []), seed=0, weights={"archive_teacher": w} if w else {})
        m = quad_metrics([i.quad for i in news], quad_probabilities(p, [i.text for i in news]))
        cs = share_above_alert_threshold(quad_probabilities(p, [i.text for i in calm]))
        res[v].append((m["escalation_f1"], m["macro_f1"], cs)); print(k, v, len(rows), res[v][-1], flush=True)
for v, r in res.items(): print("MEAN", v, np.round(np.mean(r, axis=0), 4), flush=True)
