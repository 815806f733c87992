"""The poll use case: claim due feeds, fetch them concurrently, parse, ingest, reschedule.

Fetch and parse run outside any transaction; each feed's result is written in one short
transaction of its own, so a slow or broken feed never holds a lock or affects another feed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from classifiers.scoring import Scorer
from feeds.fetch import FetchError, FetchResult, fetch_feed, make_client
from feeds.normalise import storable_text
from feeds.parse import FeedParseError, ParsedFeed, parse_feed
from feeds.schedule import Hints, next_check_after_failure, next_check_after_success
from service import telemetry
from service.clock import utcnow
from service.config import Settings
from service.db import is_transient, lease_owner, session_scope
from service.models import Feed
from service.ops.ingest import ingest_entries
from service.store import feeds as feed_store

log = logging.getLogger(__name__)

# Failures that say nothing about the feed when every host shows them at once.
NETWORK_KINDS = frozenset({"timeout", "connect", "dns"})
# The kind of an exception nobody expected while polling one feed (a value our code did not
# foresee, or a database refusing a row): that feed fails, with the traceback in the log, and
# the rest of the batch carries on.
UNEXPECTED_KIND = "internal"
MAX_MESSAGE_CHARS = 1000  # feeds.last_error and feeds.last_warning

ANSWERED = frozenset({"new", "unchanged", "not_modified"})


@dataclass(frozen=True)
class ClaimedFeed:
    id: int
    url: str
    etag: str | None
    last_modified: str | None
    check_interval_s: float | None


@dataclass(frozen=True)
class Failure:
    """Why a feed failed this time: a fetch error, or bytes that are not a usable feed."""

    kind: str
    message: str
    status: int | None
    retry_after_s: float | None

    @classmethod
    def of(cls, error: FetchError) -> Failure:
        return cls(error.kind, error.message, error.status, error.retry_after_s)


@dataclass(frozen=True)
class FeedOutcome:
    feed_id: int
    url: str
    result: str  # new | unchanged | not_modified | error | offline
    new_articles: int = 0
    message: str = ""


@dataclass
class PollReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    offline: bool = False
    duration_s: float = 0.0

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def new_articles(self) -> int:
        return sum(o.new_articles for o in self.outcomes)


def poll_once(
    engine: Engine,
    *,
    settings: Settings,
    scorer: Scorer | None,
    now: Callable[[], datetime] = utcnow,
    rng: random.Random | None = None,
    ignore_schedule: bool = False,
    owner: str | None = None,
) -> PollReport:
    """Polls every due feed (or, with `ignore_schedule`, up to a batch of enabled feeds) once.

    Feeds are claimed a batch (`poll_batch_size`) at a time so memory stays bounded; while
    batches come back full, more feeds are due and the next batch follows at once, until one
    poll interval would be spent (then the next scheduled run takes over). Waiting for the next
    run instead capped a worker at one batch per interval: 17 feeds/s at the defaults, half of
    what 10,000 feeds at the 300 s minimum interval need."""
    owner = owner or lease_owner()
    started = now()
    report = PollReport()

    def elapsed(since: datetime) -> float:
        return (now() - since).total_seconds()

    while True:
        batch_started = now()
        with session_scope(engine) as session:
            claimed = [
                ClaimedFeed(f.id or 0, f.url, f.etag, f.last_modified, f.check_interval_s)
                for f in feed_store.claim_due(
                    session,
                    owner=owner,
                    now=now(),
                    lease_s=settings.lease_s,
                    limit=settings.poll_batch_size,
                    ignore_schedule=ignore_schedule,
                )
            ]
        if claimed:
            poller = _Poller(engine, settings, scorer, now, rng or random.Random(), owner)
            batch = asyncio.run(poller.run(claimed))
            report.outcomes.extend(batch.outcomes)
            report.offline = report.offline or batch.offline
        # Feeds polled in this run are scheduled ahead, so the next claim finds other feeds;
        # with `ignore_schedule` it would find the same ones again. Offline: stop trying.
        # Another batch only if it should end within the interval, judging by the last one:
        # a run overlapping the next tick would have that tick skipped and recorded as a miss.
        full = len(claimed) == settings.poll_batch_size and not report.offline
        last_batch_s = elapsed(batch_started)
        if ignore_schedule or not full or elapsed(started) + last_batch_s >= settings.poll_every_s:
            break
    report.duration_s = elapsed(started)
    telemetry.record_poll((o.result for o in report.outcomes), new_articles=report.new_articles)
    return report


class _Poller:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        scorer: Scorer | None,
        now: Callable[[], datetime],
        rng: random.Random,
        owner: str,
    ) -> None:
        self.engine, self.settings, self.scorer = engine, settings, scorer
        self.now, self.rng, self.owner = now, rng, owner
        self.report = PollReport()
        self.deferred: list[tuple[ClaimedFeed, FetchError]] = []

    async def run(self, claimed: list[ClaimedFeed]) -> PollReport:
        s = self.settings
        # One writer thread: database work stays serial (no SQLite lock contention) while the
        # event loop keeps fetching. A feed holds its slot until written, bounding memory.
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ceasewatch-ingest")
        slots = asyncio.Semaphore(s.fetch_concurrency)
        per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(s.per_host_concurrency)
        )
        loop = asyncio.get_running_loop()
        client = make_client(
            user_agent=s.user_agent,
            connect_timeout_s=s.connect_timeout_s,
            read_timeout_s=s.read_timeout_s,
            max_connections=s.fetch_concurrency,
        )

        async def one(feed: ClaimedFeed) -> None:
            async with slots:
                try:
                    async with per_host[_host(feed.url)]:
                        result = await self._fetch(client, feed)
                except Exception as exc:  # one feed's surprise must not end the batch
                    outcome = await loop.run_in_executor(
                        writer, self._record_unexpected, feed, "fetching", exc
                    )
                else:
                    if isinstance(result, FetchError) and result.kind in NETWORK_KINDS:
                        self.deferred.append((feed, result))
                        return
                    outcome = await loop.run_in_executor(writer, self._process, feed, result)
                self.report.outcomes.append(outcome)

        renewing = asyncio.create_task(self._keep_leases())
        try:
            async with client:
                await asyncio.gather(*(one(f) for f in claimed))
            # Offline: nobody answered at all and the silence spans several hosts. Then the
            # failures are ours, not the feeds', and nobody's backoff grows.
            hosts = {_host(f.url) for f, _ in self.deferred}
            self.report.offline = not self.report.outcomes and len(hosts) >= 2
            for feed, error in self.deferred:
                outcome = await loop.run_in_executor(
                    writer, self._record_failure_safely, feed, Failure.of(error)
                )
                self.report.outcomes.append(outcome)
        finally:
            renewing.cancel()
            writer.shutdown(wait=True)
        return self.report

    async def _keep_leases(self) -> None:
        """Renews the leases of the feeds not written yet, every third of a lease.

        A batch can take longer than one lease (a slow database, a busy machine: its results
        are written one feed at a time); without renewal another worker would claim and poll
        the rest again. Only a dead worker stops renewing, and then its feeds are free once
        a lease has passed. Renewal runs on a thread of its own, not behind the writes.
        """
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.settings.lease_s / 3)
            try:
                await loop.run_in_executor(None, self._renew_leases)
            except Exception:  # the database is away: the writes fail too; keep trying
                log.warning("could not renew feed leases", exc_info=True)

    def _renew_leases(self) -> None:
        until = self.now() + timedelta(seconds=self.settings.lease_s)
        with session_scope(self.engine) as session:
            feed_store.renew_leases(session, owner=self.owner, until=until)

    async def _fetch(self, client: object, feed: ClaimedFeed) -> FetchResult | FetchError:
        s = self.settings
        try:
            return await fetch_feed(
                client,  # type: ignore[arg-type]
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                max_bytes=s.max_body_bytes,
                max_redirects=s.max_redirects,
                allow_private=s.allow_private_targets,
                total_timeout_s=s.fetch_deadline_s,
            )
        except FetchError as exc:
            return exc

    def _process(self, feed: ClaimedFeed, result: FetchResult | FetchError) -> FeedOutcome:
        if isinstance(result, FetchError):
            return self._record_failure_safely(feed, Failure.of(result))
        now = self.now()
        if result.status == 304:
            return self._store(feed, result, None, now)
        try:
            parsed = parse_feed(
                result.body, content_type=result.content_type, url=result.url, fetched_at=now
            )
        except FeedParseError as exc:
            return self._record_failure_safely(
                feed, Failure("parse", str(exc), result.status, None)
            )
        except Exception as exc:
            return self._record_unexpected(feed, "parsing", exc)
        return self._store(feed, result, parsed, now)

    def _store(
        self, feed: ClaimedFeed, result: FetchResult, parsed: ParsedFeed | None, now: datetime
    ) -> FeedOutcome:
        try:
            try:
                return self._record_success(feed, result, parsed, now)
            except (IntegrityError, OperationalError) as exc:
                # Another worker stored one of these stories between our read and our write
                # (a second pass sees its rows and only adds what is still missing), or
                # PostgreSQL made this transaction a deadlock's victim (workers attributing
                # stories to the same watches). Either way it was rolled back; once more.
                if isinstance(exc, OperationalError) and not is_transient(exc):
                    raise
                return self._record_success(feed, result, parsed, now)
        except Exception as exc:  # rolled back; the feed is marked failing instead
            return self._record_unexpected(feed, "storing", exc)

    def _record_unexpected(self, feed: ClaimedFeed, stage: str, exc: Exception) -> FeedOutcome:
        """Marks the feed failing after an exception nobody expected (UNEXPECTED_KIND): the
        traceback goes to the log, a one-line summary to the feed's last_error."""
        log.error(
            "feed %s (%s): unexpected error while %s", feed.id, feed.url, stage, exc_info=exc
        )
        # Database errors carry the statement and its parameters after the first line.
        first_line = (str(exc).strip().splitlines() or [""])[0][:300]
        message = (
            f"unexpected error while {stage} this feed ({type(exc).__name__}: {first_line}); "
            "the details are in the server log"
        )
        return self._record_failure_safely(feed, Failure(UNEXPECTED_KIND, message, None, None))

    def _record_failure_safely(self, feed: ClaimedFeed, error: Failure) -> FeedOutcome:
        """_record_failure, but a failure to record (the database went away) is logged and
        reported rather than raised: the other feeds' results still count. The lease then
        lapses on its own."""
        try:
            return self._record_failure(feed, error)
        except Exception:
            log.exception("feed %s (%s): could not record its failure", feed.id, feed.url)
            message = f"{error.kind}: {error.message} (not recorded: the database refused)"
            return FeedOutcome(feed.id, feed.url, "error", message=message)

    def _record_success(
        self, feed: ClaimedFeed, result: FetchResult, parsed: ParsedFeed | None, now: datetime
    ) -> FeedOutcome:
        s = self.settings
        with session_scope(self.engine) as session:
            row = session.get(Feed, feed.id)
            if row is None:  # deleted while we fetched
                return FeedOutcome(feed.id, feed.url, "error", message="feed was deleted")
            new = []
            if parsed is not None:
                new = ingest_entries(
                    session,
                    feed_id=feed.id,
                    feed_url=feed.url,
                    entries=parsed.entries,
                    scorer=self.scorer,
                    now=now,
                )
                row.etag, row.last_modified = result.etag, result.last_modified
                row.title = row.title or parsed.title
                row.site_url = row.site_url or parsed.link
                row.last_warning = storable_text(parsed.warning or "", MAX_MESSAGE_CHARS) or None
                row.entries_seen = len(parsed.entries)
            hints = Hints(
                ttl_minutes=parsed.ttl_minutes if parsed else None,
                cache_control=result.cache_control,
                expires=result.expires,
            )
            next_at = next_check_after_success(
                now=now,
                hints=hints,
                entry_times=[e.published for e in parsed.entries] if parsed else [],
                min_interval_s=s.min_interval_s,
                max_interval_s=s.max_interval_s,
                default_interval_s=feed.check_interval_s or s.default_interval_s,
                rng=self.rng,
            )
            row.check_interval_s = (next_at - now).total_seconds()
            row.next_check_at = next_at
            row.last_checked_at = row.last_success_at = now
            row.last_status = result.status
            row.consecutive_failures = 0
            row.last_error = row.last_error_kind = None
            self._release(row)
        if parsed is None:
            return FeedOutcome(feed.id, feed.url, "not_modified", message="304 not modified")
        kind = "new" if new else "unchanged"
        return FeedOutcome(
            feed.id, feed.url, kind, len(new), f"{len(parsed.entries)} entries, {len(new)} new"
        )

    def _record_failure(self, feed: ClaimedFeed, error: Failure) -> FeedOutcome:
        s = self.settings
        telemetry.record_fetch_error(error.kind)
        now = self.now()
        with session_scope(self.engine) as session:
            row = session.get(Feed, feed.id)
            if row is None:
                return FeedOutcome(feed.id, feed.url, "error", message="feed was deleted")
            row.last_checked_at = now
            if self.report.offline:
                row.next_check_at = now + timedelta(seconds=s.backoff_base_s)
                message = f"every host failed at once (offline?): {error.message}"
                row.last_error = storable_text(message, MAX_MESSAGE_CHARS)
                self._release(row)
                return FeedOutcome(feed.id, feed.url, "offline", message=message)
            row.consecutive_failures += 1
            row.next_check_at = next_check_after_failure(
                now=now,
                consecutive_failures=row.consecutive_failures,
                retry_after_s=error.retry_after_s,
                base_s=s.backoff_base_s,
                cap_s=s.backoff_cap_s,
                rng=self.rng,
            )
            row.last_status = error.status
            row.last_error = storable_text(error.message, MAX_MESSAGE_CHARS)
            row.last_error_kind = error.kind
            self._release(row)
        return FeedOutcome(feed.id, feed.url, "error", message=f"{error.kind}: {error.message}")

    def _release(self, row: Feed) -> None:
        # Only the lease holder releases: after a lease expired, another worker owns the feed.
        if row.lease_owner == self.owner:
            feed_store.release(row)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # a URL stored before validation got stricter; fetching will say why
        return ""
