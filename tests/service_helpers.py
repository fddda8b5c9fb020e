"""A real `briefsum serve` (uvicorn, in a subprocess) on a free loopback port, for the service's tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


class Server:
    """`briefsum serve --port 0 --config FILE`; .url is its address once /v1/health answers."""

    def __init__(self, tmp: Path, config: dict | None = None, extra_args: tuple[str, ...] = (), warm: bool = False):
        self.config_path = tmp / "service.yaml"
        self.config_path.write_text(yaml.safe_dump(config or {}), encoding="utf-8")
        self.log_path = tmp / "server.log"
        args = [sys.executable, "-m", "briefsum", "serve", "--host", "127.0.0.1", "--port", "0",
                "--config", str(self.config_path), "--log-level", "warning", *extra_args]
        if not warm:
            args.append("--no-warm")
        env = {k: v for k, v in os.environ.items() if k != "BRIEFSUM_CONFIG"}
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, cwd=str(tmp), env=env)
        self.url = self._wait_for_address()

    def _wait_for_address(self, timeout: float = 120.0) -> str:
        import httpx

        deadline = time.monotonic() + timeout
        url = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"briefsum serve exited with {self.proc.returncode}: {self.log()}")
            if url is None:
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.log())
                url = f"http://127.0.0.1:{m.group(1)}" if m else None
            if url is not None:
                try:
                    if httpx.get(url + "/v1/health", timeout=5).status_code == 200:
                        return url
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"briefsum serve did not answer within {timeout} s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def rss_kib(self) -> int:
        """The server process's resident memory (VmRSS, KiB)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()


def slow_apertium(tmp: Path, seconds: float, then_real: bool = True) -> Path:
    """An `apertium` program that waits, then runs the real one (or, then_real=False: hangs that long, silent)."""
    path = tmp / "slow-apertium"
    body = f'sleep {seconds}\nexec apertium "$@"' if then_real else f"exec sleep {seconds}"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path
