import json, sys, numpy as np
from pathlib import Path
from classifiers.datasets import load_corpora, LabelledText
from classifiers.training import split_news_dev, fit_design, quad_probabilities, share_above_alert_threshold, DEFAULT_DESIGN, dev_metrics
from classifiers.weak_labels import archive_weak_labels
from classifiers.cross_validate import folds
from classifiers.evaluation import quad_metrics
from classifiers.vocabulary import QUAD_CLASSES
data = Path("/work/shared/data")
training, dev = split_news_dev(load_corpora(data), seed=0)
weak = archive_weak_labels(data)[0]
training += weak
rule_texts = {w.text for w in weak}
pool = json.load(open("/tmp/exp/pool.json"))
Q = ["neutral","verbal_cooperation","material_cooperation","verbal_conflict","material_conflict"]
assert Q == list(QUAD_CLASSES)
from classifiers.unrelated_news import DISASTER_WORDS, CRIME_WORDS
def teacher_rows(P, tau, skip_rule=True, src="archive_teacher", filt=False):
    rows = []
    for r, p in zip(pool, P):
        if skip_rule and r["text"] in rule_texts: continue
        if filt and (DISASTER_WORDS.search(r["text"].lower()) or CRIME_WORDS.search(r["text"].lower())): continue
        if p.max() >= tau:
            rows.append(LabelledText(r["text"], Q[int(p.argmax())], (), src))
    return rows
variants = {  # name -> (tau, weight)
    "base": None,
    "t90w1": (0.9, 1.0), "t90w3": (0.9, 3.0), "t0w1": (0.0, 1.0), "t70w3": (0.7, 3.0), "t90w1f": (0.9, 1.0, True), "t95w1f": (0.95, 1.0, True), "t90w1fc2": (0.9, 1.0, True, 2.0),
}
chosen = sys.argv[2].split(",")
mode = sys.argv[1]
if mode == "cv":
    seed = 0
    res = {v: [] for v in chosen}
    for k, (fit, news, calm) in enumerate(folds(training, seed=seed)):
        P = np.load(f"/tmp/exp/pool_conf_{seed}_{k}.npy")
        for v in chosen:
            rows = fit + (teacher_rows(P, variants[v][0], filt=len(variants[v])>2) if variants[v] else [])
            w = ({"archive_teacher": variants[v][1]} | ({"archive_calm": variants[v][3]} if len(variants[v])>3 else {})) if variants[v] else {}
            p = fit_design(DEFAULT_DESIGN, rows, seed=seed, weights=w)
            m = quad_metrics([i.quad for i in news], quad_probabilities(p, [i.text for i in news]))
            calm_share = share_above_alert_threshold(quad_probabilities(p, [i.text for i in calm]))
            res[v].append((m["escalation_f1"], m["macro_f1"], calm_share))
            print(k, v, res[v][-1], flush=True)
    for v, r in res.items():
        print("MEAN", v, np.round(np.mean(r, axis=0), 4))
else:
    from classifiers.scoring import Scorer
    from classifiers.unrelated_news import unrelated_share
    P = np.load("/tmp/exp/pool_conf_0_full.npy")
    for v in chosen:
        rows = training + (teacher_rows(P, variants[v][0], filt=len(variants[v])>2) if variants[v] else [])
        w = ({"archive_teacher": variants[v][1]} | ({"archive_calm": variants[v][3]} if len(variants[v])>3 else {})) if variants[v] else {}
        p = fit_design(DEFAULT_DESIGN, rows, seed=0, weights=w)
        m = dev_metrics(p, dev)
        u = unrelated_share(Scorer(p, "x"), data)
        print("DEV", v, m["conflibert"]["escalation_f1"], m["conflibert"]["macro_f1"], m["all_news"]["escalation_ece"], m["ag_calm"]["share_above_alert_threshold"], u["disaster"]["share_above_threshold"], u["crime"]["share_above_threshold"], flush=True)
