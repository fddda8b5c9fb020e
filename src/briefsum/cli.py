"""Command line: briefsum FILE — graded English summaries of an article. Errors: one line, exit 2 (input) or 1."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_USAGE = 2
EXIT_INTERNAL = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        _say(f"briefsum: {message} (see briefsum --help)\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="briefsum",
        description="Translate a news article to English and write graded summaries "
                    "(headline, brief, summary, detailed).",
        epilog=" ".join((
            "Other commands, each with its own --help:",
            "'briefsum serve' runs the REST service and web page;",
            "'briefsum batch' summarises a corpus into one record per article.",
        )),
    )
    p.add_argument("file", help="article file (plain text or an HTML page), or - for standard input")
    p.add_argument("--lang", default="auto", help="source language code, or auto (default) to detect it")
    p.add_argument("--target", default="en", help="output language (default en); 'none' keeps the source language")
    p.add_argument("--grades", help="comma-separated grades to write (default: all configured)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="output format")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    p.add_argument("--translation", action="store_true", help="also output the full sentence-aligned translation")
    p.add_argument("--config", help="YAML config file merged over the defaults")
    p.add_argument("--engine", choices=("auto", "offline", "neural"), help="engine (default: from config, auto)")
    p.add_argument("--encoding", help="input encoding when the file is not UTF-8 (e.g. latin-1)")
    p.add_argument("--version", action="version", version=_version())
    return p


def _version() -> str:
    from . import __version__

    return f"briefsum {__version__}"


def input_byte_limit(max_chars: int) -> int:
    """The most bytes an input of max_chars characters can take (UTF-32 with its byte-order mark)."""
    return 4 * max_chars + 4


def read_input(path: str, encoding: str | None, max_chars: int | None = None, timeout: float | None = None) -> str:
    """Read an input file, device, FIFO or stdin as text, never more than the input limit allows; raise
    InputError with one clear line on any problem."""
    from .errors import InputError
    from .safeio import read_bounded
    from .text.normalise import decode_bytes

    limit = input_byte_limit(max_chars if max_chars is not None else 2_000_000)
    what = (f"the input limit ({max_chars:,} characters; raise limits.max_input_chars in a config)"
            if max_chars is not None else "the input limit")
    if path == "-":
        name = "standard input"
        if sys.stdin is None:
            raise InputError("standard input is closed")
        data = read_bounded(None, limit, name=name, timeout=timeout, what=what)
    else:
        name = path
        data = read_bounded(path, limit, name=name, timeout=timeout, what=what)
    if not data.strip():
        raise InputError(f"{name}: is empty")
    return decode_bytes(data, encoding, name=name)


def render(brief, fmt: str, with_translation: bool) -> str:
    """Format a Brief as text, Markdown or JSON (see briefsum.render: the article's markup stays text)."""
    from .render import render as _render_brief

    return _render_brief(brief, fmt, with_translation)


def _say(message: str) -> None:
    """One line on stderr, whatever its encoding (a character it cannot show is escaped), even when closed."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        enc = getattr(stream, "encoding", None) or "utf-8"
        stream.write(message.encode(enc, "backslashreplace").decode(enc, "replace"))
        stream.flush()
    except (OSError, ValueError):
        pass


def _write_stdout(text: str) -> None:
    from .errors import InputError

    out = sys.stdout
    if out is None:
        raise InputError("standard output is closed (use --output FILE)")
    enc = getattr(out, "encoding", None) or "utf-8"
    try:
        data = text.encode(enc)
    except UnicodeEncodeError as exc:
        raise InputError(f"standard output's encoding {enc} cannot show the result (character "
                         f"{text[exc.start]!a}); set PYTHONIOENCODING=utf-8 or use --output FILE") from None
    try:
        buf = getattr(out, "buffer", None)
        if buf is not None:
            out.flush()
            buf.write(data)
            buf.flush()
        else:
            out.write(text)
            out.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        _silence_stdout()
        raise InputError(f"cannot write to standard output ({getattr(exc, 'strerror', None) or exc})") from None


def _silence_stdout() -> None:
    """After a failed write, nothing more goes to stdout: the interpreter's final flush of what is left in its
    buffer goes to /dev/null instead of failing again with a second message."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.close(fd)
        sys.stdout = open(os.devnull, "w")
    except OSError:
        sys.stdout = None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "serve":  # the REST service and web page: briefsum serve --help
        from .service.cli import main as serve_main

        return serve_main(argv[1:])
    if argv and argv[0] == "batch" and not (len(argv) == 1 and os.path.isfile("batch")):  # ./batch: the file
        from .batch.cli import main as batch_main

        return batch_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        _say("briefsum: interrupted\n")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:  # every error a user can cause becomes one line
        from .errors import BriefsumError

        if os.environ.get("BRIEFSUM_DEBUG"):
            raise
        if isinstance(exc, BriefsumError):
            _say(f"briefsum: {exc}\n")
            return exc.exit_code
        if isinstance(exc, MemoryError):
            _say("briefsum: out of memory (try a smaller input)\n")
            return EXIT_INTERNAL
        _say(f"briefsum: internal error: {type(exc).__name__}: {exc} (set BRIEFSUM_DEBUG=1 for details)\n")
        return EXIT_INTERNAL


def _run(args) -> int:
    from .api import summarise
    from .config import load_config
    from .errors import InputError

    if not args.output and sys.stdout is None:
        raise InputError("standard output is closed (use --output FILE)")
    cfg = load_config(args.config)
    if args.output and os.path.exists(args.output):
        if os.path.isdir(args.output):
            raise InputError(f"{args.output}: output path is a directory")
        if not args.force:
            raise InputError(f"{args.output}: already exists (use --force to overwrite)")
    limits = cfg.settings.limits
    text = read_input(args.file, args.encoding, limits.max_input_chars, limits.timeout_s)
    target = None if args.target.strip().lower() in ("none", "source", "") else args.target
    grades = [g for g in args.grades.split(",")] if args.grades is not None else None
    brief = summarise(text, lang=args.lang, target=target, grades=grades, engine=args.engine, config=cfg,
                      translation=args.translation)
    out = render(brief, args.format, args.translation)
    if args.output:
        from .safeio import write_atomic

        try:
            # A temporary file renamed into place: a failed write leaves the old file whole and nothing partial;
            # without --force, a file that appeared meanwhile is not replaced.
            write_atomic(args.output, out.encode("utf-8"), replace=args.force)
        except FileExistsError:
            raise InputError(f"{args.output}: already exists (use --force to overwrite)") from None
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write ({exc.strerror or exc})") from None
    else:
        _write_stdout(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
