"""A corpus run: read the inputs, skip what a resumed output holds, summarise (locally or on Ray), append records."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from dataclasses import dataclass
from typing import Iterator, Sequence

from ..errors import InputError
from .readers import Article, ReadOptions, count_articles, expand_inputs, iter_articles
from .records import dumps, error_record, jsonl_to_parquet
from .workers import JobOptions, run_local
from .writer import JournalWriter, scan


@dataclass
class RunSummary:
    """What a run did: articles summarised now, skipped (already in the output), failed (in the whole output)."""

    written: int = 0
    skipped: int = 0
    failed: int = 0
    total_records: int = 0
    output: str = ""


class Interrupted(BaseException):
    """SIGTERM stopped the run (a BaseException, like KeyboardInterrupt, so no per-article handler catches it)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum, _frame):
    raise Interrupted(signum)


def output_format(path: str, fmt: str | None) -> str:
    """'jsonl' or 'parquet': the --format given, else from the output's suffix."""
    if fmt:
        return fmt
    return "parquet" if path.lower().endswith(".parquet") else "jsonl"


def journal_path(output: str, fmt: str) -> str:
    """Where records are appended: the output itself for JSON lines, a side file for Parquet."""
    return output if fmt == "jsonl" else output + ".partial.jsonl"


def _dedupe(pairs: Iterator[tuple[list[Article], list[bytes]]], seen: set[str]):
    """Pass chunks through, turning a record whose id came before into an error record (ids must be unique)."""
    for chunk, lines in pairs:
        fixed = []
        for a, line in zip(chunk, lines):
            if a.id in seen:
                line = dumps(error_record(a.id, a.source, f"{a.source}: duplicate id '{a.id}' (ids must be unique; "
                                                          "set --id-field to a unique column)", "InputError"))
            seen.add(a.id)
            fixed.append(line)
        yield chunk, fixed


def run_batch(inputs: Sequence[str], output: str, options: JobOptions, read: ReadOptions, *, jobs: int = 1,
              chunk_size: int | None = None, resume: bool = False, force: bool = False, fmt: str | None = None,
              ray_address: str | None = None, use_ray: bool = False, num_gpus: float = 0.0,
              progress: bool | None = None) -> RunSummary:
    """Summarise every article of the inputs into one record each, appended to `output` in input order."""
    fmt = output_format(output, fmt)
    if fmt not in ("jsonl", "parquet"):
        raise InputError(f"unknown output format '{fmt}' (use jsonl or parquet)")
    files = expand_inputs(inputs)
    if os.path.abspath(output) in {os.path.abspath(f) for f in files}:
        raise InputError(f"{output}: the output is also an input")
    options.check()
    journal = journal_path(output, fmt)
    if os.path.isdir(output):
        raise InputError(f"{output}: output path is a directory")
    exists = os.path.exists(output) or os.path.exists(journal)
    if exists and not (resume or force):
        raise InputError(f"{output}: already exists (use --resume to continue it, or --force to start again)")
    if fmt == "parquet" and resume and os.path.exists(output) and not os.path.exists(journal):
        raise InputError(f"{output}: is a finished Parquet output; nothing to resume (use --force to start again)")
    state = scan(journal) if resume else None
    done = state.ids if state else set()
    summary = RunSummary(skipped=0, failed=state.failed if state else 0, output=output)
    writer = JournalWriter(journal, truncate_to=state.good_bytes if state else None, fresh=force and not resume)
    show = sys.stderr.isatty() if progress is None else progress
    total = count_articles(files, read) if show else None
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="article", dynamic_ncols=True, smoothing=0.1, file=sys.stderr,
                   initial=min(len(done), total) if total is not None else len(done))
    main_thread = threading.current_thread() is threading.main_thread()
    old_term = signal.signal(signal.SIGTERM, _raise_interrupted) if main_thread else None
    try:
        def todo() -> Iterator[Article]:
            for a in iter_articles(files, read):
                if a.id in done:
                    summary.skipped += 1
                else:
                    yield a

        if use_ray or ray_address:
            from ..integrations.ray import run_on_ray

            pairs = run_on_ray(files, read, options, skip_ids=done, address=ray_address, concurrency=jobs,
                               batch_size=chunk_size or 8, num_gpus=num_gpus)
        else:
            size = chunk_size or (4 if (options.engine or "auto") == "offline" else 16)
            pairs = run_local(todo(), options, jobs=jobs, chunk_size=size)
        for chunk, lines in _dedupe(pairs, set(done)):
            writer.write(lines)
            summary.written += len(lines)
            summary.failed += sum(1 for line in lines if json.loads(line)["error"] is not None)
            if bar is not None:
                bar.update(len(lines))
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, old_term)
        writer.close()
        if bar is not None:
            bar.close()
    if use_ray or ray_address:
        summary.skipped = len(done)
    summary.total_records = (state.records if state else 0) + summary.written
    if fmt == "parquet":
        jsonl_to_parquet(journal, output)
        os.unlink(journal)
    return summary
