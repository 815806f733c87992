"""Several processes, one PostgreSQL: two `serve --role api` and three `serve --role worker`
processes share a private PostgreSQL cluster, 500 loopback feeds and a webhook receiver.

Every feed is fetched once per cycle (the feed server counts requests per feed), every alert
event reaches each subscription (the receiver counts `webhook-id`s), and the API answers
throughout. Then a worker is killed with SIGKILL in the middle of a poll and another in the
middle of a delivery, and PostgreSQL is stopped and started under load: the processes recover
by themselves and nothing is lost.

A cycle is started by the test: feeds are rescheduled an hour ahead after each poll
(MIN_INTERVAL_S = MAX_INTERVAL_S = 3600), and the test makes all of them due at once.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.test_alert_lifecycle import CLASHES, OPEN_WAR
from tests.support.bulk_feed_server import BulkFeedServer
from tests.support.deployment import Deployment, Probe, pid_of, wait
from tests.support.pg_cluster import PrivateCluster
from tests.support.webhook_receiver import Behaviour, WebhookReceiver

# Minutes on a busy 2-core machine; about two on an idle one.
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]

FEEDS = 500
ADMIN = "scale-out-admin-key-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
SETTINGS = {
    "CEASEWATCH_ADMIN_KEY": ADMIN,
    "CEASEWATCH_ALLOW_PRIVATE_TARGETS": "true",
    "CEASEWATCH_INSTALL_DEFAULT_FEEDS": "false",
    # Feeds are rescheduled an hour ahead after each poll: the test says when a cycle starts.
    "CEASEWATCH_MIN_INTERVAL_S": "3600",
    "CEASEWATCH_MAX_INTERVAL_S": "3600",
    "CEASEWATCH_POLL_EVERY_S": "0.5",
    "CEASEWATCH_POLL_BATCH_SIZE": "40",  # so that every worker gets a share of a cycle
    "CEASEWATCH_FETCH_CONCURRENCY": "40",
    "CEASEWATCH_PER_HOST_CONCURRENCY": "40",  # every feed is on one loopback host
    "CEASEWATCH_CONNECT_TIMEOUT_S": "3",
    "CEASEWATCH_EVALUATE_EVERY_S": "2",
    "CEASEWATCH_DELIVER_EVERY_S": "0.5",
    # Leases short enough that a killed worker's work is taken over within seconds, and
    # longer than one fetch or send (their deadlines); live workers renew theirs.
    "CEASEWATCH_LEASE_S": "10",
    "CEASEWATCH_FETCH_DEADLINE_S": "4",
    "CEASEWATCH_DELIVERY_LEASE_S": "8",
    "CEASEWATCH_DELIVERY_TIMEOUT_S": "4",
}
Story = tuple[str, str, str]  # title, description, outlet host

# Strike stories per watch, each carried by two outlets (corroboration) in two feeds.
FIRST_STORIES: dict[int, list[Story]] = {
    0: [(t, d, "www.dawn.com") for t, d in CLASHES + OPEN_WAR],
    1: [(t, d, "tolonews.com") for t, d in OPEN_WAR],
    2: [
        ("Israeli airstrikes pound Gaza as Hamas fires rockets at Tel Aviv",
         "The IDF said jets struck Hamas targets in Khan Younis and Rafah, killing dozens.",
         "www.aljazeera.com"),
        ("Hamas fighters clash with Israeli troops in Gaza City",
         "Heavy fighting between the Qassam Brigades and the Israeli army left many dead.",
         "www.aljazeera.com"),
    ],
    3: [("Israeli airstrikes pound Gaza as Hamas fires rockets at Tel Aviv",
         "The IDF said jets struck Hamas targets in Khan Younis and Rafah, killing dozens.",
         "www.timesofisrael.com")],
    4: [("Russian missiles strike Kyiv and Kharkiv, killing 14",
         "Russian forces launched a wave of missile and drone strikes on Ukrainian cities.",
         "kyivindependent.com")],
    5: [("Russian missiles strike Kyiv and Kharkiv, killing 14",
         "Russian forces launched a wave of missile and drone strikes on Ukrainian cities.",
         "www.reuters.com")],
}
INDIA_PAKISTAN: list[Story] = [
    ("Indian and Pakistani troops exchange heavy fire across the Line of Control",
     "The Indian Army said Pakistan Army posts shelled villages in Kashmir, killing five "
     "civilians; Islamabad accused New Delhi of violating the ceasefire.", "indianexpress.com"),
]
THAILAND_CAMBODIA: list[Story] = [
    ("Thai and Cambodian troops clash on the border, artillery fire kills 12",
     "The Royal Thai Army said the Cambodian army fired rockets at villages; Thailand launched "
     "airstrikes in response, Phnom Penh said.", "www.bangkokpost.com"),
]


def second_outlet(stories: list[Story], outlet: str) -> list[Story]:
    return [(t, d, outlet) for t, d, _ in stories]


@pytest.fixture
def system(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Deployment]:
    with (
        PrivateCluster.create() as cluster,
        BulkFeedServer(FEEDS) as feeds,
        WebhookReceiver("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY") as rx,
    ):
        world = Deployment(cluster, feeds, rx, tmp_path, {
            **SETTINGS, "CEASEWATCH_MODEL_DIR": str(tmp_path / "models")})
        failed = request.session.testsfailed
        try:
            yield world
        finally:
            if request.session.testsfailed > failed:  # the test's report is in by now
                print(world.logs())
            world.stop_all()


def test_two_apis_and_three_workers_share_one_postgres(system: Deployment) -> None:
    t0 = time.monotonic()
    feeds, rx = system.feeds, system.rx
    for n, stories in FIRST_STORIES.items():
        feeds.add_stories(n, stories)

    # Five processes starting at once on an empty database: one migrates, the others wait.
    apis = [system.start("api") for _ in range(2)]
    workers = [system.start("worker") for _ in range(3)]
    system.wait_ready(apis + workers)
    started = time.monotonic() - t0
    api = apis[0].base
    paths: dict[int, str] = {}
    for path in ("/a", "/b"):
        sub = httpx.post(f"{api}/api/v1/subscriptions", headers=AUTH,
                         json={"url": rx.url(path)}).json()
        rx.use_secret(path, sub["secret"])
        paths[sub["id"]] = path
    for slug in ("israel-hamas", "russia-ukraine", "india-pakistan", "thailand-cambodia"):
        answer = httpx.post(f"{apis[1].base}/api/v1/watches/presets/{slug}", headers=AUTH)
        assert answer.status_code == 200, answer.text

    probe = Probe([p.base for p in apis], AUTH)
    probing = threading.Thread(target=probe.run, daemon=True)
    probing.start()
    try:
        # -- cycle 1: 500 new feeds, new articles, alerts and their webhooks ----------------
        outlines = "".join(f'<outline type="rss" text="f{n}" xmlUrl="{feeds.url(n)}"/>'
                           for n in range(FEEDS))
        opml = f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'
        cycle_started = time.monotonic()
        answer = httpx.post(f"{api}/api/v1/feeds/import", headers=AUTH, content=opml,
                            timeout=60)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["added"]) == FEEDS
        per_feed = system.finish_cycle({})
        first_cycle = time.monotonic() - cycle_started
        assert set(per_feed.values()) == {1}, {n: c for n, c in per_feed.items() if c != 1}
        events = system.wait_delivered(paths)
        assert len(events) >= 3  # three watches at least went to warning or beyond
        assert system.unrecorded_sends(paths) == {}  # every request was one recorded attempt
        retried = sum(rx.count(e) - 2 for e in events)  # after a timeout on a busy machine
        [(articles,)] = system.sql("SELECT count(*) FROM articles")
        assert articles >= FEEDS * 3
        lease_holders = {o for (o,) in system.sql(
            "SELECT DISTINCT lease_owner FROM deliveries WHERE lease_owner IS NOT NULL")}
        assert lease_holders == set()

        # -- cycle 2: nothing new, every feed answers 304 -----------------------------------
        cycle_started = time.monotonic()
        per_feed = system.finish_cycle(system.start_cycle())
        second_cycle = time.monotonic() - cycle_started
        assert set(per_feed.values()) == {1}, {n: c for n, c in per_feed.items() if c != 1}
        assert probe.failures() == []

        # -- a worker killed in the middle of a poll ----------------------------------------
        slow_feed = 250
        feeds.slow({slow_feed: 3.0})
        before = system.start_cycle()
        wait(lambda: slow_feed in feeds.in_flight(), 90, "the slow feed in flight")
        [(owner,)] = system.sql("SELECT lease_owner FROM feeds WHERE url = %(u)s",
                                {"u": feeds.url(slow_feed)})
        victim = next(p for p in workers if p.proc.pid == pid_of(owner))
        held = {system.feed_number(u) for (u,) in system.sql(
            "SELECT url FROM feeds WHERE lease_owner = %(o)s", {"o": owner})}
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(timeout=10)
        killed_at = time.monotonic()
        feeds.slow({})
        per_feed = system.finish_cycle(before)
        recovered_poll = time.monotonic() - killed_at
        assert min(per_feed.values()) == 1 and max(per_feed.values()) == 2
        assert {n for n, c in per_feed.items() if c == 2} <= held
        assert per_feed[slow_feed] == 2  # the dead worker's fetch, then a survivor's
        assert system.leases_of("feeds", victim.proc.pid) == []
        workers.remove(victim)
        workers.append(system.start("worker"))  # a supervisor would; recovery did not wait

        # -- a worker killed in the middle of a delivery ------------------------------------
        seen = {d.webhook_id for d in rx.deliveries("/b")}
        rx.answer("/b", Behaviour(delay_s=3.0))
        feeds.add_stories(10, INDIA_PAKISTAN)
        feeds.add_stories(11, second_outlet(INDIA_PAKISTAN, "www.geo.tv"))
        before = system.start_cycle()
        wait(lambda: any(d.webhook_id not in seen for d in rx.deliveries("/b")), 90,
             "a new delivery in flight to the slow receiver")
        in_flight = next(d.webhook_id for d in rx.deliveries("/b") if d.webhook_id not in seen)
        [(owner,)] = system.sql(
            "SELECT d.lease_owner FROM deliveries d JOIN outbox_events o ON o.id = d.event_id "
            "WHERE o.event_id = %(e)s AND d.subscription_id = %(s)s",
            {"e": in_flight, "s": next(s for s, p in paths.items() if p == "/b")})
        victim = next(p for p in workers if p.proc.pid == pid_of(owner))
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(timeout=10)
        killed_at = time.monotonic()
        # What the dead worker held (its leases outlive it until they expire): the only sends
        # that may go unrecorded. Besides the slow one it may have sent others it had not
        # recorded yet (results are written in batches), e.g. the same event to "/a".
        held_by_victim = {(paths[s], e) for s, e in system.sql(
            "SELECT d.subscription_id, o.event_id FROM deliveries d JOIN outbox_events o "
            "ON o.id = d.event_id WHERE d.lease_owner = %(o)s", {"o": owner})}
        rx.answer("/b", Behaviour())
        system.finish_cycle(before)
        events = system.wait_delivered(paths)
        recovered_delivery = time.monotonic() - killed_at
        sent = [d for d in rx.deliveries("/b") if d.webhook_id == in_flight]
        assert len(sent) >= 2  # the lease expired and a survivor sent it again
        # Only the dead worker's sends went unrecorded, each once: no live worker sent twice.
        unrecorded = system.unrecorded_sends(paths)
        assert unrecorded.get(("/b", in_flight)) == 1
        assert set(unrecorded) <= held_by_victim and set(unrecorded.values()) == {1}, unrecorded
        assert system.leases_of("deliveries", victim.proc.pid) == []
        workers.remove(victim)
        workers.append(system.start("worker"))
        system.wait_ready(workers)
        assert probe.failures() == []

        # -- PostgreSQL stopped and started under load --------------------------------------
        jobs_before = {j["name"]: j for j in httpx.get(f"{api}/api/v1/jobs", headers=AUTH).json()}
        feeds.add_stories(20, THAILAND_CAMBODIA)
        feeds.add_stories(21, second_outlet(THAILAND_CAMBODIA, "www.khmertimeskh.com"))
        feeds.slow({n: 2.0 for n in range(300, 340)})  # polls in flight when the server goes
        before = system.start_cycle()
        wait(lambda: len(feeds.in_flight()) >= 5, 90, "polls in flight")
        down_at = time.monotonic()
        system.cluster.restart(down_for_s=3)
        up_at = time.monotonic()
        feeds.slow({})

        def api_ready() -> bool:
            return all(httpx.get(f"{p.base}/readyz", timeout=5).status_code == 200
                       for p in apis)

        wait(api_ready, 60, "the API ready again")
        ready_at = time.monotonic()
        per_feed = system.finish_cycle(before)
        events = system.wait_delivered(paths)
        recovered_restart = time.monotonic() - up_at
        assert min(per_feed.values()) >= 1 and max(per_feed.values()) <= 2
        assert all(p.alive() for p in apis + workers), system.logs()

        def jobs_recovered() -> bool:
            jobs = {j["name"]: j for j in httpx.get(f"{api}/api/v1/jobs", headers=AUTH).json()}
            return all(
                jobs[name]["failures"] > jobs_before[name]["failures"]  # the outage is on record
                and jobs[name]["consecutive_failures"] == 0  # and the job works again
                for name in ("poll", "deliver_webhooks")
            )

        wait(jobs_recovered, 60, "job failures recorded, then successes")
        # Only while PostgreSQL was away, and even then every process answered: "not ready"
        # (503) from /readyz, an error from the routes that need the database.
        outage = probe.failures(since=down_at - 0.5, until=ready_at + 2)
        assert probe.failures() == outage, probe.failures()
        assert all(o.startswith("5") for _, _, o in outage), outage
        assert all(o == "503" for _, url, o in outage if url.endswith("/readyz")), outage
        assert any(url.endswith("/readyz") for _, url, _ in outage)  # the probe saw the outage
        slugs = {s for (s,) in system.sql(
            "SELECT w.slug FROM outbox_events o JOIN watches w ON w.id = o.watch_id")}
        assert {"india-pakistan", "thailand-cambodia"} <= slugs
    finally:
        probe.stop.set()
        probing.join(timeout=15)
    print(
        f"\nstart {started:.1f} s; cycle 1 (500 new feeds) {first_cycle:.1f} s, cycle 2 (304s) "
        f"{second_cycle:.1f} s; worker killed mid-poll: cycle done {recovered_poll:.1f} s "
        f"later; mid-delivery: delivered {recovered_delivery:.1f} s later; PostgreSQL down "
        f"{up_at - down_at:.1f} s, API ready {ready_at - up_at:.1f} s and everything done "
        f"{recovered_restart:.1f} s after it came back; {len(events)} events "
        f"({retried} retried after a timeout in cycle 1); "
        f"{len(probe.results)} status probes, {len(outage)} failed during the outage; "
        f"total {time.monotonic() - t0:.1f} s"
    )
