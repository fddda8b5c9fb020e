"""Plain-text checks and fixes for generated text: loops, clause splits, budgets.

Nothing here imports torch; the neural engine uses these on what its models write.
"""

from __future__ import annotations

import re
from typing import Callable

from ..text.segment import count_words, split_sentences
from ..text.words import fold as _fold
from .budgets import truncate_to_words

_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—(])|(?<=[)])\s+")


_STUTTER = re.compile(r"(\S{2,}?)\1{3,}|\b(\w+(?:\s+\w+){0,3}?)(?:\s+\2\b){2,}", re.UNICODE)


def looping(text: str, source: str = "", n: int = 3, times: int = 3) -> bool:
    """True when text stutters (a piece, or a phrase of up to four words, repeated in a row) or repeats a word
    n-gram `times` times, and its source does not."""
    for m in _STUTTER.finditer(_fold(text)):
        if m.group(0) not in _fold(source):
            return True
    toks = _fold(text).split()
    if len(toks) < n * times:
        return False
    src_toks = _fold(source).split()

    def counts(ts: list[str]) -> dict[tuple, int]:
        c: dict[tuple, int] = {}
        for i in range(len(ts) - n + 1):
            g = tuple(ts[i:i + n])
            c[g] = c.get(g, 0) + 1
        return c

    mine, theirs = counts(toks), counts(src_toks)
    return any(v >= times and v > theirs.get(g, 0) + 1 for g, v in mine.items())


def remove_loops(text: str, max_n: int = 8) -> str:
    """Drop immediately repeated word n-grams ('a b a b a b' -> 'a b'), longest first."""
    toks = text.split()
    changed = True
    while changed:
        changed = False
        for n in range(min(max_n, len(toks) // 2), 0, -1):
            i = 0
            while i + 2 * n <= len(toks):
                if [_fold(t) for t in toks[i:i + n]] == [_fold(t) for t in toks[i + n:i + 2 * n]]:
                    del toks[i + n:i + 2 * n]
                    changed = True
                else:
                    i += 1
    return " ".join(toks)


def split_to_fit(text: str, fits: Callable[[str], bool]) -> tuple[list[str], bool]:
    """Split text into consecutive pieces that each fit, at clause boundaries when possible.

    Returns the pieces (their concatenation with spaces is the text) and whether a piece had to be split
    between words for lack of a clause boundary. Nothing is dropped.
    """
    if fits(text):
        return [text], False
    cuts = [m.end() if m.end() > m.start() else m.start() for m in _CLAUSE.finditer(text)]
    cuts = [c for c in cuts if 0 < c < len(text)]
    mid_word = False
    if not cuts:
        spaces = [m.start() for m in re.finditer(r"\s+", text)]
        spaces = [c for c in spaces if 0 < c < len(text)]
        mid_word = True
        if not spaces:  # one enormous token: split its characters in half
            half = max(1, len(text) // 2)
            if half >= len(text):
                return [text], True
            cuts = [half]
        else:
            cuts = spaces
    mid = len(text) / 2
    at = min(cuts, key=lambda c: abs(c - mid))
    left, right = text[:at].strip(), text[at:].strip()
    if not left or not right:
        return [text], mid_word
    lp, lw = split_to_fit(left, fits)
    rp, rw = split_to_fit(right, fits)
    return lp + rp, mid_word or lw or rw


def fit_budget(text: str, max_words: int, max_sentences: int | None = None, lang: str = "en",
               keep: str = "") -> tuple[str, bool, str]:
    """Cut text to a grade's limits at a sentence (else clause) boundary, never inside the `keep` prefix.

    Returns the text, whether it was cut, and a short note on what was cut ('' when nothing was).
    """
    text = " ".join(text.split())
    keep = " ".join(keep.split())
    head, rest = ("", text)
    if keep and text.startswith(keep):
        head, rest = keep, text[len(keep):].strip()
    room = max_words - count_words(head)
    sents = split_sentences(rest, lang) if rest else []
    room_n = None
    if max_sentences is not None:
        room_n = max_sentences - (len(split_sentences(head, lang)) if head else 0)
    kept: list[str] = []
    used = 0
    for s in sents:
        w = count_words(s)
        if used + w > room or (room_n is not None and len(kept) >= room_n):
            break
        kept.append(s)
        used += w
    note = ""
    if len(kept) < len(sents):
        dropped = len(sents) - len(kept)
        if not kept and not head and room > 0:
            cut, _ = truncate_to_words(sents[0], room)
            kept = [cut]
            note = f"cut to {max_words} words"
        else:
            note = f"dropped {dropped} generated sentence{'s' if dropped > 1 else ''} over the limit"
    out = " ".join(p for p in [head, *kept] if p)
    return out, bool(note), note
