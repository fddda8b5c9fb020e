"""Development scoring of the offline engine: ROUGE of its grades against human references.

OrangeSum (French, no translation): headline vs titles (docs in the title task), brief vs abstracts
(docs in the abstract task). FRANK (English): CNN/DM summary vs highlights, XSum headline vs reference.
ROUGE F1 x100 from rouge-score with a Unicode word tokenizer (lower-case, \\w+, accents kept), no stemming.

    python eval/score_offline.py orangesum --scorer learned
    python eval/score_offline.py orangesum --scorer centrality --limit 500
    python eval/score_offline.py frank --scorer learned
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from pathlib import Path

_WORD = re.compile(r"\w+", re.UNICODE)
HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parent.parent / "shared" / "data"


class UnicodeTokenizer:
    """Lower-cased \\w+ tokens, accented letters kept (rouge-score's default drops them)."""

    def tokenize(self, text: str) -> list[str]:
        """Split text into lower-cased word tokens."""
        return _WORD.findall(text.lower())


def make_rouge():
    """A rouge-score scorer for R1/R2/RL with the Unicode tokenizer and no stemming."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False, tokenizer=UnicodeTokenizer())


def read_jsonl(path: Path) -> list[dict]:
    """Read a (possibly gzipped) JSON-lines file."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Mean:
    """Running means of R1/R2/RL F1 and of output length."""

    def __init__(self) -> None:
        self.n = 0
        self.sums = [0.0, 0.0, 0.0, 0.0]

    def add(self, scores: dict, words: int) -> None:
        """Add one document's scores."""
        self.n += 1
        for k, key in enumerate(("rouge1", "rouge2", "rougeL")):
            self.sums[k] += scores[key].fmeasure
        self.sums[3] += words

    def row(self, name: str) -> str:
        """One line: name, n, R1/R2/RL x100, mean words."""
        n = max(1, self.n)
        r = [100 * s / n for s in self.sums[:3]]
        return f"{name:<34} n={self.n:<5} R1 {r[0]:6.2f}  R2 {r[1]:6.2f}  RL {r[2]:6.2f}  words {self.sums[3] / n:5.1f}"


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _lead(sents: list[str], k: int) -> str:
    return " ".join(sents[:k])


def run_orangesum(args, config: dict) -> list[str]:
    """Score grades on OrangeSum; returns report lines."""
    from briefsum import summarise
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    rows = read_jsonl(Path(args.data) / "orangesum" / f"{args.split}.jsonl.gz")
    if args.limit:
        rows = rows[: args.limit]
    rouge = make_rouge()
    acc = {k: Mean() for k in ("headline vs title", "brief vs abstract", "summary vs abstract",
                               "LEAD-1 vs title", "LEAD-2 vs abstract")}
    nest_ok = 0
    t0 = time.time()
    for r in rows:
        b = summarise(r["article"], lang="fr", target=None, engine="offline", config=config)
        g = b.grades
        ids = [set(x.source_indices) for x in g.values()]
        nest_ok += all(ids[k] <= ids[k + 1] for k in range(1, len(ids) - 1)) and ids[0] <= ids[1]
        sents = [s.text for s in segment(clean(r["article"]).text, "fr").sentences]
        if r["in_title_task"]:
            acc["headline vs title"].add(rouge.score(r["title"], g["headline"].text), g["headline"].words)
            acc["LEAD-1 vs title"].add(rouge.score(r["title"], _lead(sents, 1)), _words(_lead(sents, 1)))
        if r["in_abstract_task"]:
            acc["brief vs abstract"].add(rouge.score(r["abstract"], g["brief"].text), g["brief"].words)
            acc["summary vs abstract"].add(rouge.score(r["abstract"], g["summary"].text), g["summary"].words)
            acc["LEAD-2 vs abstract"].add(rouge.score(r["abstract"], _lead(sents, 2)), _words(_lead(sents, 2)))
    dt = time.time() - t0
    lines = [m.row(k) for k, m in acc.items() if m.n]
    lines.append(f"nesting holds on {nest_ok}/{len(rows)} docs; {1000 * dt / max(1, len(rows)):.1f} ms/doc")
    return lines


def run_frank(args, config: dict) -> list[str]:
    """Score grades on FRANK's English articles; returns report lines."""
    from briefsum import summarise
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    rows = read_jsonl(Path(args.data) / "frank" / "cnndm_xsum_test.jsonl")
    if args.limit:
        rows = rows[: args.limit]
    rouge = make_rouge()
    acc = {k: Mean() for k in ("cnndm summary vs highlights", "cnndm brief vs highlights", "cnndm LEAD-3",
                               "xsum headline vs reference", "xsum LEAD-1")}
    for r in rows:
        b = summarise(r["article"], lang="en", target=None, engine="offline", config=config)
        g = b.grades
        sents = [s.text for s in segment(clean(r["article"]).text, "en").sentences]
        if r["dataset"] == "cnndm":
            acc["cnndm summary vs highlights"].add(rouge.score(r["reference"], g["summary"].text), g["summary"].words)
            acc["cnndm brief vs highlights"].add(rouge.score(r["reference"], g["brief"].text), g["brief"].words)
            acc["cnndm LEAD-3"].add(rouge.score(r["reference"], _lead(sents, 3)), _words(_lead(sents, 3)))
        else:
            acc["xsum headline vs reference"].add(rouge.score(r["reference"], g["headline"].text), g["headline"].words)
            acc["xsum LEAD-1"].add(rouge.score(r["reference"], _lead(sents, 1)), _words(_lead(sents, 1)))
    return [m.row(k) for k, m in acc.items() if m.n]


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dataset", choices=("orangesum", "frank"))
    p.add_argument("--data", default=str(DEFAULT_SHARED), help="shared data folder (default ../shared/data)")
    p.add_argument("--split", default="valid", help="OrangeSum split (default valid)")
    p.add_argument("--scorer", default=None, help="offline scorer: learned or centrality (default: config's)")
    p.add_argument("--model", default=None, help="model file for the learned scorer")
    p.add_argument("--limit", type=int, default=0, help="first N documents only (0 = all)")
    args = p.parse_args(argv)
    offline: dict = {}
    if args.scorer:
        offline["scorer"] = args.scorer
    if args.model:
        offline["model_path"] = str(Path(args.model).resolve())
    config = {"engine": {"offline": offline}} if offline else {}
    lines = (run_orangesum if args.dataset == "orangesum" else run_frank)(args, config)
    sig = f"rouge-score unicode-\\w+ lower nostem F1x100 | {args.dataset} {args.split if args.dataset == 'orangesum' else 'test'}"
    print(f"# scorer={args.scorer or 'config'} model={args.model or 'packaged'} | {sig}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
