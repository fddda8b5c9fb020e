"""The offline engine's costs: the packaged scorer's load time, and the seed article's main job, in process and
as the command users run. Medians of --repeats runs, one thread for everything (the offline engine is numpy on
one core plus Apertium's processes).

    BRIEFSUM_DATA=../shared/data .venv/bin/python bench/offline.py --repeats 7 --out bench/results/offline.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _median_s(fn, repeats: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), runs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import briefsum
    from briefsum.engines.offline.learned import LearnedScorer, packaged_model_path
    from briefsum.paths import data_root

    seed = data_root() / "seed" / "astana-cica-2022-11.fr.txt"
    text = seed.read_text(encoding="utf-8")
    exe = str(Path(sys.executable).with_name("briefsum"))
    briefsum.summarise(text, engine="offline")  # warm: language models, scorer, Apertium's files in the cache
    rows = [
        ("packaged scorer load (from_file, uncached)", _median_s(lambda: LearnedScorer.from_file(packaged_model_path()),
                                                                 args.repeats)),
        ("summarise(seed) in process, warm", _median_s(lambda: briefsum.summarise(text, engine="offline"),
                                                        args.repeats)),
        ("`briefsum SEED` (new process, offline main job)", _median_s(
            lambda: subprocess.run([exe, str(seed)], check=True, capture_output=True), args.repeats)),
        ("`briefsum SEED --target none` (no translation)", _median_s(
            lambda: subprocess.run([exe, str(seed), "--target", "none"], check=True, capture_output=True),
            args.repeats)),
    ]
    load = os.getloadavg()
    lines = [f"Command: `{' '.join(['python', 'bench/offline.py', *(argv or sys.argv[1:])])}`; load average "
             f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) when it ended; {os.cpu_count()} cores.",
             "", "| what | median (s) | runs (s) |", "|---|---|---|"]
    for name, (med, runs) in rows:
        lines.append(f"| {name} | {med:.3f} | {', '.join(f'{r:.3f}' for r in runs)} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
