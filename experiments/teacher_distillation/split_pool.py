# The sentence-split pool for `ft.py ... sent`: /tmp/exp/pool.json -> /tmp/exp/pool_sent.json.
import json, re
pool = json.load(open("/tmp/exp/pool.json"))
out = []
for r in pool:
    for j, s in enumerate(re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", r["text"])):
        if len(s.split()) >= 5:
            out.append({"id": f"{r['id']}#{j}", "item": r["id"], "text": s.strip()})
print(len(out))
json.dump(out, open("/tmp/exp/pool_sent.json", "w"))
