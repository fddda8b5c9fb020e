"""Topic labels before a headline ("Ghosn : ..."): how an article names a proper noun, and when it is a topic
rather than a source cited or part of an office."""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from ...text.words import STOP_WORDS as _STOP
from ...text.words import WORD as _TOKEN

TOPIC_FORM = re.compile(r"^\W*(?:\w+\W+){0,3}?\w+\s*:(?!\d)")  # a headline opening with a few words and a colon
_AFTER_START = frozenset(".!?:;«»\"“”'‘’([-–—…")

LABEL_WORDS = 4  # the longest topic label, in words (a translated one may grow)
_COMPOUND = re.compile(r"\w+(?:-\w+)*")  # a word with its hyphenated parts ("Hauts-de-France")
# Particles that join the parts of a person's name when written capitalised inside it ("Marine Le Pen").
_PARTICLES = frozenset("le la de du des di da del della van von der ben el al".split())
# A medium cited rather than a topic: a one-word name or a title with its article right after these words
# ("selon Le Parisien", "rapporte Le Figaro", "d'après RTL"), after these and "de" ("au micro de RTL"), or after a
# verb of saying or showing and then "à"/"au"/"sur" ("a confié à BFMTV", "a annoncé sur Twitter").
_SOURCE_BEFORE = frozenset("selon rapporte rapportent révèle révèlent écrit titre".split())
_SOURCE_OF = frozenset("micro antenne auprès".split())
_SOURCE_VERBS = frozenset("""confié confiée déclaré déclarée expliqué expliquée indiqué indiquée raconté racontée
affirmé affirmée assuré assurée précisé précisée interrogé interrogée invité invitée annoncé annoncée publié
publiée""".split())
# Offices a name completes ("ministre de l'Intérieur", "ministère du Travail", "secrétaire d'État").
_OFFICES = frozenset("ministre ministère ministres secrétaire".split())


def _source_cue(before: Sequence[str]) -> bool:
    """Whether the lower-case words right before a name present it as a source (see _SOURCE_BEFORE)."""
    if not before:
        return False
    if before[-1] in _SOURCE_BEFORE or list(before[-2:]) == ["d", "après"]:
        return True
    if len(before) > 1 and before[-1] in ("de", "du", "d") and before[-2] in _SOURCE_OF:
        return True
    verb = next((i for i in range(len(before) - 1, -1, -1) if before[i] in _SOURCE_VERBS), None)
    return verb is not None and bool({"à", "au", "aux", "sur"}.intersection(before[verb + 1:]))


def _office_cue(before: Sequence[str]) -> bool:
    """Whether the lower-case words right before a name make it part of an office (see _OFFICES)."""
    return (len(before) > 1 and before[-2] in _OFFICES and before[-1] in ("de", "du", "des", "d")) or \
        (len(before) > 2 and before[-3] in _OFFICES and before[-2] == "de" and before[-1] in ("l", "la"))


def proper_noun_form(word: str, texts: Sequence[str], avoid: "set[str] | frozenset[str]" = frozenset(),
                     longest: int = 3) -> str | None:
    """How the texts name what `word` (lower-case) belongs to when they treat it as a proper noun: most of its
    occurrences capitalised, at least one of them inside a sentence (not first, nor after an opening quote, a
    colon, a dash or a bracket). The name is the word's hyphenated compound with the capitalised compounds right
    next to it (at most `longest`, none of them a stop word but a capitalised particle inside a name: "Carlos
    Ghosn", "Hauts-de-France", "Marine Le Pen"), or the compound alone where the name would repeat a word of
    `avoid` (a particle is no repeat: "Marine Le Pen" stays whole beside "le 26 mai"). Its most frequent
    spelling, else None. None too where at least half its capitalised occurrences present a source or an office
    rather than a topic: a medium cited ("selon Le Parisien", "sur RTL", "a confié à BFMTV", "rapporte Le
    Figaro"), part of an office ("ministre de l'Intérieur")."""
    forms: Counter = Counter()
    total = capital = aside = 0
    inside = False
    # compounds written capitalised inside a sentence somewhere: only those may join a name where a sentence opens
    inner = {m.group(0).lower() for text in texts for m in _COMPOUND.finditer(text)
             if m.group(0)[:1].isupper() and not _opens(text, m.start())}
    for text in texts:
        view = _Compounds(text, inner)
        for k, (start, end, comp) in enumerate(view.parts):
            if word not in comp.lower().split("-"):
                continue
            total += 1
            piece = next(x for x in comp.split("-") if x.lower() == word)
            if not piece[:1].isupper():
                continue
            capital += 1
            inside = inside or not _opens(text, start)
            lo, hi = view.span(k, longest)
            aside += view.cited_or_office(lo, hi)  # "selon Le Parisien", "a confié à BFMTV", "ministre de l'Intérieur"
            name = text[view.parts[lo][0]:view.parts[hi][1]]
            if avoid and any(w.lower() in avoid for w in _TOKEN.findall(name)
                             if w.lower() != word and w.lower() not in _PARTICLES):
                name = comp
            forms[name] += 1
    if not inside or 2 * capital <= total or 2 * aside >= capital:
        return None
    return forms.most_common(1)[0][0]


def _opens(text: str, start: int) -> bool:
    """Whether the word at `start` is first in its sentence, or after a quote, colon, dash, bracket."""
    before = text[:start].rstrip()
    if len(before) > 1 and before[-1] in "'’" and before[-2].isalpha():
        return False  # an elided article or preposition ("l'Élysée", "d'Air France"), not a quote
    return not before or before[-1] in _AFTER_START


class _Compounds:
    """The compounds of one text (words with their hyphenated parts), and how they join into a name."""

    def __init__(self, text: str, inner: set[str]):
        self.text = text
        self.inner = inner
        self.parts = [(m.start(), m.end(), m.group(0)) for m in _COMPOUND.finditer(text)]

    def joins(self, a: int, b: int) -> bool:  # compounds a < b are next to each other, one space apart
        return self.text[self.parts[a][1]:self.parts[b][0]] == " "

    def words_before(self, j: int) -> list[str]:
        return [c.lower() for _, _, c in self.parts[max(0, j - 4):j]]

    def name_like(self, j: int) -> bool:  # not a word that completes an office ("l'Intérieur Christophe ...")
        c = self.parts[j][2]
        return c[:1].isupper() and c.lower() not in _STOP and (c.lower() in self.inner or
                                                              not _opens(self.text, self.parts[j][0])) \
            and not _office_cue(self.words_before(j))

    def particle(self, j: int) -> bool:  # a particle in title case ("Le" of "Le Pen", not "LE")
        c = self.parts[j][2]
        return c[:1].isupper() and c[1:].islower() and c.lower() in _PARTICLES

    def joined_by_particle(self, a: int, p: int, b: int) -> bool:  # a particle p between a and b, in title case
        return self.particle(p) and self.joins(min(a, b), p) and self.joins(p, max(a, b)) and self.name_like(b) \
            and not self.parts[a][2].isupper() and not self.parts[b][2].isupper()

    def span(self, k: int, longest: int) -> tuple[int, int]:
        """The compounds (lo, hi) of the name compound k belongs to: its name-like neighbours, at most `longest`."""
        lo = hi = k
        n = len(self.parts)
        while hi - lo + 1 < longest and hi + 1 < n and self.joins(hi, hi + 1):
            if self.name_like(hi + 1):
                hi += 1
            elif hi - lo + 2 < longest and hi + 2 < n and self.joined_by_particle(hi, hi + 1, hi + 2):
                hi += 2
            else:
                break
        while hi - lo + 1 < longest and lo > 0 and self.joins(lo - 1, lo):
            if self.name_like(lo - 1):
                lo -= 1
            elif hi - lo + 2 < longest and lo > 1 and self.joined_by_particle(lo, lo - 1, lo - 2):
                lo -= 2
            else:
                break
        return lo, hi

    def cited_or_office(self, lo: int, hi: int) -> bool:
        """Whether the name presents a source cited or part of an office rather than a topic."""
        # a title with its article ("Le Parisien") reads the cue before the article
        titled = lo > 0 and self.joins(lo - 1, lo) and self.particle(lo - 1) and \
            self.parts[lo - 1][2].lower() in ("le", "la")
        return bool(((lo == hi or titled) and _source_cue(self.words_before(lo - 1 if titled else lo)))
                    or _office_cue(self.words_before(lo)))
