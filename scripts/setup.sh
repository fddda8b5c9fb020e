#!/usr/bin/env bash
# One-step set-up: Apertium (Debian packages), a virtual environment in .venv, briefsum with every extra.
# Usage: bash scripts/setup.sh            (run from the repository root; apt needs root or sudo)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="apertium apertium-fr-es apertium-eng-spa"
# chromium + chromium-driver: headless browser tests of the web page and of the evaluation's HTML report
APT_PACKAGES="$APT_PACKAGES chromium chromium-driver"
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $APT_PACKAGES
else
  echo "setup: apt-get not found; install Apertium ($APT_PACKAGES) yourself for offline translation" >&2
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# The CPU build of torch first: a bare 'torch' requirement would otherwise pull a multi-GB CUDA build.
# Elsewhere set TORCH_SPEC / PIP_EXTRA_INDEX_URL (e.g. the PyTorch CPU index) to choose the build.
"$VENV/bin/python" -m pip install -q "${TORCH_SPEC:-torch==2.13.0}"
"$VENV/bin/python" -m pip install -q -e ".[all,test]"
echo "setup: done. Try: $VENV/bin/briefsum examples/sommet-fr.txt"
