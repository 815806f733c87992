"""Feed URLs that are not usable are refused with a reason (API 422, CLI exit 2, OPML
`invalid`), never a 500 or a traceback; equivalent spellings are one subscription; settings
that cannot work are refused at start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from service.cli import app
from service.config import Settings
from service.ops.errors import InputError
from service.ops.feeds import validate_feed_url
from tests.support.api import ADMIN, bearer

BAD_URLS = [
    "http://[::1",
    "http://[::1]:99999/x",
    "http://127.0.0.1:0/x",
    "http://127.0.0.1:x/feed",
    "http://exa mple.com/\u0000x",
    "http://example.com/a b",
    "http://example.com/\x00",
    "http://example.com/\tx",
    "ftp://example.com/feed",
    "javascript:alert(1)",
    "http://" + "h" * 300 + ".example/rss",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_unusable_urls_are_input_errors(url: str) -> None:
    with pytest.raises(InputError):
        validate_feed_url(url)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("HTTP://127.0.0.1:18201/good", "http://127.0.0.1:18201/good"),
        ("https://News.Example.COM:443/Feed?A=1", "https://news.example.com/Feed?A=1"),
        ("http://EXAMPLE.com:80", "http://example.com"),
        ("http://[::1]:8080/rss", "http://[::1]:8080/rss"),
        ("  https://example.com/rss  ", "https://example.com/rss"),
    ],
)
def test_scheme_host_and_default_port_are_normalised(given: str, stored: str) -> None:
    assert validate_feed_url(given) == stored


def test_api_refuses_bad_urls_and_duplicate_spellings(client: TestClient) -> None:
    admin = bearer(ADMIN)
    for url in BAD_URLS:
        answer = client.post("/api/v1/feeds", json={"url": url}, headers=admin)
        assert answer.status_code == 422, (url, answer.status_code, answer.text)
    created = client.post(
        "/api/v1/feeds", json={"url": "http://127.0.0.1:18201/good"}, headers=admin
    )
    assert created.status_code == 201
    for spelling in ("HTTP://127.0.0.1:18201/good", "http://127.0.0.1:18201/good"):
        again = client.post("/api/v1/feeds", json={"url": spelling}, headers=admin)
        assert again.status_code == 409, again.text
    upper = client.post("/api/v1/feeds", json={"url": "HTTPS://NEWS.EXAMPLE:443/x"}, headers=admin)
    assert upper.status_code == 201 and upper.json()["url"] == "https://news.example/x"
    nul_title = client.post(
        "/api/v1/feeds", json={"url": "https://t.example/", "title": "a\u0000b"}, headers=admin
    )
    assert nul_title.status_code == 422


OPML = (
    '<?xml version="1.0"?><opml version="2.0"><body>'
    '<outline text="good" xmlUrl="https://good.example/rss"/>'
    '<outline text="broken" xmlUrl="http://[::1"/>'
    '<outline text="port" xmlUrl="http://[::1]:99999/x"/>'
    '<outline text="ftp" xmlUrl="ftp://files.example/feed"/>'
    '<outline text="js" xmlUrl="javascript:alert(1)"/>'
    '<outline text="same, louder" xmlUrl="HTTPS://GOOD.example:443/rss"/>'
    '<outline text="also good" title="' + "t" * 800 + '" xmlUrl="https://also.example/rss"/>'
    "</body></opml>"
)


def test_api_opml_import_counts_bad_outlines_and_keeps_the_good(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/feeds/import",
        content=OPML.encode(),
        headers={**bearer(ADMIN), "Content-Type": "text/x-opml"},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["added"] == ["https://good.example/rss", "https://also.example/rss"]
    assert report["skipped"] == ["https://good.example/rss"]
    assert [url for url, _reason in report["invalid"]] == [
        "http://[::1", "http://[::1]:99999/x", "ftp://files.example/feed", "javascript:alert(1)",
    ]
    feeds = client.get("/api/v1/feeds", headers=bearer(ADMIN)).json()
    assert {f["url"] for f in feeds} == {"https://good.example/rss", "https://also.example/rss"}
    assert all(f["title"] is None or len(f["title"]) <= 500 for f in feeds)


@pytest.fixture
def run(database_url: str, tmp_path: Path) -> Iterator[object]:
    runner = CliRunner()
    env = {"CEASEWATCH_DATABASE_URL": database_url, "CEASEWATCH_MODEL_DIR": str(tmp_path)}

    def invoke(*args: str, **extra: str) -> object:
        return runner.invoke(app, list(args), env={**env, **extra})

    yield invoke


def test_cli_reports_bad_urls_without_tracebacks(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for url in ("http://[::1", "http://[::1]:99999/x", "http://127.0.0.1:0/x"):
        bad = run("feeds", "add", url)
        assert bad.exit_code == 2, bad.output
        assert "Traceback" not in bad.output and "error:" in bad.output
        assert bad.exception is None or isinstance(bad.exception, SystemExit)
    assert run("feeds", "add", "HTTP://127.0.0.1:18201/good").exit_code == 0
    dup = run("feeds", "add", "http://127.0.0.1:18201/good")
    assert dup.exit_code == 2 and "already subscribed" in dup.output

    opml = tmp_path / "bad.opml"
    opml.write_text(OPML)
    imported = run("feeds", "import", str(opml))
    assert imported.exit_code == 0, imported.output
    assert "added 2, already there 1, invalid 4" in imported.output
    assert "ftp://files.example/feed" in imported.output
    assert "Traceback" not in imported.output


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("fetch_concurrency", "0"),
        ("per_host_concurrency", "0"),
        ("max_body_bytes", "-1"),
        ("poll_batch_size", "0"),
        ("poll_every_s", "0"),
        ("lease_s", "-5"),
        ("fetch_deadline_s", "nan"),
        ("connect_timeout_s", "inf"),
        ("min_interval_s", "0"),
        ("backoff_base_s", "0"),
        ("delivery_concurrency", "0"),
        ("max_redirects", "-1"),
    ],
)
def test_settings_that_cannot_work_are_refused(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"CEASEWATCH_{name.upper()}", value)
    with pytest.raises(ValidationError, match=name):
        Settings()


def test_interval_bounds_must_be_in_order() -> None:
    with pytest.raises(ValidationError, match="min_interval_s"):
        Settings(min_interval_s=7200, max_interval_s=3600)
    assert Settings(min_interval_s=1, max_interval_s=2, max_redirects=0).max_redirects == 0


@pytest.mark.timeout(60)
def test_cli_poll_with_zero_concurrency_fails_at_once(run) -> None:  # type: ignore[no-untyped-def]
    result = run("poll", "--once", "--all", CEASEWATCH_FETCH_CONCURRENCY="0")
    assert result.exit_code == 2
    assert "fetch_concurrency" in result.output and "Traceback" not in result.output
