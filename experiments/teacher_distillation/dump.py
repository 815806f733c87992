import json
from pathlib import Path
from classifiers.datasets import load_corpora
from classifiers.training import split_news_dev
from classifiers.weak_labels import archive_weak_labels
from classifiers.cross_validate import folds
data = Path("/work/shared/data")
corp = load_corpora(data)
training, dev = split_news_dev(corp, seed=0)
weak = archive_weak_labels(data)[0]
training += weak
out = {"folds": {}}
for seed in (0,1,2):
    fl = []
    for fit, news, calm in folds(training, seed=seed):
        fl.append({"news_out": [n.text for n in news]})
    out["folds"][seed] = fl
out["all"] = [{"text": t.text, "quad": t.quad, "source": t.source} for t in training if t.quad]
out["dev"] = {k: [{"text": t.text, "quad": t.quad} for t in v] for k, v in dev.items()}
from collections import Counter
print(Counter(t["source"] for t in out["all"]))
json.dump(out, open("/tmp/exp/data.json","w"))
