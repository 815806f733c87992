"""Who may call what: every route of the app, for every role, without a key and with a revoked
one. The routes are read from the app itself, so a route added without an entry here fails.

Roles (issue 6): admin everything, keys included; operator feeds, watches, labels, models and
silences, and reads; viewer reads; subscriber its own subscriptions and their deliveries only.
A subscriber reaching for another's subscription or delivery is told it does not exist, in the
same words as for an id that was never used.

One app per database; every check runs inside one test per database, so that all ~300
requests share one start-up. Allowed calls must succeed (2xx, or the stated answer), so a
route that wrongly refuses is caught as surely as one that wrongly admits."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.clock import utcnow
from service.dashboard.common import csrf_token
from service.db import make_engine, session_scope
from service.migrate import upgrade
from service.models import Subscription
from service.ops import keys as key_ops
from service.ops import watches as watch_ops
from service.store import feeds as feed_store
from service.webhooks import signing
from tests.support.api import (
    HOOK_URL,
    World,
    fresh_database,
    seed_world,
    settings_for,
)

CALLERS = ("admin", "operator", "viewer", "subscriber", "none", "revoked")
# Which callers each access level admits; everyone else is refused.
ADMITS = {
    "public": set(CALLERS),
    "viewer": {"admin", "operator", "viewer"},
    "operator": {"admin", "operator"},
    "admin": {"admin"},
    "subscriber": {"admin", "subscriber"},
}
SUCCESS = frozenset(range(200, 300))


@dataclass
class Served:
    client: TestClient
    engine: Engine
    world: World

    def headers(self, caller: str) -> dict[str, str]:
        return {} if caller == "none" else self.world.keys[caller]

    def token(self, caller: str) -> str:
        return self.headers(caller).get("Authorization", "").removeprefix("Bearer ")

    # Fresh rows for calls that delete: each allowed caller deletes its own.
    def fresh_feed(self) -> int:
        with session_scope(self.engine) as session:
            url = f"https://{uuid.uuid4().hex[:10]}.example/rss"
            return feed_store.add(session, url=url, title=None, now=utcnow()).id or 0

    def fresh_watch(self) -> str:
        slug = f"w-{uuid.uuid4().hex[:10]}"
        spec = watch_ops.WatchSpec(
            slug=slug, name=slug, parties=[watch_ops.Party(name="Afghanistan", countries=["AF"])]
        )
        with session_scope(self.engine) as session:
            watch_ops.create_watch(session, spec, now=utcnow())
        return slug

    def fresh_subscription(self) -> int:
        with session_scope(self.engine) as session:
            row = Subscription(
                owner_key_id=self.world.key_ids["subscriber"],
                url=HOOK_URL,
                secret=signing.new_secret(),
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return row.id or 0

    def fresh_key(self) -> int:
        with session_scope(self.engine) as session:
            token = key_ops.create_key(session, role="viewer", name="fresh", now=utcnow())
            row = key_ops.authenticate(session, token)
            assert row is not None
            return row.id or 0


# A request as keyword arguments of TestClient.request, built for one caller.
Build = Callable[[Served, str], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    # A key of ADMITS, or one of the HTML levels, where a refusal is a page, not a 401 body:
    # "dashboard" (viewers; others are sent to sign in), "dashboard-operator" (operators;
    # viewers get a 403 page, others are sent to sign in) and "login" (the sign-in form).
    level: str
    build: Build
    ok: frozenset[int] = field(default=SUCCESS)


def url(path: str) -> Build:
    return lambda s, caller: {"url": path.format(w=s.world)}


def send(path: str, **body: Any) -> Build:
    return lambda s, caller: {"url": path.format(w=s.world), **body}


def opml(s: Served, caller: str) -> dict[str, Any]:
    doc = (
        '<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" text="x" '
        f'xmlUrl="https://{uuid.uuid4().hex[:10]}.example/rss"/></body></opml>'
    )
    return {"url": "/api/v1/feeds/import", "content": doc.encode()}


def new_watch_body(s: Served, caller: str) -> dict[str, Any]:
    slug = f"n-{uuid.uuid4().hex[:10]}"
    parties = [{"name": "Sudan", "countries": ["SD"]}]
    return {"url": "/api/v1/watches", "json": {"slug": slug, "name": slug, "parties": parties}}


def form(path: str, **fields: str) -> Build:
    """A dashboard form as its page would send it, with the caller's own CSRF token."""

    def build(s: Served, caller: str) -> dict[str, Any]:
        token = s.token(caller)
        data = {"csrf": csrf_token(token) if token else "", **fields}
        data = {k: v.format(w=s.world) for k, v in data.items()}
        return {"url": path.format(w=s.world), "data": data}

    return build


V1 = "/api/v1"
MATRIX: dict[tuple[str, str], Rule] = {
    # Open to anyone: probes, metrics (kept inside the network), the API's description.
    ("GET", "/healthz"): Rule("public", url("/healthz")),
    ("GET", "/readyz"): Rule("public", url("/readyz")),
    ("GET", "/metrics"): Rule("public", url("/metrics")),
    ("GET", "/openapi.json"): Rule("public", url("/openapi.json")),
    ("GET", "/docs"): Rule("public", url("/docs")),
    ("GET", "/docs/oauth2-redirect"): Rule("public", url("/docs/oauth2-redirect")),
    ("GET", "/redoc"): Rule("public", url("/redoc")),
    # The dashboard: a viewer key (header or cookie); anyone else is sent to sign in.
    ("GET", "/"): Rule("dashboard", url("/")),
    ("GET", "/login"): Rule("public", url("/login")),
    # Without a key of its own, the caller types one nobody issued.
    ("POST", "/login"): Rule(
        "login", lambda s, c: {"url": "/login", "data": {"key": s.token(c) or "cw_unknown"}}
    ),
    ("POST", "/logout"): Rule("public", url("/logout"), ok=frozenset({303})),
    # Labelling and retraining in the dashboard: operators.
    ("GET", "/label"): Rule("dashboard-operator", url("/label")),
    ("POST", "/label/article/{article_id}"): Rule(
        "dashboard-operator",
        form("/label/article/{w.article_id}", quad="material_conflict"),
        ok=frozenset({303}),
    ),
    # No corpora in this test's data folder: an allowed caller is told training cannot start.
    ("POST", "/label/retrain"): Rule(
        "dashboard-operator", form("/label/retrain"), ok=frozenset({409})
    ),
    ("POST", "/label/promote"): Rule(
        "dashboard-operator",
        form("/label/promote", version="{w.model_version}"),
        ok=frozenset({303}),
    ),
    # Reads: viewers and up.
    ("GET", f"{V1}/status"): Rule("viewer", url(f"{V1}/status")),
    ("GET", f"{V1}/jobs"): Rule("viewer", url(f"{V1}/jobs")),
    ("GET", f"{V1}/models"): Rule("viewer", url(f"{V1}/models")),
    ("GET", f"{V1}/feeds"): Rule("viewer", url(f"{V1}/feeds")),
    ("GET", f"{V1}/feeds.opml"): Rule("viewer", url(f"{V1}/feeds.opml")),
    ("GET", f"{V1}/feeds/{{feed_id}}"): Rule("viewer", url(V1 + "/feeds/{w.feed_id}")),
    ("GET", f"{V1}/articles"): Rule("viewer", url(f"{V1}/articles")),
    ("GET", f"{V1}/watches"): Rule("viewer", url(f"{V1}/watches")),
    ("GET", f"{V1}/watches/{{slug}}"): Rule("viewer", url(V1 + "/watches/{w.watch}")),
    ("GET", f"{V1}/watches/{{slug}}/index"): Rule("viewer", url(V1 + "/watches/{w.watch}/index")),
    ("GET", f"{V1}/alerts"): Rule("viewer", url(f"{V1}/alerts")),
    ("GET", f"{V1}/alerts/{{alert_id}}"): Rule("viewer", url(V1 + "/alerts/{w.alert_id}")),
    ("GET", f"{V1}/silences"): Rule("viewer", url(f"{V1}/silences")),
    ("GET", f"{V1}/labels"): Rule("viewer", url(f"{V1}/labels")),
    # Operators: feeds, watches, labels, models, silences.
    ("POST", f"{V1}/feeds"): Rule(
        "operator",
        lambda s, c: {"url": f"{V1}/feeds", "json": {"url": f"https://{uuid.uuid4().hex}.ex/f"}},
    ),
    ("POST", f"{V1}/feeds/import"): Rule("operator", opml),
    ("PATCH", f"{V1}/feeds/{{feed_id}}"): Rule(
        "operator", send(V1 + "/feeds/{w.feed_id}", json={"title": "renamed"})
    ),
    ("DELETE", f"{V1}/feeds/{{feed_id}}"): Rule(
        "operator", lambda s, c: {"url": f"{V1}/feeds/{s.fresh_feed()}"}
    ),
    ("POST", f"{V1}/watches"): Rule("operator", new_watch_body),
    ("POST", f"{V1}/watches/presets/{{slug}}"): Rule(
        "operator", url(f"{V1}/watches/presets/india-pakistan")
    ),
    ("PATCH", f"{V1}/watches/{{slug}}"): Rule(
        "operator", send(V1 + "/watches/{w.watch}", json={"half_life_h": 30})
    ),
    ("DELETE", f"{V1}/watches/{{slug}}"): Rule(
        "operator", lambda s, c: {"url": f"{V1}/watches/{s.fresh_watch()}"}
    ),
    ("POST", f"{V1}/silences"): Rule(
        "operator", send(f"{V1}/silences", json={"watch": "india-pakistan", "duration_s": 60})
    ),
    ("DELETE", f"{V1}/silences/{{silence_id}}"): Rule(
        "operator", url(V1 + "/silences/{w.silence_id}")
    ),
    ("POST", f"{V1}/articles/{{article_id}}/labels"): Rule(
        "operator",
        send(V1 + "/articles/{w.article_id}/labels", json={"quad": "material_conflict"}),
    ),
    ("POST", f"{V1}/models/{{version}}/promote"): Rule(
        "operator", url(V1 + "/models/{w.model_version}/promote")
    ),
    # Only one model was ever active: an allowed caller is told there is nothing to go back to.
    ("POST", f"{V1}/models/rollback"): Rule(
        "operator", url(f"{V1}/models/rollback"), ok=frozenset({409})
    ),
    # Admins: keys.
    ("GET", f"{V1}/keys"): Rule("admin", url(f"{V1}/keys")),
    ("POST", f"{V1}/keys"): Rule("admin", send(f"{V1}/keys", json={"role": "viewer"})),
    ("DELETE", f"{V1}/keys/{{key_id}}"): Rule(
        "admin", lambda s, c: {"url": f"{V1}/keys/{s.fresh_key()}"}
    ),
    # Subscribers (their own) and admins (all).
    ("GET", f"{V1}/subscriptions"): Rule("subscriber", url(f"{V1}/subscriptions")),
    ("POST", f"{V1}/subscriptions"): Rule(
        "subscriber", send(f"{V1}/subscriptions", json={"url": HOOK_URL})
    ),
    ("GET", f"{V1}/subscriptions/{{subscription_id}}"): Rule(
        "subscriber", url(V1 + "/subscriptions/{w.subscription_id}")
    ),
    ("PATCH", f"{V1}/subscriptions/{{subscription_id}}"): Rule(
        "subscriber", send(V1 + "/subscriptions/{w.subscription_id}", json={"min_level": "warning"})
    ),
    ("DELETE", f"{V1}/subscriptions/{{subscription_id}}"): Rule(
        "subscriber", lambda s, c: {"url": f"{V1}/subscriptions/{s.fresh_subscription()}"}
    ),
    ("POST", f"{V1}/subscriptions/{{subscription_id}}/rotate-secret"): Rule(
        "subscriber", url(V1 + "/subscriptions/{w.subscription_id}/rotate-secret")
    ),
    ("POST", f"{V1}/subscriptions/{{subscription_id}}/test"): Rule(
        "subscriber", url(V1 + "/subscriptions/{w.subscription_id}/test")
    ),
    ("GET", f"{V1}/subscriptions/{{subscription_id}}/deliveries"): Rule(
        "subscriber", url(V1 + "/subscriptions/{w.subscription_id}/deliveries")
    ),
    ("POST", f"{V1}/deliveries/{{delivery_id}}/replay"): Rule(
        "subscriber", url(V1 + "/deliveries/{w.delivery_id}/replay")
    ),
}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("access")
    with fresh_database(request.param, folder) as database_url:
        upgrade(database_url)
        engine = make_engine(database_url)
        world = seed_world(engine)
        # Private targets allowed: the test send goes to the loopback discard port and is
        # refused at once, so the allowed call answers 200 without leaving the machine.
        settings = settings_for(database_url, folder, data_dir=folder / "no-corpora")
        app = create_app(settings, role="api")
        with TestClient(app) as client:
            yield Served(client, engine, world)
        engine.dispose()


def routes(served: Served) -> set[tuple[str, str]]:
    """Every (method, path) the app answers; HEAD rides along with GET."""
    app = served.client.app
    return {
        (method, route.path_format or "")
        for route in iter_route_contexts(app.routes)  # type: ignore[attr-defined]
        for method in (route.methods or ())
        if method != "HEAD"
    }


def expected(rule: Rule, caller: str) -> str:
    allowed = caller in ADMITS.get(rule.level.removeprefix("dashboard-"), ADMITS["viewer"])
    if rule.level == "dashboard-operator":
        return "ok" if allowed else "403" if caller == "viewer" else "to-login"
    if rule.level == "login":
        return "ok" if allowed else "401"
    if rule.level == "dashboard":
        return "ok" if allowed else "to-login"
    if rule.level == "public" or allowed:
        return "ok"
    return "401" if caller in ("none", "revoked") else "403"


def outcome(rule: Rule, answer: Any) -> str:
    if (
        rule.level.startswith("dashboard")
        and answer.status_code == 303
        and (answer.headers["location"] == "/login")
    ):
        return "to-login"
    if rule.level == "dashboard" and answer.status_code == 303:
        return "to-login" if answer.headers["location"] == "/login" else f"303 {answer.headers}"
    if rule.level == "login" and answer.status_code == 303 and answer.headers["location"] == "/":
        return "ok"
    if answer.status_code in rule.ok:
        return "ok"
    return str(answer.status_code)


def test_every_route_has_an_entry(served: Served) -> None:
    answered = routes(served)
    assert answered - set(MATRIX) == set(), "routes without an access rule"
    assert set(MATRIX) - answered == set(), "rules for routes that no longer exist"


def test_every_caller_gets_what_its_role_allows(served: Served) -> None:
    wrong = []
    for (method, _path), rule in MATRIX.items():
        for caller in CALLERS:
            request = rule.build(served, caller)
            headers = {**served.headers(caller), **request.pop("headers", {})}
            served.client.cookies.clear()
            answer = served.client.request(
                method, headers=headers, follow_redirects=False, **request
            )
            want, got = expected(rule, caller), outcome(rule, answer)
            if got != want:
                wrong.append(f"{caller:>10} {method} {request['url']}: {got}, want {want}")
            if got in ("401", "403") and request["url"].startswith("/api/"):
                assert answer.json()["detail"], answer.text  # a refusal says why
    assert not wrong, "\n".join(wrong)


def test_a_subscriber_cannot_reach_another_subscribers_things(served: Served) -> None:
    """Someone else's subscription or delivery answers exactly like one that never existed,
    and is left as it was."""
    client, world = served.client, served.world
    mine = world.keys["subscriber"]
    theirs = world.other_subscription_id
    before = client.get(f"{V1}/subscriptions/{theirs}", headers=world.keys["other_subscriber"])
    assert before.status_code == 200
    missing = 2**31 - 1  # a valid id that names nothing

    def alike(path: str, method: str, target: int, **body: Any) -> None:
        other = client.request(method, path.format(target), headers=mine, **body)
        never = client.request(method, path.format(missing), headers=mine, **body)
        assert other.status_code == never.status_code == 404, (path, other.text)
        assert other.json()["detail"].replace(str(target), "N") == never.json()["detail"].replace(
            str(missing), "N"
        )

    one = V1 + "/subscriptions/{}"
    alike(one, "GET", theirs)
    alike(one, "PATCH", theirs, json={"min_level": "critical"})
    alike(one, "DELETE", theirs)
    alike(one + "/rotate-secret", "POST", theirs)
    alike(one + "/test", "POST", theirs)
    alike(one + "/deliveries", "GET", theirs)
    alike(V1 + "/deliveries/{}/replay", "POST", world.other_delivery_id)
    listed = client.get(f"{V1}/subscriptions", headers=mine).json()
    assert theirs not in {s["id"] for s in listed}
    assert world.subscription_id in {s["id"] for s in listed}

    after = client.get(f"{V1}/subscriptions/{theirs}", headers=world.keys["other_subscriber"])
    assert after.json() == before.json()  # not deleted, not changed, secret not rotated
