"""The first stage: normalise the text, identify its language, segment it. What every engine starts from."""

from __future__ import annotations

from dataclasses import dataclass, field

from .deadline import Deadline
from .errors import EmptyInputError, InputError, InputTooLargeError, UnsupportedLanguageError
from .settings import Settings
from .text.normalise import clean
from .text.segment import Document, segment

# How many "overlong sentence cut" notes are shown one by one before they are counted.
SHOWN_CUT_NOTES = 3


@dataclass
class Prepared:
    """An article ready for an engine: the segmented document, how its language was found, the metadata of an
    HTML page, and the warnings of this stage."""

    doc: Document
    confidence: float
    detected: bool
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.doc.lang


def check_lang(code: str, what: str) -> str:
    """A language code, lower-cased; UnsupportedLanguageError when it is not a known ISO 639 code."""
    from .text.langid import known_language

    code = code.strip().lower()
    if not known_language(code):
        raise UnsupportedLanguageError(f"unknown {what} language code '{code}' (use an ISO 639-1 code such as fr or en)")
    return code


def _language(text: str, lang: str | None, settings: Settings) -> tuple[str, float, bool, list[str]]:
    """The source language: the declared one (warned when the text looks otherwise) or the detected one."""
    from .text.langid import identify

    declared = not (lang is None or str(lang).strip().lower() in ("", "auto"))
    src = check_lang(str(lang), "source") if declared else ""
    guess = identify(text, settings.language.sample_chars)
    if not declared:
        if guess.lang == "und":
            raise EmptyInputError("input holds no words (only digits, punctuation or symbols)")
        notes = []
        if guess.confidence < settings.language.min_confidence:
            notes.append(f"language detection is unsure: {guess.lang} with confidence {guess.confidence:.2f}; "
                         "pass lang= to set it")
        return guess.lang, guess.confidence, True, notes
    notes = []
    if guess.lang not in (src, "und") and guess.confidence >= 0.9 and len(text) >= 80:
        notes.append(f"declared language {src} but the text looks like {guess.lang} "
                     f"(confidence {guess.confidence:.2f}); results may be poor")
    return src, 1.0, False, notes


def _foreign_paragraphs(doc: Document, deadline: Deadline, settings: Settings, target: str | None) -> list[str]:
    """Record on the document the paragraphs written in another language; one warning saying what happens to
    them (none when there are none)."""
    from .text.langid import foreign_paragraphs

    paras = doc.paragraphs
    found = foreign_paragraphs([" ".join(s.text for s in p) for p in paras], doc.lang, deadline)
    if not found:
        return []
    doc.paragraph_langs = {paras[i][0].paragraph: g.lang for i, g in found.items()}
    shown = ", ".join(f"{i + 1} ({g.lang}, {g.confidence:.2f})" for i, g in list(found.items())[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    if target is None or target == doc.lang:
        fate = "they are left as written (the article is not translated)"
    else:
        fates = []
        for lang in dict.fromkeys(g.lang for g in found.values()):
            if lang == target:
                fates.append(f"{lang}: kept as written")
            elif f"{lang}-{target}" in settings.apertium.routes:
                fates.append(f"{lang}: translated from {lang}")
            else:
                fates.append(f"{lang}: no route {lang}→{target}, translated as {doc.lang}")
        fate = "; ".join(fates)
    return [f"{len(found)} of {len(paras)} paragraphs look like another language than {doc.lang}: "
            f"paragraph {shown}{more} ({fate})"]


def _cut_notes(doc: Document) -> list[str]:
    if len(doc.warnings) > SHOWN_CUT_NOTES:
        return [*doc.warnings[:2], f"... and {len(doc.warnings) - 2} more overlong sentences were cut into pieces"]
    return list(doc.warnings)


def prepare(text: str, lang: str | None, settings: Settings, deadline: Deadline | None = None,
            target: str | None = None) -> Prepared:
    """Normalise → identify the language → segment. Raises InputError and its subclasses for unusable input,
    TimeLimitError past the deadline."""
    if not isinstance(text, str):
        raise InputError(f"text must be a str, not {type(text).__name__}")
    deadline = deadline or Deadline(settings.limits.timeout_s)
    limit = settings.limits.max_input_chars
    if len(text) > limit:
        raise InputTooLargeError(f"input has {len(text):,} characters, more than the limit of {limit:,} "
                                 "(raise limits.max_input_chars in the config to allow it)")
    cleaned = clean(text)
    deadline.check("cleaning the text")
    if not cleaned.text.strip():
        raise EmptyInputError("input holds no text" + (" after HTML extraction" if cleaned.warnings else ""))
    src, conf, detected, lang_notes = _language(cleaned.text, lang, settings)
    deadline.check("identifying the language")
    doc = segment(cleaned.text, src, deadline)
    if doc.words == 0:
        raise EmptyInputError("input holds no words (only punctuation or symbols)")
    warnings = [*cleaned.warnings, *lang_notes, *_foreign_paragraphs(doc, deadline, settings, target),
                *_cut_notes(doc)]
    return Prepared(doc, conf, detected, cleaned.metadata, warnings)
