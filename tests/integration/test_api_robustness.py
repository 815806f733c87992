"""Hostile or careless input answers 4xx in the documented shape, never 500: NUL characters,
huge bodies, NaN/Infinity, duplicate-creation races, unknown names; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.api.request_guard import MAX_BODY_BYTES
from service.config import Settings
from tests.support.api import ADMIN, bearer, seed_world, serving

AUTH = bearer(ADMIN)


def assert_problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list) and body["errors"], body
    assert all("field" in p and "problem" in p for p in body["errors"]), body
    return body  # type: ignore[no-any-return]


NUL_REQUESTS = [
    ("POST", "/api/v1/feeds", {"json": {"url": "https://example.org/\u0000"}}),
    ("POST", "/api/v1/feeds", {"json": {"url": "https://example.org/rss", "title": "a\u0000"}}),
    ("GET", "/api/v1/articles?q=%00", {}),
    ("GET", "/api/v1/articles?watch=%00", {}),
    ("GET", "/api/v1/watches/%00", {}),
    ("POST", "/api/v1/silences", {"json": {"duration_s": 60, "comment": "\u0000"}}),
    ("POST", "/api/v1/keys", {"json": {"role": "viewer", "name": "x\u0000"}}),
    ("POST", "/api/v1/subscriptions", {"json": {"url": "https://example.org/\u0000"}}),
    ("POST", "/api/v1/models/%00/promote", {}),
    ("POST", "/api/v1/feeds", {"json": {"url": "https://example.org/", "\u0000": 1}}),
    ("POST", "/login", {"data": {"key": "a\u0000"}}),
    ("POST", "/api/v1/feeds/import", {"content": b"<opml>\x00</opml>",
                                       "headers": {"content-type": "text/x-opml"}}),
]


@pytest.mark.parametrize(("method", "url", "kwargs"), NUL_REQUESTS)
def test_nul_characters_are_refused_everywhere(
    client: TestClient, method: str, url: str, kwargs: dict[str, Any]
) -> None:
    kwargs = dict(kwargs)  # the parameters are shared by both databases
    headers = {**AUTH, **kwargs.pop("headers", {})}
    body = assert_problem(client.request(method, url, headers=headers, **kwargs), 422)
    assert "NUL" in body["detail"]


def test_nul_errors_name_the_field(client: TestClient) -> None:
    answer = client.get("/api/v1/articles?limit=5&q=a%00b", headers=AUTH)
    assert assert_problem(answer, 422)["errors"] == [
        {"field": "q", "in": "query", "problem": "must not contain NUL characters"}
    ]
    nested = client.patch(
        "/api/v1/watches/pakistan-afghanistan", json={"include_terms": ["ok", "b\u0000d"]},
        headers=AUTH,
    )
    assert assert_problem(nested, 422)["errors"][0]["field"] == "include_terms.1"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_standard_json_numbers_are_refused(client: TestClient, constant: str) -> None:
    raw = '{"keep_firing_s": ' + constant + '}'
    answer = client.patch(
        "/api/v1/watches/pakistan-afghanistan",
        content=raw.encode(),
        headers={**AUTH, "content-type": "application/json"},
    )
    assert_problem(answer, 422)
    watch = client.get("/api/v1/watches/pakistan-afghanistan", headers=AUTH)
    assert watch.status_code in (200, 404)
    if watch.status_code == 200:
        assert watch.json()["keep_firing_s"] != float("inf")


def test_large_bodies_are_refused_before_authentication(client: TestClient) -> None:
    big = b'{"url": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}'
    declared = client.post(
        "/api/v1/feeds", content=big, headers={"content-type": "application/json"}
    )
    assert_problem(declared, 413)

    def chunks() -> Iterator[bytes]:
        for _ in range(2 * MAX_BODY_BYTES // 65536 + 1):
            yield b" " * 65536

    streamed = client.post(
        "/api/v1/feeds", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in streamed.request.headers
    assert_problem(streamed, 413)
    # OPML keeps its own, larger limit: 2 MiB is accepted (and found not to be OPML).
    opml = client.post(
        "/api/v1/feeds/import",
        content=b"<opml>" + b" " * (2 * MAX_BODY_BYTES) + b"</opml>",
        headers={**AUTH, "content-type": "text/x-opml"},
    )
    assert opml.status_code != 413, opml.text
    huge = client.post(
        "/api/v1/feeds/import",
        content=b" " * (6 * MAX_BODY_BYTES),
        headers={**AUTH, "content-type": "text/x-opml"},
    )
    assert_problem(huge, 413)


def test_every_error_lists_its_problems(client: TestClient, engine: Engine) -> None:
    world = seed_world(engine)
    admin = world.keys["admin"]
    ftp = assert_problem(client.post("/api/v1/feeds", json={"url": "ftp://bad"}, headers=admin),
                         422)
    assert ftp["errors"][0]["problem"] == ftp["detail"]
    cursor = assert_problem(client.get("/api/v1/articles?cursor=garbage", headers=admin), 422)
    assert cursor["errors"][0]["field"] == "cursor" and cursor["errors"][0]["in"] == "query"
    order = client.patch(
        f"/api/v1/watches/{world.watch}", json={"warning_exit": 90, "warning_enter": 10},
        headers=admin,
    )
    assert_problem(order, 422)
    assert_problem(client.post("/api/v1/silences", json={"duration_s": -1}, headers=admin), 422)
    assert_problem(
        client.post("/api/v1/subscriptions", json={"url": "http://127.0.0.1:9/h",
                                                   "watches": ["nowhere"]}, headers=admin), 422
    )
    assert_problem(
        client.post("/api/v1/subscriptions", json={"url": "http://127.0.0.1:9/h",
                                                   "events": ["alert.nope"]}, headers=admin), 422
    )
    missing = assert_problem(client.get("/api/v1/feeds/999999", headers=admin), 404)
    assert missing["errors"][0] == {"field": "feed_id", "in": "path",
                                    "problem": missing["detail"]}
    assert_problem(client.get("/api/v1/nowhere", headers=admin), 404)
    feeds = client.get("/api/v1/feeds", headers=admin).json()
    dup = client.post("/api/v1/feeds", json={"url": feeds[0]["url"]}, headers=admin)
    assert_problem(dup, 409)
    assert_problem(client.get("/api/v1/feeds"), 401)
    assert_problem(client.get("/api/v1/keys", headers=world.keys["viewer"]), 403)


def test_a_form_sent_to_a_json_route_is_told_to_send_json(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/keys",
        content=json.dumps({"role": "viewer"}).encode(),
        headers={**AUTH, "content-type": "application/x-www-form-urlencoded"},
    )
    body = assert_problem(answer, 422)
    assert "Content-Type: application/json" in body["detail"]
    assert body["errors"][0]["field"] == "content-type" and body["errors"][0]["in"] == "header"


def test_unknown_signals_empty_labels_and_double_ends_are_refused(
    client: TestClient, engine: Engine
) -> None:
    world = seed_world(engine)
    admin = world.keys["admin"]
    nosuch = assert_problem(client.get("/api/v1/articles?signal=nosuch", headers=admin), 422)
    assert nosuch["errors"][0]["field"] == "signal" and "airstrike" in nosuch["detail"]
    assert client.get("/api/v1/articles?signal=airstrike", headers=admin).status_code == 200
    empty = client.post(f"/api/v1/articles/{world.article_id}/labels", json={}, headers=admin)
    assert "quad" in assert_problem(empty, 422)["detail"]
    only_signal = client.post(
        f"/api/v1/articles/{world.article_id}/labels", json={"signals": ["talks"]}, headers=admin
    )
    assert only_signal.status_code == 201, only_signal.text
    both = {"duration_s": 60, "ends_at": "2999-01-01T00:00:00Z"}
    answer = client.post("/api/v1/silences", json=both, headers=admin)
    assert "not both" in assert_problem(answer, 422)["detail"]


def test_duplicate_creation_races_answer_409(settings: Settings, engine: Engine) -> None:
    """Real concurrency: the app on loopback, 20 requests at once for the same thing."""
    app = create_app(settings.model_copy(update={"admin_key": ADMIN}), role="api")
    with serving(app) as base, httpx.Client(base_url=base, headers=AUTH, timeout=30) as http:
        def race(url: str, body: dict[str, Any] | None) -> list[httpx.Response]:
            with ThreadPoolExecutor(20) as pool:
                return list(pool.map(lambda _: http.post(url, json=body), range(20)))

        for url, body in [
            ("/api/v1/feeds", {"url": "https://example.org/same.xml"}),
            ("/api/v1/watches/presets/israel-iran", None),
        ]:
            answers = race(url, body)
            statuses = sorted(a.status_code for a in answers)
            assert 500 not in statuses and statuses.count(201) + statuses.count(200) >= 1, (
                url, statuses)
            for answer in answers:
                if answer.status_code == 409:
                    assert_problem(answer, 409)
