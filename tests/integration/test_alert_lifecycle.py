"""A scripted sequence of real-looking articles drives a watch through calm, warning,
critical (only once corroborated), silence, inhibition, reminder and resolution, through the
same ingest path as live polling, with the real model, on both databases. The engine is thrown
away between steps: a restart in the middle loses no state."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from classifiers.artifacts import default_model_path
from feeds.normalise import content_hash
from feeds.parse import Entry
from service.db import make_engine, session_scope
from service.models import Alert, Attribution, Delivery, OutboxEvent, Silence, Subscription, Watch
from service.ops.alerts import Evaluation, evaluate_watches
from service.ops.ingest import ingest_entries
from service.ops.models import load_verified
from service.ops.watches import (
    delete_watch,
    disable_watch,
    enable_preset,
    reattribute,
    update_watch,
)
from service.store import feeds as feed_store

T0 = datetime(2026, 2, 26, 8, 0, tzinfo=UTC)
CALM = [
    (
        "Pakistan and Afghanistan hold fresh talks in Doha as ceasefire holds",
        "Delegations met under Qatari and Turkish mediation to consolidate the truce.",
    ),
]
CLASHES = [
    (
        "Afghan forces attack Pakistani border posts, heavy clashes in Kurram",
        "Pakistani and Afghan Taliban troops exchanged fire along the border overnight.",
    ),
    (
        "Pakistani airstrikes hit Kabul, Kandahar and Paktia",
        "Jets struck targets in three Afghan provinces, killing at least 12 people, Taliban "
        "officials said.",
    ),
]
OPEN_WAR = [
    (
        "Pakistan's defence minister declares 'open war' on Afghanistan's Taliban government",
        "Khawaja Asif said it was now open war after the Afghan cross-border attack on Pakistani "
        "posts.",
    ),
]


class World:
    """The database behind a fresh engine at every step, as after a restart."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.scorer = load_verified(default_model_path(), _sha(default_model_path()))
        with self.session() as session:
            for outlet in ("dawn.example", "tolonews.example", "aljazeera.example"):
                feed_store.add(session, url=f"https://{outlet}/rss", title=outlet, now=T0)
            enable_preset(session, "pakistan-afghanistan", now=T0)
            update_watch(
                session,
                "pakistan-afghanistan",
                {
                    "warning_enter": 35,
                    "warning_exit": 25,
                    "critical_enter": 60,
                    "critical_exit": 45,
                    "keep_firing_s": 3600,
                    "reminder_s": 4 * 3600,
                    "min_sources_critical": 2,
                    "half_life_h": 12,
                },
                now=T0,
            )

    def session(self):  # type: ignore[no-untyped-def]
        engine = make_engine(self.url)
        return _Disposing(engine)

    def publish(self, outlet: int, stories: list[tuple[str, str]], at: datetime) -> None:
        feed_url = [
            "https://dawn.example/rss",
            "https://tolonews.example/rss",
            "https://aljazeera.example/rss",
        ][outlet]
        host = feed_url.split("/")[2]
        entries = [
            Entry(
                guid=f"{host}/{title}",
                title=title,
                summary=summary,
                link=f"https://{host}/news/{abs(hash(title)) % 10**8}",
                published=at,
                language="en",
                content_hash=content_hash(title, summary),
            )
            for title, summary in stories
        ]
        with self.session() as session:
            ingest_entries(
                session,
                feed_id=outlet + 1,
                feed_url=feed_url,
                entries=entries,
                scorer=self.scorer,
                now=at,
            )

    def evaluate(self, at: datetime) -> Evaluation:
        with self.session() as session:
            watch = session.exec(select(Watch)).one()
            return evaluate_watches(session, [watch.id or 0], now=at)[0]

    def events(self) -> list[OutboxEvent]:
        with self.session() as session:
            return list(session.exec(select(OutboxEvent).order_by(OutboxEvent.id)).all())


class _Disposing:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.scope = session_scope(engine)

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self.scope.__enter__()

    def __exit__(self, *exc: object) -> None:
        try:
            self.scope.__exit__(*exc)  # type: ignore[arg-type]
        finally:
            self.engine.dispose()


def _sha(path) -> str:  # type: ignore[no-untyped-def]
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_episode_from_calm_to_resolution(engine: Engine, database_url: str) -> None:
    world = World(database_url)

    world.publish(0, CALM, T0)
    calm = world.evaluate(T0 + timedelta(minutes=5))
    assert calm.level is None and calm.alert_id is None and world.events() == []

    # One outlet reports clashes and airstrikes: a warning, not yet critical.
    world.publish(0, CLASHES, T0 + timedelta(hours=1))
    warning = world.evaluate(T0 + timedelta(hours=1, minutes=1))
    assert warning.alert_state == "firing", warning
    assert [e.type for e in world.events()] == ["alert.firing"]
    assert world.events()[0].level == "warning"

    # More from the same outlet pushes the index past critical, but one outlet is one source.
    world.publish(0, OPEN_WAR, T0 + timedelta(hours=1, minutes=10))
    single = world.evaluate(T0 + timedelta(hours=1, minutes=11))
    assert single.index >= 60, single
    assert single.corroborating_outlets == 1 and single.level == "warning"
    assert [e.type for e in world.events()] == ["alert.firing"]

    # A second outlet carries the story: corroborated, the same alert escalates.
    world.publish(
        1,
        OPEN_WAR[:1] and [(OPEN_WAR[0][0] + " - TOLOnews", OPEN_WAR[0][1])],
        T0 + timedelta(hours=1, minutes=20),
    )
    events = world.events()
    assert [e.type for e in events] == ["alert.firing", "alert.escalated"]
    assert events[1].level == "critical" and events[1].alert_id == events[0].alert_id
    payload = events[1].payload["data"]["alert"]
    assert payload["status"] == "firing" and payload["level"] == "critical"
    assert "airstrikes" in payload["rationale"] and "Afghanistan" in payload["rationale"]
    assert {"title", "link", "outlets", "published_at", "signals", "explanation"} <= set(
        payload["evidence"][0]
    )
    assert len({o for item in payload["evidence"] for o in item["outlets"]}) >= 2

    # Silence critical notifications for six hours: no reminder while silenced.
    with world.session() as session:
        watch = session.exec(select(Watch)).one()
        session.add(
            Silence(
                watch_id=watch.id,
                level="critical",
                starts_at=T0 + timedelta(hours=2),
                ends_at=T0 + timedelta(hours=8),
                comment="known, handled",
                created_at=T0 + timedelta(hours=2),
            )
        )
    for hour in (3, 6, 7):
        world.evaluate(T0 + timedelta(hours=hour))
    assert [e.type for e in world.events()] == ["alert.firing", "alert.escalated"]

    # Inhibition: the index falls into the warning band; the critical episode stays, and no
    # warning-level notification is sent for the watch.
    falling = world.evaluate(T0 + timedelta(hours=8, minutes=30))
    assert falling.alert_state == "firing"
    # After the silence, the reminder comes (last notified more than 4 hours ago).
    assert [e.type for e in world.events()][-1] == "alert.reminder"
    assert world.events()[-1].level == "critical"

    # Days later the index is calm; after keep_firing_s below the exit threshold, resolved.
    first_below = world.evaluate(T0 + timedelta(days=3))
    assert first_below.level is None and first_below.alert_state == "firing"
    resolved = world.evaluate(T0 + timedelta(days=3, hours=1, minutes=1))
    assert resolved.alert_state == "resolved"
    types = [e.type for e in world.events()]
    assert types[-1] == "alert.resolved" and types.count("alert.firing") == 1
    with world.session() as session:
        alert = session.exec(select(Alert)).one()  # one episode, one alert row
        assert alert.resolved_at == T0 + timedelta(days=3, hours=1, minutes=1)
        assert alert.started_at == T0 + timedelta(hours=1, minutes=1) or alert.started_at == (
            T0 + timedelta(hours=1)
        )
        assert alert.peak_index >= 60 and alert.level == "critical"

    # A new evaluation after resolution opens nothing: the episode is over.
    assert world.evaluate(T0 + timedelta(days=4)).alert_id is None


def test_a_further_outlet_escalates_in_the_poll_that_brings_it(
    engine: Engine, database_url: str
) -> None:
    """The second outlet carries the very same story: it is merged into the stored one (no new
    article), and that poll's transaction must still escalate, not the next scheduled
    evaluation."""
    world = World(database_url)
    world.publish(0, CLASHES + OPEN_WAR, T0)
    assert [e.type for e in world.events()] == ["alert.firing"]
    assert world.events()[0].level == "warning"

    world.publish(1, OPEN_WAR, T0 + timedelta(minutes=10))

    events = world.events()
    assert [e.type for e in events] == ["alert.firing", "alert.escalated"]
    assert events[1].level == "critical"
    with world.session() as session:
        alert = session.exec(select(Alert)).one()
        assert alert.level == "critical"


SLUG = "pakistan-afghanistan"


def _attributed(world: World) -> int:
    with world.session() as session:
        return int(session.exec(select(func.count()).select_from(Attribution)).one())


def test_a_watch_enabled_during_a_crisis_reads_the_stories_already_stored(
    engine: Engine, database_url: str
) -> None:
    world = World(database_url)
    at = T0 + timedelta(minutes=1)
    with world.session() as session:
        disable_watch(session, SLUG, now=at)
    world.publish(0, CALM + CLASHES + OPEN_WAR, T0 + timedelta(minutes=2))
    world.publish(1, OPEN_WAR, T0 + timedelta(minutes=3))
    assert _attributed(world) == 0 and world.events() == []

    with world.session() as session:
        enable_preset(session, SLUG, now=T0 + timedelta(minutes=5))
    assert _attributed(world) == 4
    # Evaluated in the enabling transaction: stored and corroborated, it fires at once.
    events = world.events()
    assert [(e.type, e.level) for e in events] == [("alert.firing", "critical")]
    assert "open war" in events[0].payload["data"]["alert"]["rationale"]
    with world.session() as session:
        watch = session.exec(select(Watch)).one()
        reattribute(session, watch, now=T0 + timedelta(minutes=6))
    assert _attributed(world) == 4  # idempotent

    # Matching changed so that no stored story concerns the watch any more: they are let go.
    with world.session() as session:
        update_watch(session, SLUG, {"include_terms": ["Durand Line"]},
                     now=T0 + timedelta(minutes=7))
    assert _attributed(world) == 0
    assert world.evaluate(T0 + timedelta(minutes=8)).index == 0


def _subscribe(world: World, at: datetime) -> int:
    with world.session() as session:
        row = Subscription(url="https://receiver.example/hook", secret="whsec_x", created_at=at)
        session.add(row)
        session.flush()
        return row.id or 0


def _resolution_receivers(world: World) -> list[int]:
    with world.session() as session:
        return list(
            session.exec(
                select(Delivery.subscription_id)
                .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)  # type: ignore[arg-type]
                .where(OutboxEvent.type == "alert.resolved")
            ).all()
        )


def test_deleting_a_watch_resolves_its_alert_for_those_who_heard_it(
    engine: Engine, database_url: str
) -> None:
    world = World(database_url)
    heard = _subscribe(world, T0)
    world.publish(0, CLASHES, T0 + timedelta(hours=1))
    assert [e.type for e in world.events()] == ["alert.firing"]
    _subscribe(world, T0 + timedelta(hours=2))  # never heard the firing

    with world.session() as session:
        delete_watch(session, SLUG, now=T0 + timedelta(hours=3))

    events = world.events()
    assert [e.type for e in events] == ["alert.firing", "alert.resolved"]
    assert events[1].payload["data"]["alert"]["status"] == "resolved"
    assert _resolution_receivers(world) == [heard]
    with world.session() as session:
        assert session.exec(select(func.count()).select_from(Alert)).one() == 0
        assert session.exec(select(func.count()).select_from(Watch)).one() == 0


def test_disabling_a_watch_resolves_its_alert(engine: Engine, database_url: str) -> None:
    world = World(database_url)
    heard = _subscribe(world, T0)
    world.publish(0, CLASHES, T0 + timedelta(hours=1))
    with world.session() as session:
        disable_watch(session, SLUG, now=T0 + timedelta(hours=2))
    assert [e.type for e in world.events()] == ["alert.firing", "alert.resolved"]
    assert _resolution_receivers(world) == [heard]
    with world.session() as session:
        alert = session.exec(select(Alert)).one()
        assert alert.state == "resolved" and alert.resolved_at is not None
