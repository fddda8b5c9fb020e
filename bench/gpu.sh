#!/usr/bin/env bash
# The GPU benchmark, from the repository root on a machine with one NVIDIA GPU:
#   python3 -m pip install --no-deps -e . && bash bench/gpu.sh
# Results: $OUT/gpu.json and $OUT/gpu.md (./bench-out when OUT is unset). Extra arguments go to bench/gpu.py.
set -euo pipefail
cd "$(dirname "$0")/.."
export OUT="${OUT:-$PWD/bench-out}"
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv > "$OUT/nvidia-smi.csv" 2>/dev/null || true
python3 bench/gpu.py "$@" 2>&1 | tee "$OUT/gpu.log"
