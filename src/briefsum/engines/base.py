"""The protocol every engine implements, and what an engine returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

from ..brief import GradeResult, Translation
from ..grading.budgets import GradeSpec
from ..text.segment import Document
from ..translation.base import Translator


@dataclass
class EngineResult:
    """What an engine hands back to the pipeline."""

    grades: dict[str, GradeResult]
    output_lang: str
    translation: Translation | None = None
    warnings: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)


@runtime_checkable
class Summariser(Protocol):
    """Writes graded summaries of a segmented document in the target language.

    `translator` is the one the pipeline's factory chose (translation.factory) for an engine that translates
    with a separate system, as the offline engine does with Apertium; an engine that loads its translation
    model together with its summariser (the neural engine) is handed None and refuses anything else."""

    name: str

    def run(
        self,
        doc: Document,
        grades: Sequence[GradeSpec],
        target: str | None,
        translator: Translator | None,
        want_translation: bool,
    ) -> EngineResult: ...
