"""Faithfulness checks of generated text: the numbers, dates and names a summary holds that its source does not,
and the source sentences that support a summary."""

from __future__ import annotations

import re
from typing import Sequence

from ...text.segment import split_sentences
from ...text.words import fold as _fold

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_CAPITALISED = re.compile(r"\b[^\W\d_][\w'’-]*", re.UNICODE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that start sentences without being names (English and French).
_COMMON_CAPS = frozenset("""
the a an in on at for with by from as it its this that these those he she they we you i his her their our
but and or so if when while after before since during about over under more most some many several one two
there here what who which where how why also however meanwhile according according's
le la les l un une des du de en au aux dans par pour sur avec sans ce cet cette ces il elle ils elles on nous
vous je son sa ses leur leurs mais et ou donc si quand alors selon après avant depuis pendant plus plusieurs
""".split())


def _numbers(text: str) -> set[str]:
    return {re.sub(r"\D", "", m.group(0)) for m in _NUMBER.finditer(text)}


def _words(text: str) -> set[str]:
    return {_fold(w) for w in _WORD.findall(text)}


def unsupported_terms(summary: str, references: Sequence[str], lang: str = "en") -> list[str]:
    """Numbers, dates and capitalised names in summary that occur in none of the references, in order."""
    ref_text = "\n".join(references)
    ref_nums = _numbers(ref_text)
    ref_words = _words(ref_text)
    ref_folded = _fold(ref_text)
    out: list[str] = []
    for m in _NUMBER.finditer(summary):
        digits = re.sub(r"\D", "", m.group(0))
        if digits and digits not in ref_nums and m.group(0).strip() not in out:
            out.append(m.group(0).strip())
    for sent in split_sentences(summary, lang) or [summary]:
        for k, m in enumerate(_CAPITALISED.finditer(sent)):
            tok = m.group(0).rstrip("'’-")
            if not tok[:1].isupper():
                continue
            base = re.sub(r"['’]s$", "", tok)
            folded = _fold(base)
            if folded in ref_words or _fold(tok) in ref_words:
                continue
            if "-" in base and all(_fold(p) in ref_words for p in base.split("-") if p):
                continue
            if k == 0 and (folded in _COMMON_CAPS or folded in ref_folded):
                continue  # a sentence-initial word that is not a name
            if base not in out:
                out.append(base)
    return out


def support_indices(summary: str, sentences: Sequence[str], lang: str = "en", min_overlap: float = 0.3) -> list[int]:
    """Indices of the sentences that support a summary, by content-word overlap with each summary sentence."""
    cand = [{w for w in _words(s) if len(w) > 3 or w.isdigit()} for s in sentences]
    chosen: set[int] = set()
    for sent in split_sentences(summary, lang) or [summary]:
        words = {w for w in _words(sent) if len(w) > 3 or w.isdigit()}
        if not words:
            continue
        scored = [(len(words & c) / len(words), -i, i) for i, c in enumerate(cand) if c]
        if not scored:
            continue
        best = max(scored)
        if best[0] >= min_overlap:
            chosen.add(best[2])
            chosen.update(i for r, _, i in scored if r >= max(0.5, best[0] * 0.8))
    return sorted(chosen)
