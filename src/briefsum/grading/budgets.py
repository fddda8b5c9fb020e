"""Grade budgets, nested selection and honest trimming."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..errors import UnknownGradeError
from ..text.segment import CJK_CHAR, count_words, word_units


@dataclass(frozen=True)
class GradeSpec:
    """A grade's hard limits: words, optionally sentences and a fraction of the article."""

    name: str
    max_words: int
    max_sentences: int | None = None
    max_fraction: float | None = None
    compress: bool = False
    fraction_floor: int = 60

    def budget(self, article_words: int) -> int:
        """The word budget for an article of this many words.

        max_fraction caps the budget at that share of the article, but never below fraction_floor words
        (a very short article is better given whole than cut to a third).
        """
        b = self.max_words
        if self.max_fraction is not None:
            b = min(b, max(self.fraction_floor, int(round(self.max_fraction * article_words))))
        return b


def grade_specs(table: Sequence[GradeSpec], names: Iterable[str] | None = None) -> list[GradeSpec]:
    """The requested grades of a configured table (Settings.grades; all of them by default), ordered from
    shortest to longest budget."""
    specs = list(table)
    known = [s.name for s in specs]
    if names is not None:
        wanted = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
        if not wanted:
            raise UnknownGradeError("no grade requested; known grades: " + ", ".join(known))
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise UnknownGradeError(f"unknown grade '{unknown[0]}'; known grades: " + ", ".join(known))
        specs = [s for s in specs if s.name in wanted]
    return sorted(specs, key=lambda s: s.max_words)


def effective_budgets(specs: Sequence[GradeSpec], article_words: int) -> list[int]:
    """Word budgets per grade (specs shortest first), made non-decreasing so nesting never breaks a limit.

    A grade capped by a fraction of the article (detailed: a third) caps every shorter grade too.
    """
    budgets = [s.budget(article_words) for s in specs]
    for k in range(len(budgets) - 2, -1, -1):
        budgets[k] = min(budgets[k], budgets[k + 1])
    return budgets


def fill_nested(
    order: Sequence[int],
    lengths: dict[int, int],
    budgets: Sequence[int],
    seed: Sequence[int] = (),
    max_sentences: Sequence[int | None] | None = None,
    redundant: "callable | None" = None,
) -> list[list[int]]:
    """Fill grades from shortest to longest: each keeps the previous grade's sentences, then adds ranked ones that fit.

    order: candidate sentence indices, best first. lengths: words per sentence. budgets: words per grade,
    shortest first. seed: sentences forced into the first grade. redundant(i, chosen): True to skip i.
    Returns, per grade, the chosen indices in article order.
    """
    chosen: list[int] = []
    used = 0
    for i in seed:
        if i not in chosen:
            chosen.append(i)
            used += lengths[i]
    out: list[list[int]] = []
    for g, budget in enumerate(budgets):
        limit_n = max_sentences[g] if max_sentences else None
        # The effective budget can never be smaller than what earlier grades already hold.
        for i in order:
            if i in chosen:
                continue
            if limit_n is not None and len(chosen) >= limit_n:
                break
            if used + lengths[i] > budget:
                continue
            if redundant is not None and redundant(i, chosen):
                continue
            chosen.append(i)
            used += lengths[i]
        out.append(sorted(chosen))
    return out


_CLAUSE_END = re.compile(r"[,;:–—]\s")


def truncate_to_words(text: str, max_words: int) -> tuple[str, bool]:
    """Cut text to at most max_words words, at a clause boundary when one is near, marking the cut with '…'.

    Returns the text and whether it was cut.
    """
    if count_words(text) <= max_words:
        return text, False
    cjk = bool(CJK_CHAR.search(text))
    tokens = word_units(text) if cjk else text.split()
    kept: list[str] = []
    n = 0
    for tok in tokens:
        w = 1 if re.search(r"\w", tok) else 0
        if n + w > max_words:
            break
        kept.append(tok)
        n += w
    # Prefer ending at the last clause boundary in the second half of what is kept.
    cut = None
    for j in range(len(kept) - 1, len(kept) // 2, -1):
        if kept[j].endswith((",", ";", ":", "、", "，")):
            cut = j
            break
    if cut is not None:
        kept = kept[: cut + 1]
    out = ("" if cjk else " ").join(kept).rstrip(",;:–—、， ")
    return out + ("…" if cjk else " …"), True
