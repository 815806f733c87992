"""Ceasewatch service: state, use cases and entry points."""

__version__ = "0.1.0"
