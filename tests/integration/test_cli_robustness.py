"""`ceasewatch score` reads files and stdin alike and keeps ids as given; a closed pipe ends any
command quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from service.cli import app
from service.cli.common import friendly_errors
from service.clock import utcnow
from service.db import make_engine, session_scope
from service.migrate import upgrade
from service.store import feeds as feed_store

REPO = Path(__file__).resolve().parents[2]


def env_for(tmp_path: Path) -> dict[str, str]:
    return {
        "CEASEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "CEASEWATCH_MODEL_DIR": str(tmp_path / "models"),
    }


def test_score_refuses_non_utf8_files_like_stdin(tmp_path: Path) -> None:
    data = b'{"id": "a", "text": "caf\xe9 strikes"}\n{"id": "b", "text": "talks resume"}\n'
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(data)
    runner = CliRunner()
    from_file = runner.invoke(app, ["score", "--input", str(path)], env=env_for(tmp_path))
    from_stdin = runner.invoke(app, ["score", "--input", "-"], input=data, env=env_for(tmp_path))
    for result in (from_file, from_stdin):
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "line 1: not UTF-8" in result.output
        scored = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
        assert [s["id"] for s in scored] == ["b"]


def test_score_needs_ids_and_keeps_their_type(tmp_path: Path) -> None:
    lines = [{"id": 2, "text": "shelling"}, {"text": "no id"}, {"id": "x", "text": "y"}]
    data = "\n".join(json.dumps(x) for x in lines) + "\n"
    result = CliRunner().invoke(app, ["score", "--input", "-"], input=data, env=env_for(tmp_path))
    assert result.exit_code == 1
    assert 'line 2: needs an "id"' in result.output
    scored = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [s["id"] for s in scored] == [2, "x"]


def test_a_broken_pipe_is_not_an_error() -> None:
    @friendly_errors
    def writes() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(typer.Exit) as ended:
        writes()
    assert ended.value.exit_code == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_feeds_list_into_head_ends_quietly(tmp_path: Path) -> None:
    env = {**os.environ, **env_for(tmp_path)}
    url = env["CEASEWATCH_DATABASE_URL"]
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        for n in range(3000):  # far more than a pipe buffer holds
            feed_store.add(session, url=f"https://example.org/{n}.xml", title=None, now=utcnow())
    engine.dispose()
    command = f"{sys.executable} -m service.cli.entry feeds list | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.count("\n") == 1
    assert done.stderr == "", done.stderr
    assert done.returncode in (0, 1)
