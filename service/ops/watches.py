"""Watches: presets, creation and changes, and attribution of articles to watches."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session

from service.models import Attribution, Watch
from service.ops.alerts import WINDOW_HALF_LIVES, close_open_alert, evaluate_watches
from service.ops.errors import Conflict, InputError, NotFound
from service.ops.series import TREND_DAYS
from service.store import state
from service.store import watches as watch_store

DEFAULT_PRESETS_INSTALLED = "default_watches_installed"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,98}[a-z0-9]$")
# What decides which stories a watch matches (see match_watch).
MATCHING_FIELDS = frozenset({"parties", "include_terms", "exclude_terms"})


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(min_length=1, max_length=100)
    countries: list[str] = Field(
        default_factory=list,
        max_length=20,
        json_schema_extra={"items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
    )
    actors: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("countries")
    @classmethod
    def iso_codes(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not re.fullmatch(r"[A-Z]{2}", c)]
        if bad:
            raise ValueError(f"countries must be ISO 3166-1 alpha-2 codes like 'PK', got {bad}")
        return value


class WatchSpec(BaseModel):
    """What a watch is made of; the API body, the preset file and the CLI all use it."""

    model_config = ConfigDict(extra="forbid", strict=True)
    slug: str = Field(json_schema_extra={"pattern": SLUG.pattern})
    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    parties: list[Party] = Field(min_length=1, max_length=4)
    include_terms: list[str] = Field(default_factory=list, max_length=100)
    exclude_terms: list[str] = Field(default_factory=list, max_length=100)
    ceasefire: dict[str, Any] = Field(default_factory=dict)
    warning_enter: float = Field(default=35.0, gt=0, le=100)
    warning_exit: float = Field(default=25.0, ge=0, le=100)
    critical_enter: float = Field(default=65.0, gt=0, le=100)
    critical_exit: float = Field(default=50.0, ge=0, le=100)
    half_life_h: float = Field(default=24.0, gt=0, le=24 * 90)
    pending_s: float = Field(default=0.0, ge=0)
    keep_firing_s: float = Field(default=3600.0, ge=0)
    reminder_s: float = Field(default=6 * 3600.0, ge=60)
    min_sources_critical: int = Field(default=2, ge=1, le=20)

    @field_validator("slug")
    @classmethod
    def slug_shape(cls, value: str) -> str:
        if not SLUG.fullmatch(value):
            raise ValueError("slug must be 3-100 characters of a-z, 0-9 and '-'")
        return value

    def check_thresholds(self) -> None:
        if not self.warning_exit < self.warning_enter <= self.critical_enter:
            raise InputError("need warning_exit < warning_enter <= critical_enter")
        if not self.critical_exit < self.critical_enter:
            raise InputError("need critical_exit < critical_enter (hysteresis)")


def presets() -> dict[str, WatchSpec]:
    raw = json.loads(resources.files("service").joinpath("presets/watches.json").read_text())
    return {
        item["slug"]: WatchSpec.model_validate(
            {k: v for k, v in item.items() if k != "enabled_by_default"}
        )
        for item in raw
    }


def default_preset_slugs() -> list[str]:
    raw = json.loads(resources.files("service").joinpath("presets/watches.json").read_text())
    return [item["slug"] for item in raw if item.get("enabled_by_default")]


def create_watch(session: Session, spec: WatchSpec, *, now: datetime) -> Watch:
    spec.check_thresholds()
    if watch_store.by_slug(session, spec.slug) is not None:
        raise Conflict(f"watch {spec.slug} exists already")
    watch = Watch(**spec.model_dump(mode="json"), created_at=now)
    session.add(watch)
    session.flush()
    if watch.enabled:
        start_watching(session, watch, now=now)
    return watch


def update_watch(
    session: Session, slug: str, changes: dict[str, Any], *, now: datetime
) -> Watch:
    watch = get_watch(session, slug)
    was_enabled = watch.enabled
    current = WatchSpec.model_validate(
        {f: getattr(watch, f) for f in WatchSpec.model_fields}
    ).model_dump(mode="json")
    try:
        spec = WatchSpec.model_validate({**current, **changes, "slug": slug})
    except ValidationError as exc:
        raise InputError(_words(exc)) from exc
    spec.check_thresholds()
    before = {field: getattr(watch, field) for field in MATCHING_FIELDS | {"half_life_h"}}
    for field, value in spec.model_dump(mode="json").items():
        setattr(watch, field, value)
    session.flush()
    if not watch.enabled:
        if was_enabled:
            close_open_alert(session, watch, now=now)
    elif not was_enabled or any(getattr(watch, f) != v for f, v in before.items()):
        start_watching(session, watch, now=now)
    return watch


def disable_watch(session: Session, slug: str, *, now: datetime) -> Watch:
    """Stops attributing and evaluating; an open alert is resolved (and told to those who
    heard it), as Alertmanager resolves an alert whose rule is gone, not left firing forever
    (update_watch does it, as for `PATCH {"enabled": false}`)."""
    return update_watch(session, slug, {"enabled": False}, now=now)


def delete_watch(session: Session, slug: str, *, now: datetime) -> None:
    """Deletes the watch with its attributions and alerts, resolving an open alert first: the
    resolution is published (and queued to its receivers) before the alert row goes."""
    watch = get_watch(session, slug)
    close_open_alert(session, watch, now=now)
    session.delete(watch)
    session.flush()


def get_watch(session: Session, slug: str) -> Watch:
    watch = watch_store.by_slug(session, slug)
    if watch is None:
        raise NotFound(f"no watch {slug!r}; presets: {', '.join(sorted(presets()))}")
    return watch


def enable_preset(session: Session, slug: str, *, now: datetime) -> Watch:
    """Creates the preset watch, or re-enables it if it exists."""
    existing = watch_store.by_slug(session, slug)
    if existing is not None:
        if not existing.enabled:
            existing.enabled = True
            session.flush()
            start_watching(session, existing, now=now)
        return existing
    spec = presets().get(slug)
    if spec is None:
        raise NotFound(f"no preset {slug!r}; presets: {', '.join(sorted(presets()))}")
    return create_watch(session, spec, now=now)


def install_default_watches(session: Session, *, now: datetime) -> list[str]:
    if state.get_state(session, DEFAULT_PRESETS_INSTALLED) is not None:
        return []
    slugs = default_preset_slugs()
    for slug in slugs:
        enable_preset(session, slug, now=now)
    state.set_state(session, DEFAULT_PRESETS_INSTALLED, now.isoformat())
    return slugs


def _words(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


# --- attribution ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _term_pattern(term: str) -> re.Pattern[str]:
    # Acronyms ("RSF", "IDF", "TTP") match only in capitals: "saf" inside prose is not the army.
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


def _found(terms: Sequence[str], text: str) -> list[str]:
    return [t for t in terms if _term_pattern(t).search(text)]


def story_text(title: str, summary: str) -> str:
    """What a watch's terms are matched against, at ingestion and when a watch starts alike."""
    return f"{title}\n{summary}"


def match_watch(watch: Watch, *, text: str, countries: Sequence[str]) -> dict[str, Any] | None:
    """Why an article concerns a watch (country or actor per party), or None when it does not.

    Every party must be concerned: for a dyad, both sides, each by its country (as the
    classifier's gazetteer found it: "Kabul" means AF) or by a named actor ("Taliban").
    """
    if _found(watch.exclude_terms, text):
        return None
    included = _found(watch.include_terms, text)
    if watch.include_terms and not included:
        return None
    parties: dict[str, list[str]] = {}
    for party in watch.parties:
        hits = [f"country:{c}" for c in party.get("countries", []) if c in countries]
        hits += [f"actor:{a}" for a in _found(party.get("actors", []), text)]
        if not hits:
            return None
        parties[party["name"]] = hits
    return {"parties": parties, "include": included}


def attribute(
    session: Session,
    articles: Sequence[tuple[int, str, datetime, Sequence[str]]],
    *,
    watches: Sequence[Watch],
) -> set[int]:
    """Stores attributions for (article id, text, published, countries); returns watch ids hit."""
    rows: list[Attribution] = []
    for article_id, text, published, countries in articles:
        for watch in watches:
            matched = match_watch(watch, text=text, countries=countries)
            if matched is not None and watch.id is not None:
                rows.append(
                    Attribution(
                        watch_id=watch.id,
                        article_id=article_id,
                        published_at=published,
                        matched=matched,
                    )
                )
    watch_store.add_attributions(session, rows)
    return {r.watch_id for r in rows}


def start_watching(session: Session, watch: Watch, *, now: datetime) -> None:
    """Attributes the stories already stored (created, enabled or re-matched during a crisis,
    a watch must not read "calm" until new articles arrive), then evaluates the watch in
    this transaction."""
    reattribute(session, watch, now=now)
    evaluate_watches(session, [watch.id or 0], now=now)


def reattribute(session: Session, watch: Watch, *, now: datetime) -> None:
    """Brings the watch's attributions over the window its index and 7-day trend read in line
    with what it matches now: stories stored before it was created or enabled (or while it
    was disabled) are attributed, ones its changed terms or parties no longer match are let
    go."""
    assert watch.id is not None
    since = now - timedelta(hours=watch.half_life_h * WINDOW_HALF_LIVES, days=TREND_DAYS)
    current = {
        a.article_id: a
        for a in watch_store.attributions_between(session, watch.id, since=since, until=now)
    }
    unattributed = []
    stories = watch_store.stories_published_between(session, since=since, until=now)
    for article_id, title, summary, published, countries in stories:
        text = story_text(title, summary)
        existing = current.get(article_id)
        if existing is None:
            unattributed.append((article_id, text, published, countries))
        elif (matched := match_watch(watch, text=text, countries=countries)) is None:
            session.delete(existing)
        else:
            existing.matched = matched
    attribute(session, unattributed, watches=[watch])
