"""Faithfulness checks of generated text: the numbers, dates and names a summary holds that its source does not,
and the source sentences that support a summary.

Names are found in one of two ways. Where the parse layer (briefsum.text.parse) has a pipeline for the summary's
language and it is installed, a name is what the pipeline says: a named entity (PER, ORG, LOC, MISC) or a run of
proper nouns, reported whole ("George Floyd", "Kassym-Jomart Tokaïev"), or a capitalised word inside a sentence;
a word starting a sentence outside any entity ("Après", "Cela", "L'occasion") is one only if it is a content word
the rule below keeps. Elsewhere (other languages, or without spaCy) a name is a capitalised word, less the common
words that start sentences.
"""

from __future__ import annotations

import re
from typing import Sequence

from ...text import parse as parse_layer
from ...text.segment import split_sentences
from ...text.words import fold as _fold

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_CAPITALISED = re.compile(r"\b[^\W\d_][\w'’-]*", re.UNICODE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ELIDED = re.compile(r"^(?:[dlDL]|[Qq][Uu]|[Ll]orsqu|[Pp]uisqu|[Jj]usqu)['’](?=[^\W\d_])")
_ELIDING = frozenset({"fr", "it", "ca"})  # languages whose articles elide before a name ("l'Élysée", "l'Italia")
# Words that start sentences without being names (English and French).
_COMMON_CAPS = frozenset("""
the a an in on at for with by from as it its this that these those he she they we you i his her their our
but and or so if when while after before since during about over under more most some many several one two
there here what who which where how why also however meanwhile according according's
le la les l un une des du de en au aux dans par pour sur avec sans ce cet cette ces il elle ils elles on nous
vous je son sa ses leur leurs mais et ou donc si quand alors selon après avant depuis pendant plus plusieurs
""".split())


# Parts of speech a name misread by the tagger is given (not determiners, pronouns, prepositions, conjunctions).
_OPEN_CLASS = frozenset({"NOUN", "ADJ", "VERB", "X", "INTJ"})
# ...and what is never a name inside a sentence, capitalised or not.
_NOT_WORDS = frozenset({"PUNCT", "SYM", "NUM", "SPACE"})


def _numbers(text: str) -> set[str]:
    return {re.sub(r"\D", "", m.group(0)) for m in _NUMBER.finditer(text)}


def _words(text: str) -> set[str]:
    return {_fold(w) for w in _WORD.findall(text)}


def _supported_word(word: str, ref_words: set[str]) -> bool:
    base = re.sub(r"['’]s$", "", word)
    if _fold(base) in ref_words or _fold(word) in ref_words:
        return True
    return "-" in base and all(_fold(p) in ref_words for p in base.split("-") if p)


def parsed_names(parsed: "parse_layer.Parsed") -> list[tuple[str, list[str], bool]]:
    """The names of one parsed sentence, in order: (the name as written, its capitalised words, whether it is a
    single word starting the sentence outside any entity). A name is a named entity, a run of proper nouns
    outside them, or a capitalised content word the tagger did not call a name ("Dieudonné" read as an
    adjective)."""
    n = len(parsed)
    spans = [(a, b) for a, b, _ in parsed.entities()]
    entity_starts = {a for a, _ in spans}
    named = {i for a, b in spans for i in range(a, b)}
    i = 0
    while i < n:
        if parsed.pos[i] == "PROPN" and i not in named:
            j = i
            while j + 1 < n and parsed.pos[j + 1] == "PROPN" and j + 1 not in named and parsed.ws[j]:
                j += 1
            spans.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    named = {i for a, b in spans for i in range(a, b)}
    first = next((k for k in range(n) if _WORD.search(parsed.text[k])), n)
    spans += [(i, i + 1) for i in range(n) if i not in named and parsed.text[i][:1].isupper()
              and parsed.text[i][-1:] not in "'’"
              and (parsed.pos[i] in _OPEN_CLASS if i == first else parsed.pos[i] not in _NOT_WORDS)]
    spans = _glued(parsed, sorted(spans))
    out = []
    for a, b in spans:
        lone = a == first and b == a + 1 and a not in entity_starts
        # an elided article the entity starts with ("L'Élysée") is not part of the name
        while a < b and parsed.text[a].lower().rstrip("'’") in ("l", "d") and parsed.text[a][-1:] in "'’":
            a += 1
        caps = [t.strip("'’-") for t in parsed.text[a:b] if t[:1].isupper() or t[:1].isdigit()]
        caps = [t for t in caps if _WORD.search(t)]
        if caps:
            out.append((parsed.span_text(a, b), caps, lone))
    return out


def _glued(parsed: "parse_layer.Parsed", spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with those written as one word joined: touching without a space, or across a hyphen token
    ("Kassym" "-" "Jomart")."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            touching = pb == a and not parsed.ws[pb - 1]
            hyphen = pb + 1 == a and parsed.text[pb] in ("-", "‐") and not parsed.ws[pb - 1] and not parsed.ws[pb]
            if touching or hyphen:
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


def _capitalised_names(sent: str, ref_words: set[str], ref_folded: str, lang: str) -> list[str]:
    """The capitalised words of a sentence that none of the references holds (the rule without a parser)."""
    out = []
    for k, m in enumerate(_CAPITALISED.finditer(sent)):
        tok = m.group(0)
        if lang in _ELIDING:
            tok = _ELIDED.sub("", tok)  # "l'Élysée", "d'Astana": the name after the article
        tok = tok.rstrip("'’-")
        if not tok[:1].isupper():
            continue
        base = re.sub(r"['’]s$", "", tok)
        folded = _fold(base)
        if _supported_word(tok, ref_words):
            continue
        if k == 0 and (folded in _COMMON_CAPS or folded in ref_folded):
            continue  # a sentence-initial word that is not a name
        out.append(base)
    return out


def unsupported_terms(summary: str, references: Sequence[str], lang: str = "en", names: str = "auto") -> list[str]:
    """Numbers, dates and names in summary that occur in none of the references, in order. names: "auto" finds
    names with the parse layer where it covers lang and is installed, else as capitalised words; "capitals"
    always as capitalised words."""
    ref_text = "\n".join(references)
    ref_nums = _numbers(ref_text)
    ref_words = _words(ref_text)
    ref_folded = _fold(ref_text)
    out: list[str] = []
    for m in _NUMBER.finditer(summary):
        digits = re.sub(r"\D", "", m.group(0))
        if digits and digits not in ref_nums and m.group(0).strip() not in out:
            out.append(m.group(0).strip())
    sentences = split_sentences(summary, lang) or [summary]
    if names not in ("auto", "capitals"):
        raise ValueError(f"names must be 'auto' or 'capitals', not {names!r}")
    parsed = parse_layer.parse(sentences, lang) if names == "auto" and lang in parse_layer.MODELS else None
    if parsed is not None and len(parsed) != len(sentences):
        parsed = None
    for k, sent in enumerate(sentences):
        if parsed is None:
            found = _capitalised_names(sent, ref_words, ref_folded, lang)
        else:
            # a single word starting a sentence outside any entity is often a capitalised word ("Faut",
            # "Oui"): the rule without a parser decides it
            found = [name for name, caps, lone in parsed_names(parsed[k])
                     if not all(_supported_word(w, ref_words) for w in caps)
                     and not (lone and (_fold(name) in _COMMON_CAPS or _fold(name) in ref_folded))]
        out.extend(t for t in dict.fromkeys(found) if t not in out)
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
