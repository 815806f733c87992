"""Articles and their sources: deduplication by GUID, canonical link and content hash.

The ingest path runs these for every polled feed, so they are Core statements on the tables,
built once here: no ORM objects per row, no statement construction per call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Table, and_, bindparam, insert, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, func, select

from service.models import Article, ArticleScore, ArticleSource, Attribution

# Wire copies of one story appear within hours of each other; an identical headline and lede a
# week apart is more likely a recurring item ("Live updates") than the same story.
SAME_STORY_WINDOW = timedelta(days=3)

_articles: Table = SQLModel.metadata.tables[Article.__tablename__]
_sources: Table = SQLModel.metadata.tables[ArticleSource.__tablename__]
_scores: Table = SQLModel.metadata.tables[ArticleScore.__tablename__]

_KNOWN_GUIDS = core_select(_sources.c.guid).where(
    _sources.c.feed_id == bindparam("feed_id"),
    _sources.c.guid.in_(bindparam("guids", expanding=True)),
)
_STORY_COLUMNS = (
    _articles.c.id,
    _articles.c.canonical_link,
    _articles.c.content_hash,
    _articles.c.published_at,
)
# The window only trims the candidates that _near checks entry by entry. It compares a no-op
# expression rather than the column so that no planner reaches for the published_at index: the
# window holds every recent story (all of them in a young database), while a content hash
# matches a handful. PostgreSQL took that index on fresh statistics and read thousands of rows
# per feed (12 ms of a 19 ms feed in bench/bench_ingest.py).
_published = func.coalesce(_articles.c.published_at, _articles.c.published_at)
_BY_HASH = and_(
    _articles.c.content_hash.in_(bindparam("hashes", expanding=True)),
    _published >= bindparam("earliest", type_=_articles.c.published_at.type),
    _published <= bindparam("latest", type_=_articles.c.published_at.type),
)
_BY_LINK = _articles.c.canonical_link.in_(bindparam("links", expanding=True))
# One round trip for both keys; both databases answer an OR of two indexed terms with both
# indexes (SQLite's multi-index OR, PostgreSQL's BitmapOr).
_STORIES_BY_LINK_OR_HASH = (
    core_select(*_STORY_COLUMNS).where(or_(_BY_LINK, _BY_HASH)).order_by(_articles.c.id)
)
_STORIES_BY_HASH = core_select(*_STORY_COLUMNS).where(_BY_HASH).order_by(_articles.c.id)
_OUTLETS = core_select(_sources.c.article_id, _sources.c.outlet).where(
    _sources.c.article_id.in_(bindparam("ids", expanding=True))
)
_INSERT_ARTICLES = insert(_articles).returning(*_STORY_COLUMNS)
_INSERT_SOURCES = insert(_sources)
_INSERT_SCORES = insert(_scores)
_GROW_SOURCE_COUNT = (
    update(_articles)
    .where(_articles.c.id.in_(bindparam("ids", expanding=True)))
    .values(source_count=_articles.c.source_count + bindparam("extra"))
)


class StoryKey(NamedTuple):
    """What deduplication needs of a stored story."""

    id: int
    canonical_link: str | None
    content_hash: str
    published_at: datetime


def known_guids(session: Session, feed_id: int, guids: Iterable[str]) -> set[str]:
    wanted = list(set(guids))
    if not wanted:
        return set()
    rows = session.connection().execute(_KNOWN_GUIDS, {"feed_id": feed_id, "guids": wanted})
    return set(rows.scalars())


def stories_by_link_or_hash(
    session: Session, links: Iterable[str], hashes: Iterable[str], *, around: Sequence[datetime]
) -> list[StoryKey]:
    """Stories with one of these canonical links, and stories with one of these content hashes
    published within SAME_STORY_WINDOW of the given times (oldest first). A story may match
    both ways, or by its hash alone with another link: callers check which key matched."""
    wanted_links = list(set(links))
    wanted_hashes = list(set(hashes))
    if not around or (not wanted_links and not wanted_hashes):
        return []
    params: dict[str, Any] = {
        "hashes": wanted_hashes,
        "earliest": _shifted(min(around), -SAME_STORY_WINDOW),
        "latest": _shifted(max(around), SAME_STORY_WINDOW),
    }
    statement = _STORIES_BY_HASH
    if wanted_links:
        statement = _STORIES_BY_LINK_OR_HASH
        params["links"] = wanted_links
    return [StoryKey(*row) for row in session.connection().execute(statement, params)]


def _shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, clamped to datetime's range: parsing treats placeholder dates such
    as 0001-01-01 as missing, but a stored or backtested one must not overflow the window."""
    try:
        return moment + delta
    except OverflowError:
        edge = datetime.min if delta < timedelta(0) else datetime.max
        return edge.replace(tzinfo=moment.tzinfo)


def outlets_by_story(session: Session, article_ids: Iterable[int]) -> dict[int, set[str]]:
    wanted = list(set(article_ids))
    found: dict[int, set[str]] = {i: set() for i in wanted}
    if not wanted:
        return found
    for article_id, outlet in session.connection().execute(_OUTLETS, {"ids": wanted}):
        found[article_id].add(outlet)
    return found


def insert_articles(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Bulk insert; returns the new ids in the order of `rows`.

    One multi-row INSERT ... RETURNING (SQLAlchemy's insertmanyvalues). Ids are matched back by
    the row's own key rather than with `sort_by_parameter_order`, which makes SQLite insert row
    by row (50 statements for a 50-item feed instead of one, six times slower). Rows in one
    batch never share (link, hash, time): the caller merges such duplicates into one story
    first.
    """
    if not rows:
        return []
    returned = session.connection().execute(_INSERT_ARTICLES, rows)
    ids = {(link, digest, published): int(i) for i, link, digest, published in returned}
    return [ids[(r["canonical_link"], r["content_hash"], r["published_at"])] for r in rows]


def insert_sources(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_INSERT_SOURCES, rows)


def add_to_source_counts(session: Session, extra_by_article: Mapping[int, int]) -> None:
    """Adds each article's further outlets to its source_count: one UPDATE per distinct
    increment (nearly always just one), not one per article."""
    by_extra: defaultdict[int, list[int]] = defaultdict(list)
    for article_id, extra in extra_by_article.items():
        by_extra[extra].append(article_id)
    for extra, ids in by_extra.items():
        session.connection().execute(_GROW_SOURCE_COUNT, {"ids": ids, "extra": extra})


def insert_scores(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_INSERT_SCORES, rows)


@dataclass(frozen=True)
class ArticleQuery:
    limit: int = 50
    watch_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_escalation: float | None = None
    signal: str | None = None
    text: str | None = None
    before: tuple[datetime, int] | None = None  # keyset cursor: (published_at, id)


SIGNAL_PRESENT = 0.5


def search(session: Session, q: ArticleQuery) -> Sequence[tuple[Article, ArticleScore | None]]:
    """Newest first, each with its newest score; keyset pagination on (published_at, id)."""
    later = aliased(ArticleScore)
    newest = (
        select(func.max(later.id))
        .where(col(later.article_id) == col(Article.id))
        .correlate(Article)
        .scalar_subquery()
    )
    query = select(Article, ArticleScore).join(
        ArticleScore, col(ArticleScore.id) == newest, isouter=True
    )
    if q.watch_id is not None:
        query = query.join(Attribution, col(Attribution.article_id) == col(Article.id)).where(
            Attribution.watch_id == q.watch_id
        )
    if q.since is not None:
        query = query.where(col(Article.published_at) >= q.since)
    if q.until is not None:
        query = query.where(col(Article.published_at) < q.until)
    if q.min_escalation is not None:
        query = query.where(col(ArticleScore.escalation) >= q.min_escalation)
    if q.signal is not None:
        query = query.where(col(ArticleScore.signals)[q.signal].as_float() >= SIGNAL_PRESENT)
    if q.text:
        pattern = "%" + q.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                col(Article.title).ilike(pattern, escape="\\"),
                col(Article.summary).ilike(pattern, escape="\\"),
            )
        )
    if q.before is not None:
        at, article_id = q.before
        query = query.where(
            or_(
                col(Article.published_at) < at,
                and_(col(Article.published_at) == at, col(Article.id) < article_id),
            )
        )
    query = query.order_by(col(Article.published_at).desc(), col(Article.id).desc())
    return session.exec(query.limit(q.limit)).all()
