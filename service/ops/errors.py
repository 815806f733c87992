"""Errors that use cases raise for bad input; entry points turn them into 4xx or CLI messages."""


class InputError(ValueError):
    """The caller asked for something invalid; the message says what to fix."""


class NotFound(LookupError):
    """The thing named does not exist."""


class Conflict(ValueError):
    """The thing exists already, or the request clashes with current state."""
