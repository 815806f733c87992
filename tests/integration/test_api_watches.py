"""Watches, index series, alerts and silences over HTTP, on both databases."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from feeds.normalise import content_hash
from feeds.parse import Entry
from service.clock import utcnow
from service.db import session_scope
from service.ops.alerts import evaluate_watches
from service.ops.ingest import ingest_entries
from service.ops.models import ActiveModel
from service.store import feeds as feed_store
from service.store import watches as watch_store
from tests.integration.test_alert_lifecycle import CLASHES, OPEN_WAR
from tests.support.api import ADMIN, key

AUTH = {"Authorization": f"Bearer {ADMIN}"}


def test_watch_crud_and_validation(client: TestClient, engine: Engine) -> None:
    viewer = key(engine, "viewer")
    enabled = client.post("/api/v1/watches/presets/india-pakistan", headers=AUTH)
    assert enabled.status_code == 200 and enabled.json()["slug"] == "india-pakistan"
    assert enabled.json()["level"] == "calm" and enabled.json()["trend"] == "unchanged"
    assert client.post("/api/v1/watches/presets/india-pakistan", headers=viewer).status_code == 403
    assert client.post("/api/v1/watches/presets/narnia", headers=AUTH).status_code == 404

    body = {
        "slug": "ethiopia-eritrea",
        "name": "Ethiopia-Eritrea",
        "parties": [
            {"name": "Ethiopia", "countries": ["ET"], "actors": ["ENDF"]},
            {"name": "Eritrea", "countries": ["ER"], "actors": ["EDF"]},
        ],
    }
    created = client.post("/api/v1/watches", json=body, headers=AUTH)
    assert created.status_code == 201, created.text
    assert client.post("/api/v1/watches", json=body, headers=AUTH).status_code == 409
    bad = client.post(
        "/api/v1/watches",
        json={**body, "slug": "x2", "parties": [{"name": "Nowhere", "countries": ["Ethiopia"]}]},
        headers=AUTH,
    )
    assert bad.status_code == 422 and "ISO" in bad.json()["detail"]
    flipped = client.patch(
        "/api/v1/watches/ethiopia-eritrea",
        json={"warning_enter": 80, "critical_enter": 70},
        headers=AUTH,
    )
    assert flipped.status_code == 422 and "warning_enter" in flipped.json()["detail"]
    patched = client.patch(
        "/api/v1/watches/ethiopia-eritrea", json={"half_life_h": 48}, headers=AUTH
    )
    assert patched.json()["half_life_h"] == 48
    listed = client.get("/api/v1/watches", headers=viewer).json()
    assert {w["slug"] for w in listed} == {"india-pakistan", "ethiopia-eritrea"}
    assert client.delete("/api/v1/watches/ethiopia-eritrea", headers=AUTH).status_code == 204


def test_alerts_series_and_silences(client: TestClient, engine: Engine) -> None:
    client.post("/api/v1/watches/presets/pakistan-afghanistan", headers=AUTH)
    now = utcnow()
    scorer = ActiveModel(engine).refresh(now=now)
    with session_scope(engine) as session:
        for n, (outlet, stories) in enumerate(
            [("dawn.example", CLASHES + OPEN_WAR), ("tolonews.example", OPEN_WAR)]
        ):
            fid = feed_store.add(session, url=f"https://{outlet}/rss", title=None, now=now).id
            ingest_entries(
                session,
                feed_id=fid or 0,
                feed_url=f"https://{outlet}/rss",
                entries=[
                    Entry(
                        guid=f"{n}-{t}",
                        title=t,
                        summary=s,
                        link=f"https://{outlet}/{i}",
                        published=now - timedelta(minutes=30),
                        language="en",
                        content_hash=content_hash(t + outlet, s),
                    )
                    for i, (t, s) in enumerate(stories)
                ],
                scorer=scorer,
                now=now,
            )
        watch_id = watch_store.by_slug(session, "pakistan-afghanistan").id  # type: ignore[union-attr]
        evaluate_watches(session, [watch_id or 0], now=now)

    watch = client.get("/api/v1/watches/pakistan-afghanistan", headers=AUTH).json()
    assert watch["level"] == "critical" and watch["index"] >= 65
    assert watch["trend"] == "deteriorated" and watch["open_alert_id"]
    series = client.get("/api/v1/watches/pakistan-afghanistan/index?step=3600", headers=AUTH).json()
    assert len(series) >= 168 and series[0]["level"] == "calm"
    assert series[-1]["index"] >= 65
    too_many = client.get(
        "/api/v1/watches/pakistan-afghanistan/index?step=60&since=2020-01-01", headers=AUTH
    )
    assert too_many.status_code == 422 and "points" in too_many.json()["detail"]

    alerts = client.get("/api/v1/alerts?state=firing", headers=AUTH).json()
    assert len(alerts) == 1 and alerts[0]["watch"] == "pakistan-afghanistan"
    assert alerts[0]["evidence"] and "airstrikes" in alerts[0]["rationale"]
    assert client.get(f"/api/v1/alerts/{alerts[0]['id']}", headers=AUTH).json()["level"] == (
        "critical"
    )
    assert client.get("/api/v1/alerts/999999", headers=AUTH).status_code == 404

    silence = client.post(
        "/api/v1/silences",
        json={
            "watch": "pakistan-afghanistan",
            "level": "critical",
            "duration_s": 3600,
            "comment": "handled by the desk",
        },
        headers=AUTH,
    )
    assert silence.status_code == 201, silence.text
    assert silence.json()["watch"] == "pakistan-afghanistan"
    assert len(client.get("/api/v1/silences", headers=AUTH).json()) == 1
    wrong = client.post(
        "/api/v1/silences", json={"level": "apocalyptic", "duration_s": 5}, headers=AUTH
    )
    assert wrong.status_code == 422
    backwards = client.post(
        "/api/v1/silences",
        json={"starts_at": "2026-01-02T00:00:00Z", "ends_at": "2026-01-01T00:00:00Z"},
        headers=AUTH,
    )
    assert backwards.status_code == 422 and "ends_at" in backwards.json()["detail"]
    sid = silence.json()["id"]
    assert client.delete(f"/api/v1/silences/{sid}", headers=AUTH).status_code == 204
    assert client.get("/api/v1/silences", headers=AUTH).json() == []


def test_metrics_report_index_alerts_feeds_and_jobs(
    client: TestClient, engine: Engine
) -> None:
    test_alerts_series_and_silences(client, engine)
    from service.jobs import run_recorded

    run_recorded(engine, "poll", lambda: None)
    with session_scope(engine) as session:
        feed = feed_store.list_all(session)[0]
        feed.last_status, feed.last_error_kind, feed.consecutive_failures = 503, "http_status", 2
    body = client.get("/metrics")
    assert body.status_code == 200 and body.headers["content-type"].startswith("text/plain")
    text = body.text
    index_line = next(
        line for line in text.splitlines()
        if line.startswith('ceasewatch_watch_index{watch="pakistan-afghanistan"}')
    )
    assert float(index_line.split()[-1]) >= 65
    assert 'ceasewatch_alerts{level="critical",state="firing"} 1.0' in text
    assert 'ceasewatch_feed_errors{kind="http_status"} 1.0' in text
    assert 'ceasewatch_feeds{health="failing"} 1.0' in text
    assert 'ceasewatch_job_runs_total{job="poll"} 1.0' in text
    assert "ceasewatch_articles " in text


def test_article_filters_and_cursor_pagination(client: TestClient, engine: Engine) -> None:
    test_alerts_series_and_silences(client, engine)  # 4 stories attributed to the watch
    viewer = key(engine, "viewer")
    now = utcnow()
    with session_scope(engine) as session:  # one calm story nobody watches
        fid = feed_store.add(session, url="https://sport.example/rss", title=None, now=now).id
        ingest_entries(session, feed_id=fid or 0, feed_url="https://sport.example/rss", entries=[
            Entry(guid="s1", title="Manchester City beat Arsenal 100% deserved_win", summary="",
                  link="https://sport.example/1", published=now, language="en",
                  content_hash=content_hash("Manchester City beat Arsenal", ""))],
            scorer=ActiveModel(engine).refresh(now=now), now=now)

    def get(**params: object) -> dict:  # type: ignore[type-arg]
        answer = client.get("/api/v1/articles", params=params, headers=viewer)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    everything = get()
    assert len(everything["items"]) == 5 and everything["next_cursor"] is None
    assert everything["items"][0]["title"].startswith("Manchester City")  # newest first
    watched = get(watch="pakistan-afghanistan")["items"]
    assert len(watched) == 4 and all(a["score"]["model_version"] for a in watched)
    assert {a["id"] for a in get(min_escalation=0.5)["items"]} <= {a["id"] for a in watched}
    strikes = get(signal="airstrike")["items"]
    assert strikes and all(a["score"]["signals"]["airstrike"] >= 0.5 for a in strikes)
    assert [a["title"] for a in get(q="kandahar")["items"]] == [
        "Pakistani airstrikes hit Kabul, Kandahar and Paktia"
    ]
    assert get(q="100%")["items"][0]["title"].startswith("Manchester")  # % is literal
    assert get(q="s_rved")["items"] == []  # so is _ ("deserved" would match a wildcard)
    assert get(since="2099-01-01T00:00:00Z")["items"] == []

    seen: list[int] = []
    page = get(limit=2)
    while True:
        seen += [a["id"] for a in page["items"]]
        if not page["next_cursor"]:
            break
        page = get(limit=2, cursor=page["next_cursor"])
    assert sorted(seen) == sorted(a["id"] for a in everything["items"])
    assert len(seen) == len(set(seen))
    bad = client.get("/api/v1/articles", params={"cursor": "not-a-cursor"}, headers=viewer)
    assert bad.status_code == 422 and "cursor" in bad.json()["detail"]
    assert client.get("/api/v1/articles", params={"watch": "narnia"},
                      headers=viewer).status_code == 404
