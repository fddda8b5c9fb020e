"""Command line: briefsum batch INPUT... --output OUT — one record per article, resumable, local or on Ray."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_USAGE = 2
EXIT_INTERNAL = 1
EXIT_SOME_FAILED = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        sys.stderr.write(f"briefsum batch: {message} (see briefsum batch --help)\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="briefsum batch",
        description="Summarise many articles: one JSON line (or Parquet row) per article, in input order. "
                    f"Exit 0 when every article was summarised, {EXIT_SOME_FAILED} when some failed (their records "
                    "hold the error), 2 for a usage or input problem, 1 for an internal failure, 130/143 when "
                    "interrupted (the output then holds only whole records: rerun with --resume).",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files, globs or directories: .txt/.html articles, or .jsonl(.gz)/.csv/.parquet tables")
    p.add_argument("--output", "-o", required=True, help="output file: .jsonl (default) or .parquet")
    p.add_argument("--format", choices=("jsonl", "parquet"), help="output format (default: from --output's suffix)")
    p.add_argument("--text-field", default="text", help="table column holding the article text (default text)")
    p.add_argument("--id-field", help="table column holding a unique id (default: PATH#ROW)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run: skip ids already in OUTPUT")
    p.add_argument("--force", action="store_true", help="start again, replacing OUTPUT")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (with --ray: actors); default 1")
    p.add_argument("--chunk-size", type=int, help="articles per task (default 4 offline, 16 neural; Ray: 8)")
    p.add_argument("--ray", nargs="?", const="", metavar="ADDRESS",
                   help="run on Ray Data: a cluster ADDRESS, or none for $RAY_ADDRESS or a local Ray")
    p.add_argument("--num-gpus", type=float, default=0.0, help="GPUs per Ray actor (neural engine); default 0")
    p.add_argument("--lang", default="auto", help="source language code, or auto (default) to detect it")
    p.add_argument("--target", default="en", help="output language (default en); 'none' keeps the source language")
    p.add_argument("--grades", help="comma-separated grades to write (default: all configured)")
    p.add_argument("--engine", choices=("auto", "offline", "neural"), help="engine (default: from config, auto)")
    p.add_argument("--config", help="YAML config file merged over the defaults")
    p.add_argument("--encoding", help="encoding of text files and CSV that are not UTF-8 (e.g. latin-1)")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="show the progress bar even when stderr is not a terminal")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show the progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.resume and args.force:
        sys.stderr.write("briefsum batch: --resume and --force exclude each other\n")
        return EXIT_USAGE
    if args.jobs < 1 or (args.chunk_size is not None and args.chunk_size < 1) or args.num_gpus < 0:
        sys.stderr.write("briefsum batch: --jobs and --chunk-size must be at least 1, --num-gpus at least 0\n")
        return EXIT_USAGE
    from .job import Interrupted

    try:
        return _run(args)
    except KeyboardInterrupt:
        return _stopped(args, "interrupted", 130)
    except Interrupted as exc:
        return _stopped(args, f"stopped by {exc}", 128 + exc.signum)
    except Exception as exc:  # every error a user can cause becomes one line
        from ..errors import BriefsumError

        if os.environ.get("BRIEFSUM_DEBUG"):
            raise
        if isinstance(exc, BriefsumError):
            sys.stderr.write(f"briefsum batch: {exc}\n")
            return exc.exit_code
        sys.stderr.write(f"briefsum batch: internal error: {type(exc).__name__}: {exc} "
                         "(set BRIEFSUM_DEBUG=1 for details)\n")
        return EXIT_INTERNAL


def _stopped(args, why: str, code: int) -> int:
    sys.stderr.write(f"briefsum batch: {why}; every record in {args.output} is whole: "
                     "run the same command with --resume to continue\n")
    return code


def _run(args) -> int:
    from ..config import load_config
    from .job import run_batch
    from .readers import ReadOptions
    from .workers import JobOptions

    target = None if args.target.strip().lower() in ("none", "source", "") else args.target
    grades = tuple(g for g in args.grades.split(",")) if args.grades is not None else None
    options = JobOptions(lang=args.lang, target=target, grades=grades, engine=args.engine, config=args.config)
    cfg = load_config(args.config)
    read = ReadOptions(text_field=args.text_field, id_field=args.id_field, encoding=args.encoding,
                       max_chars=cfg.settings.limits.max_input_chars)
    use_ray = args.ray is not None
    summary = run_batch(args.inputs, args.output, options, read, jobs=args.jobs, chunk_size=args.chunk_size,
                        resume=args.resume, force=args.force, fmt=args.format, use_ray=use_ray,
                        ray_address=args.ray or None, num_gpus=args.num_gpus, progress=args.progress)
    skipped = f", {summary.skipped} skipped as already done" if summary.skipped else ""
    sys.stderr.write(f"briefsum batch: {summary.total_records} records in {summary.output} "
                     f"({summary.written} new{skipped}); {summary.failed} failed\n")
    return EXIT_SOME_FAILED if summary.failed else 0
