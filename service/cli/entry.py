"""`python -m service.cli.entry`: the CLI without the console script (tests, containers)."""

from service.cli import app

if __name__ == "__main__":
    app()
