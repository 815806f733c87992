"""The HTTP API in-process (TestClient runs the real lifespan), on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.clock import utcnow
from service.db import session_scope
from service.store import feeds as feed_store
from tests.support.api import ADMIN, key


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "checks": {}}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert checks["database"] == "ok" and checks["migrations"] == "ok"
    assert checks["model"].startswith("ok (")


def test_keys_and_roles(client: TestClient, engine: Engine) -> None:
    assert client.get("/api/v1/feeds").status_code == 401
    assert client.get("/api/v1/feeds", headers={"Authorization": "Bearer nope"}).status_code == 401
    viewer, operator = key(engine, "viewer"), key(engine, "operator")
    subscriber = key(engine, "subscriber")
    assert client.get("/api/v1/feeds", headers=viewer).json() == []
    assert client.get("/api/v1/feeds", headers=subscriber).status_code == 403
    body = {"url": "https://feeds.bbci.co.uk/news/world/rss.xml"}
    denied = client.post("/api/v1/feeds", json=body, headers=viewer)
    assert denied.status_code == 403 and "operator" in denied.json()["detail"]
    assert client.post("/api/v1/feeds", json=body, headers=operator).status_code == 201
    admin = {"Authorization": f"Bearer {ADMIN}"}
    assert client.get("/api/v1/feeds", headers=admin).status_code == 200


def test_feeds_come_in_pages_when_asked(client: TestClient, engine: Engine) -> None:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    with session_scope(engine) as session:
        for n in range(5):
            feed_store.add(session, url=f"https://outlet{n}.example/rss", title=None, now=utcnow())
    everything = client.get("/api/v1/feeds", headers=admin)
    assert len(everything.json()) == 5 and "link" not in everything.headers
    urls, page_url, pages = [], "/api/v1/feeds?limit=2", 0
    while page_url:
        page = client.get(page_url, headers=admin)
        assert page.status_code == 200, page.text
        assert len(page.json()) <= 2
        urls += [feed["url"] for feed in page.json()]
        link = page.headers.get("link", "")
        assert (link != "") == (len(page.json()) == 2)  # a full page points to the next one
        page_url = link[1 : link.index(">")] if link else ""
        pages += 1
    assert pages == 3 and urls == [feed["url"] for feed in everything.json()]
    for bad in ("limit=0", "limit=1001", "after=-1", "after=x"):
        answer = client.get(f"/api/v1/feeds?{bad}", headers=admin)
        assert answer.status_code == 422, bad


def test_feed_crud_and_errors(client: TestClient) -> None:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    created = client.post(
        "/api/v1/feeds", json={"url": "https://www.aljazeera.com/xml/rss/all.xml"}, headers=admin
    )
    assert created.status_code == 201
    feed = created.json()
    assert feed["health"] == "new" and feed["consecutive_failures"] == 0

    again = client.post("/api/v1/feeds", json={"url": feed["url"]}, headers=admin)
    assert again.status_code == 409 and "already" in again.json()["detail"]
    for bad, words in [
        ({"url": "ftp://example.org/feed"}, "http"),
        ({"url": "https://"}, "host"),
        ({"url": "https://a.example/x", "colour": "red"}, "colour"),
        ({"title": "no url"}, "url"),
    ]:
        answer = client.post("/api/v1/feeds", json=bad, headers=admin)
        assert answer.status_code == 422, bad
        assert words in answer.json()["detail"], answer.json()

    patched = client.patch(f"/api/v1/feeds/{feed['id']}", json={"enabled": False}, headers=admin)
    assert patched.json()["health"] == "disabled"
    assert client.delete(f"/api/v1/feeds/{feed['id']}", headers=admin).status_code == 204
    missing = client.get(f"/api/v1/feeds/{feed['id']}", headers=admin)
    assert missing.status_code == 404 and str(feed["id"]) in missing.json()["detail"]


def test_opml_round_trip_and_hostile_documents(client: TestClient) -> None:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    opml = (
        b'<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="x">'
        b'<outline type="rss" text="A" xmlUrl="https://a.example/rss"/>'
        b'<outline type="rss" text="B" xmlUrl="https://b.example/atom"/>'
        b'<outline type="rss" text="bad" xmlUrl="javascript:alert(1)"/>'
        b"</outline></body></opml>"
    )
    report = client.post("/api/v1/feeds/import", content=opml, headers=admin).json()
    assert report["added"] == ["https://a.example/rss", "https://b.example/atom"]
    again = client.post("/api/v1/feeds/import", content=opml, headers=admin).json()
    assert again["added"] == [] and len(again["skipped"]) == 2

    exported = client.get("/api/v1/feeds.opml", headers=admin)
    assert exported.headers["content-type"].startswith("text/x-opml")
    assert b"https://b.example/atom" in exported.content

    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<opml><body><outline xmlUrl="https://x.example/&lol2;"/></body></opml>'
    )
    refused = client.post("/api/v1/feeds/import", content=bomb, headers=admin)
    assert refused.status_code == 422 and "OPML" in refused.json()["detail"]
    huge = client.post("/api/v1/feeds/import", content=b" " * (6 * 1024 * 1024), headers=admin)
    assert huge.status_code == 413


def test_status_says_whether_things_are_fine(client: TestClient, engine: Engine) -> None:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    client.post("/api/v1/watches/presets/pakistan-afghanistan", headers=admin)
    client.post("/api/v1/feeds", json={"url": "https://www.dawn.com/feeds/home"}, headers=admin)
    body = client.get("/api/v1/status", headers=key(engine, "viewer")).json()
    assert body["status"] == "ok" and body["version"] and body["uptime_s"] >= 0
    assert body["watches"][0]["slug"] == "pakistan-afghanistan"
    assert body["watches"][0]["level"] == "calm" and body["watches"][0]["trend"] == "unchanged"
    assert body["feeds"] == {"total": 1, "new": 1}
    assert body["deliveries"] == {"backlog": 0, "dead_letters": 0, "rejected": 0}
    assert body["model"]["version"] and "age_days" in body["model"]
    assert client.get("/api/v1/status").status_code == 401


def test_keys_are_managed_by_admins_and_revocation_bites(
    client: TestClient, engine: Engine
) -> None:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    operator = key(engine, "operator")
    assert client.get("/api/v1/keys", headers=operator).status_code == 403
    made = client.post("/api/v1/keys", json={"role": "viewer", "name": "desk"}, headers=admin)
    assert made.status_code == 201
    token = made.json()["key"]
    listed = client.get("/api/v1/keys", headers=admin).json()
    assert all("key" not in k and "key_hash" not in k for k in listed)
    viewer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/feeds", headers=viewer).status_code == 200
    assert client.delete(f"/api/v1/keys/{made.json()['id']}", headers=admin).status_code == 204
    assert client.get("/api/v1/feeds", headers=viewer).status_code == 401
    bad = client.post("/api/v1/keys", json={"role": "emperor"}, headers=admin)
    assert bad.status_code == 422


def test_operators_label_articles(client: TestClient, engine: Engine) -> None:
    from service.clock import utcnow as now
    from service.models import Article

    with session_scope(engine) as session:
        article = Article(title="Shelling resumes in Kurram", content_hash="x" * 64,
                          published_at=now(), first_seen_at=now())
        session.add(article)
        session.flush()
        article_id = article.id
    operator, viewer = key(engine, "operator"), key(engine, "viewer")
    body = {"quad": "material_conflict", "signals": ["shelling"]}
    assert client.post(f"/api/v1/articles/{article_id}/labels", json=body,
                       headers=viewer).status_code == 403
    made = client.post(f"/api/v1/articles/{article_id}/labels", json=body, headers=operator)
    assert made.status_code == 201 and made.json()["signals"] == ["shelling"]
    wrong = client.post(f"/api/v1/articles/{article_id}/labels",
                        json={"signals": ["sneezing"]}, headers=operator)
    assert wrong.status_code == 422
    assert client.post("/api/v1/articles/999999/labels", json=body,
                       headers=operator).status_code == 404
    assert len(client.get("/api/v1/labels", headers=viewer).json()) == 1

    from service.ops.training import operator_labels

    with session_scope(engine) as session:
        labels = operator_labels(session)
    assert labels[0].quad == "material_conflict" and labels[0].signals == ("shelling",)
    assert labels[0].text.startswith("Shelling resumes in Kurram")
