"""Reliability report: the hostile corpus's outcomes, memory over 1,000 calls, and a long fuzz run.

Usage: .venv/bin/python scripts/reliability.py [--calls 1000] [--fuzz 5000] > reliability.out.md
Prints Markdown; RELIABILITY.md quotes its output together with this command.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import briefsum  # noqa: E402
from briefsum import errors  # noqa: E402
from hostile_cases import CASES, FR  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def corpus_table() -> list[str]:
    rows = ["| case | input | expected | observed |", "|---|---|---|---|"]
    for c in CASES:
        t0 = time.perf_counter()
        if c.via == "cli":
            with tempfile.NamedTemporaryFile(delete=False) as fh:
                fh.write(c.make())
            p = subprocess.run([sys.executable, "-m", "briefsum", fh.name, *c.cli_args], capture_output=True)
            os.unlink(fh.name)
            err = p.stderr.decode().strip().replace("|", "\\|").replace(fh.name, "FILE")
            got = f"exit {p.returncode}" + (f": `{err}`" if err else "")
        else:
            try:
                b = briefsum.summarise(c.make(), **{"engine": "offline", **c.kwargs})
                warn = "; ".join(b.warnings)[:160].replace("|", "\\|")
                got = f"ok, {len(b.grades)} grades" + (f"; warnings: {warn}" if warn else "")
            except errors.BriefsumError as exc:
                got = f"{type(exc).__name__}: {str(exc)[:120]}".replace("|", "\\|")
        dt = time.perf_counter() - t0
        exp = c.expect + (f" + warning “{c.warning}”" if c.warning else "")
        rows.append(f"| {c.id} | {c.what} | {exp} | {got} ({dt:.2f} s) |")
    return rows


def memory_run(calls: int) -> list[str]:
    texts = [FR, (ROOT / "examples" / "sommet-fr.txt").read_text(encoding="utf-8")]
    briefsum.summarise(texts[0], engine="offline")  # warm-up: models and caches load once
    gc.collect()
    marks = {}
    start = rss_mib()
    for i in range(1, calls + 1):
        briefsum.summarise(texts[i % 2], engine="offline")
        if i in (10, calls // 10, calls // 2, calls):
            gc.collect()
            marks[i] = rss_mib()
    out = [f"RSS after warm-up: {start:.1f} MiB"]
    out += [f"after {i} calls: {v:.1f} MiB" for i, v in sorted(marks.items())]
    out.append(f"growth from call 10 to call {calls}: {marks[calls] - marks[10]:+.1f} MiB")
    return out


def fuzz_run(n: int, seed: int = 20261128) -> list[str]:
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(32, 0x250)] + list("«»…’–—\n\n\t\u00a0\u200b😀東京عربيה") + [".", ". ", "? "] * 20
    counts = {"ok": 0}
    failures = []
    t0 = time.perf_counter()
    for k in range(n):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 800)))
        try:
            b = briefsum.summarise(text, engine="offline", target=None)
            names = list(b.grades)
            for a, c in zip(names, names[1:]):
                assert set(b.grades[a].source_indices) <= set(b.grades[c].source_indices)
            assert all(g.words <= g.max_words for g in b.grades.values())
            counts["ok"] += 1
        except errors.BriefsumError as exc:
            counts[type(exc).__name__] = counts.get(type(exc).__name__, 0) + 1
        except Exception as exc:  # anything else is a bug
            failures.append(f"case {k}: {type(exc).__name__}: {exc}")
    dt = time.perf_counter() - t0
    out = [f"{n} random texts (seed {seed}, 0–800 characters) in {dt:.0f} s: "
           + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f"; undocumented failures: {len(failures)}"]
    out += failures[:10]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument("--fuzz", type=int, default=5000)
    args = ap.parse_args()
    print("## Hostile corpus\n")
    print("\n".join(corpus_table()))
    print(f"\n## Memory over {args.calls} successive calls\n")
    print("\n".join(f"- {line}" for line in memory_run(args.calls)))
    print("\n## Fuzz run\n")
    print("\n".join(f"- {line}" for line in fuzz_run(args.fuzz)))


if __name__ == "__main__":
    main()
