"""The one place that asks the wall clock; use cases take `now` as a parameter."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
