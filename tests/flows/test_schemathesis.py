"""Schemathesis against the API served on loopback, over a real database seeded so that ids and
slugs resolve: no answer may be a server error or break the OpenAPI document (status codes,
content types, bodies, headers).

One server per database for the whole module. Deterministic (Hypothesis derandomized, no
example database) and kept to a modest number of examples per operation so that the run stays
well under a minute and a half on 2 cores.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.api.app import create_app
from service.config import Settings
from service.db import make_engine
from service.migrate import upgrade
from tests.support.api import ADMIN, bearer, fresh_database, seed_world, serving, settings_for

AUTH = bearer(ADMIN)
MAX_EXAMPLES = 12

# The document the app generates; the server below answers from the same code.
schema = schemathesis.openapi.from_dict(
    create_app(Settings(database_url="sqlite://"), role="api").openapi()
)


@schemathesis.serializer("text/x-opml")
def opml(ctx: schemathesis.SerializationContext, value: object) -> bytes:
    return value.encode() if isinstance(value, str) else str(value).encode()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("schemathesis")
    with fresh_database(request.param, folder) as url:
        upgrade(url)
        engine = make_engine(url)
        seed_world(engine)
        engine.dispose()
        # Private targets refused, as in production: a generated webhook URL never reaches a
        # loopback service, and a name that does not resolve fails at once (no network here).
        production = settings_for(url, folder, allow_private_targets=False)
        with serving(create_app(production, role="api")) as base:
            yield base


SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
# Not checked: that every schema-valid request is accepted. Some rules cannot be written in JSON
# Schema (warning_exit < warning_enter <= critical_enter, a webhook URL must resolve to a public
# address, an OPML body must parse), and those answer 422 on purpose.
EXCLUDED: list[schemathesis.CheckFunction] = [positive_data_acceptance]
# The test send reaches out to the subscription's URL, which the fuzzer may set to any public
# address: it is not sent from here (tests/integration/test_api_subscriptions.py sends to a
# loopback receiver, and test_access_matrix.py checks its answer's shape).
NOT_FUZZED = r"/test$"


@schema.exclude(path_regex=NOT_FUZZED).exclude(method="DELETE").parametrize()
@SETTINGS
def test_api_keeps_its_schema(case: schemathesis.Case[Any], api: str) -> None:
    case.call_and_validate(base_url=api, headers=AUTH, excluded_checks=EXCLUDED)


def test_test_send_answers_in_its_schema_without_leaving_the_machine(api: str) -> None:
    """The seeded subscription points at loopback, which this service (private targets off, as
    in production) refuses to send to: the answer says so, in the documented shape."""
    operation = schema["/api/v1/subscriptions/{subscription_id}/test"]["POST"]
    case = operation.Case(path_parameters={"subscription_id": 1})
    answer = case.call_and_validate(base_url=api, headers=AUTH, excluded_checks=EXCLUDED)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["status"] is None and report["outcome"] != "delivered", report
    assert "not a public address" in report["error"], report


def test_webhook_names_that_do_not_resolve_are_refused_at_once(api: str) -> None:
    """No network here: a subscription to a name is refused (422) without a connection and
    quickly, whether the resolver answers "no such name" or never answers (then the check gives
    up after the connect timeout, 2 s in these settings)."""
    body = {"url": "https://hooks.no-such-host.invalid/ceasewatch"}
    started = time.monotonic()
    answer = httpx.post(f"{api}/api/v1/subscriptions", json=body, headers=AUTH, timeout=30)
    elapsed = time.monotonic() - started
    assert answer.status_code == 422 and "refused" in answer.json()["detail"], answer.text
    assert elapsed < 3.0, f"took {elapsed:.1f} s"


# Deletions run after everything else, so the seeded rows the examples name are still there
# for the reads and writes above.
@schema.include(method="DELETE").parametrize()
@SETTINGS
def test_deletions_keep_the_schema(case: schemathesis.Case[Any], api: str) -> None:
    case.call_and_validate(base_url=api, headers=AUTH, excluded_checks=EXCLUDED)
