"""The backtest replays archive items through the live path and reports series and alerts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

from typer.testing import CliRunner

from service.cli import app
from tests.conftest import shared_data


def write_archive(path: Path, items: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n{broken\n", encoding="utf-8")
    return path


def item(outlet: str, when: str, title: str, description: str) -> dict[str, str]:
    return {
        "outlet": outlet,
        "source": f"https://{outlet}.example/rss",
        "title": title,
        "description": f"<p>{description}</p>",
        "link": f"https://{outlet}.example/{abs(hash(title)) % 10**8}?utm_source=rss",
        "date_published": when,
        "language": "en-US",
    }


def test_backtest_json_on_a_scripted_archive(tmp_path: Path) -> None:
    archive = write_archive(
        tmp_path / "archive.jsonl",
        [
            item(
                "dawn",
                "2026-02-20 09:00:00+00:00",
                "Pakistan and Afghanistan hold talks in Doha as ceasefire holds",
                "Delegations met under Qatari mediation.",
            ),
            item(
                "dawn",
                "2026-02-26T22:10:00+05:00",
                "Afghan forces attack Pakistani border posts, heavy clashes in Kurram",
                "Pakistani and Afghan Taliban troops exchanged fire along the border.",
            ),
            item(
                "tolonews",
                "Fri, 27 Feb 2026 05:00:00 GMT",
                "Pakistani airstrikes hit Kabul, Kandahar and Paktia",
                "Jets struck targets in three Afghan provinces, killing at least 12 people.",
            ),
            item(
                "aljazeera",
                "2026-02-27 06:00:00+00:00",
                "Pakistan's defence minister declares 'open war' on Afghanistan's Taliban",
                "Khawaja Asif said it was now open war after the Afghan cross-border attack.",
            ),
        ],
    )
    env = {"CEASEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"}
    result = CliRunner().invoke(
        app,
        [
            "backtest",
            "--archive",
            str(archive),
            "--watch",
            "pakistan-afghanistan",
            "--json",
            "--step-h",
            "1",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"series", "alerts"}
    levels = [p["level"] for p in out["series"]]
    assert levels[0] == "calm" and "critical" in levels
    assert all(0 <= p["index"] <= 100 and p["t"].endswith("Z") for p in out["series"])
    assert len(out["alerts"]) == 1  # one episode: warning escalated to critical, not two alerts
    alert = out["alerts"][0]
    assert alert["level"] == "critical" and alert["started_at"].startswith("2026-02-2")
    assert {"fingerprint", "status", "resolved_at", "peak_index", "evidence"} <= set(alert)
    outlets = {o for e in alert["evidence"] for o in e["outlets"]}
    assert len(outlets) >= 2

    plain = CliRunner().invoke(
        app, ["backtest", "--archive", str(archive), "--watch", "pakistan-afghanistan"], env=env
    )
    assert "replayed 4 items (1 unusable)" in plain.output
    unknown = CliRunner().invoke(
        app, ["backtest", "--archive", str(archive), "--watch", "atlantis-lemuria"], env=env
    )
    assert unknown.exit_code == 2 and "no preset" in unknown.output

    def times(step_h: str) -> list[datetime]:
        run = CliRunner().invoke(
            app,
            ["backtest", "--archive", str(archive), "--watch", "pakistan-afghanistan",
             "--json", "--step-h", step_h],
            env=env,
        )
        assert run.exit_code == 0, run.output
        return [datetime.fromisoformat(p["t"]) for p in json.loads(run.stdout)["series"]]

    for step_h in ("5", "24"):  # evenly spaced from the first point, whatever the step
        points = times(step_h)
        assert len(points) > 1
        assert {b - a for a, b in pairwise(points)} == {timedelta(hours=int(step_h))}
    zero = CliRunner().invoke(
        app,
        ["backtest", "--archive", str(archive), "--watch", "pakistan-afghanistan",
         "--step-h", "0"],
        env=env,
    )
    assert zero.exit_code == 2 and "step must be positive" in zero.output


def test_backtest_finds_october_7_in_the_2023_archive(tmp_path: Path) -> None:
    source = shared_data() / "archive" / "world_news_rss_items_2023.jsonl"
    window = tmp_path / "autumn.jsonl"
    with source.open(encoding="utf-8") as lines, window.open("w", encoding="utf-8") as out:
        for line in lines:
            when = json.loads(line).get("date_published", "")
            if "2023-09-20" <= when[:10] <= "2023-10-20":
                out.write(line)
    env = {"CEASEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"}
    result = CliRunner().invoke(
        app, ["backtest", "--archive", str(window), "--watch", "israel-hamas", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.stdout)["alerts"]
    critical = [a for a in alerts if a["level"] == "critical"]
    assert critical, alerts
    first = min(a["started_at"] for a in critical if a["started_at"] >= "2023-10-07")
    assert first.startswith("2023-10-07"), first
