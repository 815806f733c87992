import json
from pathlib import Path
from classifiers.datasets import dedup_key
from classifiers.model_card import read_archive
from classifiers.unrelated_news import annotated_ids
texts = read_archive(Path("/work/shared/data"))
exclude = annotated_ids()
held = {dedup_key(texts[i]) for i in exclude if i in texts}
seen=set(); pool=[]
for i,t in sorted(texts.items()):
    if i in exclude or dedup_key(t) in held or dedup_key(t) in seen: continue
    seen.add(dedup_key(t)); pool.append({"id": i, "text": t})
print(len(pool), len(exclude))
json.dump(pool, open("/tmp/exp/pool.json","w"))
