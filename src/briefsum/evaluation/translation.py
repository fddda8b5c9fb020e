"""Translation evaluation: sacrebleu BLEU and chrF (with their signatures) on sentence-aligned sets."""

from __future__ import annotations

from typing import Sequence

from ..errors import BackendError


def translate_lines(lines: Sequence[str], source: str, target: str, config: str | None = None,
                    batch: int = 500, progress: bool = True) -> list[str]:
    """Translate line-aligned sentences with briefsum.translate; one output line per input line (blank stays blank).

    Each line goes through briefsum's whole text path as one paragraph; a paragraph's sentences are joined back.
    """
    from ..api import translate
    from .systems import progress_bar

    out = [""] * len(lines)
    todo = [i for i, line in enumerate(lines) if line.strip()]
    with progress_bar(len(todo), f"translate {source}→{target}", progress) as bar:
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


METRICS = ("bleu", "chrf", "chrf++", "ter")
LABELS = {"bleu": "BLEU", "chrf": "chrF", "chrf++": "chrF++", "ter": "TER"}


def _metric(name: str):
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {"bleu": BLEU, "chrf": CHRF, "chrf++": lambda: CHRF(word_order=2), "ter": TER}[name]()


class _SacrebleuSeed:
    """SACREBLEU_SEED set for the duration of a block (sacrebleu's resampling reads it), then restored."""

    def __init__(self, seed: int):
        self.seed = str(seed)

    def __enter__(self):
        import os

        self.old = os.environ.get("SACREBLEU_SEED")
        os.environ["SACREBLEU_SEED"] = self.seed

    def __exit__(self, *exc):
        import os

        if self.old is None:
            os.environ.pop("SACREBLEU_SEED", None)
        else:
            os.environ["SACREBLEU_SEED"] = self.old


def corpus_metrics(hypotheses: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]],
                   bootstrap: int = 1000, seed: int = 12345, metrics: Sequence[str] = METRICS) -> dict:
    """sacrebleu BLEU, chrF, chrF++ and TER with default settings, each with its signature and a bootstrap 95% CI
    (sacrebleu's own resampling: mean ± half the 2.5–97.5 percentile range). `references`: one stream of
    references, or several (multi-reference)."""
    import sacrebleu
    from sacrebleu.significance import PairedTest

    streams = _streams(references)
    out: dict = {}
    with _SacrebleuSeed(seed):
        for name in metrics:
            metric = _metric(name)
            point = metric.corpus_score(list(hypotheses), streams)
            entry = {"score": round(float(point.score), 2), "signature": str(metric.get_signature())}
            if bootstrap > 1 and len(hypotheses) > 1:
                test = PairedTest([("system", list(hypotheses))], {name: _metric(name)}, streams,
                                  test_type="bs", n_samples=bootstrap)
                _, scores = test()
                res = next(v[0] for k, v in scores.items() if k != "System")
                mean, half = float(res.mean), float(res.ci)
                entry["ci95"] = [round(mean - half, 2), round(mean + half, 2)]
                entry["bootstrap_mean"] = round(mean, 2)
                entry["bootstrap"] = f"bootstrap-{bootstrap}-seed-{seed} (sacrebleu, mean ± 1.96 sd)"
            if name == "bleu":
                entry["detail"] = str(point)
            out[name] = entry
        out["sacrebleu_version"] = sacrebleu.__version__
    return out


def _streams(references) -> list[list[str]]:
    if references and not isinstance(references[0], str):
        return [list(r) for r in references]
    return [list(references)]


def paired_tests(systems: Sequence[tuple[str, Sequence[str]]], references, bootstrap: int = 1000,
                 randomisation: int = 10000, seed: int = 12345, metrics: Sequence[str] = METRICS) -> dict:
    """sacrebleu's paired significance tests of every system against the first: paired bootstrap resampling
    (`bootstrap` resamples) and approximate randomisation (`randomisation` trials), seeded.

    Returns {metric: {"signature": str, "systems": [{"name", "score", "p_bootstrap", "p_randomisation",
    "ci95"}, ...]}}; the first system has no p-values.
    """
    from sacrebleu.significance import PairedTest

    streams = _streams(references)
    named = [(n, list(h)) for n, h in systems]
    out: dict = {}
    with _SacrebleuSeed(seed):
        for name in metrics:
            rows = [{"name": n, "score": None, "p_bootstrap": None, "p_randomisation": None, "ci95": None}
                    for n, _ in named]
            sig = ""
            for kind, n_samples in (("bs", bootstrap), ("ar", randomisation)):
                if n_samples <= 0:
                    continue
                sigs, scores = PairedTest(named, {name: _metric(name)}, streams, test_type=kind,
                                          n_samples=n_samples)()
                sig = str(next(iter(sigs.values())))
                results = next(v for k, v in scores.items() if k != "System")
                for row, res in zip(rows, results):
                    row["score"] = round(float(res.score), 2)
                    if res.p_value is not None:
                        row["p_bootstrap" if kind == "bs" else "p_randomisation"] = round(float(res.p_value), 4)
                    if kind == "bs" and res.mean is not None and res.ci is not None:
                        row["ci95"] = [round(float(res.mean - res.ci), 2), round(float(res.mean + res.ci), 2)]
            out[name] = {"signature": sig, "systems": rows}
    return out
