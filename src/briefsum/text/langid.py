"""Language identification with lingua (its models ship inside the wheel: nothing is downloaded).

lingua loads a model per candidate language on first use, about 15 ms each: asking it about all 75 languages
costs some 0.7 s, more than the rest of an offline run. A long text that is plainly French, English or Spanish
(function words of that language make up a large share of its words, clearly more than of the others) is
therefore first decided by lingua among that language and its close neighbours only; that answer is kept when
lingua confirms the language with near certainty. Anything else (short, mixed, other languages, a neighbour
winning, any doubt) is decided among all languages, exactly as before.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

_DETECTORS: dict = {}
_LOCK = threading.Lock()

# Function words (lower case, split at apostrophes), a few dozen of the most frequent per language.
_FUNCTION_WORDS = {
    "fr": frozenset("""le la les l un une des du de d et à au aux en dans par pour sur avec sans sous entre est
        sont a ont été être était il elle ils elles on nous vous je ce cette ces cet qui que qu dont où ne n pas
        plus se s sa son ses leur leurs mais ou donc comme y lui aussi après avant selon""".split()),
    "en": frozenset("""the a an of and to in on at for with by from into about is are was were be been being
        has have had it its this that these those which who whom not but or as he she they we you his her
        their there will would can could after before also than""".split()),
    "es": frozenset("""el la los las un una unos unas de del y e en con por para sin sobre entre es son fue
        fueron ha han había que se su sus lo le les al como pero más muy no ni este esta estos estas ese esa
        ya también según cuando donde""".split()),
}
# Candidates lingua weighs for a text that looks like the key: the language and those it can be mistaken for.
_NEIGHBOURS = {
    "fr": ("fr", "en", "es", "ca", "it", "pt"),
    "en": ("en", "fr", "es", "de", "nl"),
    "es": ("es", "en", "fr", "ca", "it", "pt"),
}
_MIN_WORDS = 40         # fewer words: always all languages
_MIN_SHARE = 0.25       # share of the text's words that are function words of the candidate
_MIN_LEAD = 0.10        # ...and by how much that share beats the next language's
_MIN_CONFIDENCE = 1.0   # lingua among the neighbours must be certain (to double precision) to keep the answer
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LanguageGuess:
    """An ISO 639-1 code (or 'und' when nothing could be told) and a confidence in [0, 1]."""

    lang: str
    confidence: float


def _detector(codes: tuple[str, ...] | None = None):
    """A low-accuracy lingua detector over these languages (None: all). Models load on first use and are
    shared between detectors."""
    with _LOCK:
        det = _DETECTORS.get(codes)
        if det is None:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            if codes is None:
                builder = LanguageDetectorBuilder.from_all_languages()
            else:
                builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(IsoCode639_1.from_str(c) for c in codes))
            det = _DETECTORS[codes] = builder.with_low_accuracy_mode().build()
    return det


def _likely(sample: str) -> str | None:
    """The language whose function words clearly dominate a long sample, else None."""
    words = _WORD.findall(sample.lower())
    if len(words) < _MIN_WORDS:
        return None
    shares = sorted(((sum(w in fw for w in words) / len(words), lang) for lang, fw in _FUNCTION_WORDS.items()),
                    reverse=True)
    (best, lang), (second, _) = shares[0], shares[1]
    return lang if best >= _MIN_SHARE and best - second >= _MIN_LEAD else None


def _best(values) -> LanguageGuess:
    if not values:
        return LanguageGuess("und", 0.0)
    best = values[0]
    return LanguageGuess(best.language.iso_code_639_1.name.lower(), float(best.value))


def identify(text: str, sample_chars: int = 4000) -> LanguageGuess:
    """Guess the language of a text from its first sample_chars characters."""
    sample = text[:sample_chars]
    if not any(ch.isalpha() for ch in sample):
        return LanguageGuess("und", 0.0)
    likely = _likely(sample)
    if likely is not None:
        guess = _best(_detector(_NEIGHBOURS[likely]).compute_language_confidence_values(sample))
        if guess.lang == likely and guess.confidence >= _MIN_CONFIDENCE:
            return guess
    return _best(_detector().compute_language_confidence_values(sample))


def known_language(code: str) -> bool:
    """True when code is an ISO 639-1 code that lingua knows."""
    from lingua import IsoCode639_1

    try:
        IsoCode639_1.from_str(code.lower())
    except Exception:
        return False
    return True


# Paragraphs shorter than this are not checked on their own (too little text to tell a language by).
PARAGRAPH_MIN_WORDS = 20
PARAGRAPH_MIN_CONFIDENCE = 0.9
MAX_PARAGRAPHS_CHECKED = 200


def _plainly(text: str, lang: str) -> bool:
    """True when the function words of lang make up a good share of the text's words, more than any other
    language's: plainly that language, no need to ask lingua (which would load every language's model)."""
    if lang not in _FUNCTION_WORDS:
        return False
    words = _WORD.findall(text.lower())
    shares = {k: sum(w in fw for w in words) / max(1, len(words)) for k, fw in _FUNCTION_WORDS.items()}
    return shares[lang] >= 0.2 and all(shares[lang] > v for k, v in shares.items() if k != lang)


def foreign_paragraphs(paragraphs: list[str], lang: str, deadline=None) -> dict[int, LanguageGuess]:
    """Paragraphs (by index) that are confidently in another language than `lang`: an English quotation in a
    French article, a German paragraph pasted in. Checks the first MAX_PARAGRAPHS_CHECKED long paragraphs."""
    out: dict[int, LanguageGuess] = {}
    if len(paragraphs) < 2:
        return out
    checked = 0
    for i, para in enumerate(paragraphs):
        if len(_WORD.findall(para)) < PARAGRAPH_MIN_WORDS:
            continue
        if checked >= MAX_PARAGRAPHS_CHECKED:
            break
        checked += 1
        if _plainly(para, lang):
            continue
        if deadline is not None:
            deadline.check("identifying the language of each paragraph")
        guess = identify(para, 2000)
        if guess.lang not in (lang, "und") and guess.confidence >= PARAGRAPH_MIN_CONFIDENCE:
            out[i] = guess
    return out
