"""Reliability report: the hostile corpus's outcomes by family, memory over 1,000 calls, and a long fuzz run.

Usage: .venv/bin/python scripts/reliability.py [--calls 1000] [--fuzz 3000] [--timeout 60] > reliability.out.md
Prints Markdown; RELIABILITY.md quotes its output together with this command.

Every case runs in a process of its own (an API case through `--one ID`), stopped after --timeout seconds, so
that a hang is counted instead of stopping the report. Each outcome is classed as:
- as expected: the documented error, or a result carrying the expected warning and passing the case's check;
- hang: still running at the timeout;
- unbounded read: a file-family CLI case that failed with a peak memory 2x the input byte limit or more above an
  ordinary run's;
- silent loss: a result without the warning it should carry, or failing its check (words dropped, markup or
  control characters copied, an old output file damaged);
- internal error: an undocumented exception (API) or exit 1 "internal error" (CLI) for a user's mistake;
- wrong error: another documented error or exit code than expected, or a mistake accepted without an error.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "cases"))  # the hostile-input corpus the tests run too

import briefsum  # noqa: E402
from briefsum import errors  # noqa: E402
from hostile_cases import CASES, DATA, FR, apertium_ready, call_api, run_cli  # noqa: E402

CLASSES = ("as expected", "hang", "unbounded read", "silent loss", "internal error", "wrong error")


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def one(case_id: str) -> dict:
    """Run one API case here; what happened, as JSON-able data."""
    case = next(c for c in CASES if c.id == case_id)
    try:
        b = call_api(case)
    except errors.BriefsumError as exc:
        return {"outcome": type(exc).__name__, "message": str(exc), "lines": len(str(exc).splitlines())}
    except Exception as exc:  # anything else is a bug
        return {"outcome": "internal", "message": f"{type(exc).__name__}: {exc}"}
    problem = case.check(b) if case.check is not None else None
    return {"outcome": "ok", "warnings": list(b.warnings), "grades": len(b.grades), "problem": problem}


def _api_child(case, timeout: float) -> tuple[dict | None, float, bool]:
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--one", case.id], capture_output=True,
                           timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t0, True
    dt = time.perf_counter() - t0
    try:
        return json.loads(p.stdout.strip().splitlines()[-1]), dt, False
    except (json.JSONDecodeError, IndexError):
        return {"outcome": "internal", "message": (p.stderr.strip().splitlines() or ["no output"])[-1]}, dt, False


def classify_api(case, res: dict | None, timed_out: bool) -> tuple[str, str]:
    if timed_out:
        return "hang", "still running at the timeout"
    if res["outcome"] == "internal":
        return "internal error", res["message"][:140]
    if case.expect == "ok":
        if res["outcome"] != "ok":
            return "wrong error", f"{res['outcome']}: {res['message'][:120]}"
        warn = "; ".join(res["warnings"])[:160]
        got = f"ok, {res['grades']} grades" + (f"; warnings: {warn}" if warn else "")
        if case.warning and not any(case.warning in w for w in res["warnings"]):
            return "silent loss", got + f" (no warning with “{case.warning}”)"
        if res.get("problem"):
            return "silent loss", got + f" ({res['problem']})"
        return "as expected", got
    if res["outcome"] != case.expect:  # another error, or a mistake accepted without one
        return "wrong error", f"{res['outcome']}: {res.get('message', '')[:120]}"
    return "as expected", f"{res['outcome']}: {res['message'][:120]}"


def classify_cli(case, run, folder: Path, base_rss: dict, limit_mib: float) -> tuple[str, str]:
    err = run.err.strip().replace(str(folder), "DIR")
    shown = f"exit {run.code}" + (f": `{err.splitlines()[-1][:150]}`" if err else "")
    if run.timed_out:
        return "hang", "still running at the timeout"
    base = base_rss["ok" if case.expect == "ok" else "error"]
    if case.family == "files" and run.max_rss_mib - base >= 2 * limit_mib and run.code != 0:
        return "unbounded read", shown + f" (peak {run.max_rss_mib:.0f} MiB)"
    if run.code == 1 and "internal error" in err or "Traceback" in err:
        return "internal error", shown
    expected_code = 0 if case.expect == "ok" else 2
    if run.code != expected_code or (expected_code == 2 and len(err.splitlines()) != 1):
        return "wrong error", shown
    problem = case.check(run.out, run.err, folder) if case.check is not None else None
    if problem:
        return "silent loss", shown + f" ({problem})"
    if case.family == "files":
        shown += f" (peak {run.max_rss_mib:.0f} MiB)"
    return "as expected", shown


def corpus(timeout: float) -> tuple[list[str], list[str]]:
    limit_mib = (4 * 2_000_000 + 4) / 2**20  # briefsum.cli.input_byte_limit of the default limit
    ready = apertium_ready()
    counts: dict[str, dict[str, int]] = {}
    rows = ["| family | case | input | expected | class | observed |", "|---|---|---|---|---|---|"]
    base_rss = {}
    for kind, cid in (("error", "cli-empty-file"), ("ok", "cli-utf8-bom")):  # an ordinary refusal, an ordinary run
        with tempfile.TemporaryDirectory() as d:
            base_rss[kind] = run_cli(next(c for c in CASES if c.id == cid), Path(d)).max_rss_mib
    for c in sorted(CASES, key=lambda c: c.family):
        if (c.needs == "apertium" and not ready) or (c.needs == "data" and not DATA.is_dir()):
            cls, got, dt = "skipped", f"needs {c.needs}", 0.0
        elif c.via == "cli":
            with tempfile.TemporaryDirectory() as d:
                run = run_cli(c, Path(d), timeout=timeout)
                cls, got = classify_cli(c, run, Path(d), base_rss, limit_mib)
                dt = run.seconds
        else:
            res, dt, timed_out = _api_child(c, timeout)
            cls, got = classify_api(c, res, timed_out)
        counts.setdefault(c.family, {}).setdefault(cls, 0)
        counts[c.family][cls] += 1
        exp = c.expect + (f" + warning “{c.warning}”" if c.warning else "")
        got = got.replace("|", "\\|").replace("\n", " ")
        what = c.what.replace("<", "&lt;")
        got = got.replace("<", "&lt;")
        rows.append(f"| {c.family} | {c.id} | {what} | {exp} | {cls} | {got} ({dt:.2f} s) |")
    classes = list(CLASSES) + (["skipped"] if any("skipped" in v for v in counts.values()) else [])
    summary = ["| family | cases | " + " | ".join(classes) + " |", "|---|---" + "|---" * len(classes) + "|"]
    total = {k: 0 for k in classes}
    for fam in sorted(counts):
        n = sum(counts[fam].values())
        summary.append(f"| {fam} | {n} | " + " | ".join(str(counts[fam].get(k, 0)) for k in classes) + " |")
        for k in classes:
            total[k] += counts[fam].get(k, 0)
    summary.append(f"| **all** | **{sum(total.values())}** | " + " | ".join(f"**{total[k]}**" for k in classes) + " |")
    summary.append("")
    summary.append(f"Peak memory of an ordinary CLI refusal (an empty file): {base_rss['error']:.0f} MiB, of an "
                   f"ordinary run (a short UTF-8 article): {base_rss['ok']:.0f} MiB; the input byte limit is "
                   f"{limit_mib:.1f} MiB, so an unbounded read is a peak {2 * limit_mib:.0f} MiB or more above "
                   "the matching one.")
    return summary, rows


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
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before a case counts as a hang")
    ap.add_argument("--corpus-only", action="store_true", help="only the hostile corpus (no memory or fuzz run)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one), ensure_ascii=True))
        return
    summary, rows = corpus(args.timeout)
    print("## Hostile corpus by family\n")
    print("\n".join(summary))
    print("\n## Every case\n")
    print("\n".join(rows))
    if args.corpus_only:
        return
    print(f"\n## Memory over {args.calls} successive calls\n")
    print("\n".join(f"- {line}" for line in memory_run(args.calls)))
    print("\n## Fuzz run\n")
    print("\n".join(f"- {line}" for line in fuzz_run(args.fuzz)))


if __name__ == "__main__":
    main()
