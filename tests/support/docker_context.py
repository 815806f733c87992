"""The files `docker build .` would send: the checkout less what .dockerignore excludes.

Only the part of Docker's pattern language our .dockerignore uses is understood (`*`, `?`,
a leading `**/`, a name that excludes a folder with everything in it); anything else, such as
`!` exceptions, raises so that a new pattern cannot be silently misread here.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path


def ignore_patterns(context: Path) -> list[re.Pattern[str]]:
    patterns = []
    for raw in (context / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!") or "[" in line or "\\" in line:
            raise ValueError(f".dockerignore pattern not understood by this helper: {line!r}")
        patterns.append(_compile(line.strip("/")))
    return patterns


def _compile(pattern: str) -> re.Pattern[str]:
    regex = ""
    rest = pattern
    while rest.startswith("**/"):
        regex += "(?:.*/)?"
        rest = rest[3:]
    for part in re.split(r"(\*\*|\*|\?)", rest):
        regex += {"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part))
    return re.compile(regex)


def is_ignored(relative: str, patterns: list[re.Pattern[str]]) -> bool:
    return any(p.fullmatch(relative) for p in patterns)


def context_files(context: Path) -> list[str]:
    """Paths relative to `context`, with '/' separators, of every file the build would get."""
    patterns = ignore_patterns(context)
    found: list[str] = []
    for folder, dirs, files in os.walk(context):
        base = Path(folder).relative_to(context).as_posix()
        prefix = "" if base == "." else base + "/"
        # An excluded folder is not walked at all (.venv is large).
        dirs[:] = sorted(d for d in dirs if not is_ignored(prefix + d, patterns))
        found.extend(prefix + f for f in sorted(files) if not is_ignored(prefix + f, patterns))
    return found


def copy_context(context: Path, destination: Path) -> None:
    for relative in context_files(context):
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(context / relative, target)
