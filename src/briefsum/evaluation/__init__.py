"""Evaluation harness: datasets, ROUGE / BLEU / chrF metrics with signatures, baselines and reports.

Nothing heavy is imported here; the `datasets` library, sacrebleu and matplotlib load only when used.
"""

from __future__ import annotations

__all__ = ["Rouge", "RougeSettings", "bootstrap_ci"]


def __getattr__(name: str):
    if name in ("Rouge", "RougeSettings"):
        from . import rouge

        return getattr(rouge, name)
    if name == "bootstrap_ci":
        from .stats import bootstrap_ci

        return bootstrap_ci
    raise AttributeError(name)
