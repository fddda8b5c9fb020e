"""Apertium rule-based translation, run as a subprocess, one output line per input sentence."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import Mapping, Sequence

from ..errors import BackendError, ConfigError, UnsupportedLanguageError
from .unknown_words import UnknownWords, restore_pivot_unknowns

# Apertium's stream format gives these characters meaning; the txt deformatter escapes them, and
# characters that could still split lines are replaced before sending.
_LINE_BREAKERS = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x85]")
_MARK = re.compile(r"(?<![\w#@*])[#@*](?=\w)")
# A mode is a name (fr-es, spa-eng_US), never a path: a config cannot make Apertium read a .mode file elsewhere.
MODE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class ApertiumTranslator:
    """Translate with Apertium modes chained per language pair (fr→en pivots through Spanish)."""

    name = "apertium"

    def __init__(self, routes: Mapping[str, Sequence[str]], packages: Mapping[str, str] | None = None,
                 binary: str = "apertium", timeout: float = 120.0, *, allow_custom_binary: bool = True,
                 pivot_unknowns: str = "source"):
        self.routes = {k: list(v) for k, v in routes.items()}
        for pair, modes in self.routes.items():
            for m in modes:
                if not isinstance(m, str) or not MODE_NAME.fullmatch(m) or ".." in m:
                    raise ConfigError(f"config: apertium.routes.{pair} must list Apertium mode names, got {m!r}")
        self.packages = dict(packages or {})
        self.binary = binary
        self.allow_custom_binary = allow_custom_binary
        self.timeout = timeout
        self.pivot_unknowns = pivot_unknowns
        self.unknown = UnknownWords()  # what the translations so far could not translate
        self._warm: tuple | None = None  # (modes, processes, stderr files) started ahead by prestart

    # -- availability -------------------------------------------------------------------------
    def executable(self) -> str | None:
        if not self.allow_custom_binary and os.path.basename(self.binary) != self.binary:
            return None  # a path: only run when the config explicitly allows another program
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
        modes = self.routes[f"{source}-{target}"]
        raw, middle = self._run_modes(modes, payload)
        out = _lines(raw)
        if len(out) != len(lines):
            raise BackendError(f"Apertium returned {len(out)} lines for {len(lines)} sentences; alignment lost")
        mid = _lines(middle) if middle is not None else None
        if mid is not None and len(mid) != len(lines):
            mid = None
        done = []
        for k, (o, src) in enumerate(zip(out, lines)):
            o = restore_pivot_unknowns(o, src, mid[k] if mid else None, len(modes) > 1,
                                       self.pivot_unknowns == "source", self.unknown)
            done.append(self._clean(o, src, target))
        return done

    def prestart(self, source: str, target: str) -> None:
        """Start the pipeline for a pair now (its dictionaries load while other work runs); the next
        translation of that pair uses it. Does nothing when the pair cannot run here."""
        if self._warm is not None or source == target or self.missing_reason(source, target):
            return
        try:
            self._warm = self._start(self.routes[f"{source}-{target}"])
        except BackendError:
            return
        import weakref

        weakref.finalize(self, self._warm.stop)

    def close(self) -> None:
        """Stop a started pipeline that was not used."""
        if self._warm is not None:
            self._warm.stop()
            self._warm = None

    def _start(self, modes: Sequence[str]) -> "_Pipeline":
        """Start the route as one chain of processes: each mode's stages read from its installed .mode file
        (what `apertium -f txt MODE` runs, without the shell script around it), or, when the modes cannot
        be read that way (another binary, an unusual mode file), the `apertium` command once per mode.
        Unknown words keep Apertium's marks (* unknown, # not generated); a route of several modes also
        copies the first mode's output (the pivot text) to a file, to align the pivot's unknown words."""
        import tempfile

        exe = self.executable() or self.binary
        stages = _direct_stages(exe, modes, marks=True)
        tmpdir = tempfile.mkdtemp(prefix="briefsum-apertium-")
        tee = (os.path.join(tmpdir, "pivot.txt") if len(modes) > 1 and self.pivot_unknowns == "source"
               and shutil.which("tee") else None)
        try:
            if stages is not None:
                pipe = _BashPipeline.start(tuple(modes), _with_tee(stages, modes[0], tee), env=_direct_env(exe),
                                           tmpdir=tmpdir)
            else:
                # The script makes a temporary file and removes it on exit, which a killed script never does:
                # give it a folder of its own, removed with the pipeline.
                env = dict(os.environ, TMPDIR=tmpdir)
                pipe = _Pipeline.start(tuple(modes), _with_tee([(m, [exe, "-f", "txt", m]) for m in modes],
                                                                modes[0], tee), env, tmpdir)
        except BaseException:
            shutil.rmtree(tmpdir, ignore_errors=True)
            raise
        pipe.tee = tee
        return pipe

    def _run_modes(self, modes: Sequence[str], payload: str) -> tuple[str, str | None]:
        """Run the modes as one pipeline (the stages work concurrently), with one timeout for all; the output
        and, for a route of several modes, the first mode's output (None when not recorded)."""
        pipe, self._warm = self._warm, None
        if pipe is None or pipe.modes != tuple(modes) or not pipe.alive():
            if pipe is not None:
                pipe.stop()
            pipe = self._start(modes)
        try:
            out = pipe.run(payload, self.timeout)
            middle = None
            tee = getattr(pipe, "tee", None)
            if tee is not None:
                try:
                    with open(tee, "rb") as fh:
                        middle = fh.read(4 * len(payload.encode("utf-8")) + 4096).decode("utf-8", "replace")
                except OSError:
                    middle = None
            return out, middle
        finally:
            pipe.stop()

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


def _lines(text: str) -> list[str]:
    out = text.split("\n")
    if out and out[-1] == "":
        out.pop()
    return out


def _with_tee(stages: list[tuple[str, list[str]]], first: str, path: str | None) -> list[tuple[str, list[str]]]:
    """The stages with `tee path` after the last stage of mode `first` (nothing changes without a path)."""
    if path is None:
        return stages
    last = max(i for i, (m, _) in enumerate(stages) if m == first)
    return stages[:last + 1] + [(first, [shutil.which("tee") or "tee", path])] + stages[last + 1:]


class _Pipeline:
    """A chain of started processes: the stdout of each feeds the next; stderr goes to one file per mode."""

    tee: str | None = None

    def __init__(self, modes: tuple, labels: list[str], procs: list, errs: dict, tmpdir: str | None):
        self.modes, self.labels, self.procs, self.errs, self.tmpdir = modes, labels, procs, errs, tmpdir

    @classmethod
    def start(cls, modes: tuple, stages: Sequence[tuple[str, list[str]]], env: dict | None = None,
              tmpdir: str | None = None) -> "_Pipeline":
        import tempfile

        errs = {m: tempfile.TemporaryFile() for m in modes}  # files, not pipes: a chatty stage cannot block
        pipe = cls(modes, [m for m, _ in stages], [], errs, tmpdir)
        try:
            stdin = subprocess.PIPE
            for mode, argv in stages:
                # a session of its own, so that stopping it stops what it started (the script's own stages)
                p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=errs[mode], env=env,
                                     start_new_session=True)
                if pipe.procs:
                    pipe.procs[-1].stdout.close()  # the next stage owns the pipe now
                pipe.procs.append(p)
                stdin = p.stdout
        except OSError as exc:
            pipe.stop()
            raise BackendError(f"Apertium could not be started: {exc.strerror or exc}") from None
        return pipe

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs)

    def stop(self) -> None:
        """Kill what still runs (each process with what it started), close the files, remove the temporary
        folder (safe to call twice)."""
        import signal

        for p in self.procs:
            if p.poll() is None:  # not reaped yet, so its process group is still ours
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    p.kill()
        for p in self.procs:
            p.wait()
            for f in (p.stdin, p.stdout):
                if f is not None and not f.closed:
                    try:
                        f.close()
                    except OSError:
                        pass
        for e in self.errs.values():
            e.close()
        if self.tmpdir is not None:
            import time

            for _ in range(20):  # a killed stage may still be closing a file in it
                shutil.rmtree(self.tmpdir, ignore_errors=True)
                if not os.path.exists(self.tmpdir):
                    break
                time.sleep(0.01)
            self.tmpdir = None

    def run(self, payload: str, timeout: float) -> str:
        """Feed payload, read the last stage's output, wait for every stage; BackendError on a timeout or
        a failing stage. The caller stops the pipeline afterwards."""
        import threading
        import time

        first, last = self.procs[0], self.procs[-1]
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
        deadline = time.monotonic() + timeout
        reader.join(timeout)
        try:
            if reader.is_alive():
                raise subprocess.TimeoutExpired(self.modes, timeout)
            for p in self.procs:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise BackendError(f"Apertium ({' | '.join(self.modes)}) did not finish within {timeout:g} s "
                               "and was stopped") from None
        failed = [(m, code) for m, code in self.exit_codes() if code != 0]
        if failed:  # the stage that failed first, not one that only lost its reader (SIGPIPE)
            mode, code = next(((m, c) for m, c in failed if c not in (-13, 141)), failed[0])
            e = self.errs[mode]
            e.seek(0)
            err = e.read().decode("utf-8", "replace").strip().splitlines()
            raise BackendError(f"Apertium ({mode}) failed with exit code {code}: {err[-1] if err else 'no message'}")
        return (chunks[0] if chunks else b"").decode("utf-8", "replace")

    def exit_codes(self) -> list[tuple[str, int]]:
        return [(m, p.returncode) for m, p in zip(self.labels, self.procs)]


class _BashPipeline(_Pipeline):
    """The same chain started by one bash process in a process group of its own: our process pays for one
    process start instead of one per stage (each start holds the interpreter while the child gets going,
    which on a busy machine took 10+ ms a stage), and the stages start while this process goes on. bash
    records every stage's exit status; stopping kills the whole group."""

    def __init__(self, *args, status=None):
        super().__init__(*args)
        self.status = status

    @classmethod
    def start(cls, modes: tuple, stages: Sequence[tuple[str, list[str]]], env: dict | None = None,
              tmpdir: str | None = None) -> "_BashPipeline":
        import shlex
        import tempfile

        bash = shutil.which("bash")
        if bash is None:
            raise BackendError("Apertium could not be started: bash not found")
        errs = {m: tempfile.TemporaryFile() for m in modes}
        status = tempfile.TemporaryFile()
        script = " | ".join(f"{shlex.join(argv)} 2>&{errs[m].fileno()}" for m, argv in stages)
        script += f'; echo "${{PIPESTATUS[*]}}" >&{status.fileno()}'
        pipe = cls(modes, [m for m, _ in stages], [], errs, tmpdir, status=status)
        try:
            pipe.procs.append(subprocess.Popen(
                [bash, "--noprofile", "--norc", "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                env=env, pass_fds=[e.fileno() for e in errs.values()] + [status.fileno()], start_new_session=True))
        except OSError as exc:
            pipe.stop()
            raise BackendError(f"Apertium could not be started: {exc.strerror or exc}") from None
        return pipe

    def stop(self) -> None:
        super().stop()
        if self.status is not None:
            self.status.close()

    def exit_codes(self) -> list[tuple[str, int]]:
        self.status.seek(0)
        codes = self.status.read().decode("ascii", "replace").split()
        if len(codes) != len(self.labels) or not all(c.isdigit() for c in codes):
            return [(self.labels[-1], self.procs[0].returncode)]
        return [(m, int(c)) for m, c in zip(self.labels, codes)]


# -- running the installed modes without the `apertium` script ------------------------------------------------
# `apertium -u -f txt MODE` runs: apertium-destxt | (the mode, with word-bound blanks handled as
# apertium-wblank-mode writes it; $1 = -n: no unknown-word marks, $2 = nothing) | apertium-retxt, with
# PATH starting at its APERTIUM_PATH and LC_CTYPE set to the first UTF-8 locale. The gawk and cat stages it
# adds around the mode pass text through unchanged when no translation memory or stream variable is used.
_SCRIPT_DEFAULT = re.compile(r'^(APERTIUM_PATH|APERTIUM_DATADIR)="\$\{\1:-([^"$`\\]*)\}"\s*$', re.M)
_PLACEHOLDER = re.compile(r"\$(?:[12](?=\s|$))?")
_DIRECT: dict = {}       # (script, mode) -> the stages of that mode, or None when it cannot run directly
_LOCALE: list = []       # [the LC_CTYPE the script would set, or None]


def _script_paths(exe: str) -> tuple[str, str] | None:
    """APERTIUM_PATH and APERTIUM_DATADIR of an installed `apertium` script, None if exe is not one."""
    try:
        with open(exe, "rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    if not head.startswith("#!") or "bash" not in head.splitlines()[0]:
        return None
    found = dict(m.groups() for m in _SCRIPT_DEFAULT.finditer(head))
    if set(found) != {"APERTIUM_PATH", "APERTIUM_DATADIR"}:
        return None
    return (os.environ.get("APERTIUM_PATH") or found["APERTIUM_PATH"],
            os.environ.get("APERTIUM_DATADIR") or found["APERTIUM_DATADIR"])


def _outputs(commands: list[list[str]]) -> list[str | None]:
    """Run short helper commands side by side; each one's standard output, None where it failed."""
    procs: list = []
    for argv in commands:
        try:
            procs.append(subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL))
        except OSError:
            procs.append(None)
    out: list[str | None] = []
    for p in procs:
        try:
            text = p.communicate(timeout=10)[0].decode("utf-8", "replace") if p is not None else None
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            text = None
        out.append(text if p is not None and p.returncode == 0 else None)
    return out


def _direct_env(exe: str) -> dict:
    bin_dir = _script_paths(exe)[0]
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", LC_CTYPE=_LOCALE[0])
    env.pop("BASH_ENV", None)  # the launching bash runs no startup file
    return env


def _parse_mode(text: str, search: str, marks: bool = False) -> list[list[str]] | None:
    """The argument lists of one mode's stages (as apertium-wblank-mode wrote it), destxt and retxt included;
    None when not safely readable. marks: unknown words keep Apertium's marks ($1 = -g, else -n)."""
    text = text.strip()
    if not text or "\n" in text:
        return None
    # Only plain commands joined by pipes, with $1/$2 as whole unquoted words; anything else (redirections,
    # other variables, quoting around a placeholder, globs, assignments) is left to the script.
    if any(m.group(0) == "$" for m in _PLACEHOLDER.finditer(text)) or re.search(r"[\"']\$|\$[12][\"']", text):
        return None
    import shlex

    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    stages: list[list[str]] = [[]]
    for tok in tokens:
        if tok == "|":
            stages.append([])
        elif set(tok) <= set("();<>|&"):
            return None
        elif tok == "$1":
            stages[-1].append("-g" if marks else "-n")
        elif tok != "$2":
            stages[-1].append(tok)
    if any(not st or "=" in st[0] for st in stages) or any(c in tok for st in stages for tok in st for c in "`*?[~{"):
        return None
    wrapped = [["apertium-destxt"], *stages, ["apertium-retxt"]]
    for argv in wrapped:
        resolved = shutil.which(argv[0], path=search)
        if resolved is None:
            return None
        argv[0] = resolved
    return wrapped


def _direct_stages(exe: str, modes: Sequence[str], marks: bool = False) -> list[tuple[str, list[str]]] | None:
    """(mode, argv) for every stage of the route, or None when a mode cannot run without the script.
    What is learnt is kept for the process (the helper commands run once, side by side)."""
    todo = [m for m in dict.fromkeys(modes) if (exe, m, marks) not in _DIRECT]
    if todo:
        paths = _script_paths(exe)
        if paths is None:
            return None
        bin_dir, data_dir = paths
        search = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
        wblank = shutil.which("apertium-wblank-mode", path=search)
        files = {m: os.path.join(data_dir, "modes", f"{m}.mode") for m in todo}
        if wblank is None or not all(os.path.isfile(f) for f in files.values()):
            return None
        helpers = [[wblank, files[m]] for m in todo] + ([] if _LOCALE else [["locale", "-a"]])
        texts = _outputs(helpers)
        if not _LOCALE:  # the first UTF-8 locale, as the script sets LC_CTYPE
            names = (texts.pop() or "").splitlines()
            _LOCALE.append(next((n for n in names if re.search(r"utf[.-]*8", n, re.I)), None))
        for m, text in zip(todo, texts):
            _DIRECT[(exe, m, marks)] = _parse_mode(text, search, marks) if text is not None and _LOCALE[0] else None
    out: list[tuple[str, list[str]]] = []
    for mode in modes:
        stages = _DIRECT[(exe, mode, marks)]
        if stages is None:
            return None
        out.extend((mode, list(argv)) for argv in stages)
    return out
