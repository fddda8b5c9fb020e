"""Run the evaluation harness from a checkout: `python eval/run.py --dataset orangesum-valid ...` (= briefsum-eval)."""

import sys
from pathlib import Path

try:
    from briefsum.evaluation.cli import main
except ImportError:  # not installed: use the checkout's sources
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from briefsum.evaluation.cli import main

if __name__ == "__main__":
    sys.exit(main())
