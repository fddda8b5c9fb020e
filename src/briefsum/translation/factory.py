"""Choosing the translator an engine is handed: Apertium for the offline engine, routed by paragraph language."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..deadline import Deadline
from ..settings import Settings
from ..text.segment import Document
from .base import Translator


@dataclass
class Choice:
    """The translator to hand an engine (None: nothing to translate, or no route), and the warnings of choosing."""

    translator: Translator | None
    warnings: list[str] = field(default_factory=list)
    plain: Translator | None = None  # the translator before routing by paragraph (it keeps the unknown words)


def apertium(settings: Settings, deadline: Deadline | None = None):
    """An Apertium translator with the configured routes; its process timeout never exceeds the time left."""
    from .apertium import ApertiumTranslator

    ap = settings.apertium
    timeout = settings.limits.backend_timeout_s
    left = deadline.remaining() if deadline is not None else None
    if left is not None:
        timeout = max(0.5, min(timeout, left))
    return ApertiumTranslator(ap.routes, ap.packages, ap.binary, timeout, allow_custom_binary=ap.allow_custom_binary,
                              pivot_unknowns=ap.pivot_unknowns)


def offline_translator(settings: Settings, deadline: Deadline | None = None):
    """The translator `engine.translator` names (apertium, the one there is)."""
    if settings.translator == "apertium":
        return apertium(settings, deadline)
    raise ValueError(f"no translator named {settings.translator!r}")  # the schema admits only the known ones


def prestarted(settings: Settings, lang: str | None, target: str | None, engine: str):
    """An Apertium translator whose pipeline for the likely pair is already loading (None when not useful)."""
    guess = str(lang or "").strip().lower()
    if guess in ("", "auto"):
        guess = settings.apertium.prestart
    if engine == "neural" or target is None or not guess or guess == target:
        return None
    tr = offline_translator(settings)
    tr.prestart(guess, target)
    return tr


def routed(tr: Translator | None, doc: Document) -> Translator | None:
    """The translator, wrapped to route the sentences of other-language paragraphs (when there are any)."""
    langs = doc.paragraph_langs
    if tr is None or not langs:
        return tr
    from .routing import ParagraphRouter

    return ParagraphRouter(tr, {s.text: langs[s.paragraph] for s in doc.sentences if s.paragraph in langs})


def choose(settings: Settings, doc: Document, target: str | None, early=None,
           deadline: Deadline | None = None) -> Choice:
    """The offline engine's translator for a document: none when the target is the source language or when
    no route is installed (a warning says the summaries stay in the source language)."""
    src = doc.lang
    if target is None or target == src:
        return Choice(None)
    tr = early if early is not None else offline_translator(settings, deadline)
    if early is not None and deadline is not None and deadline.remaining() is not None:
        tr.timeout = max(0.5, min(tr.timeout, deadline.remaining()))
    reason = tr.missing_reason(src, target)
    if reason:
        return Choice(None, [f"not translated: {reason}; the summaries are in the source language ({src})"])
    return Choice(routed(tr, doc), [], tr)


def untranslated_notes(tr: Translator | None, src: str, target: str | None, settings: Settings) -> list[str]:
    """The translator's words it could not translate, as warnings (none when nothing was translated)."""
    unknown = getattr(tr, "unknown", None)
    if unknown is None:
        return []
    return unknown.warnings(src, settings.apertium.pivot(src, target))
