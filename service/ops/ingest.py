"""Storing parsed entries as stories with sources, and scoring the new ones.

Live polling and the archive backtest both come through `ingest_entries`, so what a backtest
shows is what the service would have done.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlmodel import Session

from classifiers.scoring import Score, TextItem
from feeds.parse import Entry
from service import telemetry
from service.ops.alerts import evaluate_watches
from service.ops.watches import attribute, story_text
from service.store import articles as article_store
from service.store import watches as watch_store

_HOST_PREFIXES = ("www.", "m.", "amp.", "feeds.", "rss.", "edition.")
# A plain http(s) URL whose host urlsplit would return as it stands (lower-cased): no user,
# port, brackets or percent-encoded zone, nothing urlsplit strips or checks.
_PLAIN_HOST = re.compile(r"https?://([A-Za-z0-9._~-]+)(?=[/?#]|\Z)")


# article_sources.outlet is varchar(255). A DNS name has at most 253 characters, so a longer
# "host" is no real outlet: the feed's own host stands in, and the cut is only a last resort.
MAX_OUTLET_LENGTH = 255
_MAX_HOST_LENGTH = 253


def outlet_of(link: str | None, fallback_url: str) -> str:
    """The outlet behind a link: BBC's world and home feeds are one outlet, not two sources."""
    host = _hostname(link) or _hostname(fallback_url) or "unknown"
    return _outlet_of_host(host)[:MAX_OUTLET_LENGTH]


def _hostname(url: str | None) -> str | None:
    if not url:
        return None
    plain = _PLAIN_HOST.match(url)
    if plain:
        host: str | None = plain.group(1).lower()
    else:
        try:
            host = urlsplit(url).hostname
        except ValueError:  # "http://[broken/": the feed's own host stands in
            return None
    if host is not None and ("\x00" in host or len(host) > _MAX_HOST_LENGTH):
        return None
    return host


@functools.lru_cache(maxsize=1024)
def _outlet_of_host(hostname: str) -> str:
    host = hostname.lower()
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
    # The lookups below are Core statements, which do not autoflush as ORM queries do: a
    # caller's pending rows (a feed added in this session) must reach the database first.
    session.flush()
    seen = article_store.known_guids(session, feed_id, (e.guid for e in entries))
    fresh: list[Entry] = []
    for entry in entries:
        if entry.guid not in seen:
            seen.add(entry.guid)
            fresh.append(entry)
    if not fresh:
        return []
    # A story is an existing article id, or (negative) the index of a row still to insert.
    # Links and hashes are looked up together even when every GUID is new: a new GUID is often
    # a story another outlet brought first.
    links = {e.link for e in fresh if e.link}
    hashes = {e.content_hash for e in fresh}
    by_link: dict[str, int] = {}
    by_hash: dict[str, list[tuple[int, datetime]]] = {}
    for story in article_store.stories_by_link_or_hash(
        session, links, hashes, around=[e.published for e in fresh]
    ):
        if story.canonical_link in links:
            by_link[story.canonical_link] = story.id
        if story.content_hash in hashes:
            # _near checks the window per entry; oldest first, as the ids come.
            by_hash.setdefault(story.content_hash, []).append((story.id, story.published_at))

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

    # Only stories that were already stored can have outlets; a story inserted just now has
    # none yet, so a feed of new stories skips the query.
    outlets = article_store.outlets_by_story(session, (r for r in refs if r >= 0))
    grown: dict[int, int] = {}
    sources = []
    for entry, article_id in zip(fresh, ids, strict=True):
        outlet = outlet_of(entry.link, feed_url)
        known = outlets.setdefault(article_id, set())
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
    article_store.add_to_source_counts(session, grown)
    stories = [
        NewStory(i, row["title"], row["summary"], row["published_at"])
        for i, row in zip(new_ids, new_rows, strict=True)
    ]
    # A further outlet can be what corroborates a critical alert: the watches its stories
    # belong to are evaluated in this transaction too, not at the next scheduled evaluation.
    corroborated = watch_store.watches_of_articles(session, grown)
    if scorer is not None and stories:
        scores = score_articles(session, stories, scorer=scorer, now=now)
        attribute_and_evaluate(session, stories, scores, now=now, also=corroborated)
    elif corroborated:
        evaluate_watches(session, corroborated, now=now)
    return stories


def attribute_and_evaluate(
    session: Session,
    stories: Sequence[NewStory],
    scores: Sequence[Score],
    *,
    now: datetime,
    also: Iterable[int] = (),
) -> None:
    """Attributes new stories to the enabled watches and re-evaluates the watches they hit
    (and the watches in `also`), in the ingesting transaction: the alert and its outbox event
    commit with the article."""
    watches = watch_store.list_watches(session, enabled_only=True)
    if not watches:
        return
    hit = attribute(
        session,
        [
            (story.id, story_text(story.title, story.summary), story.published_at,
             score.countries)
            for story, score in zip(stories, scores, strict=True)
        ],
        watches=watches,
    )
    evaluate_watches(session, hit | set(also), now=now)


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
    article_store.insert_scores(session, [score_row(score, scored_at=now) for score in scores])
    return scores


def score_row(score: Score, *, scored_at: datetime) -> dict[str, object]:
    """The stored form of a score of article `score.id` (an ArticleScore row's columns)."""
    return {
        "article_id": int(score.id),
        "model_version": score.model_version,
        "escalation": score.escalation,
        "deescalation": score.deescalation,
        "quad": score.quad,
        "signals": score.signals,
        "countries": score.countries,
        "explanation": [[term, weight] for term, weight in score.explanation],
        "scored_at": scored_at,
    }
