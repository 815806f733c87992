"""The guard in front of every route: body size (413) and input no route may store (422: NUL
characters, non-standard JSON numbers), checked before routing and authentication."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any, Literal
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api import errors, feeds
from service.schemas import FieldProblem

# Request bodies larger than this are refused (413) before anything reads them, the API key
# included: a JSON body of this API is a few kilobytes. Routes that take more say so here.
MAX_BODY_BYTES = 1024 * 1024
BODY_LIMITS = {"/api/v1/feeds/import": feeds.MAX_OPML_BYTES}
NUL = "\x00"


class NonStandardJSON(Exception):
    """NaN, Infinity or -Infinity: Python's json reads them, JSON (RFC 8259) has no such thing."""


def _refuse_constant(name: str) -> object:
    raise NonStandardJSON(name)


def _json_problems(value: object, path: tuple[str, ...] = ()) -> Iterator[FieldProblem]:
    """NUL characters (PostgreSQL text cannot hold them) and numbers too large to be finite
    (`1e999` reads as infinity), anywhere in a parsed JSON body."""
    field = ".".join(path)
    if isinstance(value, str) and NUL in value:
        yield FieldProblem(field=field, where="body", problem="must not contain NUL characters")
    elif isinstance(value, float) and not math.isfinite(value):
        yield FieldProblem(field=field, where="body", problem="must be a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield FieldProblem(
                    field=field, where="body", problem="has a key with a NUL character"
                )
            yield from _json_problems(item, (*path, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _json_problems(item, (*path, str(n)))


def _pairs_problems(
    pairs: list[tuple[str, str]], where: Literal["query", "body"]
) -> list[FieldProblem]:
    return [
        FieldProblem(field=name, where=where, problem="must not contain NUL characters")
        for name, value in pairs
        if NUL in name or NUL in value
    ]


def url_problems(scope: Scope) -> list[FieldProblem]:
    found = []
    if NUL in scope["path"]:
        found.append(FieldProblem(field="", where="path", problem="must not contain NUL (%00)"))
    query = scope.get("query_string", b"").decode("latin-1")
    found += _pairs_problems(parse_qsl(query, keep_blank_values=True), "query")
    return found


def body_problems(content_type: str | None, body: bytes) -> list[FieldProblem]:
    if not body:
        return []
    if errors.is_json(content_type):
        try:
            parsed = json.loads(body, parse_constant=_refuse_constant)
        except NonStandardJSON as exc:
            problem = f"is not valid JSON: {exc} is not a JSON number; send a finite number"
            return [FieldProblem(field="", where="body", problem=problem)]
        except ValueError:
            return []  # not JSON at all: FastAPI says so, with where it broke
        return list(_json_problems(parsed))
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return _pairs_problems(parse_qsl(body.decode("latin-1"), keep_blank_values=True), "body")
    # Text, OPML, multipart: no route takes binary data, so a NUL byte has no place anywhere.
    if b"\x00" in body:
        return [FieldProblem(field="", where="body", problem="must not contain NUL bytes")]
    return []


class RequestGuard:
    """Refuses, before any route or dependency runs: a body over the route's size limit (413,
    from Content-Length up front, or counted as a chunked body streams in), and NUL characters
    in the path, query, form fields or JSON strings, and NaN/Infinity in JSON (422). The body
    is read here, at most the limit, and handed on to the route unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = url_problems(scope)
        if found:
            await _invalid(found)(scope, receive, send)
            return
        limit = BODY_LIMITS.get(scope["path"], MAX_BODY_BYTES)
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client is gone: nobody to answer
            body += message.get("body", b"")
            if len(body) > limit:
                await _too_large(limit)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        found = body_problems(headers.get("content-type"), bytes(body))
        if found:
            await _invalid(found)(scope, receive, send)
            return
        await self.app(scope, _replay(bytes(body), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then the disconnect, when it comes

    return replayed


def _invalid(found: list[FieldProblem]) -> JSONResponse:
    detail = "invalid request: " + "; ".join(errors.sentence(p) for p in found)
    return errors.problem(422, detail, errors=found)


def _too_large(limit: int) -> JSONResponse:
    detail = f"the request body is larger than this route accepts ({limit} bytes at most)"
    return errors.problem(413, detail, loc=("body",))


def document_guarded_errors(app: FastAPI) -> None:
    """The guard can answer 422 on any operation that takes input and 413 on any that takes a
    body: the OpenAPI document says so, as for every other error."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = generate()
        for item in document.get("paths", {}).values():
            for op in item.values():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                codes = [413, 422] if "requestBody" in op else [422] if op.get("parameters") else []
                for code in codes:
                    op["responses"].setdefault(
                        str(code),
                        {
                            "description": errors.DESCRIPTIONS[code],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Problem"}
                                }
                            },
                        },
                    )
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
