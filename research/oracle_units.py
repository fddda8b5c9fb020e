"""How the extraction units move the LEAD-2 and oracle baselines on OrangeSum valid (abstracts).

Scores LEAD-2 and the greedy oracle (<= 3 units) three ways: briefsum's segmenter as is; the article first
re-split at glued boundaries ("avocats.Enjeu"); and briefsum's sentences further cut after ';' and ':'
(finer units). Unicode tokenizer, no stemming.

    python research/oracle_units.py [--limit N] [--data-root DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

try:
    import briefsum  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from briefsum.evaluation import baselines as bl
from briefsum.evaluation.data import get_spec, load_examples
from briefsum.evaluation.rouge import Rouge

GLUED = re.compile(r"(?<=[a-zà-ÿ)»\"])\.(?=[A-ZÀ-Ý])")


def main() -> int:
    """Print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--data-root")
    args = ap.parse_args()
    exs = [e for e in load_examples(get_spec("orangesum-valid"), args.data_root) if "brief" in e.references]
    exs = exs[: args.limit] if args.limit else exs
    metric = Rouge(lang="fr", bootstrap=0)
    glued = sum(1 for e in exs if GLUED.search(e.text))
    print(f"{glued} of {len(exs)} abstract-task articles hold at least one glued sentence boundary")
    clause = re.compile(r"(?<=[;:])\s+")
    for label in ("briefsum segmenter", "re-split at glued boundaries", "sentences cut after ; and :"):
        lead, oracle = [], []
        for e in exs:
            text = GLUED.sub(". ", e.text) if label.startswith("re-split") else e.text
            sents = bl.article_sentences(text, "fr")
            if label.startswith("sentences cut"):
                sents = [p for s in sents for p in clause.split(s) if p.strip()]
            ref = e.references["brief"]
            lead.append(bl.lead(sents, 2))
            oracle.append(bl.greedy_oracle(sents, ref, metric.tokenizer.tokenize, 3))
        refs = [e.references["brief"] for e in exs]
        for name, preds in (("LEAD-2", lead), ("oracle", oracle)):
            m = metric.corpus(refs, preds).mean
            print(f"{label:30s} {name:7s} R1 {m['rouge1']['f']:.2f} R2 {m['rouge2']['f']:.2f} RL {m['rougeL']['f']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
