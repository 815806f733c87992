"""The `ceasewatch` command line, in-process with Typer's runner, on both databases."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from tests.conftest import shared_data
from tests.integration.test_poll import STRIKE, rss
from tests.support.feed_server import FeedServer


@pytest.fixture
def run(database_url: str, tmp_path: Path) -> Iterator[object]:
    runner = CliRunner()
    env = {
        "CEASEWATCH_DATABASE_URL": database_url,
        "CEASEWATCH_ALLOW_PRIVATE_TARGETS": "true",
        "CEASEWATCH_MODEL_DIR": str(tmp_path / "models"),
        "CEASEWATCH_CONNECT_TIMEOUT_S": "2",
        "CEASEWATCH_FETCH_DEADLINE_S": "5",
    }

    def invoke(*args: str, input: str | None = None) -> object:
        return runner.invoke(app, list(args), env=env, input=input)

    yield invoke


def test_feeds_add_list_export_import(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    added = run("feeds", "add", "https://feeds.npr.org/1004/rss.xml", "--title", "NPR World")
    assert added.exit_code == 0, added.output
    assert "added feed 1" in added.output
    again = run("feeds", "add", "https://feeds.npr.org/1004/rss.xml")
    assert again.exit_code == 2 and "already subscribed" in again.output
    assert "Traceback" not in again.output
    bad = run("feeds", "add", "file:///etc/passwd")
    assert bad.exit_code == 2 and "http://" in bad.output

    listed = run("feeds", "list")
    assert "new" in listed.output and "feeds.npr.org" in listed.output

    out = tmp_path / "feeds.opml"
    assert run("feeds", "export", str(out)).exit_code == 0
    assert b"https://feeds.npr.org/1004/rss.xml" in out.read_bytes()
    opml = tmp_path / "more.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline xmlUrl="https://www.dawn.com/feeds/home"/>'
        '<outline xmlUrl="https://feeds.npr.org/1004/rss.xml"/></body></opml>'
    )
    imported = run("feeds", "import", str(opml))
    assert imported.exit_code == 0 and "added 1, already there 1" in imported.output
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline")
    refused = run("feeds", "import", str(broken))
    assert refused.exit_code == 2 and "OPML" in refused.output


def test_poll_once_prints_outcomes_and_exits_zero(run) -> None:  # type: ignore[no-untyped-def]
    with FeedServer() as server:
        server.static("/ok.xml", rss(STRIKE))
        server.static("/broken.xml", b"nope", status=503, content_type="text/plain")
        for path in ("/ok.xml", "/broken.xml"):
            assert run("feeds", "add", server.url(path)).exit_code == 0
        result = run("poll", "--once")
    assert result.exit_code == 0, result.output
    assert "new" in result.output and "/ok.xml" in result.output
    assert "http_status" in result.output and "503" in result.output
    assert "polled 2 feeds" in result.output and "1 failed" in result.output
    assert run("poll").exit_code == 2


def test_keys(run) -> None:  # type: ignore[no-untyped-def]
    created = run("keys", "create", "--role", "viewer")
    assert created.exit_code == 0 and created.output.startswith("cw_")
    wrong = run("keys", "create", "--role", "emperor")
    assert wrong.exit_code == 2 and "unknown role" in wrong.output


def test_score_jsonl(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = [
        {"id": "a", "title": "Pakistani airstrikes hit Kabul", "text": "Jets struck Kandahar."},
        {"id": "b", "text": "Manchester United beat Chelsea 2-1 in the league."},
    ]
    data = "\n".join(json.dumps(x) for x in lines) + "\n" + "{not json\n"
    result = run("score", "--input", "-", input=data)
    assert result.exit_code == 1  # one bad line, the others still scored
    assert "line 3" in result.output
    scored = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [s["id"] for s in scored] == ["a", "b"]
    first = scored[0]
    assert set(first) >= {
        "id",
        "escalation",
        "deescalation",
        "quad",
        "signals",
        "countries",
        "explanation",
        "model_version",
    }
    assert "AF" in first["countries"]
    assert first["escalation"] > scored[1]["escalation"]


def test_models_registry_commands(run) -> None:  # type: ignore[no-untyped-def]
    listed = run("models", "list")
    assert listed.exit_code == 0 and listed.output.startswith("* ")
    missing = run("models", "promote", "no-such-version")
    assert missing.exit_code == 2 and "no model version" in missing.output
    lonely = run("models", "rollback")
    assert lonely.exit_code == 2 and "nothing to roll back" in lonely.output


def test_watches_commands(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    presets = run("watches", "presets")
    assert "pakistan-afghanistan" in presets.output and "sudan-saf-rsf" in presets.output
    assert run("watches", "enable", "israel-iran").exit_code == 0
    spec = tmp_path / "watch.json"
    spec.write_text(json.dumps({
        "slug": "ethiopia-eritrea", "name": "Ethiopia-Eritrea",
        "parties": [{"name": "Ethiopia", "countries": ["ET"]},
                    {"name": "Eritrea", "countries": ["ER"]}]}))
    assert run("watches", "add", str(spec)).exit_code == 0
    listed = run("watches", "list")
    assert "ethiopia-eritrea" in listed.output and "israel-iran" in listed.output
    assert "calm" in listed.output
    spec.write_text('{"slug": "x"}')
    broken = run("watches", "add", str(spec))
    assert broken.exit_code == 2 and "not a valid watch" in broken.output
    assert run("watches", "disable", "israel-iran").exit_code == 0
    assert "disabled" in run("watches", "list").output
    assert run("watches", "delete", "ethiopia-eritrea").exit_code == 0
    gone = run("watches", "delete", "ethiopia-eritrea")
    assert gone.exit_code == 2 and "no watch" in gone.output
    assert run("alerts").exit_code == 0


def test_train_without_the_news_archive_warns_and_registers_a_candidate(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    corpora = shared_data() / "corpora"
    if not corpora.is_dir():
        pytest.skip(f"no corpora under {corpora.parent}")
    data = tmp_path / "data"
    data.mkdir()
    (data / "corpora").symlink_to(corpora)  # the corpora, but no archive beside them
    # Without the archive there are no archive_calm rows to weigh: refused, nothing registered.
    refused = run("train", "--data", str(data), "--weight", "archive_calm=1.5")
    assert refused.exit_code == 2
    assert "--weight: no training rows come from archive_calm" in refused.output
    assert run("train", "--data", str(data), "--weight", "un=lots").exit_code == 2
    trained = run("train", "--data", str(data), "--weight", "ag_calm=2")
    assert trained.exit_code == 0, trained.output
    assert "training without the archive's weak labels" in trained.output
    version = trained.output.split("registered ")[1].split()[0]
    # Beside the active (shipped) model, figure by figure, as the dashboard shows it.
    assert re.search(r"QuadClass macro-F1, held-out news +0\.\d{3} +0\.\d{3}", trained.output)
    assert re.search(r"Crime news above the alert line +0\.\d{3} +- *\n", trained.output), (
        "no archive here: the candidate's crime stories cannot be measured")
    assert 'sample weights: candidate {"ag_calm": 2, "conflibert": 15.0, "operator": 15.0, ' \
        '"un": 0.3}, active {"conflibert": 15.0, "operator": 15.0, "un": 0.3}' in trained.output
    listed = run("models", "list")
    assert version in listed.output and listed.output.count("cw-") == 1, "one candidate only"
    card = json.loads(next((tmp_path / "models").glob(f"*{version}*.card.json")).read_text())
    assert "absent" in card["weak_labels"]["archive"] and "archive_calm" not in card[
        "training_size"]
    assert card["sample_weights"]["ag_calm"] == 2  # the weight reached training


def test_evaluate_reports_the_figures_and_refuses_bad_files(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    labelled = [
        {"text": "Airstrikes hit Kabul overnight, killing twelve.", "quad": "material_conflict"},
        {"text": "Troops shelled border villages for a second day.", "quad": "material_conflict"},
        {"text": "The minister threatened retaliation against the rebels.",
         "quad": "verbal_conflict"},
        {"text": "Both sides agreed to a ceasefire and a prisoner swap.",
         "quad": "material_cooperation"},
        {"text": "The envoys praised the talks as constructive.", "quad": "verbal_cooperation"},
        {"text": "Chelsea beat Arsenal 2-1 in the league on Sunday.", "quad": "neutral"},
    ]
    data = tmp_path / "labelled.jsonl"
    data.write_text("".join(json.dumps(line) + "\n" for line in labelled))
    report = run("evaluate", "--data", str(data))
    assert report.exit_code == 0, report.output
    for figure in ("precision", "macro-F1", "escalation F1", "escalation ECE",
                   "confusion matrix"):
        assert figure in report.output, figure
    header = report.output.split("columns predicted):\n")[1].splitlines()[0].split()
    assert header == ["neutral", "v_coop", "m_coop", "v_conf", "m_conf"]
    as_json = run("evaluate", "--data", str(data), "--json")
    metrics = json.loads(as_json.output)
    assert metrics["n"] == len(labelled) and 0.0 <= metrics["quad"]["escalation_f1"] <= 1.0
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "fine", "quad": "neutral"}\n{not json\n')
    refused = run("evaluate", "--data", str(broken))
    assert refused.exit_code == 2 and "broken.jsonl:2: not valid JSON" in refused.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    nothing = run("evaluate", "--data", str(empty))
    assert nothing.exit_code == 2 and "holds no labelled lines" in nothing.output
