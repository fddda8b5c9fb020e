"""The English brief against the article's lead at equal length on FRANK CNN/DM (evaluation only).

Reads the outputs of `briefsum-eval --dataset frank-cnndm --engine offline ... --out DIR` and writes two
one-per-line prediction files beside them: the briefs, and each article's first words, as many as its brief
has (briefsum's word count), for `briefsum-eval --dataset frank-cnndm --predictions FILE --grade summary --mode
paper --stem`.

    python research/frank_equal_length.py DIR [--data ../shared/data/frank/cnndm_xsum_test.jsonl]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lead_words(article: str, n: int) -> str:
    """The article's first whitespace-separated words, as many as fit n words by briefsum's count."""
    from briefsum.text.segment import count_words

    words = article.split()
    lo, hi = 0, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_words(" ".join(words[:mid])) <= n:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", help="the briefsum-eval output folder of the offline engine on frank-cnndm")
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "frank" / "cnndm_xsum_test.jsonl"))
    args = p.parse_args()
    from briefsum.text.segment import count_words

    out = Path(args.out)
    with open(args.data, encoding="utf-8") as fh:
        articles = {r["id"]: r["article"] for r in map(json.loads, fh)}
    briefs, leads = [], []
    with open(out / "outputs.jsonl", encoding="utf-8") as fh:
        for o in map(json.loads, fh):
            brief = " ".join(o["brief"].split())
            briefs.append(brief)
            leads.append(lead_words(articles[o["id"]], count_words(brief)))
    (out / "briefs.txt").write_text("\n".join(briefs) + "\n", encoding="utf-8")
    (out / "lead-equal-length.txt").write_text("\n".join(leads) + "\n", encoding="utf-8")
    mean = lambda xs: sum(map(count_words, xs)) / max(1, len(xs))  # noqa: E731
    print(f"{len(briefs)} briefs ({mean(briefs):.2f} words), leads at the same lengths ({mean(leads):.2f} words), "
          f"in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
