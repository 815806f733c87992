import json, numpy as np
from pathlib import Path
from classifiers.datasets import load_corpora, LabelledText
from classifiers.training import split_news_dev, fit_design, DEFAULT_DESIGN, dev_metrics
from classifiers.weak_labels import archive_weak_labels
from classifiers.scoring import Scorer
from classifiers.unrelated_news import unrelated_share
data = Path("/work/shared/data")
training, dev = split_news_dev(load_corpora(data), seed=0)
weak = archive_weak_labels(data)[0]
rule_texts = {w.text for w in weak}
pool = {r["id"]: r["text"] for r in json.load(open("/tmp/exp/pool.json"))}
sent = json.load(open("/tmp/exp/pool_sent.json"))
P = np.load("/tmp/exp/poolsent_conf_0_full.npy")
Q = ["neutral","verbal_cooperation","material_cooperation","verbal_conflict","material_conflict"]
rows = [LabelledText(s["text"], Q[int(p.argmax())], (), "archive_teacher") for s, p in zip(sent, P)
        if p.max() >= 0.9 and pool[s["item"]] not in rule_texts]
print("teacher sentences", len(rows), np.bincount([Q.index(r.quad) for r in rows], minlength=5))
for w in (0.5, 1.0):
    p = fit_design(DEFAULT_DESIGN, training + weak + rows, seed=0, weights={"archive_teacher": w})
    m = dev_metrics(p, dev); u = unrelated_share(Scorer(p, "x"), data)
    print("DEV sent w", w, m["conflibert"]["escalation_f1"], m["conflibert"]["macro_f1"], m["all_news"]["escalation_ece"], m["ag_calm"]["share_above_alert_threshold"], u["disaster"]["share_above_threshold"], u["crime"]["share_above_threshold"], flush=True)
