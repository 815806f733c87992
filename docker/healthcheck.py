"""The image's HEALTHCHECK: exit 0 when /readyz answers 200, 1 otherwise.

The slim base has no curl, and the standard library is enough. Docker keeps the last lines a
check prints, so `docker inspect` shows why a container is unhealthy (readyz's reasons).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("CEASEWATCH_PORT", "8000")
    url = f"http://127.0.0.1:{port}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as exc:  # 503 carries the failing checks in its body
        print(f"{url}: {exc.code} {exc.read().decode(errors='replace')[:500]}", file=sys.stderr)
    except OSError as exc:  # refused, timed out, unreachable
        print(f"{url}: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
