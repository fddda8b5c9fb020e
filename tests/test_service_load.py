"""A bounded load on a real `briefsum serve` on 127.0.0.1: 200 requests, 8 at a time (scripts/service_load.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("httpx", reason="the test extra (httpx) is not installed")
pytest.importorskip("starlette", reason="the serve extra is not installed")

from service_helpers import REPO  # noqa: E402


def test_200_requests_8_at_a_time_no_errors_same_json_flat_memory(tmp_path):
    out = tmp_path / "load.json"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "service_load.py"), "--requests", "200",
                           "--concurrency", "8", "--max-concurrent", "4", "--target", "none", "--json", str(out)],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["ok"] == 200 and res["errors"] == 0 and res["mismatched"] == 0 and res["warmup_errors"] == 0
    assert set(res["statuses"]) <= {"200", "429"}  # 429 (then a retry) is the documented answer beyond 4 jobs
    assert res["rss_growth_mib"] < 20, res  # the server's memory stays flat across the 200 requests
    assert res["healthy_after"]["running"] == 0
    got = {row["case"]: row["status"] for row in res["bad_requests"]}
    assert got["body over max_request_bytes (1.2 MB upload)"] == 413
    assert got["wrong request type (text/plain)"] == 415 and got["empty text"] == 422
    assert all(row["status"] in (400, 413, 415, 422) for row in res["bad_requests"])
