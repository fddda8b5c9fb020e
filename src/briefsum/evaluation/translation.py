"""Translation evaluation: sacrebleu BLEU and chrF (with their signatures) on sentence-aligned sets."""

from __future__ import annotations

import time
from typing import Sequence

from ..errors import BackendError, EvalDataError
from .data import DatasetSpec, Example


def translate_lines(lines: Sequence[str], source: str, target: str, config: str | None = None,
                    batch: int = 500, progress: bool = True) -> list[str]:
    """Translate line-aligned sentences with briefsum.translate; one output line per input line (blank stays blank).

    Each line goes through briefsum's whole text path as one paragraph; a paragraph's sentences are joined back.
    """
    from ..api import translate
    from .runner import _bar

    out = [""] * len(lines)
    todo = [i for i, line in enumerate(lines) if line.strip()]
    with _bar(len(todo), f"translate {source}→{target}", progress) as bar:
        for start in range(0, len(todo), batch):
            chunk = todo[start:start + batch]
            tr = translate("\n".join(lines[i] for i in chunk), source=source, target=target, config=config)
            paras: dict[int, list[str]] = {}
            for s in tr.sentences:
                paras.setdefault(s.paragraph, []).append(s.target)
            if len(paras) != len(chunk):
                raise BackendError(f"translation returned {len(paras)} paragraphs for {len(chunk)} lines; "
                                   "line alignment lost")
            for k, i in enumerate(chunk):
                out[i] = " ".join(paras.get(k, []))
            bar.update(len(chunk))
    return out


def corpus_metrics(hypotheses: Sequence[str], references: Sequence[str], bootstrap: int = 1000,
                   seed: int = 12345) -> dict:
    """sacrebleu BLEU and chrF with default settings, each with its signature and a bootstrap 95% CI."""
    import os

    import sacrebleu
    from sacrebleu.metrics import BLEU, CHRF

    out = {}
    old = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = str(seed)
    try:
        for name, metric in (("bleu", BLEU()), ("chrf", CHRF())):
            point = metric.corpus_score(list(hypotheses), [list(references)])
            entry = {"score": round(float(point.score), 2), "signature": str(metric.get_signature())}
            if bootstrap > 1 and len(hypotheses) > 1:
                bs = metric.corpus_score(list(hypotheses), [list(references)], n_bootstrap=bootstrap)
                mean, half = float(bs._mean), float(bs._ci)
                entry["ci95"] = [round(mean - half, 2), round(mean + half, 2)]
                entry["bootstrap_mean"] = round(mean, 2)
                entry["bootstrap"] = f"bootstrap-{bootstrap}-seed-{seed} (sacrebleu, mean ± 1.96 sd)"
            if name == "bleu":
                entry["detail"] = str(point)
            out[name] = entry
        out["sacrebleu_version"] = sacrebleu.__version__
    finally:
        if old is None:
            os.environ.pop("SACREBLEU_SEED", None)
        else:
            os.environ["SACREBLEU_SEED"] = old
    return out


def run_translation(spec: DatasetSpec, opts, examples: list[Example], total: int, t_load: float):
    """Translate (or read predictions for) a sentence-aligned set and score it with BLEU and chrF."""
    from .predictions import read_predictions
    from .runner import RunResult, _describe_system, _words
    from .stats import length_stats

    if opts.baseline or opts.system:
        raise EvalDataError(f"{spec.name} is a translation set: use the engine or --predictions")
    system = _describe_system(opts)
    t0 = time.perf_counter()
    src = [ex.text for ex in examples]
    refs = [ex.references["translation"] for ex in examples]
    if opts.predictions:
        preds = read_predictions(opts.predictions, examples, ["translation"], "translation", total)["translation"]
        hyps = [preds[ex.id] for ex in examples]
    else:
        system = {"kind": "engine", "name": "apertium (briefsum.translate)"}
        hyps = translate_lines(src, spec.language, spec.target or "en", opts.config, progress=opts.progress)
    t_system = time.perf_counter() - t0
    t0 = time.perf_counter()
    scores = corpus_metrics(hyps, refs, opts.bootstrap, opts.seed)
    t_score = time.perf_counter() - t0
    hl, rl = [_words(h) for h in hyps], [_words(r) for r in refs]
    results = {
        "dataset": spec.name, "description": spec.description, "task": spec.task,
        "language": spec.language, "output_language": spec.target, "examples": len(examples),
        "dataset_size": total, "limit": opts.limit, "system": system, "metric": "sacrebleu",
        "scores": scores, "lengths": {"prediction": length_stats(hl), "reference": length_stats(rl)},
        "timing_s": {"load": round(t_load, 2), "system": round(t_system, 2), "scoring": round(t_score, 2)},
        "warnings": [],
    }
    outputs = {"translation": {ex.id: h for ex, h in zip(examples, hyps)}}
    return RunResult(results, outputs, [], {"translation": {"prediction": hl, "reference": rl}})
