"""Train the shipped design with weak cooperation labels from the archive added, save it to
/tmp/coop/, and print the dev figures beside the shipped model's card.

Usage (repository root): .venv/bin/python experiments/cooperation_weak_labels/build.py VARIANT
VARIANT: base (the weak labels of classifiers/weak_labels.py as they stand), coop
(de-escalation patterns as a reported event, the item not already a weak conflict or calm
item: talks -> verbal_cooperation, the others -> material_cooperation), strict (coop, and no
escalation signal pattern at all; what shipped as model 2026.12.3). coop and strict were run
before the rule was added to classifiers/weak_labels.py; run now they add nothing to it.
shipped_verbal: the shipped rule with items whose only de-escalation is an agreed ceasefire
relabelled verbal_cooperation (CAMEO's "sign formal agreement"). Add `cv` to run
classifiers.cross_validate's protocol (fold seeds 0-2) instead of the dev build.
"""
import json
import sys
from pathlib import Path

from classifiers import weak_labels as wl
from classifiers import training
from classifiers.artifacts import save_model
from classifiers.datasets import LabelledText
from classifiers.signal_patterns import WEAK
from classifiers.signals import SIGNALS, pattern_evidence
from classifiers.vocabulary import SIGNALS_DEESCALATION, SIGNALS_ESCALATION

STRICT = False

original = wl.weak_labels


def with_cooperation(texts, exclude):
    items = original(texts, exclude)
    labelled = {item.text for item in items}
    held_out = {wl.dedup_key(texts[i]) for i in exclude if i in texts}
    candidates = [t for i, t in sorted(texts.items())
                  if i not in exclude and wl.dedup_key(t) not in held_out and t not in labelled]
    evidence = pattern_evidence(candidates)
    escalation = [SIGNALS.index(n) for n in SIGNALS_ESCALATION]
    talks = [SIGNALS.index("talks")]
    others = [SIGNALS.index(n) for n in SIGNALS_DEESCALATION if n != "talks"]
    added = 0
    for text, row in zip(candidates, evidence, strict=True):
        if STRICT and row[escalation].max() >= WEAK:
            continue
        if row[others].max() >= WEAK:
            items.append(LabelledText(text, "material_cooperation", (), "archive_cooperation"))
            added += 1
        elif row[talks].max() >= WEAK:
            items.append(LabelledText(text, "verbal_cooperation", (), "archive_cooperation"))
            added += 1
    print("cooperation items added:", added, flush=True)
    return items


def verbal_ceasefires(texts, exclude):
    """The shipped rule (classifiers/weak_labels.py, which since holds `strict`), with items
    whose only de-escalation is an agreed ceasefire relabelled verbal_cooperation."""
    items = original(texts, exclude)
    coop = [i for i, item in enumerate(items) if item.source == "archive_cooperation"]
    evidence = pattern_evidence([items[i].text for i in coop])
    ceasefire = SIGNALS.index("ceasefire_agreement")
    material = [SIGNALS.index(n) for n in SIGNALS_DEESCALATION
                if n not in ("talks", "ceasefire_agreement")]
    moved = 0
    for i, row in zip(coop, evidence, strict=True):
        if row[ceasefire] >= WEAK and row[material].max() < WEAK:
            items[i] = LabelledText(items[i].text, "verbal_cooperation", (), items[i].source)
            moved += 1
    print("relabelled verbal:", moved, flush=True)
    return items


def main() -> None:
    global STRICT
    variant = sys.argv[1]
    STRICT = variant == "strict"
    if variant == "shipped_verbal":
        wl.weak_labels = verbal_ceasefires
    if variant in ("coop", "strict"):
        wl.weak_labels = with_cooperation
    if sys.argv[2:] == ["cv"]:
        from classifiers.cross_validate import cross_validate
        from classifiers.datasets import load_corpora
        data = Path("../shared/data")
        rows, _dev = training.split_news_dev(load_corpora(data), seed=0)
        rows += wl.archive_weak_labels(data)[0]
        print(json.dumps(cross_validate(rows, design=training.DEFAULT_DESIGN, seeds=[0, 1, 2])))
        return
    pipeline, card = training.train(Path("../shared/data"), seed=0)
    out = Path("/tmp/coop") / variant
    out.mkdir(parents=True, exist_ok=True)
    path, _ = save_model(pipeline, out, version=f"exp-{variant}", card=card)
    print(path)
    print(json.dumps(card["comparison"]), json.dumps(card["training_size"]))
    m = card["dev_metrics"]
    for name in ("conflibert", "all_news"):
        print(name, {k: m[name][k] for k in ("macro_f1", "escalation_f1", "escalation_ece",
                                             "deescalation_ece")})


if __name__ == "__main__":
    main()
