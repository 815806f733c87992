"""A fast loopback server for hundreds of feeds, in a subprocess of its own.

``FeedServer`` (a thread per connection, in the test's own process) tops out near 100
requests a second and competes with the test for the GIL. This one is a single asyncio loop in
a child process, with keep-alive, and serves ``/feed/{n}.xml`` for n in 0..feeds-1: distinct,
neutral items per feed, an ETag per content version (so an unchanged feed answers 304), extra
stories appended on request, and an optional delay per feed (a slow outlet, so that a poll is
in flight when a test wants one to be). It counts requests and requests in flight per feed.

The test drives it over HTTP on the same port (``/_control/...``) through ``BulkFeedServer``:

    with BulkFeedServer(feeds=500) as server:
        server.add_stories(7, [("Title", "Description", "outlet.example")])
        server.slow({3: 5.0})
        server.counts()       # {feed number: requests so far}
        server.in_flight()    # {feed number: requests being answered now}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from collections import Counter
from types import TracebackType
from typing import Any
from xml.sax.saxutils import escape

import httpx

NEUTRAL = (
    "Harbour authority {n} reports record cargo volumes in week {i}",
    "City council {n} approves new library budget, session {i}",
    "Regional orchestra {n} announces its season programme, part {i}",
    "University {n} opens a research centre for crop science, phase {i}",
    "Rail operator {n} adds weekend services on line {i}",
    "Local football club {n} signs a goalkeeper for season {i}",
)
ITEMS_PER_FEED = 3


class _State:
    def __init__(self, feeds: int) -> None:
        self.feeds = feeds
        self.version = [1] * feeds
        self.stories: dict[int, list[tuple[str, str, str]]] = {}
        self.delay: dict[int, float] = {}
        self.counts: Counter[int] = Counter()
        self.in_flight: Counter[int] = Counter()
        self._bodies: dict[tuple[int, int], bytes] = {}

    def body(self, n: int) -> bytes:
        key = (n, self.version[n])
        if key not in self._bodies:
            self._bodies[key] = self._render(n)
        return self._bodies[key]

    def _render(self, n: int) -> bytes:
        items = []
        for i in range(ITEMS_PER_FEED):
            title = NEUTRAL[(n + i) % len(NEUTRAL)].format(n=n, i=i)
            items.append(
                (f"feed{n}-item{i}", f"https://outlet{n}.example/news/{i}", title, title + ".")
            )
        for j, (title, text, outlet) in enumerate(self.stories.get(n, [])):
            items.append((f"feed{n}-story{j}", f"https://{outlet}/story/{n}-{j}", title, text))
        xml = "".join(
            f"<item><guid>{escape(g)}</guid><link>{escape(link)}</link>"
            f"<title>{escape(t)}</title><description>{escape(d)}</description></item>"
            for g, link, t, d in items
        )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Outlet {n}</title><link>https://outlet{n}.example/</link>{xml}"
            f"</channel></rss>"
        ).encode()


def _response(status: int, body: bytes, headers: list[tuple[str, str]]) -> bytes:
    reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}.get(status, "OK")
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", *(
        f"{k}: {v}" for k, v in headers
    )]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _answer(state: _State, method: str, path: str, headers: dict[str, str],
                  body: bytes) -> bytes:
    if path.startswith("/feed/") and path.endswith(".xml"):
        try:
            n = int(path[len("/feed/"):-len(".xml")])
        except ValueError:
            n = -1
        if not 0 <= n < state.feeds:
            return _response(404, b"no such feed\n", [])
        state.counts[n] += 1
        state.in_flight[n] += 1
        try:
            if state.delay.get(n):
                await asyncio.sleep(state.delay[n])
            etag = f'"{n}-{state.version[n]}"'
            if headers.get("if-none-match") == etag:
                return _response(304, b"", [("ETag", etag)])
            return _response(
                200,
                state.body(n),
                [("Content-Type", "application/rss+xml; charset=utf-8"), ("ETag", etag)],
            )
        finally:
            state.in_flight[n] -= 1
    if path == "/_control/stats":
        stats = {"counts": dict(state.counts), "in_flight": {
            k: v for k, v in state.in_flight.items() if v}}
        return _response(200, json.dumps(stats).encode(), [("Content-Type", "application/json")])
    if path == "/_control/configure" and method == "POST":
        change: dict[str, Any] = json.loads(body)
        for key, stories in change.get("stories", {}).items():
            n = int(key)
            state.stories.setdefault(n, []).extend((t, d, o) for t, d, o in stories)
            state.version[n] += 1
        if "delay" in change:
            state.delay = {int(k): float(v) for k, v in change["delay"].items()}
        return _response(200, b"{}", [("Content-Type", "application/json")])
    return _response(404, b"no such route\n", [])


async def _serve_connection(state: _State, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, _version = request_line.split(" ", 2)
            headers = {}
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            body = await reader.readexactly(length) if length else b""
            writer.write(await _answer(state, method, target.split("?", 1)[0], headers, body))
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                break
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass  # the client went away (or was killed mid-request, as tests intend)
    finally:
        writer.close()


async def _main(feeds: int) -> None:
    state = _State(feeds)
    server = await asyncio.start_server(
        lambda r, w: _serve_connection(state, r, w), "127.0.0.1", 0, backlog=2048
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    async with server:
        await server.serve_forever()


class BulkFeedServer:
    """Starts the server in a child process and talks to its control routes."""

    def __init__(self, feeds: int) -> None:
        self.feeds = feeds
        self._proc: subprocess.Popen[str] | None = None
        self.port = 0
        self._control = httpx.Client(timeout=10)

    def __enter__(self) -> BulkFeedServer:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.bulk_feed_server", "--feeds", str(self.feeds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        self.port = int(self._proc.stdout.readline())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._control.close()
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(timeout=10)

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.port}/feed/{n}.xml"

    def _stats(self) -> dict[str, dict[str, int]]:
        answer = self._control.get(f"http://127.0.0.1:{self.port}/_control/stats")
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]

    def counts(self) -> dict[int, int]:
        return {int(k): v for k, v in self._stats()["counts"].items()}

    def in_flight(self) -> dict[int, int]:
        return {int(k): v for k, v in self._stats()["in_flight"].items()}

    def _configure(self, change: dict[str, Any]) -> None:
        answer = self._control.post(
            f"http://127.0.0.1:{self.port}/_control/configure", content=json.dumps(change)
        )
        answer.raise_for_status()

    def add_stories(self, n: int, stories: list[tuple[str, str, str]]) -> None:
        """Appends (title, description, outlet host) items to feed n; its ETag changes."""
        self._configure({"stories": {str(n): stories}})

    def slow(self, delays: dict[int, float]) -> None:
        """Feeds that wait this many seconds before answering (replaces the previous set)."""
        self._configure({"delay": {str(k): v for k, v in delays.items()}})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, required=True)
    asyncio.run(_main(parser.parse_args().feeds))
