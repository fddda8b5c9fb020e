"""What the parse layer costs: spaCy's start-up (import, model load) in fresh processes, the per-article cost of
the offline engine with compression 'learned' against 'rules', and the per-grade cost of the neural engine's
faithfulness check with its French names found by the parse layer against the capitalised-word rule (human
abstracts of held-out articles checked against their articles; same process, same threads).

    python bench/parse_layer.py --runs 5 --articles 50 --abstracts 300

Prints a Markdown table; medians over the runs (and min-max).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "training"))
from train_compressor import split  # noqa: E402
from train_scorer import DEFAULT_DATA, read_rows  # noqa: E402

_STARTUP = """
import time, sys
t0 = time.perf_counter()
from briefsum.text import parse
nlp = parse.pipeline("fr")
t1 = time.perf_counter()
nlp("Le président a annoncé jeudi qu'il ne se représenterait pas.")
print(t1 - t0, time.perf_counter() - t1, "torch" in sys.modules)
"""


def _fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):.3f} ({min(xs):.3f}–{max(xs):.3f})"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--articles", type=int, default=50, help="held-out training articles for the per-article cost")
    p.add_argument("--abstracts", type=int, default=300, help="held-out abstracts for the faithfulness check")
    p.add_argument("--data", default=str(DEFAULT_DATA))
    args = p.parse_args(argv)

    loads, firsts = [], []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", _STARTUP], capture_output=True, text=True, check=True).stdout
        a, b, torch = out.split()
        loads.append(float(a))
        firsts.append(float(b))
    print("| measure | seconds, median (min–max) |\n|---|---|")
    print(f"| spaCy import + fr_core_news_sm load, fresh process ({args.runs} runs; torch imported: {torch}) | "
          f"{_fmt(loads)} |")
    print(f"| first sentence parsed after the load | {_fmt(firsts)} |")

    from briefsum import summarise

    rows = read_rows(Path(args.data) / "train.jsonl.gz")
    _, held = split(rows)
    texts = [rows[i]["article"] for i in held[: args.articles]]
    summarise(texts[0], lang="fr", target=None, engine="offline",
              config={"engine": {"offline": {"compression": "learned"}}})  # load everything once
    per = {}
    for mode in ("rules", "learned"):
        cfg = {"engine": {"offline": {"compression": mode}}}
        times = []
        for _ in range(max(1, args.runs // 2)):
            t0 = time.perf_counter()
            for t in texts:
                summarise(t, lang="fr", target=None, engine="offline", config=cfg)
            times.append((time.perf_counter() - t0) / len(texts))
        per[mode] = times
        print(f"| offline engine per article, compression {mode} ({len(texts)} articles, `--target none`) | "
              f"{_fmt(times)} |")
    print(f"| learned − rules per article | {statistics.median(per['learned']) - statistics.median(per['rules']):.3f} |")

    from briefsum.engines.neural.faithfulness import unsupported_terms
    from briefsum.text.normalise import clean

    pairs = [(rows[i]["abstract"], [clean(rows[i]["article"]).text]) for i in held[: args.abstracts]
             if (rows[i].get("abstract") or "").strip()]
    for names in ("capitals", "auto"):
        times = []
        for _ in range(max(1, args.runs // 2)):
            t0 = time.perf_counter()
            for summary, refs in pairs:
                unsupported_terms(summary, refs, "fr", names=names)
            times.append((time.perf_counter() - t0) / len(pairs))
        what = "the parse layer's names" if names == "auto" else "capitalised words"
        ms = [1000 * t for t in times]
        print(f"| faithfulness check per grade, {what} ({len(pairs)} abstracts), milliseconds | "
              f"{statistics.median(ms):.2f} ({min(ms):.2f}–{max(ms):.2f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
