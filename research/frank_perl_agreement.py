"""How closely the harness's Perl-compatible ROUGE reproduces the ROUGE-1.5.5 scores shipped with FRANK.

For every FRANK document and system, scores the system's sentences against the reference with
`Rouge(mode="perl", stem=True)` and compares R-1/R-2/R-L F1 with `system_rouge_perl` (stored rounded to 5
decimals). Prints agreement within rounding, the largest differences, and corpus means per system.

    python research/frank_perl_agreement.py [--data-root DIR] [--show 10]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

try:
    import briefsum  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np

from briefsum.paths import data_root
from briefsum.evaluation.rouge import Rouge

KEYS = {"rouge1": "rouge_1_f_score", "rouge2": "rouge_2_f_score", "rougeL": "rouge_l_f_score"}
ROUNDING = 6e-5


def main() -> int:
    """Print the agreement report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-root")
    ap.add_argument("--show", type=int, default=10, help="list this many of the largest differences")
    ap.add_argument("--no-stem", action="store_true")
    args = ap.parse_args()
    path = data_root(args.data_root) / "frank" / "cnndm_xsum_test.jsonl"
    metric = Rouge(mode="perl", stem=not args.no_stem, lsum="newline", lang="en", bootstrap=0)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    diffs = {t: [] for t in KEYS}
    per_system: dict[tuple[str, str], dict[str, list[tuple[float, float]]]] = {}
    worst = []
    for row in rows:
        for system, lines in row["system_lines"].items():
            got = metric.score_pair(row["reference"], "\n".join(lines))
            perl = row["system_rouge_perl"][system]
            bucket = per_system.setdefault((row["dataset"], system), {t: [] for t in KEYS})
            for t, key in KEYS.items():
                d = got[t][2] / 100 - perl[key]
                diffs[t].append(d)
                bucket[t].append((got[t][2], 100 * perl[key]))
                if abs(d) > ROUNDING:
                    worst.append((abs(d), row["dataset"], row["id"][:12], system, t, round(d * 100, 2)))
    print(f"signature: {metric.signature}")
    n = len(diffs["rouge1"])
    for t, ds in diffs.items():
        a = np.abs(ds)
        print(f"{t}: {int((a <= ROUNDING).sum())}/{n} system-document pairs within rounding "
              f"({100 * (a <= ROUNDING).mean():.2f}%), max |diff| {100 * a.max():.2f} points, "
              f"mean diff {100 * np.mean(ds):+.4f} points")
    print("corpus means (ours / ROUGE-1.5.5), F1 x100:")
    for (ds_name, system), b in sorted(per_system.items()):
        cells = ", ".join(f"{t} {np.mean([x for x, _ in v]):.2f}/{np.mean([y for _, y in v]):.2f}" for t, v in b.items())
        print(f"  {ds_name:5s} {system:9s} {cells}")
    print(f"largest differences ({len(worst)} beyond rounding), points of F1:")
    for w in sorted(worst, reverse=True)[: args.show]:
        print("  ", *w[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
