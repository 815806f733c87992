"""The OpenAPI document is complete: every operation says what it answers on success and every
error its dependencies imply, all errors share one JSON shape, and that shape says what to fix.

The document is walked as a client would read it; no route is named here, so a route added
without its responses fails this test."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.ops.watches import WatchSpec
from service.schemas import WatchPatch
from tests.support.api import ADMIN, bearer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PROBLEM = "#/components/schemas/Problem"
# Readiness answers 503 with its own body: the checks that failed, which is what a prober wants.
OWN_ERROR_BODIES = {("get", "/readyz", "503")}


@pytest.fixture(scope="module")
def app() -> FastAPI:
    # The document needs no database; the app is built, never started.
    return create_app(Settings(database_url="sqlite://"), role="api")


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def can_fail_validation(parameter: dict[str, Any]) -> bool:
    """A parameter FastAPI can reject with 422: anything but a plain, unconstrained string
    path segment (the router has already matched that one)."""
    schema = parameter.get("schema", {})
    plain = schema.get("type") == "string" and not (
        set(schema) & {"maxLength", "minLength", "pattern", "enum", "format"}
    )
    return not (parameter["in"] == "path" and plain)


def implied_errors(op: dict[str, Any]) -> set[str]:
    implied = set()
    if op.get("security"):
        implied |= {"401", "403", "503"}  # the key is looked up in the database
    parameters = op.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        implied.add("404")
    if "requestBody" in op or any(can_fail_validation(p) for p in parameters):
        implied.add("422")
    return implied


def test_every_operation_documents_its_success(document: dict[str, Any]) -> None:
    missing = []
    for method, path, op in operations(document):
        successes = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        if not successes:
            missing.append(f"{method.upper()} {path}: no 2xx response")
        for code, response in successes.items():
            content = response.get("content", {})
            if code == "204":
                if content:
                    missing.append(f"{method.upper()} {path}: 204 declares a body")
                continue
            if not content:
                missing.append(f"{method.upper()} {path}: {code} declares no content")
            json_body = content.get("application/json")
            if json_body is not None and not json_body.get("schema"):
                missing.append(f"{method.upper()} {path}: {code} JSON body has no schema")
    assert not missing, "\n".join(missing)


def test_every_operation_documents_the_errors_its_dependencies_imply(
    document: dict[str, Any],
) -> None:
    missing = [
        f"{method.upper()} {path}: {sorted(implied_errors(op) - set(op['responses']))}"
        for method, path, op in operations(document)
        if implied_errors(op) - set(op["responses"])
    ]
    assert not missing, "undocumented errors:\n" + "\n".join(missing)


def test_every_json_api_operation_needs_a_key(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]
    assert [s["scheme"] for s in scheme.values()] == ["bearer"]
    open_routes = [
        f"{method.upper()} {path}"
        for method, path, op in operations(document)
        if path.startswith("/api/") and not op.get("security")
    ]
    assert not open_routes


def test_every_error_is_the_shared_problem(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert problem["required"] == ["detail"] and problem["properties"]["detail"]["type"] == "string"
    other = []
    for method, path, op in operations(document):
        for code, response in op["responses"].items():
            if code[0] not in "45" or (method, path, code) in OWN_ERROR_BODIES:
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") != PROBLEM:
                other.append(f"{method.upper()} {path} {code}: {schema}")
            if not response.get("description"):
                other.append(f"{method.upper()} {path} {code}: no description")
    assert not other, "\n".join(other)
    # FastAPI's own 422 shape would be documented wherever a route forgot to declare ours.
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_route_is_in_the_document(app: FastAPI, document: dict[str, Any]) -> None:
    documented = {(m, p) for m, p, _ in operations(document)}
    hidden = []
    for route in iter_route_contexts(app.routes):
        if not getattr(route, "include_in_schema", False) or not route.methods:
            continue
        path = route.path_format or ""
        hidden += [f"{m} {path}" for m in route.methods if (m.lower(), path) not in documented]
    assert not hidden
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids))


def test_watch_patch_offers_exactly_the_watch_fields() -> None:
    spec = WatchSpec.model_json_schema()["properties"]
    patch = WatchPatch.model_json_schema()["properties"]
    assert set(patch) == set(spec) - {"slug"}
    for name, schema in patch.items():
        wanted = {k: v for k, v in spec[name].items() if k not in ("default", "title")}
        if "$ref" in str(wanted):
            continue  # parties: the same Party model
        offered = next(s for s in schema["anyOf"] if s.get("type") != "null")
        assert offered == wanted, name


def test_invalid_requests_say_what_to_fix(client: TestClient) -> None:
    admin = bearer(ADMIN)
    answer = client.post("/api/v1/feeds", json={"title": 5, "colour": "red"}, headers=admin)
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"].startswith("invalid request: ")
    by_field = {(p["field"], p["in"]): p["problem"] for p in body["errors"]}
    assert by_field == {
        ("url", "body"): "is required",
        ("title", "body"): "should be a valid string (got 5)",
        ("colour", "body"): "is not a field this accepts (check the spelling; see /docs)",
    }
    assert "body field 'url' is required" in body["detail"]

    limit = client.get("/api/v1/articles?limit=9000&since=0.5", headers=admin).json()
    assert {p["field"]: p["in"] for p in limit["errors"]} == {"limit": "query", "since": "query"}
    assert (
        "query parameter 'limit' should be less than or equal to 500 (got '9000')"
        in (limit["detail"])
    )
    assert "ISO 8601" in limit["detail"]

    as_json = {**admin, "content-type": "application/json"}
    not_json = client.post("/api/v1/keys", content=b"{role: admin", headers=as_json).json()
    assert not_json["errors"][0]["field"] == "" and "not valid JSON" in not_json["detail"]
    not_text = client.post("/api/v1/keys", content=b"\xff\xfe\x00", headers=as_json)
    assert not_text.status_code == 422 and "UTF-8 JSON" in not_text.json()["detail"]
    lax = client.patch("/api/v1/feeds/1", json={"enabled": 0}, headers=admin).json()
    assert lax["errors"] == [
        {"field": "enabled", "in": "body", "problem": "should be a valid boolean (got 0)"}
    ]
    misspelt = client.get("/api/v1/articles?limt=5", headers=admin).json()
    assert misspelt["errors"][0]["field"] == "limt" and "takes cursor, limit" in misspelt["detail"]
    end_of_time = {"starts_at": "9999-12-31T00:00:00Z", "duration_s": 172800}
    overflow = client.post("/api/v1/silences", json=end_of_time, headers=admin)
    assert overflow.status_code == 422 and "10000" in overflow.json()["detail"]
    too_big = client.get("/api/v1/feeds/99999999999", headers=admin)
    assert too_big.status_code == 422 and "feed_id" in too_big.json()["detail"]


def test_unknown_paths_methods_and_keys_answer_json(client: TestClient) -> None:
    admin = bearer(ADMIN)
    nowhere = client.get("/api/v1/nowhere", headers=admin)
    assert nowhere.status_code == 404 and "/docs" in nowhere.json()["detail"]
    wrong_method = client.put("/api/v1/feeds", headers=admin)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, POST"
    assert "use GET, POST" in wrong_method.json()["detail"]
    # `import` is not a feed id: the path answers only POST.
    assert client.get("/api/v1/feeds/import", headers=admin).headers["allow"] == "POST"
    no_key = client.get("/api/v1/feeds")
    assert no_key.status_code == 401 and no_key.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in no_key.json()["detail"]
    basic = client.get("/api/v1/feeds", headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401
