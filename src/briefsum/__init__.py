"""briefsum: translate news articles to English and write graded summaries.

Public API: summarise, summarise_many, translate, Brief, Translation, GradeResult, and the errors in briefsum.errors.
Importing briefsum is cheap: nothing heavy (torch, transformers, models) loads until it is needed.
"""

from __future__ import annotations

from .brief import AlignedSentence, Brief, GradeResult, Translation
from .errors import (
    BackendError,
    BatchError,
    BriefsumError,
    ConfigError,
    EmptyInputError,
    EvalDataError,
    InputError,
    InputTooLargeError,
    ModelUnavailable,
    TimeLimitError,
    UnknownGradeError,
    UnsupportedLanguageError,
)

__version__ = "0.1.0"

__all__ = [
    "summarise", "summarize", "summarise_many", "summarize_many", "translate", "Brief", "Translation", "GradeResult",
    "AlignedSentence", "BriefsumError", "InputError", "EmptyInputError", "InputTooLargeError",
    "UnsupportedLanguageError", "UnknownGradeError", "ConfigError", "ModelUnavailable", "BackendError", "BatchError",
    "EvalDataError", "__version__",
    "TimeLimitError",
]


def summarise(text, lang="auto", target="en", grades=None, engine=None, config=None, translation=False):
    """Summarise an article into graded summaries; see briefsum.api.summarise."""
    from .api import summarise as _summarise

    return _summarise(text, lang=lang, target=target, grades=grades, engine=engine, config=config,
                      translation=translation)


summarize = summarise


def summarise_many(texts, lang="auto", target="en", grades=None, engine=None, config=None, translation=False,
                   errors="raise"):
    """Summarise many articles (the neural engine batches across them); see briefsum.api.summarise_many."""
    from .api import summarise_many as _many

    return _many(texts, lang=lang, target=target, grades=grades, engine=engine, config=config,
                 translation=translation, errors=errors)


summarize_many = summarise_many


def translate(text, source="auto", target="en", config=None, engine=None):
    """Translate a text sentence by sentence; see briefsum.api.translate."""
    from .api import translate as _translate

    return _translate(text, source=source, target=target, config=config, engine=engine)
