#!/usr/bin/env bash
# `pip install --no-build-isolation` of the repository into a fresh virtual environment
# (offline: Debian's setuptools; the system site packages give pytest), then the outside
# pytest project tests/consumers/python, run from WORK, away from the repository.
#   run_python_consumer.sh SOURCE WORK
set -euo pipefail
src=$(cd "$1" && pwd) work=$2
rm -rf "$work" && mkdir -p "$work"
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
# A copy of the tree, so the build's by-products (build/, *.egg-info) stay out of the repository.
mkdir -p "$work/src" && git -C "$src" ls-files -z | (cd "$src" && tar --null -T - -cf -) | tar -C "$work/src" -xf -
"$work/venv/bin/pip" install --quiet --no-build-isolation --no-deps --no-index "$work/src"
mkdir -p "$work/run" && cp "$(dirname "$0")/python/test_outside.py" "$work/run/"
cd "$work/run"
env -u PYTHONPATH -u MAILLAB_SCENARIOS "$work/venv/bin/python" -m pytest -q -p no:cacheprovider test_outside.py
