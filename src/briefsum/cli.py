"""Command line: briefsum FILE — graded English summaries of an article. Errors: one line, exit 2 (input) or 1."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_USAGE = 2
EXIT_INTERNAL = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        sys.stderr.write(f"briefsum: {message} (see briefsum --help)\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="briefsum",
        description="Translate a news article to English and write graded summaries "
                    "(headline, brief, summary, detailed).",
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


def read_input(path: str, encoding: str | None, max_chars: int | None = None) -> str:
    """Read an input file or stdin as text; raise InputError with one clear line on any problem."""
    from .errors import InputError
    from .text.normalise import decode_bytes

    if path == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        name = path
        if not os.path.exists(path):
            raise InputError(f"{path}: no such file")
        if os.path.isdir(path):
            raise InputError(f"{path}: is a directory, not a file")
        try:
            size = os.path.getsize(path)
            if max_chars is not None and size > 4 * max_chars:
                raise InputError(f"{path}: file of {size:,} bytes is larger than the input limit "
                                 f"({max_chars:,} characters; raise limits.max_input_chars in a config)")
            with open(path, "rb") as fh:
                data = fh.read()
        except PermissionError:
            raise InputError(f"{path}: permission denied") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(f"{name}: is empty")
    return decode_bytes(data, encoding, name=name)


def render(brief, fmt: str, with_translation: bool) -> str:
    """Format a Brief as text, Markdown or JSON."""
    if fmt == "json":
        return brief.to_json() + "\n"
    md = fmt == "markdown"
    lines: list[str] = []
    models = ", ".join(f"{k} {v}" for k, v in brief.models.items())
    direction = brief.source_lang if brief.output_lang == brief.source_lang else f"{brief.source_lang} → {brief.output_lang}"
    conf = f" (detected, {brief.lang_confidence:.2f})" if brief.lang_detected else ""
    head = f"briefsum · {direction}{conf} · engine {brief.engine}" + (f" ({models})" if models else "")
    lines.append(f"<!-- {head} -->" if md else head)
    lines.append("")
    for name, g in brief.grades.items():
        title = f"{name.upper()} ({g.words}/{g.max_words} words{', cut' if g.truncated else ''})"
        lines.append(f"## {name.capitalize()}" if md else title)
        if md:
            lines.append(f"*{g.words}/{g.max_words} words, sentences {', '.join(str(i + 1) for i in g.source_indices)}*")
            lines.append("")
        lines.append(g.text)
        lines.append("")
    if with_translation and brief.translation is not None:
        lines.append("## Translation" if md else "TRANSLATION")
        if md:
            lines.append("")
        lines.append(brief.translation.text)
        lines.append("")
    if brief.warnings:
        lines.append("## Warnings" if md else "WARNINGS")
        if md:
            lines.append("")
        lines.extend(f"- {w}" for w in brief.warnings)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "batch" and not (len(argv) == 1 and os.path.isfile("batch")):  # ./batch: the file
        from .batch.cli import main as batch_main

        return batch_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        sys.stderr.write("briefsum: interrupted\n")
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as exc:  # every error a user can cause becomes one line
        from .errors import BriefsumError

        if os.environ.get("BRIEFSUM_DEBUG"):
            raise
        if isinstance(exc, BriefsumError):
            sys.stderr.write(f"briefsum: {exc}\n")
            return exc.exit_code
        if isinstance(exc, MemoryError):
            sys.stderr.write("briefsum: out of memory (try a smaller input)\n")
            return EXIT_INTERNAL
        sys.stderr.write(f"briefsum: internal error: {type(exc).__name__}: {exc} (set BRIEFSUM_DEBUG=1 for details)\n")
        return EXIT_INTERNAL


def _run(args) -> int:
    from .api import summarise
    from .config import load_config
    from .errors import InputError

    cfg = load_config(args.config)
    if args.output and os.path.exists(args.output):
        if os.path.isdir(args.output):
            raise InputError(f"{args.output}: output path is a directory")
        if not args.force:
            raise InputError(f"{args.output}: already exists (use --force to overwrite)")
    text = read_input(args.file, args.encoding, cfg.get("limits", "max_input_chars"))
    target = None if args.target.strip().lower() in ("none", "source", "") else args.target
    grades = [g for g in args.grades.split(",")] if args.grades is not None else None
    brief = summarise(text, lang=args.lang, target=target, grades=grades, engine=args.engine, config=cfg,
                      translation=args.translation)
    out = render(brief, args.format, args.translation)
    if args.output:
        try:
            # "x" refuses to replace a file that appeared meanwhile; only the requested path is written.
            with open(args.output, "w" if args.force else "x", encoding="utf-8") as fh:
                fh.write(out)
        except FileExistsError:
            raise InputError(f"{args.output}: already exists (use --force to overwrite)") from None
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write ({exc.strerror or exc})") from None
    else:
        sys.stdout.write(out)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
