"""Apertium rule-based translation, run as a subprocess, one output line per input sentence."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import Mapping, Sequence

from ..errors import BackendError, UnsupportedLanguageError

# Apertium's stream format gives these characters meaning; the txt deformatter escapes them, and
# characters that could still split lines are replaced before sending.
_LINE_BREAKERS = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x85]")
_MARK = re.compile(r"(?<![\w#@*])[#@*](?=\w)")


class ApertiumTranslator:
    """Translate with Apertium modes chained per language pair (fr→en pivots through Spanish)."""

    name = "apertium"

    def __init__(self, routes: Mapping[str, Sequence[str]], packages: Mapping[str, str] | None = None,
                 binary: str = "apertium", timeout: float = 120.0):
        self.routes = {k: list(v) for k, v in routes.items()}
        self.packages = dict(packages or {})
        self.binary = binary
        self.timeout = timeout
        self._warm: tuple | None = None  # (modes, processes, stderr files) started ahead by prestart

    # -- availability -------------------------------------------------------------------------
    def executable(self) -> str | None:
        return shutil.which(self.binary)

    def supports(self, source: str, target: str) -> bool:
        return f"{source}-{target}" in self.routes

    def missing_reason(self, source: str, target: str) -> str | None:
        """None when the pair can run here, else a one-line reason with the install command."""
        pair = f"{source}-{target}"
        if pair not in self.routes:
            return f"no Apertium route for {source}→{target}"
        if self.executable() is None:
            pkgs = self.packages.get(pair, "apertium")
            return f"Apertium is not installed (install it with: sudo apt-get install {pkgs})"
        modes = self.available_modes()
        if modes is not None:
            lacking = [m for m in self.routes[pair] if m not in modes]
            if lacking:
                pkgs = self.packages.get(pair, "apertium")
                return (f"Apertium mode(s) {', '.join(lacking)} missing "
                        f"(install them with: sudo apt-get install {pkgs})")
        return None

    def available_modes(self) -> set[str] | None:
        """Installed Apertium modes, read from the modes folders; None if that cannot be told."""
        found: set[str] = set()
        seen_dir = False
        for d in ("/usr/share/apertium/modes", "/usr/local/share/apertium/modes"):
            if os.path.isdir(d):
                seen_dir = True
                found.update(f[:-5] for f in os.listdir(d) if f.endswith(".mode"))
        return found if seen_dir else None

    # -- translation --------------------------------------------------------------------------
    def translate_sentences(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        if not sentences:
            return []
        if source == target:
            return list(sentences)
        reason = self.missing_reason(source, target)
        if reason:
            raise (UnsupportedLanguageError if "no Apertium route" in reason else BackendError)(reason)
        lines = [_LINE_BREAKERS.sub(" ", s).strip() for s in sentences]
        payload = "\n".join(lines) + "\n"
        out = self._run_modes(self.routes[f"{source}-{target}"], payload).split("\n")
        if out and out[-1] == "":
            out.pop()
        if len(out) != len(lines):
            raise BackendError(f"Apertium returned {len(out)} lines for {len(lines)} sentences; alignment lost")
        return [self._clean(o, src, target) for o, src in zip(out, lines)]

    def prestart(self, source: str, target: str) -> None:
        """Start the pipeline for a pair now (its dictionaries load while other work runs); the next
        translation of that pair uses it. Does nothing when the pair cannot run here."""
        if self._warm is not None or source == target or self.missing_reason(source, target):
            return
        try:
            self._warm = (tuple(self.routes[f"{source}-{target}"]), *self._start(self.routes[f"{source}-{target}"]))
        except BackendError:
            return
        import weakref

        weakref.finalize(self, ApertiumTranslator._stop, self._warm[1], self._warm[2])

    def close(self) -> None:
        """Stop a started pipeline that was not used."""
        if self._warm is not None:
            self._stop(self._warm[1], self._warm[2])
            self._warm = None

    @staticmethod
    def _stop(procs: list, errs: list) -> None:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for e in errs:
            e.close()

    def _start(self, modes: Sequence[str]) -> tuple[list[subprocess.Popen], list]:
        import tempfile

        exe = self.executable() or self.binary
        procs: list[subprocess.Popen] = []
        errs = [tempfile.TemporaryFile() for _ in modes]  # files, not pipes: a chatty stage cannot block
        try:
            stdin = subprocess.PIPE
            for k, mode in enumerate(modes):
                procs.append(subprocess.Popen([exe, "-u", "-f", "txt", mode], stdin=stdin, stdout=subprocess.PIPE,
                                              stderr=errs[k]))
                if k > 0:
                    procs[k - 1].stdout.close()  # the next stage owns the pipe now
                stdin = procs[k].stdout
        except OSError as exc:
            for p in procs:
                p.kill()
            for e in errs:
                e.close()
            raise BackendError(f"Apertium could not be started: {exc.strerror or exc}") from None
        return procs, errs

    def _run_modes(self, modes: Sequence[str], payload: str) -> str:
        """Run the modes as one pipeline (the stages work concurrently), with one timeout for all."""
        warm, self._warm = self._warm, None
        if warm is not None and warm[0] == tuple(modes) and all(p.poll() is None for p in warm[1]):
            procs, errs = warm[1], warm[2]
        else:
            if warm is not None:
                self._stop(warm[1], warm[2])
            procs, errs = self._start(modes)
        import threading
        import time

        first, last = procs[0], procs[-1]
        chunks: list[bytes] = []

        def feed() -> None:
            try:
                first.stdin.write(payload.encode("utf-8"))
                first.stdin.close()
            except (BrokenPipeError, OSError, ValueError):
                pass

        def read() -> None:
            chunks.append(last.stdout.read())

        feeder = threading.Thread(target=feed, daemon=True)
        reader = threading.Thread(target=read, daemon=True)
        feeder.start()
        reader.start()
        deadline = time.monotonic() + self.timeout
        reader.join(self.timeout)
        try:
            if reader.is_alive():
                raise subprocess.TimeoutExpired(modes, self.timeout)
            for p in procs:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
            for p in procs:
                p.wait()
            for e in errs:
                e.close()
            raise BackendError(f"Apertium ({' | '.join(modes)}) did not finish within {self.timeout:g} s "
                               "and was stopped") from None
        last.stdout.close()
        out = chunks[0] if chunks else b""
        for mode, p, e in zip(modes, procs, errs):
            e.seek(0)
            err = e.read().decode("utf-8", "replace").strip().splitlines()
            e.close()
            if p.returncode != 0:
                raise BackendError(f"Apertium ({mode}) failed with exit code {p.returncode}: "
                                   f"{err[-1] if err else 'no message'}")
        return out.decode("utf-8", "replace")

    @staticmethod
    def _clean(out: str, source: str, target: str = "en") -> str:
        # Remove leftover unknown/untranslatable marks (# @ *) that were not in the source.
        if not any(c in source for c in "#@*"):
            out = _MARK.sub("", out)
        out = re.sub(r"\s+([,.;!?)])", r"\1", out) if target == "en" else out
        if target == "en":  # English quotes instead of guillemets
            out = re.sub(r"«\s*", "\u201c", out)
            out = re.sub(r"\s*»", "\u201d", out)
        out = re.sub(r"\s{2,}", " ", out).strip()
        return out
