"""Aggregation: seeded, vectorised bootstrap confidence intervals and length statistics."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def bootstrap_means(scores: np.ndarray, n_samples: int = 1000, seed: int = 12345) -> np.ndarray:
    """Means of `n_samples` bootstrap resamples of the rows of `scores` (shape (n,) or (n, m)).

    The same resampled documents are used for every column, so metrics stay paired.
    """
    x = np.asarray(scores, dtype=np.float64)
    squeeze = x.ndim == 1
    if squeeze:
        x = x[:, None]
    n = x.shape[0]
    if n == 0 or n_samples <= 0:
        out = np.full((max(n_samples, 0), x.shape[1]), np.nan)
        return out[:, 0] if squeeze else out
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_samples, n))
    # How often each document is drawn in each resample, then one matrix product for all means.
    counts = np.bincount((idx + (np.arange(n_samples) * n)[:, None]).ravel(), minlength=n_samples * n)
    means = counts.reshape(n_samples, n).astype(np.float64) @ x / n
    return means[:, 0] if squeeze else means


def bootstrap_ci(scores: np.ndarray, n_samples: int = 1000, seed: int = 12345,
                 confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap confidence interval of the mean: (low, high), per column of `scores`."""
    means = bootstrap_means(scores, n_samples, seed)
    if means.shape[0] == 0:
        shape = np.asarray(scores).shape[1:]
        return np.full(shape, np.nan), np.full(shape, np.nan)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(means, [tail, 100.0 - tail], axis=0)
    return low, high


def length_stats(lengths: Sequence[int]) -> dict:
    """Mean, median, min, max and count of a list of lengths (in words)."""
    a = np.asarray(list(lengths), dtype=np.float64)
    if a.size == 0:
        return {"n": 0, "mean": None, "median": None, "min": None, "max": None}
    return {"n": int(a.size), "mean": round(float(a.mean()), 2), "median": float(np.median(a)),
            "min": int(a.min()), "max": int(a.max())}
