"""Running one evaluation: read the documents (a declared dataset, a data file, or plain line-aligned files),
produce each system's outputs (engines, baselines, predictions or hypotheses files, shipped outputs), score them
per grade (ROUGE) or per corpus (BLEU, chrF, chrF++, TER), compare every system with the first, and collect
everything for the reports."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import EvalDataError
from .data import DatasetSpec, Example, get_spec, load_examples, spec_from_fields
from .results import RunResult, words
from .stats import length_stats
from .systems import SystemOutputs, progress_bar


@dataclass
class RunOptions:
    """What to evaluate and how; mirrors the briefsum-eval command line.

    `systems` lists (kind, value) pairs in order, kind one of engine, baseline, predictions, hyps, shipped; the
    first is the one the others are compared with. Without it, engine/baseline/predictions/system name one
    system (the engine when none is given).
    """

    dataset: str | None = None
    data_root: str | None = None
    engine: str = "offline"
    baseline: str | None = None
    k: int | None = None
    predictions: str | None = None
    grade: str | None = None
    system: str | None = None
    mode: str = "unicode"
    stem: bool = False
    lsum: str = "briefsum-seg"
    bootstrap: int = 1000
    seed: int = 12345
    limit: int | None = None
    jobs: int = 1
    config: str | None = None
    progress: bool = True
    systems: list[tuple[str, str]] = field(default_factory=list)
    datasets_file: str | None = None
    data: str | None = None
    text_field: str = "text"
    id_field: str | None = None
    refs: list[str] = field(default_factory=list)        # --ref GRADE=FIELD (with --data)
    lang_field: str | None = None
    split: str | None = None
    lang: str | None = None
    target: str | None = None
    task: str = "summarisation"
    ref_files: list[str] = field(default_factory=list)   # --refs (plain files)
    src: str | None = None
    paired_bs: int = 1000
    paired_ar: int = 10000
    out: str | None = None
    resume: bool = False


# -- documents -----------------------------------------------------------------------------------------------

def load_documents(opts: RunOptions) -> tuple[DatasetSpec, list[Example], list[Example]]:
    """The dataset and its evaluated examples (after --limit), and all of its examples."""
    sources = [x for x in (opts.dataset, opts.data, opts.ref_files) if x]
    if len(sources) != 1:
        raise EvalDataError("give one of --dataset NAME, --data FILE or --refs FILE..." if sources else
                            "--dataset, --data or --refs is required (see --list)")
    if opts.ref_files:
        from .plain import plain_dataset

        spec, all_examples = plain_dataset(opts.ref_files, opts.src, opts.grade or "summary", opts.task,
                                           opts.lang or "en", _target(opts.target))
    else:
        if opts.data:
            spec = spec_from_fields(opts.data, opts.refs, opts.text_field, opts.id_field, opts.lang or "en",
                                    _target(opts.target), opts.task, opts.lang_field, opts.split)
        else:
            spec = get_spec(opts.dataset, opts.datasets_file)
        all_examples = load_examples(spec, opts.data_root)
    examples = all_examples[: opts.limit] if opts.limit else all_examples
    if not examples:
        raise EvalDataError(f"dataset {spec.name} has no examples")
    return spec, examples, all_examples


def _target(value: str | None) -> str | None:
    return None if value in (None, "", "none", "None") else value


def _system_list(opts: RunOptions, spec: DatasetSpec) -> list[tuple[str, str]]:
    if opts.systems:
        return list(opts.systems)
    chosen = [x for x in (opts.baseline, opts.predictions, opts.system) if x]
    if len(chosen) > 1:
        raise EvalDataError("choose one of --baseline, --predictions and --system")
    if opts.baseline:
        return [("baseline", opts.baseline)]
    if opts.predictions:
        return [("predictions", opts.predictions)]
    if opts.system:
        return [("shipped", opts.system)]
    return [("engine", opts.engine)]


def run(opts: RunOptions) -> RunResult:
    """Evaluate one or more systems on one dataset."""
    if opts.limit is not None and opts.limit < 1:
        raise EvalDataError("--limit must be a positive number of examples")
    if opts.resume and not opts.out:
        raise EvalDataError("--resume needs --out DIR (the folder of the interrupted run)")
    t0 = time.perf_counter()
    spec, examples, all_examples = load_documents(opts)
    t_load = time.perf_counter() - t0
    systems = _system_list(opts, spec)
    if opts.ref_files and not opts.src and any(k not in ("hyps", "predictions") for k, _ in systems):
        raise EvalDataError("engines and baselines need the articles: give --src SRC with --refs")
    if spec.task == "translation":
        from .translation_run import run_translation

        return run_translation(spec, opts, systems, examples, len(all_examples), t_load)
    return _run_summarisation(spec, opts, systems, examples, all_examples, t_load)


# -- summarisation ---------------------------------------------------------------------------------------------

def rouge_settings(spec: DatasetSpec, opts: RunOptions):
    """The ROUGE settings for a run (language: the summaries' language)."""
    from .rouge import RougeSettings

    lang = spec.target or spec.language
    try:
        return RougeSettings(mode=opts.mode, stem=opts.stem, lang=lang, lsum=opts.lsum,
                             bootstrap=opts.bootstrap, seed=opts.seed)
    except ValueError as exc:
        raise EvalDataError(str(exc)) from None


def _settings_check(spec: DatasetSpec, opts: RunOptions) -> None:
    if opts.mode == "unicode" and opts.stem:
        from .tokenize import snowball_name

        try:
            snowball_name(spec.target or spec.language)
        except ValueError as exc:
            raise EvalDataError(f"--stem: {exc}") from None


def _journal(opts: RunOptions, label: str) -> Path | None:
    if not opts.out:
        return None
    slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in label)
    return Path(opts.out) / f"journal-{slug}.jsonl"


def produce(kind: str, value: str, spec: DatasetSpec, opts: RunOptions, examples: list[Example],
            all_examples: list[Example], tokenize) -> SystemOutputs:
    """One system's outputs."""
    from . import systems as sy

    t0 = time.perf_counter()
    if kind == "engine":
        so = sy.engine_outputs(examples, spec, value, opts.config, opts.jobs, opts.progress,
                               _journal(opts, f"engine-{value}"), opts.resume)
        from ..config import load_config

        so.info["scorer"] = load_config(opts.config).settings.offline.scorer
    elif kind == "baseline":
        so = sy.baseline_outputs(examples, spec, value, opts.k, opts.seed, tokenize, opts.progress)
    elif kind == "predictions":
        so = sy.predictions_outputs(value, examples, spec, opts.grade, all_examples)
    elif kind == "hyps":
        so = sy.hyps_outputs(value, examples, spec.grades[0], len(all_examples))
    elif kind == "shipped":
        so = sy.shipped_outputs(examples, spec, value)
    else:  # pragma: no cover - the command line only builds the kinds above
        raise EvalDataError(f"unknown system kind '{kind}'")
    so.seconds = time.perf_counter() - t0
    return so


def _unique_labels(runs: list[SystemOutputs]) -> None:
    seen: dict[str, int] = {}
    for so in runs:
        n = seen.get(so.label, 0)
        seen[so.label] = n + 1
        if n:
            so.label = f"{so.label} ({n + 1})"


def _run_summarisation(spec: DatasetSpec, opts: RunOptions, systems: list[tuple[str, str]],
                       examples: list[Example], all_examples: list[Example], t_load: float) -> RunResult:
    from .compare import compare_rouge
    from .diagnostics import grade_diagnostics
    from .rouge import Rouge

    _settings_check(spec, opts)
    metric = Rouge(rouge_settings(spec, opts))
    runs = [produce(k, v, spec, opts, examples, all_examples, metric.tokenizer.tokenize) for k, v in systems]
    _unique_labels(runs)
    max_refs = max((len(ex.refs(g)) for ex in examples for g in ex.references), default=1)
    signature = metric.signature_for(max_refs)
    by_id = {ex.id: ex for ex in examples}
    scored = []
    for so in runs:
        warnings = list(so.warnings)
        t0 = time.perf_counter()
        grades, per_doc, lengths, unscored = score_grades(spec, examples, so.outputs, metric, warnings,
                                                          opts.progress, label=so.label)
        t_score = time.perf_counter() - t0
        for d in grades.values():
            d["signature"] = signature
        diag = {}
        for g in so.outputs:
            ids = [ex.id for ex in examples]
            refs = [by_id[i].references.get(g, "") for i in ids] if g in spec.references else None
            dw = [so.doc_warnings.get(i, []) for i in ids] if so.doc_warnings is not None else None
            diag[g] = grade_diagnostics([by_id[i].text for i in ids], [so.outputs[g].get(i, "") for i in ids],
                                        refs, dw, g)
        scored.append({"label": so.label, "system": so.info, "grades": grades, "per_doc": per_doc,
                       "lengths": lengths, "unscored": unscored, "warnings": warnings, "outputs": so.outputs,
                       "indices": so.indices, "doc_warnings": so.doc_warnings, "diagnostics": diag,
                       "timing_s": {"system": round(so.seconds, 2), "scoring": round(t_score, 2)}})
    first = scored[0]
    results = {
        "dataset": spec.name, "description": spec.description, "task": spec.task,
        "language": spec.language, "output_language": spec.target or spec.language,
        "examples": len(examples), "dataset_size": len(all_examples), "limit": opts.limit,
        "system": first["system"], "metric": "rouge", "signature": signature,
        "settings": asdict(metric.settings), "grades": first["grades"],
        "unscored_output_lengths": first["unscored"],
        "timing_s": {"load": round(t_load, 2), **first["timing_s"]},
        "warnings": first["warnings"],
        "diagnostics": {g: d["summary"] for g, d in first["diagnostics"].items()},
    }
    if len(scored) > 1:
        results["systems"] = [{"label": s["label"], "system": s["system"], "grades": s["grades"],
                               "unscored_output_lengths": s["unscored"], "warnings": s["warnings"],
                               "timing_s": s["timing_s"],
                               "diagnostics": {g: d["summary"] for g, d in s["diagnostics"].items()}}
                              for s in scored]
        results["comparison"] = compare_rouge(scored, opts.paired_bs, opts.paired_ar, opts.seed)
    return RunResult(results, first["outputs"], first["per_doc"], first["lengths"], scored, examples, spec)


def score_grades(spec: DatasetSpec, examples: Sequence[Example], outputs: dict[str, dict[str, str]], metric: Any,
                 warnings: list[str], progress: bool = False, label: str = "") -> tuple[dict, list, dict, dict]:
    """Score every grade that has outputs and references: ROUGE per document (the best of several references),
    CIs, length statistics."""
    from .rouge import ROUGE_TYPES

    grades: dict[str, Any] = {}
    per_doc: list[dict[str, Any]] = []
    lengths: dict[str, dict[str, list[int]]] = {}
    for g in spec.grades:
        if g not in outputs:
            warnings.append(f"{g}: no outputs for this grade; not scored")
            continue
        docs = [ex for ex in examples if g in ex.references]
        if not docs:
            warnings.append(f"{g}: no document of the evaluated slice has a reference for this grade")
            continue
        refs = [ex.references[g] for ex in docs]
        preds = [outputs[g].get(ex.id, "") for ex in docs]
        scores = {t: np.zeros((len(docs), 3)) for t in ROUGE_TYPES}
        desc = f"ROUGE {g}" + (f" ({label})" if label else "")
        with progress_bar(len(docs), desc, progress) as bar:
            for i, (ex, pred) in enumerate(zip(docs, preds)):
                for t, prf in metric.score_multi(ex.refs(g), pred).items():
                    scores[t][i] = prf
                bar.update(1)
        agg = metric.aggregate(scores)
        pl, rl = [words(p) for p in preds], [words(r) for r in refs]
        lengths[g] = {"prediction": pl, "reference": rl}
        grades[g] = {"n": len(docs), "reference_field": spec.references[g].get("field"),
                     **agg.to_dict(), "lengths": {"prediction": length_stats(pl), "reference": length_stats(rl)},
                     "empty_predictions": sum(1 for p in preds if not p.strip())}
        for i, ex in enumerate(docs):
            per_doc.append({"id": ex.id, "grade": g, **{t: round(float(scores[t][i, 2]), 4) for t in ROUGE_TYPES},
                            "prediction_words": pl[i], "reference_words": rl[i]})
    if not grades:
        raise EvalDataError(f"nothing to score on {spec.name}: no grade has both outputs and references")
    unscored = {g: length_stats([words(t) for t in outputs[g].values()]) for g in outputs if g not in grades}
    return grades, per_doc, lengths, unscored
