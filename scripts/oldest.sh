#!/usr/bin/env bash
# The neural tests again, on the lowest transformers that pyproject.toml accepts, in a second virtual
# environment (.venv-oldest), so that CI checks both ends of the declared range (the main .venv gets the highest
# release pip picks). Usage: bash scripts/oldest.sh   (from the repository root; run by .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=${OLDEST_VENV:-.venv-oldest}
LOW=$(sed -n 's/.*"transformers>=\([0-9][0-9.]*\)[,<"].*/\1/p' pyproject.toml | head -1)
if [ -z "$LOW" ]; then
  echo "oldest: no transformers>=X lower bound found in pyproject.toml" >&2
  exit 1
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "${TORCH_SPEC:-torch==2.13.0}"
"$VENV/bin/python" -m pip install -q -e ".[neural,fast,test]" "transformers==$LOW"
"$VENV/bin/python" -c "import transformers; print('oldest: transformers', transformers.__version__)"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/test_neural.py tests/test_lean_beam.py \
  tests/test_shared_cross.py tests/test_batch.py tests/test_counted_ids.py tests/test_fast.py tests/test_hub_models.py
