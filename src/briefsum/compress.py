"""Sentence compression for headlines: drop what a headline does without, keep it grammatical.

Rules, applied in order, each only when what remains still reads as a sentence:
parentheticals, leading connectives and attributions ("Selon X, ..."), trailing attributions
("..., a-t-il déclaré", "..., he said"), relative clauses set off by commas, then a cut at a clause
boundary if the sentence is still over budget.
"""

from __future__ import annotations

import re

from .text.segment import count_words

_PARENS = re.compile(r"\s*\([^()]{0,200}\)")
_DASH_ASIDE = re.compile(r"\s+[–—]\s+[^–—]{1,160}?\s+[–—](?=[\s,.;:])")

_LEADING = {
    "fr": re.compile(
        r"^(?:(?:mais|et|or|donc|ainsi|alors|pourtant|cependant|toutefois|néanmoins|en effet|de fait|"
        r"par ailleurs|en outre|de plus|d'ailleurs|en revanche|autrement dit|en d'autres termes|"
        r"dans le même temps|au final|finalement|enfin|aussi|bref|certes|"
        r"(?:selon|d'après|pour) [^,]{1,60}|"
        r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd'hui|ce matin|ce soir)(?: \d{1,2}(?: \w+)?)?|"
        r"le (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} \w+|"
        r"[A-ZÀ-Ý][\wéèêàâîôûç'-]*(?:é|ée|és|ées|is|ise|ises|it|ite|its|ites|ant|u|ue|us|ues) [^,]{1,80})"
        r"\s*,\s*|(?:mais|et|or|donc|pourtant)\s+)",
        re.I,
    ),
    "en": re.compile(
        r"^(?:(?:but|and|so|however|meanwhile|moreover|furthermore|in addition|indeed|in fact|"
        r"still|yet|also|finally|instead|in other words|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
        r"(?:according to|for) [^,]{1,60})\s*,\s*|(?:but|and|so|yet)\s+)",
        re.I,
    ),
}

_TRAILING = {
    "fr": re.compile(
        r",\s*(?:a|ont|avait|avaient|aurait|auraient)-t?-?(?:il|elle|ils|elles|on)\s+[\wéèêàûô'-]+(?:\s[^,.]{0,60})?\s*(?=[.!?]?\s*$)"
        r"|,\s*(?:selon|d'après|a (?:déclaré|indiqué|affirmé|expliqué|assuré|souligné|estimé|précisé|annoncé|rapporté|ajouté|confié|reconnu)|"
        r"(?:déclare|indique|affirme|explique|assure|souligne|estime|précise|annonce|rapporte|ajoute|confie|reconnaît)|"
        r"(?:rapporte|indique|précise|écrit|explique) (?:le|la|les|l')) [^,.]{1,80}\s*(?=[.!?]?\s*$)",
        re.I,
    ),
    "en": re.compile(
        r",\s*(?:(?:he|she|they|it|officials|police) (?:said|says|told [^,.]{1,40}|added|explained|noted)"
        r"|according to [^,.]{1,80}|said [^,.]{1,80}|[A-Z][^,.]{0,60} (?:said|says|told [^,.]{1,40}))\s*(?=[.!?]?\s*$)"
    ),
}

_RELATIVE = {
    "fr": re.compile(r",\s+(?:qui|que|qu'|dont|où|lequel|laquelle|lesquels|lesquelles)\b[^,;:]{1,120},", re.I),
    "en": re.compile(r",\s+(?:who|which|whose|whom|where)\b[^,;:]{1,120},", re.I),
}

_CLAUSE_BOUNDARY = re.compile(r"\s*(?:;|:|\s[–—]\s)\s*")


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = text.strip(" ,;:–—")
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def _apply(pattern: re.Pattern, text: str, repl: str, min_words: int) -> str:
    new = _tidy(pattern.sub(repl, text, count=1))
    return new if count_words(new) >= min_words else text


def compress(sentence: str, lang: str, max_words: int, min_words: int = 4) -> str:
    """Shorten a sentence into a headline of at most about max_words words (no final full stop)."""
    key = "fr" if lang == "fr" else "en"
    text = _tidy(sentence)
    text = _apply(_PARENS, text, "", min_words)
    text = _apply(_DASH_ASIDE, text, "", min_words)
    for _ in range(2):
        text = _apply(_LEADING[key], text, "", min_words)
    text = _apply(_TRAILING[key], text, "", min_words)
    while count_words(text) > max_words:
        new = _apply(_RELATIVE[key], text, ",", min_words)
        new = re.sub(r",,", ",", new)
        if new == text:
            break
        text = new
    if count_words(text) > max_words:
        parts = [p for p in _CLAUSE_BOUNDARY.split(text) if p]
        if len(parts) > 1:
            first = _tidy(parts[0])
            if min_words <= count_words(first) <= max_words:
                text = first
    text = text.rstrip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text
