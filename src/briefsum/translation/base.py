"""The protocol every translator implements."""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable


@runtime_checkable
class Translator(Protocol):
    """Translates sentences one to one: output i is the translation of input i."""

    name: str

    def supports(self, source: str, target: str) -> bool: ...

    def translate_sentences(self, sentences: Sequence[str], source: str, target: str) -> list[str]: ...
