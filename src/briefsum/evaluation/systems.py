"""The systems a run evaluates, and how each produces its outputs: a briefsum engine (in worker processes, with a
journal an interrupted run resumes from), a baseline, a predictions file, a plain hypotheses file, or a system's
outputs shipped with the dataset."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import BriefsumError, EvalDataError
from .data import DatasetSpec, Example

KINDS = ("engine", "baseline", "predictions", "hyps", "shipped")


@dataclass
class SystemOutputs:
    """One system's outputs: grade -> id -> text, and where known the article sentences each grade used
    (grade -> id -> indices into the article's sentences as briefsum segments them) and each result's warnings."""

    label: str
    info: dict[str, Any]
    outputs: dict[str, dict[str, str]]
    indices: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    doc_warnings: dict[str, list[str]] | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def progress_bar(total: int, desc: str, enabled: bool, initial: int = 0):
    """A tqdm bar on stderr (rate and ETA), or a silent one."""
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=desc, file=sys.stderr, disable=not enabled, unit="doc",
                leave=False, dynamic_ncols=True)


# -- the engine --------------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _engine_init(lang: str, target: str | None, engine: str, config: str | None) -> None:
    from ..config import load_config

    _WORKER.update(lang=lang, target=target, engine=engine, config=load_config(config))


def _engine_one(item: tuple[str, str]) -> dict:
    from ..api import summarise

    ex_id, text = item
    try:
        brief = summarise(text, lang=_WORKER["lang"], target=_WORKER["target"], engine=_WORKER["engine"],
                          config=_WORKER["config"])
    except BriefsumError as exc:
        return {"id": ex_id, "grades": {}, "indices": {}, "warnings": [], "error": str(exc)}
    return {"id": ex_id, "grades": {g: r.text for g, r in brief.grades.items()},
            "indices": {g: list(r.source_indices) for g, r in brief.grades.items()},
            "warnings": list(brief.warnings), "error": None}


def _journal_key(spec: DatasetSpec, engine: str, config: str | None) -> dict:
    return {"journal": 1, "dataset": spec.name, "files": spec.files, "language": spec.language,
            "target": spec.target, "engine": engine, "config": str(Path(config).resolve()) if config else None}


def _read_journal(path: Path, key: dict) -> dict[str, dict]:
    """Rows already written by an earlier run with the same settings (a torn last line is dropped)."""
    done: dict[str, dict] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return done
    if not lines:
        return done
    try:
        head = json.loads(lines[0])
    except json.JSONDecodeError:
        head = None
    if head != key:
        raise EvalDataError(f"{path}: written by a run with other settings (dataset, engine, languages or "
                            "config); run without --resume to start again")
    for line in lines[1:]:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue   # the line being written when the run stopped
        if isinstance(row, dict) and "id" in row:
            done[str(row["id"])] = row
    return done


def engine_outputs(examples: Sequence[Example], spec: DatasetSpec, engine: str, config: str | None, jobs: int,
                   progress: bool, journal: Path | None = None, resume: bool = False) -> SystemOutputs:
    """Run briefsum.summarise on every example (all configured grades); failures become empty outputs.

    With a journal, each result is appended to it as it comes; with resume, results already in it are reused.
    """
    key = _journal_key(spec, engine, config)
    done = _read_journal(journal, key) if (journal is not None and resume) else {}
    done = {i: r for i, r in done.items() if i in {ex.id for ex in examples}}
    todo = [(ex.id, ex.text) for ex in examples if ex.id not in done]
    init = (spec.language, spec.target, engine, config)
    fh = None
    if journal is not None:
        # Written afresh (settings, then the reused rows): appending would glue the next row onto a line torn
        # by the interruption, and that row would be lost to a later --resume.
        journal.parent.mkdir(parents=True, exist_ok=True)
        fh = journal.open("w", encoding="utf-8")
        fh.write(json.dumps(key, ensure_ascii=False) + "\n")
        for row in done.values():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
    try:
        with progress_bar(len(examples), f"{engine} engine", progress, initial=len(done)) as bar:
            if jobs > 1 and len(todo) > 1:
                import multiprocessing as mp

                with mp.get_context("fork").Pool(jobs, initializer=_engine_init, initargs=init) as pool:
                    _collect(pool.imap(_engine_one, todo, chunksize=4), done, fh, bar)
            else:
                _engine_init(*init)
                _collect(map(_engine_one, todo), done, fh, bar)
    finally:
        if fh is not None:
            fh.close()
    outputs: dict[str, dict[str, str]] = {}
    indices: dict[str, dict[str, list[int]]] = {}
    warns: dict[str, list[str]] = {}
    failures = []
    for ex in examples:
        row = done[ex.id]
        if row.get("error"):
            failures.append((ex.id, row["error"]))
        for g, text in row["grades"].items():
            outputs.setdefault(g, {})[ex.id] = text
            indices.setdefault(g, {})[ex.id] = list(row["indices"].get(g, []))
        warns[ex.id] = list(row.get("warnings") or [])
    for g in outputs:
        for ex in examples:
            outputs[g].setdefault(ex.id, "")
    notes = []
    if failures:
        notes.append(f"{len(failures)} of {len(examples)} documents failed in the engine and score 0 "
                     f"(first: id {failures[0][0]}: {failures[0][1]})")
    info: dict[str, Any] = {"kind": "engine", "name": engine}
    if len(done) > len(todo):
        info["resumed"] = len(done) - len(todo)
    return SystemOutputs(f"engine {engine}", info, outputs, indices, warns, notes)


def _collect(results: Iterable[dict], done: dict, fh, bar) -> None:
    for row in results:
        done[row["id"]] = row
        if fh is not None:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()
        bar.update(1)


# -- baselines, predictions, shipped outputs ---------------------------------------------------------------------

def baseline_outputs(examples: Sequence[Example], spec: DatasetSpec, name: str, k: int | None, seed: int,
                     tokenize: Callable[[str], list[str]], progress: bool) -> SystemOutputs:
    """LEAD-k, random-k or oracle outputs for every grade the dataset has references for, with the sentences used."""
    from . import baselines as bl

    if name not in bl.BASELINES:
        raise EvalDataError(f"unknown baseline '{name}' (use {', '.join(bl.BASELINES)})")
    ks = dict(spec.baselines.get(name, {}))
    for g in spec.grades:
        if k is not None:
            ks[g] = k
        elif g not in ks:
            raise EvalDataError(f"{spec.name} gives no k for the {name} baseline of grade '{g}' (pass --k)")
    out: dict[str, dict[str, str]] = {g: {} for g in spec.grades}
    idx: dict[str, dict[str, list[int]]] = {g: {} for g in spec.grades}
    with progress_bar(len(examples), f"{name} baseline", progress) as bar:
        for n, ex in enumerate(examples):
            sents, body = bl.article_units(ex.text, spec.language)
            units = [sents[i] for i in body]
            for g in spec.grades:
                if name == "lead":
                    picks = list(range(min(ks[g], len(units))))
                elif name == "random":
                    picks = bl.random_picks(len(units), ks[g], seed, n)
                elif g in ex.references:
                    picks = bl.oracle_picks(units, ex.references[g], tokenize, ks[g])
                else:
                    continue
                out[g][ex.id] = " ".join(units[i] for i in picks)
                idx[g][ex.id] = [body[i] for i in picks]
            bar.update(1)
    ks = {g: ks[g] for g in spec.grades}
    info: dict[str, Any] = {"kind": "baseline", "name": name, "k": ks}
    if name == "random":
        info["seed"] = seed
    label = f"{name.upper()}-" + "/".join(str(v) for v in dict.fromkeys(ks.values()))
    return SystemOutputs(label, info, out, idx)


def shipped_outputs(examples: Sequence[Example], spec: DatasetSpec, name: str) -> SystemOutputs:
    """A published system's outputs shipped with the dataset (one sentence a line), for every reference grade."""
    known = sorted({k for ex in examples for k in ex.systems})
    if not known:
        raise EvalDataError(f"dataset {spec.name} ships no system outputs")
    if name not in known:
        raise EvalDataError(f"dataset {spec.name} has no system '{name}' (known: {', '.join(known)})")
    out: dict[str, str] = {}
    for ex in examples:
        lines = ex.system_lines.get(name)
        out[ex.id] = "\n".join(lines) if lines else ex.systems.get(name, "")
    return SystemOutputs(name, {"kind": "shipped", "name": name}, {g: out for g in spec.grades})


def predictions_outputs(path: str, examples: Sequence[Example], spec: DatasetSpec, grade: str | None,
                        all_examples: Sequence[Example]) -> SystemOutputs:
    """A predictions file (one a line, or JSON lines with id + grades)."""
    from .predictions import read_predictions

    outputs = read_predictions(path, examples, spec.grades, grade, len(all_examples),
                               {ex.id for ex in all_examples})
    return SystemOutputs(Path(path).name, {"kind": "predictions", "name": str(path)}, outputs)


def hyps_outputs(path: str, examples: Sequence[Example], grade: str, total: int) -> SystemOutputs:
    """A plain hypotheses file: line i is the output for document i; as many lines as the references have
    (`total`, before --limit keeps the first `len(examples)` documents)."""
    from .plain import read_lines

    lines = read_lines(Path(path), "hypotheses")
    if len(lines) != total:
        raise EvalDataError(f"{path}: has {len(lines)} lines but the references have {total}; "
                            "files must be line-aligned")
    return SystemOutputs(Path(path).name, {"kind": "hyps", "name": str(path)},
                         {grade: {ex.id: line for ex, line in zip(examples, lines)}})
