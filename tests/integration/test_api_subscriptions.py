"""Subscriptions over HTTP: ownership, address checks, test sends, rotation, deliveries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.config import Settings
from tests.support.api import ADMIN, key
from tests.support.webhook_receiver import WebhookReceiver

AUTH = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def strict(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """A service that refuses private targets, as in production."""
    app = create_app(
        settings.model_copy(update={"admin_key": ADMIN, "allow_private_targets": False}),
        role="api",
    )
    with TestClient(app) as c:
        yield c


@pytest.fixture
def lenient(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"admin_key": ADMIN}), role="api")
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.4/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fd00:ec2::254]/hook",
        "http://0.0.0.0/hook",
        "file:///etc/passwd",
        "gopher://example.org/",
    ],
)
def test_private_and_odd_targets_are_refused(strict: TestClient, url: str) -> None:
    answer = strict.post("/api/v1/subscriptions", json={"url": url}, headers=AUTH)
    assert answer.status_code == 422, answer.text
    assert "refused" in answer.json()["detail"]


def test_ownership_validation_test_send_and_rotation(lenient: TestClient, engine: Engine) -> None:
    alice, bob = key(engine, "subscriber"), key(engine, "subscriber")
    with WebhookReceiver("whsec_" + "C2FVsBQIhrscChlQIMV+b5sSYspob7oD") as receiver:
        made = lenient.post(
            "/api/v1/subscriptions",
            json={
                "url": receiver.url("/alice"),
                "watches": ["pakistan-afghanistan"],
                "min_level": "critical",
                "format": "standard",
            },
            headers=alice,
        )
        assert made.status_code == 201, made.text
        sub = made.json()
        assert sub["secret"].startswith("whsec_") and sub["enabled"]
        receiver.use_secret("/alice", sub["secret"])

        # Bob cannot see, change or test Alice's subscription; the admin can see it.
        assert lenient.get(f"/api/v1/subscriptions/{sub['id']}", headers=bob).status_code == 404
        assert lenient.get("/api/v1/subscriptions", headers=bob).json() == []
        assert (
            lenient.post(f"/api/v1/subscriptions/{sub['id']}/test", headers=bob).status_code == 404
        )
        assert lenient.get(f"/api/v1/subscriptions/{sub['id']}", headers=AUTH).status_code == 200
        assert (
            lenient.get("/api/v1/subscriptions", headers=key(engine, "viewer")).status_code == 403
        )

        for bad, words in [
            ({"url": receiver.url("/x"), "watches": ["atlantis"]}, "unknown"),
            ({"url": receiver.url("/x"), "min_level": "doom"}, "min_level"),
            ({"url": receiver.url("/x"), "events": ["alert.sneeze"]}, "unknown"),
            ({"url": receiver.url("/x"), "format": "fax"}, "format"),
        ]:
            answer = lenient.post("/api/v1/subscriptions", json=bad, headers=alice)
            assert answer.status_code == 422 and words in answer.json()["detail"], answer.text

        tested = lenient.post(f"/api/v1/subscriptions/{sub['id']}/test", headers=alice).json()
        assert tested["outcome"] == "ok" and tested["status"] == 200
        assert receiver.accepted("/alice")[0].type == "test"

        rotated = lenient.post(
            f"/api/v1/subscriptions/{sub['id']}/rotate-secret", headers=alice
        ).json()
        assert rotated["secret"] != sub["secret"]
        # During the rotation both signatures are sent: a receiver on either secret verifies.
        receiver.use_secret("/alice", rotated["secret"])
        assert (
            lenient.post(f"/api/v1/subscriptions/{sub['id']}/test", headers=alice).json()["outcome"]
            == "ok"
        )
        receiver.use_secret("/alice", sub["secret"])
        assert (
            lenient.post(f"/api/v1/subscriptions/{sub['id']}/test", headers=alice).json()["outcome"]
            == "ok"
        )
        signature = receiver.accepted("/alice")[-1].signature
        assert len(signature.split(" ")) == 2

        assert (
            lenient.get(f"/api/v1/subscriptions/{sub['id']}/deliveries", headers=alice).json() == []
        )
        assert lenient.delete(f"/api/v1/subscriptions/{sub['id']}", headers=bob).status_code == 404
        assert (
            lenient.delete(f"/api/v1/subscriptions/{sub['id']}", headers=alice).status_code == 204
        )
