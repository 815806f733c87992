"""A real HTTP server on 127.0.0.1 for feed (and webhook) tests.

Runs ``ThreadingHTTPServer`` on a free port in a background thread. Routes are registered at
any time, exact (``/a.xml``) or with placeholders (``/feed/{n}.xml``, the handler gets
``request.params["n"]``). Requests are counted per path, thread-safely.

    with FeedServer() as server:
        server.static("/rss.xml", body, etag='"v1"')
        server.route("/feed/{n}.xml", lambda req: Response(body=make_feed(req.params["n"])))
        url = server.url("/rss.xml")
"""

from __future__ import annotations

import gzip as gzip_module
import re
import ssl
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

RSS_TYPE = "application/rss+xml; charset=utf-8"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Streamed instead of ``body`` when set; without ``content_length`` the connection closes
    # at the end, which is how HTTP/1.1 delimits a body of unknown length.
    chunks: Iterable[bytes] | None = None
    content_length: int | None = None
    delay_s: float = 0.0  # wait before sending anything (a hung server)
    chunk_delay_s: float = 0.0  # wait before each chunk (a trickling server)


Handler = Callable[[Request], Response]


def headers_from_comment(data: bytes) -> list[tuple[str, str]]:
    """HTTP headers named by ``Header: Name: value`` lines in a feedparser test file's
    leading comment. The files come in many encodings; the header lines are ASCII, so try
    the wide encodings first and fall back to latin-1, which never fails."""
    head = data[:4096]
    for encoding in ("utf-32", "utf-16", "latin-1"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        found = re.findall(r"^\s*Header:\s*([A-Za-z0-9-]+):[ \t]*(.*?)\s*$", text, re.M)
        if found:
            return [(name, value) for name, value in found]
    return []


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", path)
    regex = "".join(
        f"(?P<{part}>[^/]+)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024  # end-to-end tests open a thousand connections at once
    owner: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that time out or give up reset the connection; that is what the tests
        # provoke, not a server failure worth a traceback on stderr.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate small writes; with Nagle on, a kept-alive client
    # waits for the delayed ACK (about 40 ms) on every response.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        owner = self.server.owner
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        owner._record(request)
        handler, params = owner._find(split.path)
        try:
            if handler is None:
                response = Response(404, b"no such route\n", [("Content-Type", "text/plain")])
            else:
                response = handler(replace(request, params=params))
        except Exception:
            trace = traceback.format_exc().encode()
            response = Response(500, trace, [("Content-Type", "text/plain")])
        try:
            self._write(response, owner._stopping)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, as timeout tests intend

    def _write(self, response: Response, stopping: threading.Event) -> None:
        if response.delay_s and stopping.wait(response.delay_s):
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.chunks is None:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            return
        if response.content_length is not None:
            self.send_header("Content-Length", str(response.content_length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.flush()
        for chunk in response.chunks:
            if response.chunk_delay_s and stopping.wait(response.chunk_delay_s):
                self.close_connection = True
                return
            self.wfile.write(chunk)
            self.wfile.flush()


class FeedServer:
    """Loopback HTTP server with registrable routes and per-path request counts."""

    def __init__(
        self, host: str = "127.0.0.1", *, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.host = host
        self._ssl_context = ssl_context
        self._exact: dict[str, Handler] = {}
        self._patterns: list[tuple[re.Pattern[str], Handler]] = []
        self._counts: Counter[str] = Counter()
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FeedServer:
        server = _Server((self.host, 0), _RequestHandler)
        server.owner = self
        if self._ssl_context is not None:
            server.socket = self._ssl_context.wrap_socket(server.socket, server_side=True)
        self._server = server
        # A short poll interval makes stop() (and so each test module's teardown) quick.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hung and trickling handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        scheme = "https" if self._ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- routing and accounting ---------------------------------------------------------
    def route(self, path: str, handler: Handler) -> None:
        """Register ``handler`` for ``path``; ``{name}`` segments match one path segment."""
        with self._lock:
            if "{" in path:
                self._patterns.append((_pattern(path), handler))
            else:
                self._exact[path] = handler

    def _find(self, path: str) -> tuple[Handler | None, dict[str, str]]:
        with self._lock:
            if path in self._exact:
                return self._exact[path], {}
            for pattern, handler in self._patterns:
                match = pattern.match(path)
                if match:
                    return handler, match.groupdict()
        return None, {}

    def _record(self, request: Request) -> None:
        with self._lock:
            self._counts[request.path] += 1
            self._requests.append(request)

    def count(self, path: str) -> int:
        with self._lock:
            return self._counts[path]

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def requests(self, path: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()
            self._requests.clear()

    # -- ready-made behaviours ----------------------------------------------------------
    def static(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        content_type: str | None = RSS_TYPE,
        headers: Iterable[tuple[str, str]] = (),
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
    ) -> None:
        """Fixed answer; with ``etag``/``last_modified`` a matching conditional GET gets 304."""
        extra = list(headers)
        if content_type is not None:
            extra.append(("Content-Type", content_type))
        validators = [("ETag", etag)] if etag else []
        if last_modified:
            validators.append(("Last-Modified", last_modified))
        payload = gzip_module.compress(body) if gzip else body
        if gzip:
            extra.append(("Content-Encoding", "gzip"))

        def handler(request: Request) -> Response:
            if _not_modified(request, etag, last_modified):
                return Response(304, b"", validators)
            return Response(status, payload, extra + validators)

        self.route(path, handler)

    def file(self, path: str, file_path: Path, *, headers: Iterable[tuple[str, str]] = ()) -> None:
        """Serve a file with the headers its ``Header:`` comment lines name (feedparser cases)."""
        data = file_path.read_bytes()
        named = headers_from_comment(data) + list(headers)
        self.route(path, lambda _request: Response(200, data, named))

    def status(
        self, path: str, status: int, *, headers: Iterable[tuple[str, str]] = (), body: bytes = b""
    ) -> None:
        fixed = list(headers)
        self.route(path, lambda _request: Response(status, body, fixed))

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        self.route(path, lambda _request: Response(status, b"", [("Location", location)]))

    def trickle(self, path: str, body: bytes, *, interval_s: float) -> None:
        """Send ``body`` one byte per ``interval_s``, with an honest Content-Length."""

        def handler(_request: Request) -> Response:
            chunks = (body[i : i + 1] for i in range(len(body)))
            return Response(
                200,
                headers=[("Content-Type", RSS_TYPE)],
                chunks=chunks,
                content_length=len(body),
                chunk_delay_s=interval_s,
            )

        self.route(path, handler)

    def hang(self, path: str, *, seconds: float) -> None:
        """Accept the request and say nothing for ``seconds`` (or until the server stops)."""
        self.route(path, lambda _request: Response(200, b"", delay_s=seconds))

    def oversized(self, path: str, size: int, *, declare_length: bool = True) -> None:
        """``size`` bytes of filler, generated lazily, with or without a Content-Length."""

        def handler(_request: Request) -> Response:
            return Response(
                200,
                headers=[("Content-Type", RSS_TYPE)],
                chunks=_filler(size),
                content_length=size if declare_length else None,
            )

        self.route(path, handler)

    def gzip_bomb(self, path: str, *, decompressed_size: int) -> None:
        """A small gzip body that inflates to ``decompressed_size`` bytes of zeros."""
        member = gzip_module.compress(bytes(1024 * 1024), compresslevel=9)  # about 1 KiB
        # Concatenated gzip members decode as one stream; each inflates to 1 MiB.
        bomb = member * max(1, decompressed_size // (1024 * 1024))
        headers = [("Content-Type", RSS_TYPE), ("Content-Encoding", "gzip")]
        self.route(path, lambda _request: Response(200, bomb, headers))


def _filler(size: int) -> Iterator[bytes]:
    block = b"<!-- filler -->\n" * 4096
    sent = 0
    while sent < size:
        piece = block[: size - sent]
        sent += len(piece)
        yield piece


def _not_modified(request: Request, etag: str | None, last_modified: str | None) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and etag is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = request.headers.get("if-modified-since")
    if since is not None and last_modified is not None:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return since == last_modified
    return False


def wait_for(predicate: Callable[[], bool], *, timeout_s: float = 5.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout_s`` passes (for asynchronous effects)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def outlet_rss(
    outlet: str, stories: list[tuple[str, str]], *, published: datetime | None = None
) -> bytes:
    """An RSS document of `outlet` (a host name) with `stories` as (title, description); each
    item has a guid and a link on that host, and, with `published`, a pubDate one minute
    after the one before."""
    items = "".join(
        f"<item><guid>{outlet}-{i}</guid><link>https://{outlet}/news/{i}</link>"
        f"<title>{escape(title)}</title><description>{escape(text)}</description>"
        + (
            f"<pubDate>{format_datetime(published + timedelta(minutes=i), usegmt=True)}</pubDate>"
            if published is not None
            else ""
        )
        + "</item>"
        for i, (title, text) in enumerate(stories)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title>'
        f"<link>https://{outlet}/</link>{items}</channel></rss>"
    ).encode()
