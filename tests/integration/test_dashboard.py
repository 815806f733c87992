"""The dashboard as a person meets it: sign in with a key, see the watches, the chart, the open
alert with its evidence and the newest escalation news (server-rendered, no JavaScript)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.integration.test_api_watches import (
    test_alerts_series_and_silences as seed_critical_alert,
)
from tests.support.api import key


def test_sign_in_and_see_the_breakdown(client: TestClient, engine: Engine) -> None:
    seed_critical_alert(client, engine)  # a critical Pakistan-Afghanistan alert

    first = client.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/login"
    assert "Sign in" in client.get("/login").text

    refused = client.post("/login", data={"key": "cw_wrong"}, follow_redirects=False)
    assert refused.status_code == 401 and "unknown" in refused.text
    subscriber = key(engine, "subscriber")["Authorization"].split()[1]
    assert client.post("/login", data={"key": subscriber}).status_code == 401
    empty = client.post("/login", data={})  # a person pressing Enter on an empty form
    assert empty.status_code == 401 and "Sign in" in empty.text

    viewer = key(engine, "viewer")["Authorization"].split()[1]
    signed_in = client.post("/login", data={"key": viewer}, follow_redirects=False)
    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie

    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<title>CRITICAL · Ceasewatch</title>" in html
    assert 'http-equiv="refresh"' in html and "<script" not in html
    card = re.search(r'<section class="card critical" data-watch="pakistan-afghanistan">(.*?)'
                     r"</section>", html, re.S)
    assert card, "the watch card shows the critical level"
    assert "deteriorated" in card.group(1)
    assert re.search(r'<polyline points="[0-9., ]+"', card.group(1)), "the index timeline"
    assert 'class="alert-marker"' in card.group(1), "the alert on the timeline"
    alerts = html.split('id="alerts"')[1].split('id="articles"')[0]
    assert "Pakistani airstrikes hit Kabul, Kandahar and Paktia" in alerts
    assert "airstrike" in alerts and "dawn.example" in alerts
    articles = html.split('id="articles"')[1]
    assert "Afghan forces attack Pakistani border posts" in articles

    client.cookies.clear()
    with_header = client.get("/", headers=key(engine, "viewer"), follow_redirects=False)
    assert with_header.status_code == 200
    assert client.post("/logout", follow_redirects=False).headers["location"] == "/login"


def test_titles_are_escaped(client: TestClient, engine: Engine) -> None:
    """A hostile headline is shown as text, never as markup."""
    from service.clock import utcnow
    from service.db import session_scope
    from service.models import Article, ArticleScore

    now = utcnow()
    with session_scope(engine) as session:
        article = Article(title='<script>alert("x")</script> strikes', content_hash="0" * 64,
                          published_at=now, first_seen_at=now)
        session.add(article)
        session.flush()
        session.add(ArticleScore(article_id=article.id or 0, model_version="t", escalation=0.9,
                                 deescalation=0.0, quad={}, signals={}, countries=[],
                                 explanation=[], scored_at=now))
    html = client.get("/", headers=key(engine, "viewer")).text
    assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html


def test_card_index_and_trend_come_from_the_chart(client: TestClient, engine: Engine) -> None:
    """The card's figure and trend are the ends of its hourly 7-day series, and agree with the
    status API, which computes them on their own."""
    seed_critical_alert(client, engine)
    html = client.get("/", headers=key(engine, "viewer")).text
    card = html.split('data-watch="pakistan-afghanistan"')[1].split("</section>")[0]
    points = re.search(r'<polyline points="([0-9., ]+)"', card)
    assert points and len(points.group(1).split()) == 7 * 24 + 1, "hourly points over 7 days"
    shown = int(re.search(r'<span class="index">(\d+)</span>', card).group(1))  # type: ignore[union-attr]
    status = client.get("/api/v1/status", headers=key(engine, "viewer")).json()
    [watch] = [w for w in status["watches"] if w["slug"] == "pakistan-afghanistan"]
    assert abs(shown - watch["index"]) <= 1 and f"{watch['trend']} over 7 days" in card
    last_y = float(points.group(1).split()[-1].split(",")[1])
    assert abs((80 - last_y) / 80 * 100 - watch["index"]) < 1.5, "the line ends at the index"
    assert 'class="alert-band"' in card, "the alert's episode is shaded"
