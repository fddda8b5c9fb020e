"""Words a rule-based translation could not translate: found by Apertium's marks, counted, listed, and for a
pivot route (fr→es→en) the pivot language's leftovers traced back to the source word.

Apertium marks a word its dictionaries do not know with `*` (and a word it could not generate with `#`). Through
a pivot, a source word unknown to the first mode comes out of the second as `**word` (unknown twice), while a
pivot word the second mode does not know comes out as `*word`: a Spanish word in the English text. Those are
aligned with the source sentence through the first mode's output and replaced by the source word when the
alignment names one (config `apertium.pivot_unknowns: source`), else left as the pivot word; either way they
are listed in the result's warnings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..text.words import WORD

_MARKED = re.compile(r"(?<![\w#@*])([*#@]{1,3})(\w[\w'’-]*)")
SHOWN = 8  # words listed in a warning


@dataclass
class UnknownWords:
    """What translations could not translate, gathered over calls (each word once, first seen first)."""

    source: dict = field(default_factory=dict)   # source words left untranslated
    names: dict = field(default_factory=dict)    # capitalised words kept as written (names, mostly)
    pivot: dict = field(default_factory=dict)    # pivot word -> the source word put instead, or None

    def warnings(self, source_lang: str = "source", pivot_lang: str = "pivot") -> list[str]:
        out: list[str] = []
        if self.source:
            words = list(self.source)
            more = f", … ({len(words) - SHOWN} more)" if len(words) > SHOWN else ""
            names = f"; {len(self.names)} capitalised word(s), mostly names, were kept as written" if self.names else ""
            out.append(f"Apertium could not translate {len(words)} word(s), left as in the source: "
                       f"{', '.join(words[:SHOWN])}{more}{names}")
        elif self.names:
            out.append(f"Apertium kept {len(self.names)} capitalised word(s) it does not know as written "
                       f"(mostly names): {', '.join(list(self.names)[:SHOWN])}")
        if self.pivot:
            items = list(self.pivot.items())
            replaced = [f"{p} → {s}" for p, s in items if s]
            kept = [p for p, s in items if not s]
            parts = []
            if replaced:
                parts.append(f"replaced by the {source_lang} word: {', '.join(replaced[:SHOWN])}"
                             + (" …" if len(replaced) > SHOWN else ""))
            if kept:
                parts.append(f"left in {pivot_lang}: {', '.join(kept[:SHOWN])}" + (" …" if len(kept) > SHOWN else ""))
            out.append(f"{len(items)} word(s) of the {pivot_lang} pivot could not be translated further; "
                       + "; ".join(parts))
        return out


def _norm(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))


def align_to_source(word: str, middle: str, source: str) -> str | None:
    """The source word that `word` of the pivot sentence `middle` translates, when a token alignment of the
    two sentences (difflib over accent-folded words) pins one down; None otherwise."""
    if not WORD.fullmatch(word):
        return None
    mid = WORD.findall(middle.replace("*", " ").replace("#", " ").replace("@", " "))
    src = WORD.findall(source)
    key = _norm(word)
    mid_n = [_norm(t) for t in mid]
    if key not in mid_n:
        return None
    j = mid_n.index(key)
    src_n = [_norm(t) for t in src]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, src_n, mid_n, autojunk=False).get_opcodes():
        if not j1 <= j < j2:
            continue
        if tag == "equal":
            return src[i1 + j - j1]
        if tag == "replace":
            if i2 - i1 == j2 - j1:
                return src[i1 + j - j1]
            if i2 - i1 == 1:
                return src[i1]
            if j2 - j1 == 1 and i2 - i1 <= 3:  # one pivot word for a short source phrase ("conseil municipal")
                return " ".join(src[i1:i2])
        return None
    return None


def restore_pivot_unknowns(out: str, source: str, middle: str | None, pivot: bool, use_source: bool,
                           record: UnknownWords) -> str:
    """One translated line without Apertium's marks; every marked word recorded, and (use_source) a pivot
    word replaced by its aligned source word."""
    src_words = {_norm(w) for w in WORD.findall(source)}

    def fix(m: "re.Match") -> str:
        marks, word = m.group(1), m.group(2)
        # Characters the source itself has before the word ("#hashtag", "@nom") are text, not marks.
        own = next((k for k in range(len(marks), 0, -1) if marks[:k] + word in source), 0)
        kept, marks = marks[:own], marks[own:]
        if not marks:
            return m.group(0)
        from_pivot = pivot and marks == "*" and _norm(word) not in src_words
        if not from_pivot:
            if word[:1].isupper() and word in source:
                record.names.setdefault(word, None)
            else:
                record.source.setdefault(word, None)
            return kept + word
        fr = align_to_source(word, middle, source) if (use_source and middle) else None
        record.pivot.setdefault(word, fr)
        return kept + (fr or word)

    return _MARKED.sub(fix, out)
