"""Planning a neural run: the strategy, and every model it needs found on disk, without importing torch."""

from __future__ import annotations

from typing import Mapping

from ...settings import Settings
from ...errors import ModelUnavailable
from ..registry import Located, ModelEntry, find_entry, locate

STRATEGIES = ("translate-summarise", "summarise-translate", "direct")


def missing_model(task: str, key: str) -> ModelUnavailable:
    """The error for a registry slot that names no model."""
    return ModelUnavailable(f"no {task} model is configured for {key} "
                            f"(set models.{task}.{key}.model to a hub id or a folder)")


def plan(settings: Settings, source: str, target: str | None,
         models: Mapping[str, str] | None = None) -> tuple[str, dict[str, tuple[ModelEntry, Located]], list[str]]:
    """Pick the strategy and find every model it needs on disk. An optional role (the headline model) whose
    model is not usable leaves its work to the summariser, with a note saying so."""
    strategy = settings.neural.strategy
    translate = target is not None and target != source
    need: dict[str, tuple[str, str]] = {}
    if not translate:
        strategy = "direct" if strategy == "direct" else "summarise-translate"
    if strategy == "translate-summarise":
        need = {"translator": ("translation", f"{source}-{target}"), "summariser": ("summarisation", target)}
        head_lang = target
    elif strategy == "summarise-translate" and find_entry(settings, "summarisation", source, models) is not None:
        need = {"summariser": ("summarisation", source)}
        head_lang = source
    else:  # direct, or no summariser for the source language: the multilingual model
        strategy = "direct"
        need = {"summariser": ("multilingual", source)}
        head_lang = None
    entries: dict[str, tuple[ModelEntry, Located]] = {}
    for role, (task, key) in need.items():
        entry = find_entry(settings, task, key, models)
        if entry is None:
            raise missing_model(task, key)
        entries[role] = (entry, locate(settings, entry))
    sum_entry = entries["summariser"][0]
    out_lang = target if strategy == "translate-summarise" else source
    if strategy == "direct" and sum_entry.settings.get("output_lang", "source") != "source":
        out_lang = str(sum_entry.settings["output_lang"])
    if translate and out_lang != target:
        entry = find_entry(settings, "translation", f"{out_lang}-{target}", models)
        if entry is None:
            raise missing_model("translation", f"{out_lang}-{target}")
        entries["translator"] = (entry, locate(settings, entry))
    notes: list[str] = []
    if head_lang is not None:
        head = find_entry(settings, "headline", head_lang, models)
        if head is not None:
            try:
                entries["headline"] = (head, locate(settings, head))
            except ModelUnavailable as exc:
                notes.append(f"headline model unavailable, the summariser wrote the headline: {exc}")
    return strategy, entries, notes

