"""Comparing systems scored on the same documents: every metric of every system beside the first one, with the
difference and the p-values of paired tests against it (briefsum.evaluation.significance for ROUGE)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .rouge import ROUGE_TYPES
from .significance import approximate_randomisation, paired_bootstrap

ALPHA = 0.05


def compare_rouge(scored: Sequence[dict[str, Any]], n_bootstrap: int = 1000, n_randomisation: int = 10000,
                  seed: int = 12345) -> dict[str, Any]:
    """Rows (grade, metric, system) with F1, CI, difference to the first system and paired p-values.

    `scored[i]` holds a system's "label", "grades" (corpus scores) and "per_doc" rows (id, grade, F1 per type).
    """
    base = scored[0]
    rows: list[dict[str, Any]] = []
    for g, gd in base["grades"].items():
        base_docs = {r["id"]: r for r in base["per_doc"] if r["grade"] == g}
        ids = list(base_docs)
        for t in ROUGE_TYPES:
            a = np.array([base_docs[i][t] for i in ids])
            for s in scored:
                if g not in s["grades"]:
                    continue
                docs = {r["id"]: r for r in s["per_doc"] if r["grade"] == g}
                entry = s["grades"][g]["scores"][t]
                row = {"grade": g, "metric": t, "system": s["label"], "f": entry["f"], "ci95": entry.get("ci95"),
                       "n": len(ids), "delta": None, "p_bootstrap": None, "p_randomisation": None}
                if s is not base:
                    b = np.array([docs[i][t] if i in docs else 0.0 for i in ids])
                    row["delta"] = round(float(b.mean() - a.mean()), 4)
                    if n_bootstrap:
                        row["p_bootstrap"] = _round(paired_bootstrap(a, b, n_bootstrap, seed))
                    if n_randomisation:
                        row["p_randomisation"] = _round(approximate_randomisation(a, b, n_randomisation, seed))
                    row["significant"] = _significant(row)
                rows.append(row)
    return {"baseline": base["label"], "alpha": ALPHA,
            "tests": {"paired_bootstrap": n_bootstrap, "approximate_randomisation": n_randomisation,
                      "seed": seed, "unit": "document", "statistic": "difference of mean per-document F1",
                      "implementation": "briefsum (numpy)"},
            "rows": rows}


def _round(p: float) -> float | None:
    return None if p != p else round(p, 4)   # NaN (too few documents): no p-value


def _significant(row: dict) -> bool | None:
    ps = [p for p in (row.get("p_bootstrap"), row.get("p_randomisation")) if p is not None]
    return all(p < ALPHA for p in ps) if ps else None


def compare_translation(named: Sequence[tuple[str, Sequence[str]]], references, n_bootstrap: int = 1000,
                        n_randomisation: int = 10000, seed: int = 12345) -> dict[str, Any]:
    """sacrebleu's paired bootstrap and approximate randomisation for BLEU, chrF, chrF++ and TER.

    sacrebleu counts only resamples with a strictly larger difference, so a system whose every line equals the
    first system's would get its smallest p-value; such a system is reported with p = 1 (no difference to test).
    """
    from .translation import METRICS, paired_tests

    tests = paired_tests(named, references, n_bootstrap, n_randomisation, seed)
    first = list(named[0][1])
    same = [list(h) == first for _, h in named]
    rows = []
    for m in METRICS:
        base_score = tests[m]["systems"][0]["score"]
        for k, r in enumerate(tests[m]["systems"]):
            row = {"metric": m, "system": r["name"], "score": r["score"], "ci95": r["ci95"],
                   "signature": tests[m]["signature"], "delta": None, "p_bootstrap": None, "p_randomisation": None}
            if k:
                row["delta"] = round(r["score"] - base_score, 2)
                for key in ("p_bootstrap", "p_randomisation"):
                    row[key] = 1.0 if same[k] and r[key] is not None else r[key]
                row["identical_to_first"] = same[k]
                row["significant"] = _significant(row)
            rows.append(row)
    return {"baseline": named[0][0], "alpha": ALPHA,
            "tests": {"paired_bootstrap": n_bootstrap, "approximate_randomisation": n_randomisation, "seed": seed,
                      "unit": "sentence", "implementation": "sacrebleu.significance.PairedTest"},
            "rows": rows}
