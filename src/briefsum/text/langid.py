"""Language identification with lingua (its models ship inside the wheel: nothing is downloaded)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

_DETECTOR = None
_LOCK = threading.Lock()


@dataclass(frozen=True)
class LanguageGuess:
    """An ISO 639-1 code (or 'und' when nothing could be told) and a confidence in [0, 1]."""

    lang: str
    confidence: float


def _detector():
    global _DETECTOR
    with _LOCK:
        if _DETECTOR is None:
            from lingua import LanguageDetectorBuilder

            _DETECTOR = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
    return _DETECTOR


def identify(text: str, sample_chars: int = 4000) -> LanguageGuess:
    """Guess the language of a text from its first sample_chars characters."""
    sample = text[:sample_chars]
    if not any(ch.isalpha() for ch in sample):
        return LanguageGuess("und", 0.0)
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return LanguageGuess("und", 0.0)
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    return LanguageGuess(code, float(best.value))


def known_language(code: str) -> bool:
    """True when code is an ISO 639-1 code that lingua knows."""
    from lingua import IsoCode639_1

    try:
        IsoCode639_1.from_str(code.lower())
    except Exception:
        return False
    return True
