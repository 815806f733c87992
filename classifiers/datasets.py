"""Labelled text: the record type, the operator JSONL reader and readers for the shared corpora.

The corpora use different label orders (see ../shared/data/README.md); every reader maps its
own integer codes to the QuadClass names here, so nothing downstream sees a raw code.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from classifiers.vocabulary import QUAD_CLASSES, SIGNALS_DEESCALATION, SIGNALS_ESCALATION

CONFLICT_CLASSES = frozenset({"verbal_conflict", "material_conflict"})
COOPERATION_CLASSES = frozenset({"verbal_cooperation", "material_cooperation"})

# The UN file's order was checked against the authors' one-vs-rest files (data README).
_UN_QUAD_ORDER = (
    "neutral",
    "material_conflict",
    "material_cooperation",
    "verbal_conflict",
    "verbal_cooperation",
)
# ConfliBERT CAMEO follows the usual QuadClass order.
_CONFLIBERT_QUAD_ORDER = QUAD_CLASSES
# SATP columns 1-4: armed assault, bombing or explosion, kidnapping, other.
_SATP_SIGNALS: tuple[tuple[str, ...], ...] = (("armed_clash",), ("bombing",), (), ())
AG_WORLD = "1"
AG_NEWS_TEST = Path("ag-news") / "test.csv"
# AG News' numeric entities without their "&" (a space stands where it was); see read_ag_news.
_AG_BARE_ENTITY = re.compile(r" #(\d{2,4});")


def _ag_entity(match: re.Match[str]) -> str:
    code = int(match.group(1))  # below 32: a control character, so not an entity ("row #12;")
    return html.unescape(f"&#{code};") if code >= 32 else match.group(0)


_KNOWN_SIGNALS = frozenset(SIGNALS_ESCALATION + SIGNALS_DEESCALATION)

# Weak supervision for AG "World": disaster and epidemic news that names no armed actor, no
# violence and no conflict is calm (neutral). Without it the model had never seen a disaster
# labelled calm and scored "floods kill 90" as escalation.
CALM_DISASTER = re.compile(
    r"\b(?:earthquake|quake|hurricane|typhoon|cyclone|flood\w*|tsunami|landslide|mudslide"
    r"|avalanche|volcan\w*|wildfire|blaze|storm|derail\w*|plane crash|air crash|ferry|sank"
    r"|capsiz\w*|heatwave|drought|epidemic|outbreak|bird flu|virus|fire|crash\w*|collision"
    r"|collapse\w*)\b",
    re.IGNORECASE,
)
CONFLICT_WORDS = re.compile(
    r"\b(?:rebel\w*|troops|militant\w*|army|bomb\w*|attack\w*|war|soldier\w*|gunmen"
    r"|insurgen\w*|strike\w*|fighting|clash\w*|shell\w*|missile\w*|terror\w*|police"
    r"|guerrilla\w*|military|raid\w*|hostage\w*|kidnap\w*|protest\w*|riot\w*|israel\w*"
    r"|gaza|ukrain\w*|russia\w*|hamas|shoot\w*|shot|gun\w*|stab\w*|murder\w*|arrest\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LabelledText:
    """One labelled text. `source` tells corpora apart for splits and sample weights."""

    text: str
    quad: str | None = None
    signals: tuple[str, ...] = ()
    source: str = "operator"

    @property
    def escalation(self) -> bool | None:
        return None if self.quad is None else self.quad in CONFLICT_CLASSES


@dataclass
class Corpora:
    """Everything read from the corpora folder, deduplicated across files."""

    un_quadclass: list[LabelledText] = field(default_factory=list)
    un_irrelevant: list[LabelledText] = field(default_factory=list)
    conflibert: list[LabelledText] = field(default_factory=list)
    satp_train: list[LabelledText] = field(default_factory=list)
    satp_dev: list[LabelledText] = field(default_factory=list)
    ag_calm: list[LabelledText] = field(default_factory=list)
    ag_world: list[LabelledText] = field(default_factory=list)
    ag_world_calm: list[LabelledText] = field(default_factory=list)  # weak labels, see above
    file_sha256: dict[str, str] = field(default_factory=dict)


def clean_text(text: str) -> str:
    """Unescape HTML entities, drop tags and AG News' backslash newlines, squeeze spaces."""
    text = html.unescape(text.replace("\\", " "))
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text).strip().strip('"').strip()


def dedup_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_tsv(path: Path, *, header: bool) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row for row in (rows[1:] if header else rows) if row and row[0].strip()]


def corpora_root(data_dir: Path) -> Path:
    """The folder holding the corpora: `data_dir/corpora` (the shared data folder), or
    `data_dir` itself."""
    return data_dir / "corpora" if (data_dir / "corpora").is_dir() else data_dir


def load_corpora(data_dir: Path) -> Corpora:
    """Read the corpora under `data_dir` (the shared data folder or its `corpora/` child).

    Duplicates are dropped across all files (first reader wins, in the order below) so that
    no text can land on both sides of a train/dev split.
    """
    root = corpora_root(data_dir)
    corpora = Corpora()
    seen: set[str] = set()

    def keep(item: LabelledText, bucket: list[LabelledText]) -> None:
        key = dedup_key(item.text)
        if key and key not in seen:
            seen.add(key)
            bucket.append(item)

    def note(path: Path) -> Path:
        corpora.file_sha256[str(path.relative_to(root))] = _sha256_file(path)
        return path

    # News sentences first: they are the register we care about most.
    for row in _read_tsv(note(root / "conflibert-cameo" / "train.tsv"), header=False):
        quad = _CONFLIBERT_QUAD_ORDER[int(row[1])]
        keep(LabelledText(clean_text(row[0]), quad, (), "conflibert"), corpora.conflibert)
    for split, bucket in (("dev", corpora.satp_dev), ("train", corpora.satp_train),
                          ("test", corpora.satp_train)):
        for row in _read_tsv(note(root / "satp" / f"{split}.tsv"), header=False):
            signals = tuple(
                name
                for flag, names in zip(row[1:5], _SATP_SIGNALS, strict=True)
                if flag.strip() == "1"
                for name in names
            )
            keep(LabelledText(clean_text(row[0]), "material_conflict", signals, "satp"), bucket)
    for row in _read_tsv(note(root / "un-quadclass" / "en_quadclass.tsv"), header=True):
        quad = _UN_QUAD_ORDER[int(row[1])]
        keep(LabelledText(clean_text(row[0]), quad, (), "un"), corpora.un_quadclass)
    for row in _read_tsv(note(root / "un-quadclass" / "en_binary_relevant.tsv"), header=True):
        if row[1].strip() == "0":  # not a political interaction at all: neutral
            keep(LabelledText(clean_text(row[0]), "neutral", (), "un"), corpora.un_irrelevant)
    note(root / "ag-news" / "classes.txt")
    for _, label, text in read_ag_news(note(root / AG_NEWS_TEST)):
        if label == AG_WORLD and is_calm_disaster(text):
            keep(LabelledText(text, "neutral", (), "ag_world_calm"), corpora.ag_world_calm)
        elif label == AG_WORLD:
            # The rest of World news is mixed (conflict, cooperation, calm): unlabelled.
            keep(LabelledText(text, None, (), "ag_world"), corpora.ag_world)
        else:
            # Sports, Business, Sci/Tech: calm and unrelated to armed conflict.
            keep(LabelledText(text, "neutral", (), "ag_calm"), corpora.ag_calm)
    return corpora


def read_ag_news(path: Path) -> Iterator[tuple[int, str, str]]:
    """(row number from 1, class, title + description cleaned) for each row of AG News' CSV.
    AG News lost the "&" of its numeric entities ("Israel #39;s army", "the  #36;5 billion"):
    they are read as the entities they were, so "Israel's army" reads as the service reads it
    (and the patterns see "Israel's")."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row, (label, title, description) in enumerate(csv.reader(handle), start=1):
            text = _AG_BARE_ENTITY.sub(_ag_entity, f"{title}. {description}")
            yield row, label, clean_text(text)


def is_calm_disaster(text: str) -> bool:
    """The weak rule that labels AG World news calm (CALM_DISASTER, and no CONFLICT_WORDS)."""
    return bool(CALM_DISASTER.search(text)) and not CONFLICT_WORDS.search(text)


def read_labelled_jsonl(path: Path) -> list[LabelledText]:
    """Operator labels: one JSON object a line, {"text", "quad"?, "signals"?: [names]}."""
    items: list[LabelledText] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON ({error.msg})") from error
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError(f'{path}:{number}: expected an object with a "text" string')
            quad = record.get("quad")
            if quad is not None and quad not in QUAD_CLASSES:
                raise ValueError(
                    f"{path}:{number}: unknown quad {quad!r}; expected one of {QUAD_CLASSES}"
                )
            signals = record.get("signals") or []
            unknown = [name for name in signals if name not in _KNOWN_SIGNALS]
            if unknown:
                raise ValueError(f"{path}:{number}: unknown signals {unknown}")
            items.append(LabelledText(str(record["text"]), quad, tuple(signals), "operator"))
    return items
