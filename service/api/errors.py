"""One JSON error shape for every error the API answers, and the handlers that produce it.

Every 4xx and 5xx body is a `Problem`: `detail` says in plain words what went wrong and what to
do about it, and `errors` lists each problem (at least one), with the field and where it was
when that is known, so a client can show them next to its own inputs. Routes declare the
errors they can answer with `problems(...)`, which keeps the OpenAPI document honest
(tests/integration/test_openapi.py walks it, and Schemathesis checks every status it sees
against it)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import IntegrityError, OperationalError
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
WHOLE = {"body": "the request body", "path": "the path", "query": "the query string"}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error statuses, all with the `Problem` body."""
    return {code: {"model": Problem, "description": DESCRIPTIONS[code]} for code in sorted(codes)}


def problem(
    status: int,
    detail: str,
    *,
    errors: list[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
    loc: Sequence[str] = (),
) -> JSONResponse:
    """The error answer. Without `errors`, the detail is its one problem, placed by `loc`
    (`("query", "cursor")`, `("path",)`) when the caller knows where it lies."""
    if not errors:
        where = loc[0] if loc and loc[0] in WHERE else None
        errors = [FieldProblem(field=".".join(loc[1:]), where=where, problem=detail)]
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
    if not p.field:  # the body (or path, or query string) as a whole
        whole = WHOLE.get(p.where or "body", "the request")
        return f"{whole} {p.problem}" if verb else f"{whole}: {p.problem}"
    named = f"{WHERE.get(p.where or 'body', p.where)} {p.field!r}"
    return f"{named} {p.problem}" if verb else f"{named}: {p.problem}"


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route answers on `path`."""
    methods: set[str] = set()
    for route in iter_route_contexts(app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path) and route.methods:
            methods |= set(route.methods)
    return sorted(methods)


def _located(request: Request, exc: Exception, status: int) -> tuple[str, ...]:
    """Where the problem lies, when it can be told: an error may carry `loc` itself; a missing
    thing on a route that names one by its path is that path parameter."""
    loc = getattr(exc, "loc", None)
    if isinstance(loc, tuple | list) and all(isinstance(p, str) for p in loc):
        return tuple(loc)
    params = list(request.path_params)
    if status == 404 and len(params) == 1:
        return ("path", params[0])
    return ()


def is_json(content_type: str | None) -> bool:
    """What FastAPI reads as JSON: no content type, application/json or any `+json` type."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind in ("", "application/json") or kind.endswith("+json")


# SQLite: "UNIQUE constraint failed: feeds.url"; PostgreSQL: "Key (url)=(...) already exists."
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)")
_PG_KEY = re.compile(r"Key \(([^)]*)\)=")


def unique_violation(exc: IntegrityError) -> tuple[str, str] | None:
    """(table, columns) when `exc` is a unique-constraint violation, else None."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        diag = getattr(orig, "diag", None)
        table = getattr(diag, "table_name", None) or "?"
        key = _PG_KEY.search(getattr(diag, "message_detail", None) or "")
        return table, key.group(1) if key else "?"
    found = _SQLITE_UNIQUE.search(str(orig))
    return (found.group(1), found.group(2)) if found else None


def install(app: FastAPI) -> None:
    def mapped(status: int) -> Any:
        async def handle(request: Request, exc: Exception) -> JSONResponse:
            return problem(status, str(exc), loc=_located(request, exc, status))

        return handle

    app.add_exception_handler(InputError, mapped(422))
    app.add_exception_handler(NotFound, mapped(404))
    app.add_exception_handler(Conflict, mapped(409))

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        found = field_problems(exc.errors())
        content_type = request.headers.get("content-type")
        if any(p.where == "body" and not p.field for p in found) and not is_json(content_type):
            # A JSON route sent a form or text: FastAPI then validates the raw bytes, and
            # "the body must be a JSON object" hides the fix. 422 like every invalid request.
            wrong = FieldProblem(
                field="content-type",
                where="header",
                problem=f"must be application/json (got {_shown(content_type)})",
            )
            detail = "invalid request: send the body as JSON with Content-Type: application/json"
            return problem(422, detail, errors=[wrong])
        detail = "invalid request: " + "; ".join(sentence(p) for p in found)
        return problem(422, detail, errors=found)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        detail, headers = str(exc.detail), dict(exc.headers or {})
        # Starlette's own answers for unknown paths and methods say too little, and its Allow
        # header names only the first route of the path, not every method the path has.
        loc: tuple[str, ...] = ()
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such path: {request.url.path} (the API is described at /docs)"
            loc = ("path",)
        elif exc.status_code in (401, 403):
            loc = ("header", "authorization")
        elif exc.status_code == 413:
            loc = ("body",)
        elif exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
            detail = f"{request.method} is not allowed here; use {headers['Allow']}"
        elif exc.status_code == 400 and detail == "There was an error parsing the body":
            # A body that is not even text: one more kind of invalid request, so 422 like the rest.
            unreadable = FieldProblem(field="", where="body", problem="could not be read as JSON")
            detail = "invalid request: the request body could not be read; send UTF-8 JSON"
            return problem(422, detail, errors=[unreadable])
        return problem(exc.status_code, detail, headers=headers, loc=loc)

    async def duplicate(_: Request, exc: Exception) -> JSONResponse:
        # Two requests creating the same thing at once: both checked "not there yet", and the
        # database's unique constraint refused the second. It is a conflict, not a crash.
        assert isinstance(exc, IntegrityError)
        found = unique_violation(exc)
        if found is None:
            log.error("integrity error", exc_info=exc)
            return problem(500, "internal error; the server log has the cause")
        table, columns = found
        detail = (
            f"it exists already: {table} has a row with the same {columns} (perhaps made by "
            "a request at the same moment); fetch that one instead"
        )
        return problem(409, detail, loc=("body", *columns.replace(" ", "").split(",")[:1]))

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
    app.add_exception_handler(IntegrityError, duplicate)
    app.add_exception_handler(Exception, crashed)
