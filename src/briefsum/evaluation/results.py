"""A finished evaluation's results, shared by the summarisation and translation runs and read by the reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .data import DatasetSpec, Example


@dataclass
class RunResult:
    """A finished evaluation: the JSON-ready results, and per-document details for plots, files and the report.
    `outputs`, `per_doc` and `lengths` are the first system's; `systems` holds every system's."""

    results: dict[str, Any]
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)       # grade -> id -> text
    per_doc: list[dict[str, Any]] = field(default_factory=list)
    lengths: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # grade -> prediction/reference -> words
    systems: list[dict[str, Any]] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    spec: DatasetSpec | None = None


def words(text: str) -> int:
    """Words as briefsum's budgets count them."""
    from ..text.segment import count_words

    return count_words(text)
