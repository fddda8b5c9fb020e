"""Diagnostics of a system's outputs that need no model: lengths against the references, extractive fragment
coverage, density and compression (Grusky, Naaman & Artzi 2018, "Newsroom"), novel n-grams (not in the
article), repeated n-grams (within the output), and how often the neural engine's faithfulness check fired.

Words are the harness's Unicode word tokens (lower-cased `\\w+`), whatever ROUGE mode is used.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from .tokenize import unicode_words

NOVEL_N = (1, 2, 3)
REPEAT_N = 3

# Words in a neural-engine warning that say its faithfulness check fired on that grade.
FAITHFULNESS_MARKS = ("not found in the source", "the model wrote nothing")


def fragments(article: Sequence[str], summary: Sequence[str]) -> list[int]:
    """Lengths of the extractive fragments of `summary` in `article` (Grusky et al. 2018, greedy): at each
    summary position, the longest shared token sequence starting there; the search resumes after it."""
    where: dict[str, list[int]] = {}
    for j, tok in enumerate(article):
        where.setdefault(tok, []).append(j)
    out: list[int] = []
    i, n, m = 0, len(summary), len(article)
    while i < n:
        best = 0
        for j in where.get(summary[i], ()):
            k = 0
            while i + k < n and j + k < m and summary[i + k] == article[j + k]:
                k += 1
            best = max(best, k)
        if best:
            out.append(best)
            i += best
        else:
            i += 1
    return out


def fragment_stats(article: Sequence[str], summary: Sequence[str]) -> dict[str, float]:
    """coverage (share of summary words inside fragments), density (mean squared fragment length per summary
    word) and compression (article words per summary word); NaN for an empty summary."""
    if not summary:
        return {"coverage": float("nan"), "density": float("nan"), "compression": float("nan")}
    f = fragments(article, summary)
    n = len(summary)
    return {"coverage": sum(f) / n, "density": sum(x * x for x in f) / n, "compression": len(article) / n}


def _ngrams(tokens: Sequence[str], n: int) -> list[tuple]:
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def novel_rate(article: Sequence[str], summary: Sequence[str], n: int) -> float:
    """Share of the summary's n-grams that are not in the article (NaN when it has none)."""
    grams = _ngrams(summary, n)
    if not grams:
        return float("nan")
    seen = set(_ngrams(article, n))
    return sum(1 for g in grams if g not in seen) / len(grams)


def repeat_rate(summary: Sequence[str], n: int = REPEAT_N) -> float:
    """Share of the summary's n-grams that occur earlier in it (NaN when it has none)."""
    grams = _ngrams(summary, n)
    if not grams:
        return float("nan")
    counts = Counter(grams)
    return sum(c - 1 for c in counts.values()) / len(grams)


def faithfulness_fired(grade: str, warnings: Iterable[str]) -> bool:
    """Whether a result's warnings say the faithfulness check fired on `grade`."""
    return any(w.startswith(f"{grade}:") and any(m in w for m in FAITHFULNESS_MARKS) for w in warnings)


def _mean(values: Sequence[float]) -> float | None:
    a = np.asarray([v for v in values if v == v], dtype=np.float64)   # NaN-free
    return round(float(a.mean()), 4) if a.size else None


def grade_diagnostics(articles: Sequence[str], outputs: Sequence[str], references: Sequence[str] | None = None,
                      doc_warnings: Sequence[Sequence[str]] | None = None, grade: str = "") -> dict:
    """Corpus diagnostics of one grade's outputs (means over documents; rates in [0, 1]), and per-document
    coverage/density/compression/novel-bigram values for the report."""
    per_doc = []
    for art_text, out_text in zip(articles, outputs):
        art, out = unicode_words(art_text), unicode_words(out_text)
        row = fragment_stats(art, out) if art else {"coverage": float("nan"), "density": float("nan"),
                                                    "compression": float("nan")}
        for n in NOVEL_N:
            row[f"novel_{n}"] = novel_rate(art, out, n) if art else float("nan")
        row[f"repeated_{REPEAT_N}"] = repeat_rate(out)
        per_doc.append(row)
    keys = ["coverage", "density", "compression", *(f"novel_{n}" for n in NOVEL_N), f"repeated_{REPEAT_N}"]
    summary = {k: _mean([r[k] for r in per_doc]) for k in keys}
    out_len = [len(unicode_words(t)) for t in outputs]
    summary["words"] = _length(out_len)
    if references is not None:   # documents without a reference (None or "") are left out of these two
        ref_len = [len(unicode_words(t)) if t else 0 for t in references]
        summary["reference_words"] = _length([r for r in ref_len if r])
        summary["length_ratio"] = _mean([o / r for o, r in zip(out_len, ref_len) if r])
    if doc_warnings is not None:
        fired = sum(1 for w in doc_warnings if faithfulness_fired(grade, w))
        summary["faithfulness_fired"] = {"documents": fired, "rate": round(fired / max(len(outputs), 1), 4)}
    summary["has_article"] = any(a.strip() for a in articles)
    return {"summary": summary, "per_doc": per_doc}


def _length(values: Sequence[int]) -> dict:
    a = np.asarray(values, dtype=np.float64)
    if a.size == 0:
        return {"mean": None, "median": None, "p10": None, "p90": None}
    return {"mean": round(float(a.mean()), 2), "median": float(np.median(a)),
            "p10": float(np.percentile(a, 10)), "p90": float(np.percentile(a, 90))}
