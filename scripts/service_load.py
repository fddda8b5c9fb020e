"""Load and bad-request check of `briefsum serve` on loopback: N requests, C at a time, memory before and after.

    .venv/bin/python scripts/service_load.py --requests 200 --concurrency 8 [--target none] [--json OUT]

Starts `briefsum serve` on 127.0.0.1 (a free port, the packaged defaults plus --max-concurrent), warms it up,
then sends the requests from C threads. A 429 is the documented answer beyond service.max_concurrent: the client
waits Retry-After seconds and sends again, and each 429 is counted. Anything else that is not a 200 with the
same JSON as the first answer is an error. The server's resident memory (VmRSS) is read after the warm-up and
after the run. Then each kind of bad request is sent once, with its status, message and time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent


def start_server(tmp: Path, max_concurrent: int) -> tuple[subprocess.Popen, str]:
    cfg = tmp / "service.yaml"
    cfg.write_text(f"service: {{max_concurrent: {max_concurrent}, max_request_bytes: 1000000, "
                   "max_input_chars: 100000}\n", encoding="utf-8")
    log = open(tmp / "server.log", "w", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "BRIEFSUM_CONFIG"}
    proc = subprocess.Popen([sys.executable, "-m", "briefsum", "serve", "--host", "127.0.0.1", "--port", "0",
                             "--config", str(cfg), "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT,
                            env=env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {(tmp / 'server.log').read_text()}")
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", (tmp / "server.log").read_text())
        if m:
            url = f"http://127.0.0.1:{m.group(1)}"
            try:
                if httpx.get(url + "/v1/health", timeout=5).status_code == 200:
                    return proc, url
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def load(url: str, body: dict, n: int, concurrency: int, reference: str | None) -> dict:
    statuses: Counter = Counter()
    latencies: list[float] = []
    errors: list[str] = []
    mismatched = 0
    lock = threading.Lock()

    def one(_: int) -> None:
        nonlocal mismatched
        with httpx.Client(timeout=300) as client:
            while True:
                t0 = time.perf_counter()
                try:
                    resp = client.post(url + "/v1/summarise", json=body)
                except httpx.HTTPError as exc:
                    with lock:
                        statuses["transport-error"] += 1
                        errors.append(f"{type(exc).__name__}: {exc}")
                    return
                took = time.perf_counter() - t0
                with lock:
                    statuses[resp.status_code] += 1
                if resp.status_code == 429:
                    time.sleep(float(resp.headers.get("retry-after", "1")))
                    continue
                with lock:
                    if resp.status_code != 200:
                        errors.append(f"{resp.status_code}: {resp.text[:200]}")
                    else:
                        latencies.append(took)
                        if reference is not None and resp.text != reference:
                            mismatched += 1
                return

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    wall = time.perf_counter() - t0
    lat = sorted(latencies)
    return {"requests": n, "concurrency": concurrency, "statuses": {str(k): v for k, v in statuses.items()},
            "ok": len(latencies), "errors": len(errors), "error_samples": errors[:5], "mismatched": mismatched,
            "wall_s": round(wall, 2), "throughput_per_s": round(len(latencies) / wall, 2) if wall else None,
            "latency_median_s": round(statistics.median(lat), 3) if lat else None,
            "latency_p95_s": round(lat[int(0.95 * (len(lat) - 1))], 3) if lat else None}


def bad_requests(url: str) -> list[dict]:
    """Each kind of bad request once: what was sent, the status, the message and the time."""
    big = b"a " * 600_000
    cases = [
        ("body over max_request_bytes (1.2 MB upload)", dict(files={"file": ("big.txt", big, "text/plain")})),
        ("text over max_input_chars (120,000 characters)", dict(json={"text": "Une phrase. " * 10_000})),
        ("wrong request type (text/plain)", dict(content=b"Bonjour.", headers={"content-type": "text/plain"})),
        ("uploaded PDF", dict(files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})),
        ("binary upload", dict(files={"file": ("a.bin", bytes(range(256)) * 8, "text/plain")})),
        ("latin-1 upload", dict(files={"file": ("a.txt", "L'été à l'école.".encode("latin-1"), "text/plain")})),
        ("empty text", dict(json={"text": ""})),
        ("empty upload", dict(files={"file": ("e.txt", b"", "text/plain")})),
        ("punctuation only", dict(json={"text": "!!! ??? ..."})),
        ("malformed JSON", dict(content=b"{oops", headers={"content-type": "application/json"})),
        ("unknown grade", dict(json={"text": "Bonjour.", "grades": ["nope"]})),
        ("unknown field (a path)", dict(json={"text": "Bonjour.", "path": "/etc/passwd"})),
    ]
    rows = []
    with httpx.Client(timeout=120) as client:
        for what, kwargs in cases:
            t0 = time.perf_counter()
            resp = client.post(url + "/v1/summarise", **kwargs)
            took = time.perf_counter() - t0
            try:
                message = resp.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = resp.text[:200]
            rows.append({"case": what, "status": resp.status_code, "message": message, "seconds": round(took, 3)})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--max-concurrent", type=int, default=4, help="the server's service.max_concurrent")
    ap.add_argument("--text", default=str(REPO / "examples" / "sommet-fr.txt"))
    ap.add_argument("--target", default="en", help="en (Apertium translation) or none")
    ap.add_argument("--warmup", type=int, default=16)
    ap.add_argument("--json", help="write the results here as JSON")
    args = ap.parse_args()
    body = {"text": Path(args.text).read_text(encoding="utf-8"), "engine": "offline", "target": args.target}
    with tempfile.TemporaryDirectory(prefix="briefsum-load-") as tmp:
        proc, url = start_server(Path(tmp), args.max_concurrent)
        try:
            ref = httpx.post(url + "/v1/summarise", json=body, timeout=300)
            if ref.status_code != 200:
                raise SystemExit(f"reference request failed: {ref.status_code} {ref.text[:300]}")
            warm = load(url, body, args.warmup, args.concurrency, ref.text)
            before = rss_mib(proc.pid)
            result = load(url, body, args.requests, args.concurrency, ref.text)
            after = rss_mib(proc.pid)
            result.update(max_concurrent=args.max_concurrent, target=args.target, warmup_errors=warm["errors"],
                          rss_before_mib=round(before[0], 1), rss_after_mib=round(after[0], 1),
                          rss_growth_mib=round(after[0] - before[0], 1), rss_peak_mib=round(after[1], 1),
                          cpus=os.cpu_count(), load_average=[round(x, 2) for x in os.getloadavg()])
            result["bad_requests"] = bad_requests(url)
            result["healthy_after"] = httpx.get(url + "/v1/health", timeout=10).json()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if result["errors"] == 0 and result["mismatched"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
