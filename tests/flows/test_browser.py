"""The dashboard in a real browser: headless Chromium (Debian's, driven by Playwright) against
`ceasewatch serve`, on a database filled with real archive stories scored by the shipped model.

A week of the 2023 archive around 7 October (2023-10-02 18:00 to 10-09 18:00 UTC, about 370
real items from 15 outlets) is moved forward in time so that it ends now, and replayed through
the live ingest and alert code every 3 simulated hours, so the Israel-Hamas watch goes critical
mid-week as it did then. The browser signs in, reads the watch cards, the SVG chart and the
alert list, then labels stories from the queue, one with a click, one with a number key and one
with JavaScript turned off, and the labels are read back from the database. Screenshots go to
$CEASEWATCH_ARTIFACTS (else pytest's tmp path; printed).

SQLite only: the HTML on both databases is covered by tests/integration/test_dashboard*.py;
this test is about what a browser does with it, and it must stay short for CI's 2 cores.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from service.clock import utcnow
from service.db import make_engine, session_scope
from service.migrate import upgrade
from service.models import Label
from service.ops import keys as key_ops
from service.ops.alerts import evaluate_watches
from service.ops.backtest import read_archive
from service.ops.ingest import ingest_entries
from service.ops.models import ActiveModel
from service.ops.watches import enable_preset
from service.store import feeds as feed_store
from tests.conftest import shared_data
from tests.flows.test_serve import CLI, free_port, wait_until

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN = "browser-admin-key-0123456789"
WATCHES = ("israel-hamas", "russia-ukraine", "pakistan-afghanistan")
WINDOW_END = datetime(2023, 10, 9, 18, tzinfo=UTC)
WINDOW = timedelta(days=7)
STEP = timedelta(hours=3)


def _browser_or_skip() -> Any:
    """Playwright's sync API, or a skip (a failure where CI requires the browser)."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        problem = problem or f"Playwright is not installed ({exc}); pip install -e '.[dev]'"
    if problem:
        if os.environ.get("CEASEWATCH_REQUIRE_BROWSER") == "1":
            pytest.fail(problem)
        pytest.skip(problem)
    return sync_playwright


def replay_recent_week(database_url: str) -> tuple[int, str]:
    """Real archive items, shifted to end now, ingested and evaluated as polls would."""
    archive = shared_data() / "archive" / "world_news_rss_items_2023.jsonl"
    if not archive.is_file():
        pytest.skip(f"no archive at {archive}")
    now = utcnow().replace(microsecond=0)
    shift = now - WINDOW_END
    items = sorted(
        (
            (i.feed_url, replace(i.entry, published=i.entry.published + shift))
            for i in read_archive(archive)
            if i is not None and WINDOW_END - WINDOW <= i.entry.published < WINDOW_END
        ),
        key=lambda pair: pair[1].published,
    )
    engine = make_engine(database_url)
    try:
        scorer = ActiveModel(engine).refresh(now=now)  # the shipped model
        assert scorer is not None
        start = now - WINDOW
        with session_scope(engine) as session:
            watch_ids = [enable_preset(session, slug, now=start).id or 0 for slug in WATCHES]
            feeds = {
                url: feed_store.add(session, url=url, title=None, now=start).id or 0
                for url in sorted({url for url, _ in items})
            }
        clock, cursor = start, 0
        while clock < now:
            clock = min(clock + STEP, now)
            batch = defaultdict(list)
            while cursor < len(items) and items[cursor][1].published < clock:
                batch[items[cursor][0]].append(items[cursor][1])
                cursor += 1
            with session_scope(engine) as session:
                for url, entries in batch.items():
                    ingest_entries(session, feed_id=feeds[url], feed_url=url, entries=entries,
                                   scorer=scorer, now=clock)
                evaluate_watches(session, watch_ids, now=clock)
        with session_scope(engine) as session:
            operator = key_ops.create_key(session, role="operator", name="browser", now=now)
        return len(items), operator
    finally:
        engine.dispose()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CEASEWATCH_ARTIFACTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """(base URL, database URL, operator key) of a serving process on the replayed data."""
    database_url = f"sqlite:///{tmp_path / 'browser.db'}"
    upgrade(database_url)
    started = time.monotonic()
    count, operator = replay_recent_week(database_url)
    print(f"\nreplayed {count} archive items in {time.monotonic() - started:.1f} s")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CEASEWATCH_")},
        "CEASEWATCH_DATABASE_URL": database_url,
        "CEASEWATCH_ADMIN_KEY": ADMIN,
        "CEASEWATCH_INSTALL_DEFAULT_FEEDS": "false",  # the default feeds are on the internet
        "CEASEWATCH_MODEL_DIR": str(tmp_path / "models"),
    }
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--role", "api"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{base}/readyz").status_code == 200, timeout_s=60)
        yield base, database_url, operator
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    assert "Traceback" not in output, output


def _labels(database_url: str) -> list[tuple[int, str | None]]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            rows = session.exec(select(Label).order_by(col(Label.id))).all()
            return [(r.article_id, r.quad) for r in rows]
    finally:
        engine.dispose()


def test_dashboard_and_labelling_in_chromium(
    server: tuple[str, str, str], artifacts: Path
) -> None:
    sync_playwright = _browser_or_skip()
    base, database_url, operator = server
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            page.goto(f"{base}/")
            assert page.url.endswith("/login")
            page.fill("#key", operator)
            page.click("input[type=submit]")
            page.wait_for_url(f"{base}/")

            # The watch cards, the chart with the thresholds and the alert, the alert list.
            assert page.title().startswith("CRITICAL")
            cards = page.locator("#watches section.card")
            assert cards.count() == len(WATCHES)
            hamas = page.locator('section[data-watch="israel-hamas"]')
            assert "critical" in (hamas.get_attribute("class") or "")
            assert hamas.locator("svg.chart polyline").count() == 1
            assert hamas.locator("svg.chart .alert-marker").count() >= 1
            box = hamas.locator("svg.chart").bounding_box()
            assert box is not None and box["width"] > 250 and box["height"] > 50
            assert int(hamas.locator(".index").inner_text()) >= 65
            alerts = page.locator("#alerts section.card")
            assert alerts.count() >= 1
            assert "israel-hamas" in page.locator("#alerts").inner_text()
            assert page.locator("#alerts table tr").count() >= 2, "evidence rows"
            page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

            # The labelling page: the queue with its scores and key hints.
            page.click("header nav >> text=Label")
            page.wait_for_url(f"{base}/label")
            items = page.locator("#queue article.item")
            assert items.count() >= 3
            assert "selected" in (items.first.get_attribute("class") or ""), "keys aim here"
            assert items.first.locator("kbd").first.inner_text() == "1"
            page.screenshot(path=str(artifacts / "label-queue.png"), full_page=False)

            clicked = int(items.first.get_attribute("data-article") or 0)
            items.first.locator('button[value="material_conflict"]').click()
            page.wait_for_selector("#message")
            assert f"(#{clicked}) as material conflict" in page.inner_text("#message")

            keyed = int(page.locator("#queue article.item").first.get_attribute("data-article")
                        or 0)
            assert keyed != clicked
            with page.expect_navigation():
                page.keyboard.press("2")  # verbal_cooperation
            assert f"(#{keyed}) as verbal cooperation" in page.inner_text("#message")
            page.screenshot(path=str(artifacts / "label-after.png"), full_page=False)

            # With JavaScript off the same forms work: sign in, label with a button.
            plain = browser.new_context(java_script_enabled=False).new_page()
            plain.set_default_timeout(15_000)
            plain.goto(f"{base}/login")
            plain.fill("#key", operator)
            plain.click("input[type=submit]")
            plain.goto(f"{base}/label")
            first = plain.locator("#queue article.item").first
            assert "selected" not in (first.get_attribute("class") or ""), "no script ran"
            no_js = int(first.get_attribute("data-article") or 0)
            first.locator('button[value="neutral"]').click()
            plain.wait_for_selector("#message")
            assert f"(#{no_js}) as neutral" in plain.inner_text("#message")
        finally:
            browser.close()
    assert _labels(database_url) == [
        (clicked, "material_conflict"),
        (keyed, "verbal_cooperation"),
        (no_js, "neutral"),
    ]
    print(f"browser part: {time.monotonic() - started:.1f} s")
