"""Paired significance tests over per-document scores (ROUGE): paired bootstrap resampling and approximate
randomisation, both seeded and vectorised with numpy.

Both test the difference of mean per-document scores between a system and a baseline scored on the same
documents. Two-sided; a resample counts as extreme when its difference is at least as large as the observed one,
with the usual +1 correction, so p is never 0 and a system against itself gets p = 1. Fewer than two documents
give no p-value (NaN).

- paired bootstrap (Koehn 2004; with the null shifted to the observed mean, Berg-Kirkpatrick et al. 2012):
  resample documents with replacement, p = (1 + #{|mean* - obs| >= |obs|}) / (B + 1);
- approximate randomisation (Noreen 1989; Riezler & Maxwell 2005): swap the two systems' scores of each document
  with probability 1/2, p = (1 + #{|mean_swapped| >= |obs|}) / (R + 1).
"""

from __future__ import annotations

import numpy as np

CHUNK = 500  # resamples per matrix product: bounds memory at CHUNK x documents


def _diff(a, b) -> np.ndarray:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired scores need the same documents: shapes {a.shape} and {b.shape}")
    return b - a


def _tolerance(obs: float) -> float:
    # Differences equal to the observed one up to float rounding count as "at least as large".
    return 1e-9 * max(1.0, abs(obs))


def paired_bootstrap(baseline, system, n_samples: int = 1000, seed: int = 12345) -> float:
    """Two-sided p-value of mean(system) - mean(baseline) by paired bootstrap resampling of documents."""
    d = _diff(baseline, system)
    n = d.size
    if n < 2 or n_samples <= 0:   # one document: nothing to resample
        return float("nan")
    obs = float(d.mean())
    rng = np.random.default_rng(seed)
    extreme = 0
    for start in range(0, n_samples, CHUNK):
        m = min(CHUNK, n_samples - start)
        idx = rng.integers(0, n, size=(m, n))
        counts = np.bincount((idx + (np.arange(m) * n)[:, None]).ravel(), minlength=m * n).reshape(m, n)
        means = counts @ d / n
        extreme += int(np.sum(np.abs(means - obs) >= abs(obs) - _tolerance(obs)))
    return (extreme + 1) / (n_samples + 1)


def approximate_randomisation(baseline, system, n_trials: int = 10000, seed: int = 12345) -> float:
    """Two-sided p-value of mean(system) - mean(baseline) by approximate randomisation (per-document swaps)."""
    d = _diff(baseline, system)
    n = d.size
    if n < 2 or n_trials <= 0:
        return float("nan")
    obs = abs(float(d.mean()))
    rng = np.random.default_rng(seed)
    extreme = 0
    for start in range(0, n_trials, CHUNK):
        m = min(CHUNK, n_trials - start)
        signs = rng.integers(0, 2, size=(m, n)) * 2 - 1
        means = signs @ d / n
        extreme += int(np.sum(np.abs(means) >= obs - _tolerance(obs)))
    return (extreme + 1) / (n_trials + 1)
