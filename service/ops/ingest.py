"""Storing parsed entries as stories with sources, and scoring the new ones.

Live polling and the archive backtest both come through `ingest_entries`, so what a backtest
shows is what the service would have done.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from classifiers.scoring import Scorer, TextItem
from sqlmodel import Session

from feeds.parse import Entry
from service.models import Article, ArticleScore, ArticleSource
from service.store import articles as article_store

_HOST_PREFIXES = ("www.", "m.", "amp.", "feeds.", "rss.", "edition.")


def outlet_of(link: str | None, fallback_url: str) -> str:
    """The outlet behind a link: BBC's world and home feeds are one outlet, not two sources."""
    host = (urlsplit(link or "").hostname or urlsplit(fallback_url).hostname or "unknown").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
    return host


def ingest_entries(
    session: Session,
    *,
    feed_id: int,
    feed_url: str,
    entries: Sequence[Entry],
    scorer: Scorer | None,
    now: datetime,
) -> list[Article]:
    """Adds unseen entries; returns the stories that are new to the database (scored)."""
    seen = article_store.known_guids(session, feed_id, (e.guid for e in entries))
    new_stories: list[Article] = []
    for entry in entries:
        if entry.guid in seen:
            continue
        seen.add(entry.guid)
        outlet = outlet_of(entry.link, feed_url)
        story = article_store.find_story(
            session,
            canonical_link=entry.link,
            content_hash=entry.content_hash,
            published_at=entry.published,
        )
        if story is None:
            story = article_store.add_article(
                session,
                Article(
                    canonical_link=entry.link,
                    content_hash=entry.content_hash,
                    title=entry.title,
                    summary=entry.summary,
                    language=entry.language,
                    published_at=entry.published,
                    first_seen_at=now,
                ),
            )
            new_stories.append(story)
        elif outlet not in article_store.outlets_of(session, _id(story)):
            story.source_count += 1
        article_store.add_source(
            session,
            ArticleSource(
                article_id=_id(story),
                feed_id=feed_id,
                guid=entry.guid,
                link=entry.link,
                outlet=outlet,
                published_at=entry.published,
                seen_at=now,
            ),
        )
        session.flush()
    if scorer is not None and new_stories:
        score_articles(session, new_stories, scorer=scorer, now=now)
    return new_stories


def score_articles(
    session: Session, articles: Sequence[Article], *, scorer: Scorer, now: datetime
) -> list[ArticleScore]:
    items = [TextItem(id=str(_id(a)), title=a.title, text=a.summary) for a in articles]
    rows = [
        ArticleScore(
            article_id=int(score.id),
            model_version=score.model_version,
            escalation=score.escalation,
            deescalation=score.deescalation,
            quad=score.quad,
            signals=score.signals,
            countries=score.countries,
            explanation=[[term, weight] for term, weight in score.explanation],
            scored_at=now,
        )
        for score in scorer.score(items)
    ]
    article_store.add_scores(session, rows)
    return rows


def _id(article: Article) -> int:
    assert article.id is not None, "article must be flushed before it is referenced"
    return article.id
