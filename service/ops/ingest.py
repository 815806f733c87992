"""Storing parsed entries as stories with sources, and scoring the new ones.

Live polling and the archive backtest both come through `ingest_entries`, so what a backtest
shows is what the service would have done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlmodel import Session

from classifiers.scoring import Score, TextItem
from feeds.parse import Entry
from service import telemetry
from service.models import Article
from service.ops.alerts import evaluate_watches
from service.ops.watches import attribute
from service.store import articles as article_store
from service.store import watches as watch_store

_HOST_PREFIXES = ("www.", "m.", "amp.", "feeds.", "rss.", "edition.")


def outlet_of(link: str | None, fallback_url: str) -> str:
    """The outlet behind a link: BBC's world and home feeds are one outlet, not two sources."""
    host = (urlsplit(link or "").hostname or urlsplit(fallback_url).hostname or "unknown").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
    return host


@dataclass(frozen=True, slots=True)
class NewStory:
    id: int
    title: str
    summary: str
    published_at: datetime


def ingest_entries(
    session: Session,
    *,
    feed_id: int,
    feed_url: str,
    entries: Sequence[Entry],
    scorer: TextScorer | None,
    now: datetime,
) -> list[NewStory]:
    """Adds unseen entries; returns the stories that are new to the database (scored).

    A handful of batched statements per feed, whatever its size: the poll of a thousand feeds
    must not turn into a hundred thousand round trips.
    """
    seen = article_store.known_guids(session, feed_id, (e.guid for e in entries))
    fresh: list[Entry] = []
    for entry in entries:
        if entry.guid not in seen:
            seen.add(entry.guid)
            fresh.append(entry)
    if not fresh:
        return []
    # A story is an existing article id, or (negative) the index of a row still to insert.
    by_link: dict[str, int] = {
        link: _id(a)
        for link, a in article_store.stories_by_link(
            session, (e.link for e in fresh if e.link)
        ).items()
    }
    by_hash: dict[str, list[tuple[int, datetime]]] = {}
    for a in article_store.stories_by_hash(
        session, (e.content_hash for e in fresh), around=[e.published for e in fresh]
    ):
        by_hash.setdefault(a.content_hash, []).append((_id(a), a.published_at))

    new_rows: list[dict[str, Any]] = []
    refs: list[int] = []
    for entry in fresh:
        ref = by_link.get(entry.link) if entry.link else None
        if ref is None:
            ref = _near(by_hash.get(entry.content_hash, []), entry.published)
        if ref is None:
            ref = -1 - len(new_rows)
            new_rows.append(
                {
                    "canonical_link": entry.link,
                    "content_hash": entry.content_hash,
                    "title": entry.title,
                    "summary": entry.summary,
                    "language": entry.language,
                    "published_at": entry.published,
                    "first_seen_at": now,
                    "source_count": 1,
                }
            )
            if entry.link:
                by_link[entry.link] = ref
            by_hash.setdefault(entry.content_hash, []).append((ref, entry.published))
        refs.append(ref)
    new_ids = article_store.insert_articles(session, new_rows)
    ids = [new_ids[-1 - r] if r < 0 else r for r in refs]

    outlets = article_store.outlets_by_story(session, ids)
    grown: dict[int, int] = {}
    sources = []
    for entry, article_id in zip(fresh, ids, strict=True):
        outlet = outlet_of(entry.link, feed_url)
        known = outlets[article_id]
        if outlet not in known:
            if known:  # a further outlet carries a story we had: corroboration
                grown[article_id] = grown.get(article_id, 0) + 1
            known.add(outlet)
        sources.append(
            {
                "article_id": article_id,
                "feed_id": feed_id,
                "guid": entry.guid,
                "link": entry.link,
                "outlet": outlet,
                "published_at": entry.published,
                "seen_at": now,
            }
        )
    article_store.insert_sources(session, sources)
    for article_id, extra in grown.items():
        article_store.add_to_source_count(session, article_id, extra)
    stories = [
        NewStory(i, row["title"], row["summary"], row["published_at"])
        for i, row in zip(new_ids, new_rows, strict=True)
    ]
    if scorer is not None and stories:
        scores = score_articles(session, stories, scorer=scorer, now=now)
        attribute_and_evaluate(session, stories, scores, now=now)
    return stories


def attribute_and_evaluate(
    session: Session, stories: Sequence[NewStory], scores: Sequence[Score], *, now: datetime
) -> None:
    """Attributes new stories to the enabled watches and re-evaluates the watches they hit,
    in the ingesting transaction: the alert and its outbox event commit with the article."""
    watches = watch_store.list_watches(session, enabled_only=True)
    if not watches:
        return
    hit = attribute(
        session,
        [
            (story.id, f"{story.title}\n{story.summary}", story.published_at, score.countries)
            for story, score in zip(stories, scores, strict=True)
        ],
        watches=watches,
    )
    evaluate_watches(session, hit, now=now)


def _near(candidates: Sequence[tuple[int, datetime]], published: datetime) -> int | None:
    for ref, at in candidates:
        if abs(at - published) <= article_store.SAME_STORY_WINDOW:
            return ref
    return None


class TextScorer(Protocol):
    """What ingestion needs of a model: classifiers.scoring.Scorer, or a stand-in that
    answers with that model's scores (the backtest's precomputed table)."""

    @property
    def version(self) -> str: ...
    def score(self, items: Sequence[TextItem]) -> list[Score]: ...


class Scorable(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...


def score_articles(
    session: Session, articles: Sequence[Scorable], *, scorer: TextScorer, now: datetime
) -> list[Score]:
    """Scores and stores; every stored score names the model version that produced it."""
    items = [TextItem(id=str(a.id), title=a.title, text=a.summary) for a in articles]
    with telemetry.scoring(len(items)):
        scores = scorer.score(items)
    article_store.insert_scores(
        session,
        [
            {
                "article_id": int(score.id),
                "model_version": score.model_version,
                "escalation": score.escalation,
                "deescalation": score.deescalation,
                "quad": score.quad,
                "signals": score.signals,
                "countries": score.countries,
                "explanation": [[term, weight] for term, weight in score.explanation],
                "scored_at": now,
            }
            for score in scores
        ],
    )
    return scores


def _id(article: Article) -> int:
    assert article.id is not None, "article must be flushed before it is referenced"
    return article.id
