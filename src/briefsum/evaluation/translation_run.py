"""A translation evaluation run: produce each system's translations (briefsum.translate, a predictions file or a
hypotheses file) of a sentence-aligned set, score them with sacrebleu, and compare them with the first."""

from __future__ import annotations

import time

from ..errors import EvalDataError
from .compare import compare_translation
from .data import DatasetSpec, Example
from .predictions import read_predictions
from .results import RunResult, words
from .stats import length_stats
from .systems import hyps_outputs
from .translation import corpus_metrics, translate_lines


def run_translation(spec: DatasetSpec, opts, systems, examples: list[Example], total: int, t_load: float):
    """Translate (or read predictions or hypotheses for) a sentence-aligned set and score it with BLEU, chrF,
    chrF++ and TER; with several systems, sacrebleu's paired tests against the first."""

    refs = [ex.refs("translation") for ex in examples]
    nrefs = max(len(r) for r in refs)
    if any(len(r) != nrefs for r in refs):
        raise EvalDataError("every sentence needs the same number of references for sacrebleu")
    streams = [[r[j] for r in refs] for j in range(nrefs)]
    src = [ex.text for ex in examples]
    scored = []
    for kind, value in systems:
        t0 = time.perf_counter()
        if kind == "predictions":
            preds = read_predictions(value, examples, ["translation"], "translation", total)["translation"]
            hyps, info, label = [preds[ex.id] for ex in examples], {"kind": "predictions", "name": str(value)}, value
        elif kind == "hyps":
            so = hyps_outputs(value, examples, "translation", total)
            hyps, info, label = [so.outputs["translation"][ex.id] for ex in examples], so.info, so.label
        elif kind == "engine":
            info = {"kind": "engine", "name": "apertium (briefsum.translate)"}
            label = "briefsum.translate"
            hyps = translate_lines(src, spec.language, spec.target or "en", opts.config, progress=opts.progress)
        else:
            raise EvalDataError(f"{spec.name} is a translation set: use the engine, --predictions or --hyps")
        t_system = time.perf_counter() - t0
        t0 = time.perf_counter()
        scores = corpus_metrics(hyps, streams, opts.bootstrap, opts.seed)
        hl = [words(h) for h in hyps]
        scored.append({"label": label, "system": info, "hyps": hyps, "scores": scores, "lengths": hl,
                       "timing_s": {"system": round(t_system, 2), "scoring": round(time.perf_counter() - t0, 2)}})
    seen: dict[str, int] = {}
    for sc in scored:   # unique labels, as for summaries: "a.txt", "a.txt (2)"
        n = seen.get(sc["label"], 0)
        seen[sc["label"]] = n + 1
        if n:
            sc["label"] = f"{sc['label']} ({n + 1})"
    rl = [words(r[0]) for r in refs]
    first = scored[0]
    results = {
        "dataset": spec.name, "description": spec.description, "task": spec.task,
        "language": spec.language, "output_language": spec.target, "examples": len(examples),
        "dataset_size": total, "limit": opts.limit, "system": first["system"], "metric": "sacrebleu",
        "scores": first["scores"],
        "lengths": {"prediction": length_stats(first["lengths"]), "reference": length_stats(rl)},
        "timing_s": {"load": round(t_load, 2), **first["timing_s"]},
        "warnings": [],
    }
    if len(scored) > 1:
        results["systems"] = [{"label": s["label"], "system": s["system"], "scores": s["scores"],
                               "lengths": {"prediction": length_stats(s["lengths"])}, "timing_s": s["timing_s"]}
                              for s in scored]
        results["comparison"] = compare_translation([(s["label"], s["hyps"]) for s in scored], streams,
                                                    opts.paired_bs, opts.paired_ar, opts.seed)
    outputs = {"translation": {ex.id: h for ex, h in zip(examples, first["hyps"])}}
    for s in scored:
        s["outputs"] = {"translation": {ex.id: h for ex, h in zip(examples, s["hyps"])}}
    return RunResult(results, outputs, [], {"translation": {"prediction": first["lengths"], "reference": rl}},
                     scored, examples, spec)
