"""Corpus-mode benchmark: `briefsum batch` with --jobs 1, --jobs 2 and Ray (local, N CPUs) on the same articles.

For each run: wall time, time to the first record (start-up: imports, workers or Ray, first article), steady
throughput after the first record, and the peak resident memory of the whole process tree (sampled every 0.5 s,
Ray's own processes included), with the memory at each quarter of the run to show whether it grows.
Systems run in rounds (jobs1, jobs2, ray, jobs1, ...) so that a change in the machine's load hits each alike.

    .venv/bin/python scripts/bench_corpus.py --input ../shared/data/orangesum/valid.jsonl.gz --limit 150 \
        --rounds 2 --out /tmp/bench-corpus
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SYSTEMS = {
    "jobs1": ["--jobs", "1"],
    "jobs2": ["--jobs", "2"],
    "ray2": ["--ray", "--jobs", "2"],
}


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def loadavg() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def run_one(cmd: list[str], out: Path, n: int, env: dict) -> dict:
    """Run one `briefsum batch` command; poll its output and memory until it ends."""
    if out.exists():
        out.unlink()
    load0 = loadavg()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    first = None
    samples: list[tuple[float, int, int]] = []
    while proc.poll() is None:
        lines = out.read_bytes().count(b"\n") if out.exists() else 0
        if first is None and lines:
            first = time.monotonic() - t0
        samples.append((time.monotonic() - t0, lines, tree_rss_kb(proc.pid)))
        time.sleep(0.5)
    wall = time.monotonic() - t0
    err = proc.stderr.read()
    lines = out.read_bytes().count(b"\n") if out.exists() else 0
    if proc.returncode not in (0, 3) or lines != n:
        raise SystemExit(f"bench: {' '.join(cmd)} failed (rc {proc.returncode}, {lines}/{n} records): {err[-500:]}")
    first = first if first is not None else wall
    quarter = [max((s[2] for s in samples if s[1] <= q * n / 4 and s[1] > (q - 1) * n / 4), default=0)
               for q in range(1, 5)]
    return {"wall_s": round(wall, 2), "first_record_s": round(first, 2),
            "steady_articles_per_s": round((n - 1) / max(wall - first, 1e-9), 3),
            "articles_per_s": round(n / wall, 3), "peak_rss_mb": round(max(s[2] for s in samples) / 1024, 1),
            "peak_rss_mb_by_quarter": [round(q / 1024, 1) for q in quarter], "load_before": load0,
            "load_after": loadavg()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True, help="a JSON lines (.gz) table of articles")
    ap.add_argument("--text-field", default="article")
    ap.add_argument("--id-field", default="id")
    ap.add_argument("--limit", type=int, default=150, help="articles per run (the first N rows)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--systems", default="jobs1,jobs2,ray2")
    ap.add_argument("--engine", default="offline")
    ap.add_argument("--out", required=True, help="folder for the subset, outputs and results.json")
    args = ap.parse_args()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    subset = out_dir / "subset.jsonl"  # a temporary slice of the input, removed at the end
    opener = gzip.open if args.input.endswith(".gz") else open
    with opener(args.input, "rt", encoding="utf-8") as src, open(subset, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= args.limit:
                break
            dst.write(line)
    briefsum = str(Path(sys.executable).with_name("briefsum"))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # a local Ray takes the machine's 2 CPUs
    results: dict[str, list[dict]] = {s: [] for s in args.systems.split(",")}
    ref = None
    try:
        for r in range(args.rounds):
            for name in results:
                out = out_dir / f"{name}.jsonl"
                cmd = [briefsum, "batch", str(subset), "--text-field", args.text_field, "--id-field",
                       args.id_field, "--engine", args.engine, "--output", str(out), "--no-progress",
                       *SYSTEMS[name]]
                res = run_one(cmd, out, args.limit, env)
                data = out.read_bytes()
                ref = data if ref is None else ref
                res["same_bytes_as_first_run"] = data == ref
                results[name].append(res)
                print(f"round {r + 1} {name}: {json.dumps(res)}", flush=True)
    finally:
        subset.unlink()
    summary = {name: {"median_wall_s": statistics.median(x["wall_s"] for x in runs),
                      "median_first_record_s": statistics.median(x["first_record_s"] for x in runs),
                      "median_steady_articles_per_s": statistics.median(x["steady_articles_per_s"] for x in runs),
                      "max_peak_rss_mb": max(x["peak_rss_mb"] for x in runs)}
               for name, runs in results.items()}
    (out_dir / "results.json").write_text(json.dumps({"command": sys.argv, "articles": args.limit,
                                                      "runs": results, "summary": summary}, indent=2))
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
