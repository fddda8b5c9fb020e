"""Benchmark the harness's scoring stage on OrangeSum valid: all grades, 1,000 bootstrap resamples.

The outputs are produced before the clock starts (the engine's own time is excluded): by default LEAD
sentences filling each grade's word budget (20 / 60 / 150 / 300 words, so lengths are realistic), or the
outputs.jsonl of an earlier briefsum-eval run (--outputs). Each repeat builds a fresh metric (empty caches)
and times exactly what briefsum-eval does after the outputs exist: ROUGE-1/2/L/Lsum per document for every
grade with a reference, bootstrap CIs and length statistics. --stress also scores the summary and detailed
grades against the abstracts (four scored grades, the longest texts). Reports the median of --repeats runs.

    python bench/scoring.py [--repeats 5] [--stress] [--outputs DIR/outputs.jsonl] [--data-root DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

try:
    import briefsum  # noqa: F401
except ImportError:  # not installed: use the checkout's sources
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from briefsum.evaluation.baselines import article_sentences
from briefsum.evaluation.data import DatasetSpec, get_spec, load_examples
from briefsum.evaluation.rouge import Rouge, RougeSettings
from briefsum.evaluation.runner import score_grades
from briefsum.text.segment import count_words

BUDGETS = {"headline": 20, "brief": 60, "summary": 150, "detailed": 300}


def lead_within(sentences: list[str], budget: int) -> str:
    """Leading sentences while they fit the word budget (at least one)."""
    out, words = [], 0
    for s in sentences:
        w = count_words(s)
        if out and words + w > budget:
            break
        out.append(s)
        words += w
    return " ".join(out)


def main() -> int:
    """Run the benchmark and print one JSON line per repeat and a summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--stress", action="store_true", help="also score summary and detailed against the abstracts")
    ap.add_argument("--outputs", help="outputs.jsonl of a briefsum-eval run to score instead of LEAD outputs")
    ap.add_argument("--data-root")
    args = ap.parse_args()

    spec = get_spec("orangesum-valid")
    examples = load_examples(spec, args.data_root)
    if args.stress:
        refs = dict(spec.references)
        refs["summary"] = refs["detailed"] = refs["brief"]
        spec = DatasetSpec(**{**spec.__dict__, "references": refs})
        for ex in examples:
            if "brief" in ex.references:
                ex.references["summary"] = ex.references["detailed"] = ex.references["brief"]
    if args.outputs:
        outputs: dict[str, dict[str, str]] = {}
        for line in Path(args.outputs).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for g in BUDGETS:
                if g in row:
                    outputs.setdefault(g, {})[row["id"]] = row[g]
        source = f"outputs of {args.outputs}"
    else:
        t0 = time.perf_counter()
        outputs = {g: {} for g in BUDGETS}
        for ex in examples:
            sents = article_sentences(ex.text, spec.language)
            for g, b in BUDGETS.items():
                outputs[g][ex.id] = lead_within(sents, b)
        source = f"LEAD within each grade's budget (made in {time.perf_counter() - t0:.1f} s, not timed)"
    scored_pairs = sum(1 for g in spec.grades for ex in examples if g in ex.references)
    times = []
    for r in range(args.repeats):
        metric = Rouge(RougeSettings(lang="fr", bootstrap=args.bootstrap))
        t0 = time.perf_counter()
        warnings: list[str] = []
        grades, _, _, _ = score_grades(spec, examples, outputs, metric, warnings)
        dt = time.perf_counter() - t0
        times.append(dt)
        print(json.dumps({"repeat": r + 1, "seconds": round(dt, 2),
                          "rouge1": {g: round(d["scores"]["rouge1"]["f"], 2) for g, d in grades.items()}}))
    print(json.dumps({
        "benchmark": "scoring orangesum-valid", "documents": len(examples), "scored_pairs": scored_pairs,
        "grades_scored": spec.grades, "bootstrap": args.bootstrap, "outputs": source,
        "median_s": round(statistics.median(times), 2), "min_s": round(min(times), 2), "max_s": round(max(times), 2),
        "repeats": args.repeats, "cpus": os.cpu_count(), "signature": Rouge(RougeSettings(lang="fr")).signature,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
