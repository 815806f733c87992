"""The fetch error type, in its own module so that netguard and fetch can both raise it."""

from __future__ import annotations

from typing import Final

FETCH_ERROR_KINDS: Final = frozenset(
    {
        "timeout",
        "connect",
        "dns",
        "http_status",
        "too_large",
        "too_many_redirects",
        "blocked_address",
        "decode",
        "invalid_url",
    }
)


class FetchError(Exception):
    """A fetch that produced no usable answer; ``kind`` is stable, ``message`` is for people."""

    kind: str
    message: str
    status: int | None
    retry_after_s: float | None

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        if kind not in FETCH_ERROR_KINDS:
            raise ValueError(f"unknown FetchError kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after_s = retry_after_s

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"FetchError({self.kind!r}, {self.message!r}, status={self.status!r})"
