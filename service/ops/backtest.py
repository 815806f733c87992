"""Backtest: replay an archive of feed items in time order with a simulated clock, through the
same ingest, attribution and alert code as live polling, into a scratch SQLite database."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from classifiers.scoring import Score, Scorer, TextItem
from feeds.normalise import as_utc, canonical_url, content_hash, html_to_text
from feeds.parse import Entry
from service.db import make_engine, session_scope
from service.migrate import upgrade
from service.models import Alert, Watch
from service.ops.alerts import evaluate_watches
from service.ops.errors import InputError
from service.ops.ingest import ingest_entries
from service.ops.watches import enable_preset
from service.store import feeds as feed_store


class PrescoredScorer:
    """Scores every archive text in one batch up front, then answers the ingest path from
    that table: the same model and the same scores, without paying the model's per-call cost
    thousands of times (one call per simulated poll and feed)."""

    def __init__(self, scorer: Scorer, items: Sequence[ArchiveItem]) -> None:
        self.version = scorer.version
        self._scorer = scorer
        texts = [
            TextItem(id=str(i), title=a.entry.title, text=a.entry.summary)
            for i, a in enumerate(items)
        ]
        self._table = {
            (t.title, t.text): score for t, score in zip(texts, scorer.score(texts), strict=True)
        }

    def score(self, items: Sequence[TextItem]) -> list[Score]:
        missing = [i for i in items if (i.title, i.text) not in self._table]
        if missing:
            for item, score in zip(missing, self._scorer.score(missing), strict=True):
                self._table[(item.title, item.text)] = score
        return [replace(self._table[(i.title, i.text)], id=i.id) for i in items]


@dataclass(frozen=True)
class ArchiveItem:
    feed_url: str
    entry: Entry


@dataclass
class BacktestResult:
    series: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    items: int = 0
    skipped: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"series": self.series, "alerts": self.alerts}


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return as_utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        pass
    try:
        return as_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        return None


def read_archive(path: Path) -> Iterator[ArchiveItem | None]:
    """Items in file order; None for a line that cannot be used (counted, not fatal)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                raw = json.loads(line)
            except ValueError:
                yield None
                continue
            published = parse_time(raw.get("date_published")) if isinstance(raw, dict) else None
            if published is None:
                yield None
                continue
            title = html_to_text(str(raw.get("title") or ""), limit=500)
            summary = html_to_text(str(raw.get("description") or ""), limit=4000)
            if not title and not summary:
                yield None
                continue
            link = canonical_url(raw["link"]) if raw.get("link") else None
            digest = content_hash(title, summary)
            language = raw.get("language")
            yield ArchiveItem(
                feed_url=str(raw.get("source") or f"archive://{raw.get('outlet', 'unknown')}"),
                entry=Entry(
                    guid=link or digest,
                    title=title,
                    summary=summary,
                    link=link,
                    published=published,
                    language=language.lower() if isinstance(language, str) else None,
                    content_hash=digest,
                ),
            )


def run_backtest(
    *,
    archive: Path,
    slug: str,
    scorer: Scorer,
    workdir: Path,
    step: timedelta = timedelta(hours=6),
    poll_every: timedelta = timedelta(hours=1),
    progress: Callable[[float], None] | None = None,
) -> BacktestResult:
    if step <= timedelta(0):
        raise InputError(f"the series step must be positive, got {step}")
    if not archive.is_file():
        raise InputError(f"no archive at {archive}")
    result = BacktestResult()
    items: list[ArchiveItem] = []
    for item in read_archive(archive):
        if item is None:
            result.skipped += 1
        else:
            items.append(item)
    if not items:
        raise InputError(f"{archive} holds no usable items")
    items.sort(key=lambda i: i.entry.published)
    result.items = len(items)
    prescored = PrescoredScorer(scorer, items)

    url = f"sqlite:///{workdir / 'backtest.db'}"
    upgrade(url)
    engine = make_engine(url)
    start = items[0].entry.published.replace(minute=0, second=0, microsecond=0)
    try:
        with session_scope(engine) as session:
            watch_id = enable_preset(session, slug, now=start).id or 0
            feed_ids = {}
            for feed_url in sorted({i.feed_url for i in items}):
                feed_ids[feed_url] = feed_store.add(session, url=feed_url, title=None, now=start).id
        # The simulated clock: every `poll_every`, the items published since the last poll
        # arrive (one ingest per feed, as a poll would bring them); every `step`, the
        # scheduled evaluation runs and a point of the series is taken.
        # Points at the first poll and every `step` after it, whatever the step: a step
        # shorter than a poll takes one point per poll.
        clock, cursor, next_point = start, 0, start + poll_every
        end = items[-1].entry.published + step
        while clock <= end:
            clock += poll_every
            batch: dict[str, list[Entry]] = defaultdict(list)
            while cursor < len(items) and items[cursor].entry.published < clock:
                batch[items[cursor].feed_url].append(items[cursor].entry)
                cursor += 1
            if not batch and clock < next_point:
                continue
            with session_scope(engine) as session:
                for feed_url, entries in batch.items():
                    ingest_entries(
                        session,
                        feed_id=feed_ids[feed_url] or 0,
                        feed_url=feed_url,
                        entries=entries,
                        scorer=prescored,
                        now=clock,
                    )
                if clock >= next_point:
                    evaluation = evaluate_watches(session, [watch_id], now=clock)[0]
                    result.series.append(
                        {
                            "t": clock.isoformat().replace("+00:00", "Z"),
                            "index": evaluation.index,
                            "level": evaluation.level or "calm",
                        }
                    )
                    while next_point <= clock:
                        next_point += step
            if progress is not None:
                progress(cursor / len(items))
        with session_scope(engine) as session:
            watch = session.get(Watch, watch_id)
            assert watch is not None
            alerts = session.exec(
                select(Alert).where(Alert.watch_id == watch_id).order_by(col(Alert.pending_since))
            ).all()
            result.alerts = [_alert_json(a) for a in alerts if a.state != "cancelled"]
    finally:
        engine.dispose()
    return result


def _alert_json(alert: Alert) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {
        "fingerprint": alert.fingerprint,
        "level": alert.level,
        "status": alert.state,
        "started_at": iso(alert.started_at),
        "resolved_at": iso(alert.resolved_at),
        "peak_index": alert.peak_index,
        "rationale": alert.rationale,
        "evidence": alert.evidence,
    }
