"""Provenance for the web page: the article's sentences, and each grade cut into pieces tied to them.

A Brief names the source sentences of every grade (`source_indices`) but not their text; the page needs it to
show the article and highlight a grade's sentences. The sentences are segmented again here with the same public
functions the pipeline uses (text.normalise.clean, text.segment.segment), which give the same list.
"""

from __future__ import annotations

from typing import Any

from ..brief import Brief, GradeResult
from ..text.normalise import clean
from ..text.segment import segment


def _pieces(grade: GradeResult, candidates: list[str] | None) -> list[dict[str, Any]]:
    """The grade's text as [{text, sources}], one piece per source sentence when that can be told for sure."""
    idx = list(grade.source_indices)
    whole = [{"text": grade.text, "sources": idx}]
    if not grade.method.startswith("extractive") or not idx:
        return whole  # an abstractive grade is tied to its sources as a whole
    if candidates is not None and " ".join(candidates) == grade.text:
        return [{"text": c, "sources": [i]} for c, i in zip(candidates, idx)]
    parts = [s.text for s in segment(grade.text, grade.language).sentences]
    if len(parts) == len(idx):
        return [{"text": p, "sources": [i]} for p, i in zip(parts, idx)]
    return whole


def trace(brief: Brief, text: str) -> dict[str, Any]:
    """{"sentences": [{index, paragraph, text, heading}], "grades": {name: [{text, sources}]}} for a Brief of text."""
    doc = segment(clean(text).text, brief.source_lang)
    sentences = [{"index": s.index, "paragraph": s.paragraph, "text": s.text, "heading": s.heading}
                 for s in doc.sentences]
    if len(sentences) != brief.stats.get("sentences"):  # cannot happen with the same pipeline; say so if it does
        unmatched = {n: [{"text": g.text, "sources": []}] for n, g in brief.grades.items()}
        return {"sentences": sentences, "grades": unmatched,
                "note": "the article's sentences could not be matched to the summary's"}
    translated = {s.index: s.target for s in brief.translation.sentences} if brief.translation else {}
    grades = {}
    for name, g in brief.grades.items():
        if g.language == brief.source_lang:
            cands = [sentences[i]["text"] for i in g.source_indices if 0 <= i < len(sentences)]
        elif translated:
            cands = [translated.get(i, "") for i in g.source_indices]
        else:
            cands = None
        grades[name] = _pieces(g, cands)
    return {"sentences": sentences, "grades": grades}
