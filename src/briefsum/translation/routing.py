"""A translator that sends each sentence through the route of its paragraph's language.

An article in one language may hold paragraphs in another (a quotation in English inside a French article):
those sentences go through their own language's route when there is one, are kept as they are when already in
the target language, and otherwise go through the article's route (and the result's warnings say so).
"""

from __future__ import annotations

from typing import Mapping, Sequence


class ParagraphRouter:
    """Wraps a translator; `langs` maps a sentence's text to the language it was found to be in."""

    def __init__(self, base, langs: Mapping[str, str]):
        self.base = base
        self.name = base.name
        self.langs = dict(langs)

    def supports(self, source: str, target: str) -> bool:
        return self.base.supports(source, target)

    def can_route(self, source: str, target: str) -> bool:
        if source == target:
            return True
        reason = getattr(self.base, "missing_reason", None)
        return self.base.supports(source, target) and (reason is None or reason(source, target) is None)

    def translate_sentences(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        groups: dict[str, list[int]] = {}
        for k, s in enumerate(sentences):
            lang = self.langs.get(s, source)
            groups.setdefault(lang if self.can_route(lang, target) else source, []).append(k)
        out: list[str] = [""] * len(sentences)
        for lang, idx in groups.items():
            batch = [sentences[k] for k in idx]
            done = batch if lang == target else self.base.translate_sentences(batch, lang, target)
            for k, t in zip(idx, done):
                out[k] = t
        return out

    def __getattr__(self, name):  # everything else (unknown words, close...) is the wrapped translator's
        return getattr(self.base, name)
