"""How does a model score news of truces, releases and talks, and do weak cooperation labels
from the archive fix it?

Usage (repository root): .venv/bin/python experiments/cooperation_weak_labels/probe.py [MODEL]
Prints, for the held-out annotated items (our annotation files' held-out batches) that carry
a de-escalation signal and no escalation event signal: how many score escalation >= 0.5, and
the mean escalation and de-escalation scores; the same for the archive's Gaza truce week.
"""
import json
import re
import statistics
import sys
from pathlib import Path

from classifiers.agnews_sample import read_ag_world
from classifiers.artifacts import default_model_path, load_model
from classifiers.capture_sample import read_captures
from classifiers.model_card import read_annotations, read_archive
from classifiers.scoring import TextItem
from classifiers.vocabulary import SIGNALS_DEESCALATION

DATA = Path("../shared/data")
ANN = Path("classifiers/annotations")
EVENTS = {"airstrike", "shelling", "armed_clash", "bombing", "cross_border_attack",
          "territorial_seizure", "casualties", "ceasefire_violation"}


def heldout_cooperation() -> dict[str, str]:
    texts = {**read_archive(DATA), **read_captures(DATA), **read_ag_world(DATA)}
    chosen = {}
    for name in ("signals_sample.jsonl", "captures_2026.jsonl", "agnews_world_2004.jsonl"):
        for row in read_annotations(ANN / name):
            signals = set(row["signals"])
            if (str(row["batch"]).startswith("heldout") and signals & set(SIGNALS_DEESCALATION)
                    and not signals & EVENTS and row["id"] in texts):
                chosen[str(row["id"])] = texts[str(row["id"])]
    return chosen


def truce_week() -> list[str]:
    out = []
    for line in open(DATA / "archive/world_news_rss_items_2023.jsonl"):
        item = json.loads(line)
        title = item.get("title") or ""
        if (str(item.get("date_published", ""))[:10] >= "2023-11-24"
                and str(item.get("date_published", ""))[:10] <= "2023-11-30"
                and re.search(r"\btruce|hostages? (?:freed|released)|releases? \d+|captives",
                              title, re.I)):
            out.append(title)
    return out


def report(name: str, scorer, texts: list[str]) -> None:
    scores = scorer.score([TextItem(id=str(i), title="", text=t) for i, t in enumerate(texts)])
    esc = [s.escalation for s in scores]
    de = [s.deescalation for s in scores]
    print(f"{name}: {len(texts)} items, escalation >= 0.5: {sum(e >= 0.5 for e in esc)}, "
          f"de-escalation >= 0.5: {sum(d >= 0.5 for d in de)}, mean escalation "
          f"{statistics.mean(esc):.3f}, mean de-escalation {statistics.mean(de):.3f}")


def main() -> None:
    scorer = load_model(Path(sys.argv[1]) if len(sys.argv) > 1 else default_model_path())
    print(scorer.version)
    report("held-out annotated de-escalation-only items", scorer,
           list(heldout_cooperation().values()))
    report("archive truce-week headlines (in-sample for weak labels)", scorer, truce_week())


if __name__ == "__main__":
    main()
