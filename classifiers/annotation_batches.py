"""Draw a batch of news items to annotate for signals (stratified, reproducible).

    cd /work/main && .venv/bin/python -m classifiers.annotation_batches --seed 2026 \\
        --out /tmp/batch.jsonl [--source agnews]

Writes `{"id", "stratum", "text"}` lines OUTSIDE the repository (the outlets' text is never
stored here); the annotator reads each text and records only the id and the labels in
annotations/signals_sample.jsonl (`--source agnews`: agnews_world_2004.jsonl). Items already
annotated are never drawn again.

Why strata: in a random draw, shelling or cross-border attacks are a few items in a hundred,
too few to measure recall; and a draw of conflict news only has no hard negatives. The strata
are broad word lists of our own, written independently of signal_patterns.py (a sample chosen
by the patterns would only contain what the patterns already find). Each item goes to the
first stratum it matches, in the order below.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

from classifiers.agnews_sample import AGNEWS_ANNOTATIONS, read_ag_world
from classifiers.datasets import dedup_key
from classifiers.model_card import ANNOTATIONS, read_annotations, read_archive

_REPO_ROOT = Path(__file__).resolve().parent.parent

# (stratum, what it is meant to bring in, regex over lower-cased title + description, items)
STRATA: tuple[tuple[str, str, str, int], ...] = (
    ("shelling_words", "artillery, rockets, missiles, mortars",
     r"\b(?:shell\w*|artillery|rockets?|missiles?|mortars?|howitzers?|barrages?|salvos?"
     r"|projectiles?|katyusha|grad|himars|tank fire)\b", 70),
    ("border_words", "attacks across borders",
     r"\b(?:border\w*|cross-?border|frontier|incursions?|infiltrat\w*|line of control|golan"
     r"|hezbollah|belgorod|kursk|bryansk|moscow|kremlin|houthis?|red sea|waziristan|durand"
     r"|kashmir|karabakh|syria\w*|lebanon|lebanese|iran\w*|iraq\w*|pakistan\w*|afghan\w*)\b", 60),
    ("air_words", "air and drone strikes, bombing",
     r"\b(?:air\w*|drones?|bomb\w*|warplanes?|jets?|strikes?|struck|raids?|aerial|blitz)\b", 60),
    ("fighting_words", "clashes, battles, offensives",
     r"\b(?:clash\w*|fight\w*|fought|battl\w*|gun\w*|militants?|rebels?|insurgen\w*|offensive"
     r"|troops|soldiers|forces|ambush\w*|skirmish\w*|firefight|combat\w*|assault\w*)\b", 60),
    ("hard_negative_words", "conflict words in other senses: threats, denials, tests, sport,"
     " strikes by workers, politics, crime, disasters",
     r"\b(?:threat\w*|warn\w*|vow\w*|den(?:y|ies|ied)|tests?|drills?|exercises?|match|cup"
     r"|league|game|election\w*|vote|court|protest\w*|police|shooting|crash\w*|storm|flood\w*"
     r"|earthquake|fire|war|attack\w*|killed|dead)\b", 50),
    ("other", "anything else", r"", 20),
)


def draw(
    data_dir: Path,
    *,
    seed: int,
    exclude: frozenset[str] = frozenset(),
    within: frozenset[str] | None = None,
    strata: dict[str, int] | None = None,
    source: str = "archive",
    require: Sequence[str] = (),
) -> list[dict[str, str]]:
    """Items of `source` ("archive", the 2023 news archive, or "agnews", AG News World rows the
    model never trained on) not yet annotated (nor in `exclude`; only from `within` if given;
    with `require`, only items that also match one of those strata's word lists), `n` per
    stratum (or the sizes in `strata`, for those strata only), shuffled together (the annotator
    must not know the stratum while labelling)."""
    if source == "agnews":
        texts, labelled = read_ag_world(data_dir), AGNEWS_ANNOTATIONS
    elif source == "archive":
        texts, labelled = read_archive(data_dir), ANNOTATIONS
    else:
        raise ValueError(f"unknown source {source!r}: archive or agnews")
    done = {str(label["id"]) for label in read_annotations(labelled)}
    compiled = [(name, re.compile(pattern)) for name, _, pattern, _ in STRATA]
    sizes = strata if strata is not None else {name: size for name, *_, size in STRATA}
    required = [pattern for name, pattern in compiled if name in require]
    return draw_strata(texts, compiled, sizes, seed=seed, done=done | exclude, within=within,
                       required=required)


def draw_strata(
    texts: dict[str, str],
    strata: Sequence[tuple[str, re.Pattern[str]]],
    sizes: dict[str, int],
    *,
    seed: int,
    done: set[str] | frozenset[str],
    within: frozenset[str] | None = None,
    required: Sequence[re.Pattern[str]] = (),
) -> list[dict[str, str]]:
    """`sizes[name]` items of each stratum named there, shuffled together. Each item of `texts`
    (archive id -> text) not in `done`, nor a copy of one, belongs to the first stratum whose
    regex finds it in the lower-cased text, whether or not that stratum is drawn. With
    `required`, only items one of those regexes finds are drawn, whatever their stratum: a
    border-word item ("Israeli jets strike Syria") may be the air story we want."""
    # The same story from several outlets (or twice from one) is one item.
    seen = {dedup_key(texts[item_id]) for item_id in done if item_id in texts}
    pools: dict[str, list[str]] = {name: [] for name, _ in strata}
    for item_id in sorted(texts):
        key = dedup_key(texts[item_id])
        lowered = texts[item_id].lower()
        if (item_id in done or key in seen or (within is not None and item_id not in within)
                or (required and not any(pattern.search(lowered) for pattern in required))):
            continue
        seen.add(key)
        for name, pattern in strata:
            if pattern.search(lowered):
                pools[name].append(item_id)
                break
    rng = random.Random(seed)
    chosen = [
        {"id": item_id, "stratum": name, "text": texts[item_id]}
        for name, _ in strata
        if name in sizes
        for item_id in rng.sample(pools[name], min(sizes[name], len(pools[name])))
    ]
    rng.shuffle(chosen)
    return chosen


def write_batch(items: list[dict[str, str]], out: Path) -> None:
    """One JSON object a line, to a file outside the repository (checked by the caller)."""
    with out.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(items)} items written to {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--source", choices=("archive", "agnews"), default="archive",
                        help="the 2023 news archive, or AG News World rows (2004)")
    parser.add_argument("--out", type=Path, required=True, help="a file outside the repository")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="ids (one a line) never to draw: items the pattern writer has "
                        "already read, e.g. while checking precision (repeatable)")
    parser.add_argument("--within", type=Path, help="ids (one a line): draw only from these")
    parser.add_argument("--require", help="NAME,... : only items that also match one of these "
                        "strata's word lists (whichever stratum they are filed under)")
    parser.add_argument("--strata", help="NAME=SIZE,... : only these strata, with these sizes "
                        f"(names: {', '.join(name for name, *_ in STRATA)})")
    args = parser.parse_args(argv)
    if args.out.resolve().is_relative_to(_REPO_ROOT):
        parser.error("--out must be outside the repository (the texts are not ours to store)")
    exclude = frozenset(item for path in args.exclude for item in path.read_text().split())
    within = frozenset(args.within.read_text().split()) if args.within else None
    known = {name for name, *_ in STRATA}
    strata: dict[str, int] | None = None
    if args.strata:
        strata = {}
        for part in args.strata.split(","):
            name, _, size = part.partition("=")
            if name not in known or not size.isdigit():
                parser.error(f"--strata: {part!r} is not NAME=SIZE with a known stratum name")
            strata[name] = int(size)
    require = tuple(args.require.split(",")) if args.require else ()
    if unknown := set(require) - known:
        parser.error(f"--require: unknown strata {sorted(unknown)}")
    write_batch(draw(args.data, seed=args.seed, exclude=exclude, within=within, strata=strata,
                     source=args.source, require=require), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
