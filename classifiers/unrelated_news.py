"""Disaster and crime news: our annotated sample, the measurement on it, and the weak labels.

The issue: unrelated news (sports, business, science, disasters, crime) must not score as
escalation. AG News measures the first three. For disasters and crime we draw archive items
by topic words, two annotators give each its topic (annotations/unrelated_sample.jsonl: ids
and topics only, never the outlets' text), and we count how many of those that are plainly a
disaster or plainly crime score at or above the escalation alert threshold.

    .venv/bin/python -m classifiers.unrelated_news --seed 2035 --out /tmp/topics.jsonl

Training uses other archive items, weakly labelled calm by these word lists
(classifiers/weak_labels.py); the annotated sample is never among them.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from classifiers.annotation_batches import draw_strata, write_batch
from classifiers.model_card import ANNOTATIONS, ARCHIVE, read_annotations, read_archive
from classifiers.scoring import ESCALATION_ALERT_THRESHOLD, Scorer, TextItem

UNRELATED_SAMPLE = Path(__file__).parent / "annotations" / "unrelated_sample.jsonl"
_REPO_ROOT = Path(__file__).resolve().parent.parent

# Topics an annotator gives; only "disaster" and "crime" are measured, the rest says why not.
TOPICS = ("disaster", "crime", "conflict", "other")
MEASURED_TOPICS = ("disaster", "crime")

# Matched against lower-cased text (IGNORECASE made these searches six times slower).
# Broad on purpose: the sample must hold disaster and crime stories that use conflict words
# ("army rescues flood victims", "police shoot suspect") as well as plain ones.
DISASTER_WORDS = re.compile(
    r"\b(?:earthquakes?|quakes?|hurricanes?|typhoons?|cyclones?|floods?|flooding|flooded|tsunami"
    r"|landslides?|mudslides?|avalanche|volcan\w*|eruption|wildfires?|bushfires?|blaze|storms?"
    r"|tornado\w*|derail\w*|plane crash|air crash|helicopter crash|bus crash|train crash"
    r"|ferry|sank|capsiz\w*|shipwreck|heatwave|heat wave|drought|famine|epidemic|outbreak"
    r"|cholera|dengue|bird flu|explosion at|gas explosion|mine collapse|building collapse"
    r"|collapsed|stampede|fire broke out|fire kills|rescuers?|death toll|survivors)\b"
)
CRIME_WORDS = re.compile(
    r"\b(?:murder\w*|homicide|killer|robber\w*|burglar\w*|theft|thieves|stole|stolen|fraud\w*"
    r"|smuggl\w*|traffick\w*|drugs?|narcotics|cartels?|gangs?|gangsters?|mafia|police|arrest\w*"
    r"|charged|convicted|sentenced|jail\w*|prison\w*|shooting|shot dead|gunman|stabb\w*"
    r"|kidnap\w*|rape\w*|abduct\w*|suspects?|trial|detectives?|corruption|bribe\w*)\b"
)
# Armed conflict and political violence: an item naming any of these is never weakly labelled
# calm (it may be a war story that mentions a flood or an arrest).
ARMED_CONFLICT = re.compile(
    r"\b(?:war|wars|warfare|troops|army|armed forces|military|militar\w*|soldiers?|militants?"
    r"|rebels?|insurgen\w*|jihad\w*|terror\w*|guerrilla\w*|paramilitar\w*|militia\w*|airstrikes?"
    r"|air strikes?|strikes? on|shell\w*|artillery|missiles?|rockets?|drones?|bomb\w*|explosives?"
    r"|clash\w*|fighting|battle\w*|offensive|ceasefire|truce|hostages?|insurgents?|coup"
    r"|protest\w*|riot\w*|unrest|crackdown|israel\w*|gaza|hamas|hezbollah|palestin\w*"
    r"|west bank|ukrain\w*|russia\w*|kremlin|sudan\w*|rsf|taliban|isis|islamic state|al-shabab"
    r"|boko haram|houthis?|wagner|junta|sahel|myanmar|kashmir|naxal\w*|maoists?|nato"
    r"|invasion|occupied|annex\w*|genocide|massacre|war crimes?)\b"
)
_STRATA = (("disaster_words", DISASTER_WORDS), ("crime_words", CRIME_WORDS))


def annotated_ids() -> set[str]:
    """Every archive id in our two annotation files (signals and topics)."""
    return {str(label["id"]) for path in (ANNOTATIONS, UNRELATED_SAMPLE)
            for label in read_annotations(path)}


def draw(data_dir: Path, *, seed: int, sizes: dict[str, int],
         exclude: frozenset[str] = frozenset()) -> list[dict[str, str]]:
    """Items with a disaster word (first) or else a crime word, `sizes[stratum]` of each,
    shuffled together, never one already in either annotation file or in `exclude`."""
    return draw_strata(read_archive(data_dir), _STRATA, sizes, seed=seed,
                       done=annotated_ids() | exclude)


def read_sample(path: Path = UNRELATED_SAMPLE) -> dict[str, str]:
    """id -> topic, checked: a topic outside TOPICS is an error, not a silent skip."""
    sample: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("topic") not in TOPICS:
            raise ValueError(f"{path}:{number}: topic {record.get('topic')!r} not in {TOPICS}")
        sample[record["id"]] = record["topic"]
    return sample


def unrelated_share(scorer: Scorer, data_dir: Path) -> dict[str, object]:
    """Per measured topic: annotated items, how many score at or above the alert threshold."""
    if not UNRELATED_SAMPLE.is_file() or not (data_dir / ARCHIVE).is_file():
        return {}
    texts = read_archive(data_dir)
    sample = {item_id: topic for item_id, topic in read_sample().items() if item_id in texts}
    result: dict[str, object] = {"threshold": ESCALATION_ALERT_THRESHOLD}
    for topic in MEASURED_TOPICS:
        ids = sorted(item_id for item_id, item_topic in sample.items() if item_topic == topic)
        scores = scorer.score([TextItem(id=item_id, text=texts[item_id]) for item_id in ids])
        above = sum(score.escalation >= ESCALATION_ALERT_THRESHOLD for score in scores)
        result[topic] = {"items": len(ids), "above_threshold": above,
                         "share_above_threshold": round(above / max(len(ids), 1), 4)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw disaster and crime items to annotate")
    parser.add_argument("--data", type=Path, default=_REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--disaster", type=int, default=150, help="items with a disaster word")
    parser.add_argument("--crime", type=int, default=150, help="items with a crime word")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="ids (one a line) never to draw (repeatable)")
    parser.add_argument("--out", type=Path, required=True, help="a file outside the repository")
    args = parser.parse_args(argv)
    if args.out.resolve().is_relative_to(_REPO_ROOT):
        parser.error("--out must be outside the repository (the texts are not ours to store)")
    exclude = frozenset(item for path in args.exclude for item in path.read_text().split())
    sizes = {"disaster_words": args.disaster, "crime_words": args.crime}
    write_batch(draw(args.data, seed=args.seed, exclude=exclude, sizes=sizes), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
