"""The Dockerfile, compose.yaml and .dockerignore say what the deployment docs promise.

No Docker engine runs here; tests/flows/test_wheel_install.py runs the image's install steps
(docker/install.sh) for real. These checks catch the edits that would break a deployment
without breaking that test: a root user, a lost healthcheck, a misspelt setting, a worker
that cannot be scaled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from service.config import Settings
from tests.conftest import REPO
from tests.support.docker_context import context_files


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    steps: list[tuple[str, str]] = []
    pending = ""
    for raw in (REPO / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        instruction, _, args = (pending + line).partition(" ")
        steps.append((instruction.upper(), " ".join(args.split())))
        pending = ""
    return steps


def args_of(instruction: str) -> list[str]:
    return [a for i, a in dockerfile() if i == instruction]


def runtime_steps() -> list[tuple[str, str]]:
    """The steps of the last stage: what the shipped image is."""
    steps = dockerfile()
    last_from = max(n for n, (i, _) in enumerate(steps) if i == "FROM")
    return steps[last_from:]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, args in runtime_steps():
        if instruction == "ENV":
            env.update(dict(re.findall(r"(\w+)=(\S+)", args)))
    return env


def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_both_stages_use_the_slim_python_311_base() -> None:
    args = dict(a.split("=", 1) for a in args_of("ARG") if "=" in a)
    assert args["PYTHON_IMAGE"] == "python:3.11-slim"
    froms = args_of("FROM")
    assert len(froms) == 2
    assert all(f.startswith("${PYTHON_IMAGE} AS ") for f in froms)


def test_the_builder_runs_the_tested_install_script() -> None:
    runs = " ".join(args_of("RUN"))
    assert "docker/install.sh /src /opt/ceasewatch" in runs
    assert "COPY --from=builder /opt/ceasewatch /opt/ceasewatch" in [
        f"{i} {a}" for i, a in runtime_steps()
    ]
    assert (REPO / "docker" / "install.sh").stat().st_mode & 0o111, "install.sh is executable"


def test_the_image_runs_as_a_fixed_non_root_user() -> None:
    users = [a for i, a in runtime_steps() if i == "USER"]
    assert users, "the runtime stage sets a USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert user.isdigit(), "a numeric uid lets orchestrators check runAsNonRoot"


def test_the_healthcheck_asks_readyz_without_curl() -> None:
    (check,) = args_of("HEALTHCHECK")
    command = json.loads(check.split(" CMD ", 1)[1])
    assert command == ["python", "/opt/ceasewatch/healthcheck.py"]
    script = (REPO / "docker" / "healthcheck.py").read_text()
    assert "/readyz" in script and "urllib.request" in script
    assert "curl" not in check


def test_serve_is_the_default_command_on_the_exposed_port() -> None:
    assert args_of("ENTRYPOINT") == ['["ceasewatch"]']
    assert args_of("CMD") == ['["serve"]']
    env = image_env()
    assert env["CEASEWATCH_HOST"] == "0.0.0.0"
    assert args_of("EXPOSE") == [env["CEASEWATCH_PORT"]]
    assert env["CEASEWATCH_DATABASE_URL"].startswith("sqlite:////var/lib/ceasewatch/")
    assert any(a.startswith('["/var/lib/ceasewatch"]') for a in args_of("VOLUME"))


def test_every_setting_the_deployment_sets_exists() -> None:
    """A misspelt CEASEWATCH_ variable is ignored silently by the service, so check it here."""
    known = {f"CEASEWATCH_{name.upper()}" for name in Settings.model_fields}
    names = set(image_env())
    for service in compose()["services"].values():
        names |= set(service.get("environment", {}))
    example = (REPO / "docker" / "compose.env.example").read_text()
    names |= set(re.findall(r"^#?\s*(CEASEWATCH_\w+)=", example, re.MULTILINE))
    assert {n for n in names if n.startswith("CEASEWATCH_")} - known == set()


def test_compose_has_postgres_an_api_and_scalable_workers() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "api", "worker"}

    pg = services["postgres"]
    assert pg["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in pg["volumes"])

    for role in ("api", "worker"):
        service = services[role]
        assert service["command"] == ["serve", "--role", role]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        url = service["environment"]["CEASEWATCH_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
        assert "CEASEWATCH_ADMIN_KEY" in service["environment"]
    assert services["api"]["ports"]
    # `--scale worker=3` needs workers without a fixed name or a published port.
    assert "ports" not in services["worker"] and "container_name" not in services["worker"]


def test_compose_variables_are_all_in_the_env_example() -> None:
    used = set(re.findall(r"\$\{(\w+)", (REPO / "compose.yaml").read_text()))
    example = (REPO / "docker" / "compose.env.example").read_text()
    listed = set(re.findall(r"^#?\s*(\w+)=", example, re.MULTILINE))
    assert used - listed == set()


def test_the_build_context_holds_the_sources_and_nothing_private() -> None:
    files = set(context_files(REPO))
    for needed in ("pyproject.toml", "README.md", "docker/install.sh", "docker/healthcheck.py"):
        assert needed in files
    shipped_model = next((REPO / "classifiers" / "artifacts").glob("*.skops"))
    assert shipped_model.relative_to(REPO).as_posix() in files
    assert any(f.startswith("migrations/versions/") for f in files)
    for path in files:
        top = path.split("/")[0]
        assert top not in (".git", ".venv", "tests", "models"), path
        assert "__pycache__" not in path and not Path(path).name.endswith((".db", ".pyc"))
        assert not Path(path).name.startswith(".env"), path
