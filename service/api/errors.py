"""One JSON error shape for every error the API answers, and the handlers that produce it.

Every 4xx and 5xx body is a `Problem`: `detail` says in plain words what went wrong and what to
do about it; a 422 for a malformed request also lists each field and its problem in `errors`,
so a client can show them next to its own inputs. Routes declare the errors they can answer
with `problems(...)`, which keeps the OpenAPI document honest (tests/integration/test_openapi.py
walks it, and Schemathesis checks every status it sees against it)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from service.ops.errors import Conflict, InputError, NotFound
from service.schemas import FieldProblem, Problem

log = logging.getLogger(__name__)

DESCRIPTIONS: dict[int, str] = {
    400: "The request is malformed.",
    401: "No API key, or an unknown or revoked one: send `Authorization: Bearer <key>`.",
    403: "The key's role does not allow this.",
    404: "Nothing with that id or name (or it belongs to another key).",
    409: "It exists already, or clashes with the current state.",
    413: "The body is larger than this route accepts.",
    422: "Invalid input: `detail` says what to fix and `errors` names each field.",
    429: "Too many requests: wait for `Retry-After` seconds.",
    503: "The database is unavailable or busy: retry after `Retry-After` seconds.",
}
# Every route that authenticates can answer these: the key is read from the database.
AUTH = (401, 403, 503)
RETRY_AFTER_S = 5
WHERE = {
    "body": "body field",
    "query": "query parameter",
    "path": "path parameter",
    "header": "header",
    "cookie": "cookie",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error statuses, all with the `Problem` body."""
    return {code: {"model": Problem, "description": DESCRIPTIONS[code]} for code in sorted(codes)}


def problem(
    status: int,
    detail: str,
    *,
    errors: list[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = Problem(detail=detail, errors=errors).model_dump(by_alias=True, exclude_none=True)
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(error: dict[str, Any]) -> str:
    """Pydantic's message, in words a person fixing the request can act on."""
    kind, msg, ctx = error.get("type", ""), str(error.get("msg", "")), error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field this accepts (check the spelling; see /docs)"
    if kind == "json_invalid":
        at = error.get("loc", ("body", "?"))[-1]
        return f"is not valid JSON ({ctx.get('error', 'could not parse it')} at character {at})"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "must be a JSON object"
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    # "Input should be a valid integer" -> "should be a valid integer": the field is named first.
    first, _, rest = msg.partition(" ")
    loc = error.get("loc") or ("",)
    if first in ("Input", "String", "List", "Value", "Dictionary") or first == str(loc[-1]):
        msg = rest
    msg = msg[:1].lower() + msg[1:]
    given = error.get("input")
    if isinstance(given, str | int | float | bool) and kind != "value_error":
        return f"{msg} (got {_shown(given)})"
    return msg


def field_problems(errors: Sequence[Any]) -> list[FieldProblem]:
    found = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        where = loc[0] if loc and loc[0] in WHERE else "body"
        path = loc[1:] if loc and loc[0] in WHERE else loc
        if error.get("type") == "json_invalid":  # its loc is a character position, not a field
            path = []
        found.append(FieldProblem(field=".".join(path), where=where, problem=_plain(error)))
    return found


def sentence(p: FieldProblem) -> str:
    verb = p.problem.split(" ", 1)[0] in ("is", "must", "should", "has", "cannot", "needs")
    if not p.field:  # the body as a whole
        return f"the request body {p.problem}" if verb else f"the request body: {p.problem}"
    named = f"{WHERE.get(p.where, p.where)} {p.field!r}"
    return f"{named} {p.problem}" if verb else f"{named}: {p.problem}"


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route answers on `path`."""
    methods: set[str] = set()
    for route in iter_route_contexts(app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path) and route.methods:
            methods |= set(route.methods)
    return sorted(methods)


def install(app: FastAPI) -> None:
    def mapped(status: int) -> Any:
        async def handle(_: Request, exc: Exception) -> JSONResponse:
            return problem(status, str(exc))

        return handle

    app.add_exception_handler(InputError, mapped(422))
    app.add_exception_handler(NotFound, mapped(404))
    app.add_exception_handler(Conflict, mapped(409))

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        found = field_problems(exc.errors())
        detail = "invalid request: " + "; ".join(sentence(p) for p in found)
        return problem(422, detail, errors=found)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        detail, headers = str(exc.detail), dict(exc.headers or {})
        # Starlette's own answers for unknown paths and methods say too little, and its Allow
        # header names only the first route of the path, not every method the path has.
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such path: {request.url.path} (the API is described at /docs)"
        elif exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
            detail = f"{request.method} is not allowed here; use {headers['Allow']}"
        elif exc.status_code == 400 and detail == "There was an error parsing the body":
            # A body that is not even text: one more kind of invalid request, so 422 like the rest.
            unreadable = FieldProblem(field="", where="body", problem="could not be read as JSON")
            detail = "invalid request: the request body could not be read; send UTF-8 JSON"
            return problem(422, detail, errors=[unreadable])
        return problem(exc.status_code, detail, headers=headers)

    async def unavailable(_: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return problem(
            503,
            "the database is unavailable or busy; retry shortly",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    async def crashed(_: Request, exc: Exception) -> JSONResponse:
        # The server logs the traceback (the exception is raised on after this answer).
        return problem(500, "internal error; the server log has the cause")

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(OperationalError, unavailable)
    app.add_exception_handler(Exception, crashed)
