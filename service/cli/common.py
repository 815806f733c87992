"""What every command shares: settings, a migrated engine, and errors without tracebacks."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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
        except BrokenPipeError:
            reader_gone()
        except (InputError, NotFound, Conflict, ModelLoadError, OSError) as exc:
            fail(str(exc))

    return wrapper


def reader_gone() -> NoReturn:
    """Whoever read our output stopped (`ceasewatch feeds list | head -1`): not an error worth
    a message. Python's recipe: point stdout at /dev/null, so the flush at exit does not fail
    a second time and print a traceback, and exit 1 as Python itself does on EPIPE."""
    with suppress(OSError, ValueError):  # ValueError: a test runner's stdout has no file
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(1)


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
