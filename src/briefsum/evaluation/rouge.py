"""ROUGE through rouge-score, configured once (tokenizer, stemming, ROUGE-Lsum sentence splitting, bootstrap),
scored over a corpus, and described by a signature line that records every setting that changes a number."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata
from typing import Sequence

import numpy as np

from .stats import bootstrap_ci
from .tokenize import MODES, CachedTokenizer, make_tokenizer

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
LSUM_SPLITS = ("briefsum-seg", "newline")


@dataclass(frozen=True)
class RougeSettings:
    """Everything that changes a ROUGE number."""

    mode: str = "unicode"            # unicode | paper | perl (see briefsum.evaluation.tokenize)
    stem: bool = False
    lang: str = "en"                 # language of the compared texts: stemmer and sentence splitter
    lsum: str = "briefsum-seg"       # how ROUGE-Lsum finds sentences: briefsum's segmenter, or existing newlines
    bootstrap: int = 1000            # resamples for the 95% CI; 0 turns the CI off
    seed: int = 12345

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown ROUGE mode '{self.mode}' (use {', '.join(MODES)})")
        if self.lsum not in LSUM_SPLITS:
            raise ValueError(f"unknown ROUGE-Lsum split '{self.lsum}' (use {', '.join(LSUM_SPLITS)})")
        if self.bootstrap < 0:
            raise ValueError("bootstrap must be 0 or a positive number of resamples")


def rouge_score_version() -> str:
    """The installed rouge-score version."""
    try:
        return metadata.version("rouge-score")
    except metadata.PackageNotFoundError:  # pragma: no cover - declared dependency
        return "unknown"


@dataclass
class RougeResult:
    """Corpus ROUGE: per-document F1 (×100), means, confidence intervals and the signature."""

    signature: str
    n: int
    per_doc: dict[str, np.ndarray]                 # type -> (n, 3) precision, recall, F1, in [0, 100]
    mean: dict[str, dict[str, float]] = field(default_factory=dict)
    ci: dict[str, tuple[float, float] | None] = field(default_factory=dict)

    def f1(self, rouge_type: str) -> float:
        """Mean F1 (×100) of one ROUGE type."""
        return self.mean[rouge_type]["f"]

    def to_dict(self) -> dict:
        """JSON-ready summary (no per-document arrays)."""
        return {"signature": self.signature, "n": self.n,
                "scores": {t: {**{k: round(v, 4) for k, v in self.mean[t].items()},
                               "ci95": [round(c, 4) for c in self.ci[t]] if self.ci.get(t) else None}
                           for t in self.mean}}


class Rouge:
    """ROUGE-1/2/L/Lsum F1 over a corpus with rouge-score, an explicit tokenizer and a seeded bootstrap CI."""

    def __init__(self, settings: RougeSettings | None = None, **kwargs):
        self.settings = settings or RougeSettings(**kwargs)
        s = self.settings
        self.tokenizer: CachedTokenizer = make_tokenizer(s.mode, s.stem, s.lang)
        from rouge_score import rouge_scorer

        self._scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=self.tokenizer)
        self._lines: dict[str, str] = {}

    @property
    def signature(self) -> str:
        """A sacrebleu-style line naming every setting that changes the numbers."""
        return self.signature_for(1)

    def signature_for(self, max_refs: int) -> str:
        """The signature of a corpus whose documents have up to `max_refs` references: with several, the rule
        that combines them (the reference with the best F1, per document and ROUGE type) is part of it."""
        s = self.settings
        ci = f"bootstrap-{s.bootstrap}-seed-{s.seed}" if s.bootstrap else "none"
        multi = f"|refs:{max_refs}|multiref:max-f1-per-doc" if max_refs > 1 else ""
        return (f"rouge|tok:{self.tokenizer.name}|stem:{self.tokenizer.stem}|lsum:{s.lsum}|lang:{s.lang}"
                f"{multi}|agg:mean|ci:{ci}|version:{rouge_score_version()}")

    def sentence_lines(self, text: str) -> str:
        """The text with one sentence per line, as ROUGE-Lsum reads it (computed once per text)."""
        done = self._lines.get(text)
        if done is not None:
            return done
        if self.settings.lsum == "newline":
            done = "\n".join(line.strip() for line in text.split("\n") if line.strip())
        else:
            from ..text.segment import split_sentences

            out: list[str] = []
            for para in text.split("\n"):
                if para.strip():
                    out.extend(split_sentences(para, self.settings.lang))
            done = "\n".join(out)
        if len(self._lines) > 200_000:
            self._lines.clear()
        self._lines[text] = done
        return done

    def score_pair(self, reference: str, prediction: str) -> dict[str, tuple[float, float, float]]:
        """ROUGE of one prediction against one reference: type -> (precision, recall, F1), each ×100."""
        res = self._scorer.score(self.sentence_lines(reference), self.sentence_lines(prediction))
        return {t: (100 * res[t].precision, 100 * res[t].recall, 100 * res[t].fmeasure) for t in ROUGE_TYPES}

    def score_multi(self, references: Sequence[str], prediction: str) -> dict[str, tuple[float, float, float]]:
        """ROUGE of one prediction against several references: per ROUGE type, the (P, R, F1) of the reference
        with the highest F1 (the first one on ties); with one reference, the same as score_pair."""
        best: dict[str, tuple[float, float, float]] = {}
        for ref in references:
            for t, prf in self.score_pair(ref, prediction).items():
                if t not in best or prf[2] > best[t][2]:
                    best[t] = prf
        return best

    def score_docs(self, references: Sequence[str], predictions: Sequence[str]) -> dict[str, np.ndarray]:
        """Per-document scores: type -> array (n, 3) of precision, recall, F1 (×100)."""
        if len(references) != len(predictions):
            raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
        out = {t: np.zeros((len(references), 3)) for t in ROUGE_TYPES}
        for i, (ref, pred) in enumerate(zip(references, predictions)):
            for t, prf in self.score_pair(ref, pred).items():
                out[t][i] = prf
        return out

    def corpus(self, references: Sequence[str], predictions: Sequence[str]) -> RougeResult:
        """Mean ROUGE over a corpus with the configured bootstrap CI of each F1."""
        per_doc = self.score_docs(references, predictions)
        return self.aggregate(per_doc)

    def aggregate(self, per_doc: dict[str, np.ndarray]) -> RougeResult:
        """Means and bootstrap CIs (paired across types) from per-document scores."""
        s = self.settings
        n = len(next(iter(per_doc.values()))) if per_doc else 0
        mean = {t: {"p": float(a[:, 0].mean()) if n else float("nan"), "r": float(a[:, 1].mean()) if n else float("nan"),
                    "f": float(a[:, 2].mean()) if n else float("nan")} for t, a in per_doc.items()}
        ci: dict[str, tuple[float, float] | None] = {t: None for t in per_doc}
        if s.bootstrap and n:
            f = np.stack([per_doc[t][:, 2] for t in per_doc], axis=1)
            low, high = bootstrap_ci(f, s.bootstrap, s.seed)
            ci = {t: (float(lo), float(hi)) for t, lo, hi in zip(per_doc, low, high)}
        return RougeResult(self.signature, n, per_doc, mean, ci)
