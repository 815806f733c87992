"""What the container image holds, built and run without a Docker engine.

The image's builder stage runs docker/install.sh on the build context; so does this test, on
a copy of the checkout filtered by .dockerignore: it builds the wheel, installs it with its
dependencies into a fresh venv, and then runs `ceasewatch` from that venv in a folder outside
the checkout, so nothing can be imported from the source tree. A data file missing from the
wheel (the model, migrations, templates, presets) fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from classifiers.artifacts import DEFAULT_MODEL_VERSION
from tests.conftest import REPO
from tests.flows.test_serve import free_port, wait_until
from tests.support.docker_context import copy_context

pytestmark = pytest.mark.slow

ADMIN = "wheel-admin-key-0123456789"


@dataclass(frozen=True)
class Installed:
    venv: Path
    workdir: Path  # outside the checkout: the service's working directory
    install_s: float

    def env(self, **settings: str) -> dict[str, str]:
        """The machine's environment without anything that could reach the checkout."""
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CEASEWATCH_", "PYTHON", "VIRTUAL_ENV"))
        }
        base["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{base.get('PATH', '')}"
        return {**base, **{f"CEASEWATCH_{k.upper()}": v for k, v in settings.items()}}

    def run(self, *args: str, stdin: str | None = None, **settings: str) -> str:
        done = subprocess.run(
            [str(self.venv / "bin" / "ceasewatch"), *args],
            cwd=self.workdir,
            env=self.env(**settings),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("image")
    copy_context(REPO, root / "src")
    venv, workdir = root / "opt-ceasewatch", root / "work"
    workdir.mkdir()
    started = time.monotonic()
    build = subprocess.run(
        ["sh", str(root / "src" / "docker" / "install.sh"), str(root / "src"), str(venv)],
        cwd=root,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    yield Installed(venv, workdir, time.monotonic() - started)
    # pytest keeps the last runs' temporary folders; a venv with scikit-learn is 600 MB.
    shutil.rmtree(root, ignore_errors=True)


def test_install_takes_what_the_image_needs_from_the_wheel(installed: Installed) -> None:
    # Where the venv's interpreter finds our packages: its own site-packages, not the checkout.
    where = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c",
         "import classifiers, feeds, migrations, service; print(service.__file__)"],
        cwd=installed.workdir,
        env=installed.env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    site = Path(where).parents[1]
    assert site.is_relative_to(installed.venv), where

    shipped = [p.name for p in (REPO / "classifiers" / "artifacts").iterdir()]
    assert {p.name for p in (site / "classifiers" / "artifacts").iterdir()} >= set(shipped)
    assert "MODEL_CARD.md" in shipped
    # Training on the archive's weak labels leaves the annotated items out: they must ship.
    annotations = {p.name for p in (REPO / "classifiers" / "annotations").glob("*.jsonl")}
    assert annotations >= {"signals_sample.jsonl", "unrelated_sample.jsonl"}
    assert {p.name for p in (site / "classifiers" / "annotations").glob("*.jsonl")} == annotations
    versions = {p.name for p in (REPO / "migrations" / "versions").glob("*.py")}
    assert {p.name for p in (site / "migrations" / "versions").glob("*.py")} == versions
    for data in ("migrations/env.py", "migrations/script.py.mako", "service/default_feeds.opml",
                 "service/presets/watches.json", "service/dashboard/templates/login.html"):
        assert (site / data).is_file(), data
    assert not (site / "tests").exists(), "the test suite is not part of the package"
    assert (installed.venv / "healthcheck.py").is_file()
    print(f"\ninstall.sh (wheel build + fresh venv with dependencies): {installed.install_s:.1f}s")


def test_cli_from_the_venv(installed: Installed, tmp_path: Path) -> None:
    assert "serve" in installed.run("--help")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert "newest schema" in installed.run("migrate", database_url=url)
    line = json.dumps({"id": "a", "text": "Pakistani airstrikes hit Kabul and Kandahar"})
    scored = json.loads(installed.run("score", "--input", "-", stdin=line, database_url=url))
    assert scored["model_version"] == DEFAULT_MODEL_VERSION
    assert "AF" in scored["countries"]


def healthcheck(installed: Installed, port: int) -> subprocess.CompletedProcess[str]:
    """The image's HEALTHCHECK command, as Docker would run it."""
    return subprocess.run(
        ["python", str(installed.venv / "healthcheck.py")],
        cwd=installed.workdir,
        env=installed.env(port=str(port)),
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def served(installed: Installed, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`ceasewatch serve` as the image's CMD runs it: settings from the environment only."""
    database = tmp_path / "data" / "ceasewatch.db"
    database.parent.mkdir()
    port = free_port()
    proc = subprocess.Popen(
        [str(installed.venv / "bin" / "ceasewatch"), "serve"],
        cwd=installed.workdir,
        env=installed.env(
            database_url=f"sqlite:///{database}",
            host="127.0.0.1",
            port=str(port),
            admin_key=ADMIN,
            model_dir=str(tmp_path / "models"),
            # The default feeds are on the internet, which the scheduler must not try here.
            install_default_feeds="false",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: httpx.get(f"{base}/readyz").status_code == 200, timeout_s=120)
        yield base, database
        assert healthcheck(installed, port).returncode == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=60)[0]
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells the truth.
    assert proc.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert "Traceback" not in output


def test_serve_from_the_venv(installed: Installed, served: tuple[str, Path]) -> None:
    base, database = served
    auth = {"Authorization": f"Bearer {ADMIN}"}

    ready = httpx.get(f"{base}/readyz").json()
    assert ready["checks"]["migrations"] == "ok"
    assert DEFAULT_MODEL_VERSION in ready["checks"]["model"]
    assert httpx.get(f"{base}/healthz").json()["status"] == "ok"

    login = httpx.get(f"{base}/login")
    assert login.status_code == 200 and '<form method="post" action="/login">' in login.text
    dashboard = httpx.get(f"{base}/", headers=auth)
    assert dashboard.status_code == 200 and "pakistan-afghanistan" in dashboard.text.lower()

    models = httpx.get(f"{base}/api/v1/models", headers=auth).json()
    assert [(m["version"], m["active"]) for m in models] == [(DEFAULT_MODEL_VERSION, True)]
    assert httpx.get(f"{base}/api/v1/status", headers=auth).status_code == 200
    # The active model is the copy inside the venv, not the checkout's.
    with sqlite3.connect(database) as db:
        (path,) = db.execute("SELECT path FROM model_versions").fetchone()
    assert Path(path).is_relative_to(installed.venv), path


def test_healthcheck_fails_when_nothing_answers(installed: Installed) -> None:
    check = healthcheck(installed, free_port())
    assert check.returncode == 1 and "/readyz" in check.stderr
