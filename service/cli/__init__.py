"""The `ceasewatch` command line."""

from service.cli.main import app

__all__ = ["app"]
