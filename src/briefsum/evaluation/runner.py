"""Running one evaluation: choose the system (engine, baseline, predictions file, shipped outputs), produce its
outputs, score them per grade (ROUGE) or per corpus (BLEU, chrF), and collect everything for the reports."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ..errors import BriefsumError, EvalDataError
from .data import DatasetSpec, Example, get_spec, load_examples
from .stats import length_stats


@dataclass
class RunOptions:
    """What to evaluate and how; mirrors the briefsum-eval command line."""

    dataset: str
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


@dataclass
class RunResult:
    """A finished evaluation: the JSON-ready results, and per-document details for plots and files."""

    results: dict[str, Any]
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)       # grade -> id -> text
    per_doc: list[dict[str, Any]] = field(default_factory=list)
    lengths: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # grade -> prediction/reference -> words


def _bar(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, disable=not enabled, unit="doc", leave=False,
                dynamic_ncols=True)


def _words(text: str) -> int:
    from ..text.segment import count_words

    return count_words(text)


# -- producing system outputs ---------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _engine_init(lang: str, target: str | None, engine: str, config: str | None) -> None:
    from ..config import load_config

    _WORKER.update(lang=lang, target=target, engine=engine, config=load_config(config))


def _engine_one(text: str) -> tuple[dict[str, str], str | None]:
    from ..api import summarise

    try:
        brief = summarise(text, lang=_WORKER["lang"], target=_WORKER["target"], engine=_WORKER["engine"],
                          config=_WORKER["config"])
    except BriefsumError as exc:
        return {}, str(exc)
    return {g: r.text for g, r in brief.grades.items()}, None


def engine_outputs(examples: Sequence[Example], spec: DatasetSpec, opts: RunOptions,
                   warnings: list[str]) -> dict[str, dict[str, str]]:
    """Run briefsum.summarise on every example (all configured grades); failures become empty outputs."""
    out: dict[str, dict[str, str]] = {}
    failures: list[tuple[str, str]] = []
    init = (spec.language, spec.target, opts.engine, opts.config)
    texts = [ex.text for ex in examples]
    with _bar(len(texts), f"{opts.engine} engine", opts.progress) as bar:
        if opts.jobs > 1 and len(texts) > 1:
            import multiprocessing as mp

            with mp.get_context("fork").Pool(opts.jobs, initializer=_engine_init, initargs=init) as pool:
                results = pool.imap(_engine_one, texts, chunksize=8)
                done = _collect(results, examples, out, failures, bar)
        else:
            _engine_init(*init)
            done = _collect(map(_engine_one, texts), examples, out, failures, bar)
    if failures:
        warnings.append(f"{len(failures)} of {done} documents failed in the engine and score 0 "
                        f"(first: id {failures[0][0]}: {failures[0][1]})")
    return out


def _collect(results: Iterable, examples: Sequence[Example], out: dict, failures: list, bar) -> int:
    n = 0
    for ex, (grades, err) in zip(examples, results):
        n += 1
        if err is not None:
            failures.append((ex.id, err))
        for g, text in grades.items():
            out.setdefault(g, {})[ex.id] = text
        bar.update(1)
    for g in list(out):
        for ex in examples:
            out[g].setdefault(ex.id, "")
    return n


def baseline_outputs(examples: Sequence[Example], spec: DatasetSpec, opts: RunOptions,
                     tokenize: Callable[[str], list[str]]) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    """LEAD-k, random-k or oracle outputs for every grade the dataset has references for; also the k used."""
    from . import baselines as bl

    if opts.baseline not in bl.BASELINES:
        raise EvalDataError(f"unknown baseline '{opts.baseline}' (use {', '.join(bl.BASELINES)})")
    ks = dict(spec.baselines.get(opts.baseline, {}))
    for g in spec.grades:
        if opts.k is not None:
            ks[g] = opts.k
        elif g not in ks:
            raise EvalDataError(f"datasets.yaml: {spec.name} gives no k for the {opts.baseline} baseline of "
                                f"grade '{g}' (pass --k)")
    out: dict[str, dict[str, str]] = {g: {} for g in spec.grades}
    with _bar(len(examples), f"{opts.baseline} baseline", opts.progress) as bar:
        for n, ex in enumerate(examples):
            sents = bl.article_sentences(ex.text, spec.language)
            for g in spec.grades:
                k = ks[g]
                if opts.baseline == "lead":
                    out[g][ex.id] = bl.lead(sents, k)
                elif opts.baseline == "random":
                    out[g][ex.id] = bl.random_k(sents, k, opts.seed, n)
                elif g in ex.references:
                    out[g][ex.id] = bl.greedy_oracle(sents, ex.references[g], tokenize, k)
            bar.update(1)
    return out, {g: ks[g] for g in spec.grades}


def shipped_outputs(examples: Sequence[Example], spec: DatasetSpec, name: str) -> dict[str, dict[str, str]]:
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
    return {g: out for g in spec.grades}


# -- scoring -------------------------------------------------------------------------------------------------

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


def run(opts: RunOptions) -> RunResult:
    """Evaluate one system on one dataset."""
    spec = get_spec(opts.dataset)
    chosen = [x for x in (opts.baseline, opts.predictions, opts.system) if x]
    if len(chosen) > 1:
        raise EvalDataError("choose one of --baseline, --predictions and --system")
    if opts.limit is not None and opts.limit < 1:
        raise EvalDataError("--limit must be a positive number of examples")
    t0 = time.perf_counter()
    all_examples = load_examples(spec, opts.data_root)
    examples = all_examples[: opts.limit] if opts.limit else all_examples
    if not examples:
        raise EvalDataError(f"dataset {spec.name} has no examples")
    t_load = time.perf_counter() - t0
    if spec.task == "translation":
        from .translation import run_translation

        return run_translation(spec, opts, examples, len(all_examples), t_load)
    return _run_summarisation(spec, opts, examples, all_examples, t_load)


def _describe_system(opts: RunOptions) -> dict[str, Any]:
    if opts.baseline:
        return {"kind": "baseline", "name": opts.baseline}
    if opts.predictions:
        return {"kind": "predictions", "name": str(opts.predictions)}
    if opts.system:
        return {"kind": "shipped", "name": opts.system}
    return {"kind": "engine", "name": opts.engine}


def _run_summarisation(spec: DatasetSpec, opts: RunOptions, examples: list[Example],
                       all_examples: list[Example], t_load: float) -> RunResult:
    from .predictions import read_predictions
    from .rouge import Rouge

    _settings_check(spec, opts)
    metric = Rouge(rouge_settings(spec, opts))
    warnings: list[str] = []
    system = _describe_system(opts)
    t0 = time.perf_counter()
    if opts.baseline:
        outputs, ks = baseline_outputs(examples, spec, opts, metric.tokenizer.tokenize)
        system["k"] = ks
        if opts.baseline == "random":
            system["seed"] = opts.seed
    elif opts.predictions:
        outputs = read_predictions(opts.predictions, examples, spec.grades, opts.grade, len(all_examples),
                                   {ex.id for ex in all_examples})
    elif opts.system:
        outputs = shipped_outputs(examples, spec, opts.system)
    else:
        outputs = engine_outputs(examples, spec, opts, warnings)
        from ..config import load_config

        cfg = load_config(opts.config)
        system["scorer"] = cfg.get("engine", "offline", "scorer")
    t_system = time.perf_counter() - t0

    t0 = time.perf_counter()
    grades, per_doc, lengths, unscored = score_grades(spec, examples, outputs, metric, warnings, opts.progress)
    t_score = time.perf_counter() - t0
    results = {
        "dataset": spec.name, "description": spec.description, "task": spec.task,
        "language": spec.language, "output_language": spec.target or spec.language,
        "examples": len(examples), "dataset_size": len(all_examples), "limit": opts.limit,
        "system": system, "metric": "rouge", "signature": metric.signature,
        "settings": asdict(metric.settings), "grades": grades, "unscored_output_lengths": unscored,
        "timing_s": {"load": round(t_load, 2), "system": round(t_system, 2), "scoring": round(t_score, 2)},
        "warnings": warnings,
    }
    return RunResult(results, outputs, per_doc, lengths)


def score_grades(spec: DatasetSpec, examples: Sequence[Example], outputs: dict[str, dict[str, str]], metric: Any,
                 warnings: list[str], progress: bool = False) -> tuple[dict, list, dict, dict]:
    """Score every grade that has outputs and references: ROUGE per document, CIs, length statistics."""
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
        with _bar(len(docs), f"ROUGE {g}", progress) as bar:
            for i, (ref, pred) in enumerate(zip(refs, preds)):
                for t, prf in metric.score_pair(ref, pred).items():
                    scores[t][i] = prf
                bar.update(1)
        agg = metric.aggregate(scores)
        pl, rl = [_words(p) for p in preds], [_words(r) for r in refs]
        lengths[g] = {"prediction": pl, "reference": rl}
        grades[g] = {"n": len(docs), "reference_field": spec.references[g].get("field"),
                     **agg.to_dict(), "lengths": {"prediction": length_stats(pl), "reference": length_stats(rl)},
                     "empty_predictions": sum(1 for p in preds if not p.strip())}
        for i, ex in enumerate(docs):
            per_doc.append({"id": ex.id, "grade": g, **{t: round(float(scores[t][i, 2]), 4) for t in ROUGE_TYPES},
                            "prediction_words": pl[i], "reference_words": rl[i]})
    if not grades:
        raise EvalDataError(f"nothing to score on {spec.name}: no grade has both outputs and references")
    unscored = {g: length_stats([_words(t) for t in outputs[g].values()]) for g in outputs if g not in grades}
    return grades, per_doc, lengths, unscored
