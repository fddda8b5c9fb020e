"""Count the words OrangeSum's human titles put first as their topic ("Coronavirus : ..."), and add the list to a
compressor file: a common noun may label a headline only if it is one of them (docs/compression.md).

Documents: the training pool of the scorer's seed-13 permutation of train (never its held-out slice, never
valid). A word counts when a title opens with it alone before a colon and its article holds it; it is listed
when at least `--min-titles` titles do so and they are at least `--min-rate` of the articles holding it.

    python training/count_topics.py --model src/briefsum/models/compressor.npz
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

_TOPIC = re.compile(r"^\W*(\w+)\s*:(?!\d)")  # a title opening with one word and a colon


def count(rows: list[dict]) -> tuple[Counter, Counter]:
    """(titles opening with each word as their topic, articles holding each of those words)."""
    from briefsum.text.normalise import clean
    from briefsum.text.words import lower_words

    topics: Counter = Counter()
    docs: Counter = Counter()
    articles = [lower_words(clean(r["article"]).text) for r in rows]
    for r, words in zip(rows, articles):
        m = _TOPIC.match((r.get("title") or "").strip())
        if m and m.group(1).lower() in words:
            topics[m.group(1).lower()] += 1
    for words in articles:
        docs.update(w for w in words if w in topics)
    return topics, docs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--model", required=True, help="the compressor file the list is added to")
    p.add_argument("--min-titles", type=int, default=5)
    p.add_argument("--min-rate", type=float, default=0.02)
    args = p.parse_args(argv)
    from briefsum.grading.compressor import read_topics

    rows = read_rows(Path(args.data) / "train.jsonl.gz")
    pool, _ = split(rows)
    topics, docs = count([rows[i] for i in pool])
    kept = {w: [topics[w], docs[w]] for w in sorted(topics)
            if topics[w] >= args.min_titles and topics[w] >= args.min_rate * docs[w]}
    table = {"min_titles": args.min_titles, "min_rate": args.min_rate, "docs": len(pool), "words": kept}
    read_topics(table)  # what the loader will read
    set_meta(args.model, "label_topics", table)
    top = sorted(kept, key=lambda w: -kept[w][0])[:12]
    print(f"{len(kept)} topic words from {len(pool)} documents ({', '.join(top)}, ...) written into {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
