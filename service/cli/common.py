"""What every command shares: settings, a migrated engine, and errors without tracebacks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import NoReturn, ParamSpec, TypeVar

import typer
from sqlalchemy.engine import Engine

from classifiers.artifacts import ModelLoadError
from service.config import Settings
from service.db import make_engine
from service.migrate import upgrade
from service.ops.errors import Conflict, InputError, NotFound

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turns the errors a user can fix into one line on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (InputError, NotFound, Conflict, ModelLoadError, OSError) as exc:
            fail(str(exc))

    return wrapper


def settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's message names the bad variable
        fail(f"bad CEASEWATCH_* setting: {exc}")


@contextmanager
def migrated_engine(s: Settings) -> Iterator[Engine]:
    """The embedded default must just work, so commands bring the schema up to date first."""
    upgrade(s.database_url)
    engine = make_engine(s.database_url)
    try:
        yield engine
    finally:
        engine.dispose()
