"""Re-measure a saved model on the held-out news split and our signal annotations.

    cd /work/main && .venv/bin/python -m classifiers.measure --data ../shared/data [--model PATH]

Uses the split seed recorded in the model card, so the dev texts are the ones the model never
saw. Prints the same figures the card records (nothing is retrained).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from classifiers.agnews_sample import agnews_signal_metrics
from classifiers.artifacts import default_model_path, load_model
from classifiers.capture_sample import capture_signal_metrics
from classifiers.datasets import load_corpora
from classifiers.deescalation_news import deescalation_share
from classifiers.evaluation import evaluate, format_report
from classifiers.headline_news import headline_share
from classifiers.model_card import pooled_heldout_signals, signal_sample_metrics
from classifiers.training import share_above_alert_threshold, split_news_dev
from classifiers.unrelated_news import unrelated_share
from classifiers.vocabulary import ESCALATION_ALERT_THRESHOLD
from classifiers.weak_labels import stale_held_out

_REPO_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=default_model_path())
    args = parser.parse_args(argv)
    scorer = load_model(args.model)
    if (reason := stale_held_out(scorer.card)) is not None:
        print(f"WARNING: {reason}")
    seed = scorer.card.get("seed", 0)
    _, dev = split_news_dev(load_corpora(args.data), seed=int(str(seed)))
    dev["all_news"] = [item for items in list(dev.values()) for item in items]
    for name, items in dev.items():
        metrics = evaluate(scorer, items)
        print(f"== held-out {name} ==")
        print(format_report(metrics))
        if name == "ag_calm":
            # The card's measure (training.dev_metrics): unrounded QuadClass probabilities.
            share = share_above_alert_threshold(
                scorer.quad_probabilities([item.text for item in items]))
            print(f"unrelated news at or above {ESCALATION_ALERT_THRESHOLD}: "
                  f"{round(share * len(items))}/{len(items)} = {share:.4f}")
    samples = {
        "signal_sample": signal_sample_metrics(scorer, args.data),
        "capture_sample": capture_signal_metrics(scorer, args.data),
        "agnews_sample": agnews_signal_metrics(scorer, args.data),
    }
    print("== signals on classifiers/annotations/signals_sample.jsonl ==")
    print(json.dumps(samples["signal_sample"], indent=1))
    print("== signals on fresh 2026 news, classifiers/annotations/captures_2026.jsonl ==")
    print(json.dumps(samples["capture_sample"], indent=1))
    print("== signals on AG News World 2004, classifiers/annotations/agnews_world_2004.jsonl ==")
    print(json.dumps(samples["agnews_sample"], indent=1))
    print("== signals on the held-out samples pooled (95% Wilson intervals) ==")
    print(json.dumps(pooled_heldout_signals(dict(samples)), indent=1))
    print("== disaster and crime news, classifiers/annotations/unrelated_sample.jsonl ==")
    print(json.dumps(unrelated_share(scorer, args.data)))
    print("== annotated news of de-escalation only (classifiers/deescalation_news.py) ==")
    print(json.dumps(deescalation_share(scorer, args.data)))
    print("== annotated armed events, headline alone (classifiers/headline_news.py) ==")
    print(json.dumps(headline_share(scorer, args.data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
