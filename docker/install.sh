#!/bin/sh
# Builds Ceasewatch's wheel from a source tree and installs it, with its dependencies, into a
# fresh virtual environment. The Dockerfile's builder stage runs this script and so does
# tests/flows/test_wheel_install.py, so the test checks the image's install steps themselves.
#
# usage: docker/install.sh SOURCE_DIR VENV_DIR
#   PYTHON   the interpreter the venv is made from (default: python3)
#
# The wheel is built with pip's build isolation (setuptools and wheel as pyproject.toml asks),
# and the package is installed as a wheel, not from the source tree: what runs is exactly what
# the wheel holds, so a data file missing from package-data fails here, not in production.
set -eu

if [ "$#" -ne 2 ]; then
    echo "usage: $0 SOURCE_DIR VENV_DIR" >&2
    exit 2
fi
# Absolute paths: pip reads a bare relative name such as "src" as a project on the index.
src=$(cd "$1" && pwd)
mkdir -p "$2"
venv=$(cd "$2" && pwd)
python=${PYTHON:-python3}

wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT

"$python" -m venv "$venv"
"$venv/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$wheels" "$src"
"$venv/bin/python" -m pip install --quiet "$wheels"/ceasewatch-*.whl

# The image's HEALTHCHECK script (standard library only) goes beside the venv it runs with.
install -m 0644 "$src/docker/healthcheck.py" "$venv/healthcheck.py"

# The entry point imports the whole command tree: a missing module or dependency fails the
# build instead of the first start.
"$venv/bin/ceasewatch" --help >/dev/null
echo "installed $(cd "$wheels" && ls ceasewatch-*.whl) into $venv"
