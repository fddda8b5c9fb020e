"""Result types: a Brief (graded summaries) and a Translation, each serialisable to JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class GradeResult:
    """One graded summary: its text, where it came from, and whether anything was cut."""

    name: str
    text: str
    source_indices: list[int]
    words: int
    max_words: int
    language: str
    truncated: bool = False
    method: str = "extractive"
    # How each source sentence was shortened, where the engine compresses: one entry per sentence of
    # source_indices, {"index", "compressed" (bool), "source_words", "words"}; empty where nothing was compressed.
    compression: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AlignedSentence:
    """A source sentence, its translation and its position in the article."""

    index: int
    paragraph: int
    source: str
    target: str


@dataclass
class Translation:
    """A sentence-aligned translation of a text."""

    source_lang: str
    target_lang: str
    sentences: list[AlignedSentence]
    engine: str
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The translated text, one paragraph a line, as in the source."""
        paras: list[list[str]] = []
        last = None
        for s in self.sentences:
            if s.paragraph != last:
                paras.append([])
                last = s.paragraph
            paras[-1].append(s.target)
        return "\n\n".join(" ".join(p) for p in paras)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "engine": self.engine,
            "text": self.text,
            "sentences": [asdict(s) for s in self.sentences],
            "warnings": list(self.warnings),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


@dataclass
class Brief:
    """Graded summaries of one article, with language, provenance and every warning."""

    source_lang: str
    lang_confidence: float
    lang_detected: bool
    target_lang: str | None
    output_lang: str
    grades: dict[str, GradeResult]
    engine: str
    models: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    translation: Translation | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, grade: str) -> str:
        return self.grades[grade].text

    @property
    def headline(self) -> str | None:
        g = self.grades.get("headline")
        return g.text if g else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_lang": self.source_lang,
            "lang_confidence": round(self.lang_confidence, 4),
            "lang_detected": self.lang_detected,
            "target_lang": self.target_lang,
            "output_lang": self.output_lang,
            "engine": self.engine,
            "models": dict(self.models),
            "grades": {k: v.to_dict() for k, v in self.grades.items()},
            "translation": self.translation.to_dict() if self.translation else None,
            "warnings": list(self.warnings),
            "metadata": dict(self.metadata),
            "stats": dict(self.stats),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
