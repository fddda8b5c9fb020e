"""Count the word pairs French news writes as one unit ("réseaux sociaux", "feu vert", "personnes âgées") and add
the list to a compressor file: a modifier that forms such a pair with the word it modifies, right beside it, is
never deleted alone (docs/compression.md, the eleventh round).

Documents: the training pool of the scorer's seed-13 permutation of train (never its held-out slice, never
valid). Words are the article's lower-case letter runs (hyphens inside a word kept, elisions split off), pairs
are adjacent words, neither a stop word. A pair is listed when it occurs at least `--min-count` times and makes
at least `--min-share` of the uses of one of its two words.

    python training/count_collocations.py --model src/briefsum/models/compressor.npz
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from train_compressor import set_meta, split  # noqa: E402
from train_scorer import DEFAULT_DATA, read_rows  # noqa: E402

_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\S", re.UNICODE)  # a word, or one other character


def count(texts) -> tuple[Counter, Counter]:
    """(uses of each word, uses of each adjacent pair) over these texts."""
    from briefsum.text.normalise import clean

    words: Counter = Counter()
    pairs: Counter = Counter()
    for text in texts:
        toks = [t.lower() for t in _TOKEN.findall(clean(text).text)]
        words.update(toks)
        pairs.update(zip(toks, toks[1:]))
    return words, pairs


def fixed_pairs(words: Counter, pairs: Counter, min_count: int, min_share: float) -> list[str]:
    """The pairs ("a b") frequent enough and bound enough to be listed, sorted."""
    from briefsum.text.words import STOP_WORDS

    def word(w: str) -> bool:
        return w.replace("-", "").isalpha() and w not in STOP_WORDS

    return sorted(f"{a} {b}" for (a, b), c in pairs.items()
                  if c >= min_count and word(a) and word(b) and max(c / words[a], c / words[b]) >= min_share)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--model", required=True, help="the compressor file the list is added to")
    p.add_argument("--min-count", type=int, default=10)
    p.add_argument("--min-share", type=float, default=0.2)
    args = p.parse_args(argv)
    from briefsum.grading.compressor import read_fixed_pairs

    rows = read_rows(Path(args.data) / "train.jsonl.gz")
    pool, _ = split(rows)
    words, pairs = count(rows[i]["article"] for i in pool)
    listed = fixed_pairs(words, pairs, args.min_count, args.min_share)
    table = {"min_count": args.min_count, "min_share": args.min_share, "docs": len(pool), "pairs": listed}
    read_fixed_pairs(table)  # what the loader will read
    set_meta(args.model, "fixed_pairs", table)
    print(f"{len(listed)} fixed pairs from {len(pool)} documents written into {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
