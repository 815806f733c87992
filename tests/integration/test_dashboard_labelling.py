"""The labelling page as operators meet it, on both databases: the queue ranks what the model
is least sure about, only operators may label, forms need their CSRF token, labels land in the
database, and a retrained candidate is compared with the active model before promotion."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from classifiers.artifacts import load_model
from service.api.app import create_app
from service.clock import utcnow
from service.config import Settings
from service.db import session_scope
from service.models import Article, ArticleScore, Label, ModelVersion
from service.ops import labelling
from service.ops import models as model_ops
from tests.conftest import shared_data
from tests.support.api import ADMIN, key

QUADS = ("neutral", "verbal_cooperation", "material_cooperation", "verbal_conflict",
         "material_conflict")


def _story(engine: Engine, title: str, *, escalation: float, quad: dict[str, float],
           minutes_ago: int, labelled: bool = False, rescored: float | None = None) -> int:
    """A stored story with a score set by hand, so the expected queue order is exact."""
    now = utcnow()
    at = now - timedelta(minutes=minutes_ago)
    with session_scope(engine) as session:
        article = Article(title=title, content_hash=f"{abs(hash(title)):064d}"[:64],
                          canonical_link=f"https://news.example/{abs(hash(title))}",
                          published_at=at, first_seen_at=at)
        session.add(article)
        session.flush()
        aid = article.id or 0
        full = {q: quad.get(q, 0.0) for q in QUADS}
        for version, esc in [("m-old", escalation), ("m-new", rescored)]:
            if esc is None:
                continue
            session.add(ArticleScore(article_id=aid, model_version=version, escalation=esc,
                                     deescalation=1 - esc, quad=full, signals={"airstrike": 0.7},
                                     countries=[], explanation=[["strike", 0.4]], scored_at=at))
            session.flush()
        if labelled:
            session.add(Label(article_id=aid, quad="neutral", signals=[], created_at=now))
    return aid


def _queue_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="item" id="item-(\d+)"', html)]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def _sign_in(client: TestClient, engine: Engine, role: str) -> None:
    client.cookies.clear()
    token = key(engine, role)["Authorization"].split()[1]
    assert client.post("/login", data={"key": token}, follow_redirects=False).status_code == 303


def _labels(engine: Engine) -> list[Label]:
    with session_scope(engine) as session:
        return list(session.exec(select(Label).order_by(col(Label.id))).all())


def test_queue_ranks_the_least_certain_first(client: TestClient, engine: Engine) -> None:
    clear = _story(engine, "Clear strike", escalation=0.97,
                   quad={"material_conflict": 0.9, "verbal_conflict": 0.07}, minutes_ago=5)
    coin = _story(engine, "Coin toss", escalation=0.5,
                  quad={"verbal_conflict": 0.3, "neutral": 0.5}, minutes_ago=50)
    tie = _story(engine, "Near tie", escalation=0.9,
                 quad={"verbal_conflict": 0.46, "material_conflict": 0.44}, minutes_ago=30)
    # Scored 0.5 by an older model, 0.99 by the newest: the newest score counts.
    rescored = _story(engine, "Rescored", escalation=0.5, rescored=0.99,
                      quad={"material_conflict": 0.95}, minutes_ago=10)
    done = _story(engine, "Already labelled", escalation=0.5, quad={"neutral": 0.5},
                  minutes_ago=1, labelled=True)

    _sign_in(client, engine, "operator")
    page = client.get("/label")
    assert page.status_code == 200 and "Stories the model is least sure about" in page.text
    order = _queue_ids(page.text)
    # Coin toss 1.0, near tie 0.98, clear strike 0.17; the rescored story counts with its
    # newest score (0.05), not the old 0.5 that would put it first; the labelled one is out.
    assert order == [coin, tie, clear, rescored] and done not in order
    item = page.text.split(f'id="item-{tie}"')[1].split("</article>")[0]
    assert "verbal conflict 0.46 vs material conflict 0.44" in item
    assert "98% unsure" in item and "Near tie" in item
    assert '<kbd>5</kbd> material conflict' in item and "scored by m-new" not in item
    assert "<script>" in page.text, "the keystroke enhancement is inline, nothing from a CDN"
    assert "src=" not in page.text.split("<script>")[1]


def test_roles_csrf_and_recorded_labels(client: TestClient, engine: Engine) -> None:
    story = _story(engine, "Artillery fire reported near the line of contact", escalation=0.55,
                   quad={"material_conflict": 0.5, "verbal_conflict": 0.4}, minutes_ago=3)

    client.cookies.clear()
    assert client.get("/label", follow_redirects=False).headers["location"] == "/login"

    _sign_in(client, engine, "viewer")
    refused = client.get("/label")
    assert refused.status_code == 403 and "Labelling is for operators" in refused.text
    assert "viewer" in refused.text and "--role operator" in refused.text
    assert 'href="/label"' not in client.get("/").text, "viewers get no Label link"
    posted = client.post(f"/label/article/{story}", data={"quad": "neutral"},
                         follow_redirects=False)
    assert posted.status_code == 403 and _labels(engine) == []

    _sign_in(client, engine, "operator")
    assert 'href="/label"' in client.get("/").text
    token = _csrf(client.get("/label").text)
    missing = client.post(f"/label/article/{story}", data={"quad": "material_conflict"})
    assert missing.status_code == 403 and "security token" in missing.text
    forged = client.post(f"/label/article/{story}", data={"quad": "neutral", "csrf": "0" * 64})
    assert forged.status_code == 403
    elsewhere = client.post(f"/label/article/{story}",
                            data={"quad": "neutral", "csrf": token},
                            headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403 and "another site" in elsewhere.text
    assert _labels(engine) == [], "nothing refused was stored"

    unknown = client.post(f"/label/article/{story}", data={"quad": "war", "csrf": token})
    assert unknown.status_code == 422 and "quad must be one of" in unknown.text
    bad_signal = client.post(f"/label/article/{story}",
                             data={"quad": "neutral", "signals": ["dragons"], "csrf": token})
    assert bad_signal.status_code == 422 and "unknown signals" in bad_signal.text
    gone = client.post("/label/article/999999", data={"quad": "neutral", "csrf": token})
    assert gone.status_code == 404 and "no article with id 999999" in gone.text

    saved = client.post(
        f"/label/article/{story}",
        data={"quad": "material_conflict", "signals": ["shelling", "casualties"], "csrf": token},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith("/label?")
    [label] = _labels(engine)
    assert (label.article_id, label.quad, label.signals) == (
        story, "material_conflict", ["shelling", "casualties"])
    assert label.author and label.author.startswith("key:")
    after = client.get(saved.headers["location"])
    assert ("Saved “Artillery fire reported near the line of contact” "
            f"(#{story}) as material conflict + shelling, casualties.") in after.text
    assert story not in _queue_ids(after.text), "a labelled story leaves the queue"
    assert "1 label so far" in after.text

    # The labels API sees the same label: both paths write one table.
    listed = client.get("/api/v1/labels", headers={"Authorization": f"Bearer {ADMIN}"}).json()
    assert [(x["article_id"], x["quad"]) for x in listed] == [(story, "material_conflict")]


@pytest.fixture
def client_without_corpora(engine: Engine, settings: Settings,
                           tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"admin_key": ADMIN,
                                                 "data_dir": tmp_path / "no-data"}), role="api")
    with TestClient(app) as c:
        yield c


def test_retrain_says_when_the_corpora_are_absent(client_without_corpora: TestClient,
                                                  engine: Engine) -> None:
    client = client_without_corpora
    _story(engine, "Talks resume in Doha", escalation=0.4, quad={"verbal_cooperation": 0.6},
           minutes_ago=1)
    _sign_in(client, engine, "operator")
    page = client.get("/label").text
    assert 'id="corpora-missing"' in page and "no-data/corpora" in page
    assert '<button type="button" disabled>Train a candidate</button>' in page
    posted = client.post("/label/retrain", data={"csrf": _csrf(page)})
    assert posted.status_code == 409 and "Retraining needs the labelled corpora" in posted.text
    with session_scope(engine) as session:
        assert len(model_ops.list_versions(session)) == 1, "nothing was registered"


@pytest.fixture
def client_with_corpora(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    data = shared_data()
    if not (data / "corpora").is_dir():
        pytest.skip(f"no corpora under {data}")
    app = create_app(settings.model_copy(update={"admin_key": ADMIN, "data_dir": data}),
                     role="api")
    with TestClient(app) as c:
        yield c


def test_retrain_compare_and_promote(client_with_corpora: TestClient, engine: Engine) -> None:
    client = client_with_corpora
    story = _story(engine, "Troops shell villages across the border", escalation=0.5,
                   quad={"material_conflict": 0.45, "verbal_conflict": 0.4}, minutes_ago=2)
    _sign_in(client, engine, "operator")
    page = client.get("/label").text
    assert 'id="comparison"' not in page, "no candidate yet"
    token = _csrf(page)
    client.post(f"/label/article/{story}", data={"quad": "material_conflict", "csrf": token})
    shipped = client.app.state.ctx.model.scorer.version  # type: ignore[attr-defined]

    started = time.monotonic()
    trained = client.post("/label/retrain", data={"csrf": token}, follow_redirects=False)
    assert trained.status_code == 303, trained.text
    page = client.get(trained.headers["location"]).text
    assert "Training a candidate" in page
    if 'id="training"' in page:  # still running: the page says so and refreshes itself
        assert '<meta http-equiv="refresh" content="3">' in page
        assert client.post("/label/retrain", data={"csrf": token}).status_code == 409
    while 'id="comparison"' not in page and 'id="training-failed"' not in page:
        assert time.monotonic() - started < 180, "training did not finish in 3 minutes"
        time.sleep(0.5)
        page = client.get("/label").text
    print(f"retrain through the dashboard: {time.monotonic() - started:.1f} s")
    assert 'id="training-failed"' not in page, page
    version = re.findall(r"Candidate (cw-[0-9TZ]+)", page)[0]
    assert 'http-equiv="refresh"' not in page and "Trained in" in page
    table = page.split('id="comparison"')[1].split("</table>")[0]
    figures = re.findall(r'<td class="num[^"]*">([0-9.]+)', table)
    assert len(figures) >= 10, "active and candidate figures side by side"
    assert "QuadClass macro-F1, held-out news" in table
    # Our annotated disaster and crime stories, measured for the shipped card and the candidate.
    for topic in ("Disaster", "Crime"):
        assert re.search(rf"{topic} news above the alert line.*?</td>"
                         r'\s*<td class="num">0\.\d{3}</td>\s*<td class="num">0\.\d{3}</td>',
                         table, re.S), topic
    assert 'id="weights"' not in page, "default weights, as the active model's"
    assert re.search(r"Operator labels learned from</td><td[^>]*>0</td><td[^>]*>1</td>", table)
    assert "same held-out news" in page, "same corpora and seed: the figures are comparable"
    assert "without the news archive's weak labels" not in page  # the archive is there
    assert f'<button type="submit" class="primary" id="promote">Promote {version}' in page
    with session_scope(engine) as session:
        assert model_ops.active_version(session).version == shipped  # type: ignore[union-attr]

    promoted = client.post("/label/promote", data={"csrf": token, "version": version},
                           follow_redirects=False)
    assert promoted.status_code == 303
    assert f"{version} is now the active model" in client.get(promoted.headers["location"]).text
    with session_scope(engine) as session:
        assert model_ops.active_version(session).version == version  # type: ignore[union-attr]
    assert client.app.state.ctx.model.scorer.version == version  # type: ignore[attr-defined]
    assert 'id="promote"' not in client.get("/label").text, "nothing left to promote"
    bogus = client.post("/label/promote", data={"csrf": token, "version": "cw-nope"})
    assert bogus.status_code == 422 and "no model version" in bogus.text

    # "Fewer crime and disaster alerts": trained with the archive's calm stories weighed more,
    # and the comparison says how it was trained.
    time.sleep(1)  # candidate versions are named by the second
    calmer = client.post("/label/retrain", data={"csrf": token, "calmer": "true"})
    assert calmer.status_code == 200
    trainer = client.app.state.trainer  # type: ignore[attr-defined]
    trainer.wait(180)
    page = client.get("/label").text
    assert 'id="training-failed"' not in page, page
    second = re.findall(r"Candidate (cw-[0-9TZ]+)", page)[0]
    assert second != version
    assert '"archive_calm": 1.5' in page.split('id="weights"')[1].split("</p>")[0]
    with session_scope(engine) as session:
        # The registry holds the headline figures; the whole card is the sidecar's.
        rows = {v.version: model_ops.model_card(v) for v in model_ops.list_versions(session)}
        candidate = session.get(ModelVersion, second)
        assert candidate is not None and candidate.metrics == model_ops.summary(rows[second])
        assert set(candidate.metrics) == model_ops.HEADLINE_KEYS
    assert rows[second]["sample_weights"]["archive_calm"] == 1.5

    def alarms(name: str) -> int:
        unrelated = rows[name]["unrelated_news"]
        return int(unrelated["disaster"]["above_threshold"] + unrelated["crime"]["above_threshold"])

    def calm_escalation(name: str) -> float:
        with session_scope(engine) as session:
            row = session.get(ModelVersion, name)
            assert row is not None
            scorer = load_model(Path(row.path), expected_sha256=row.sha256)
        proba = scorer.quad_probabilities(CRIME_AND_DISASTER)
        return float((proba[:, 3] + proba[:, 4]).mean())

    # The weights reached training: no more of our annotated disaster and crime stories alarm
    # (8 of 179 -> 7 with model 2026.12.2's design; 6 both with 2026.12.4's, already few), and
    # crime and disaster headlines score lower (mean escalation 0.080 -> 0.049 with 2026.12.4's).
    assert alarms(second) <= alarms(version)
    assert calm_escalation(second) < 0.8 * calm_escalation(version)


CRIME_AND_DISASTER = [  # written for this test, not from any corpus
    "Police arrest 12 after gang shootout in Chicago",
    "Earthquake kills 30 in eastern Turkey",
    "Floods force thousands to flee their homes in Pakistan",
    "Gunman kills three in shooting at a Texas mall",
    "Wildfire destroys 200 homes on Greek island",
    "Cartel violence: police find 11 bodies in Sinaloa",
]

def test_a_candidate_without_the_archive_weak_labels_is_flagged() -> None:
    # A data folder without the news archive trains without its weak labels; the dev figures
    # hardly show it, so the comparison says it.
    without = ModelVersion(version="cw-a", path="/x", sha256="0" * 64, created_at=utcnow(),
                           metrics={"comparison": {}, "weak_labels": {"archive": "absent at /d"}})
    with_them = ModelVersion(version="cw-b", path="/y", sha256="0" * 64, created_at=utcnow(),
                             metrics={"comparison": {},
                                      "weak_labels": {"calm": 3, "held_out_sha256": "ab"}})
    assert labelling.compare(with_them, without)["weak_labels_missing"] is True
    assert labelling.compare(without, with_them)["weak_labels_missing"] is False
