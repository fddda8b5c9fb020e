"""Gradient-boosted trees exported as flat numpy arrays, and evaluated with numpy alone (no pickle, no LightGBM
at run time): the learned scorer's heads and the learned compressor's."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class TreeEnsemble:
    """Gradient-boosted regression trees as flat arrays: prediction = base + sum of leaf values."""

    feature: np.ndarray     # (nodes,) int: feature index of each split node
    threshold: np.ndarray   # (nodes,) float: go left when x <= threshold
    left: np.ndarray        # (nodes,) int: left child (absolute index)
    right: np.ndarray       # (nodes,) int: right child (absolute index)
    value: np.ndarray       # (nodes,) float: leaf value
    leaf: np.ndarray        # (nodes,) bool
    roots: np.ndarray       # (trees,) int: root node of each tree
    depth: int
    base: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds for a classifier) for rows of x."""
        if x.shape[0] == 0:
            return np.zeros(0)
        node = np.broadcast_to(self.roots, (x.shape[0], self.roots.size)).copy()
        rows = np.arange(x.shape[0])[:, None]
        for _ in range(self.depth):
            is_leaf = self.leaf[node]
            if is_leaf.all():
                break
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            nxt = np.where(go_left, self.left[node], self.right[node])
            node = np.where(is_leaf, node, nxt)
        return self.base + self.value[node].sum(axis=1)


@dataclass
class Head:
    """One scoring head: a tree ensemble over standardised-or-raw features."""

    trees: TreeEnsemble

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores for rows of x (higher is better)."""
        return self.trees.predict(x)


def head_from_arrays(z, prefix: str, n_features: int) -> Head:
    """A tree ensemble exported under `prefix/` in a model file (arrays as training/train_scorer.py's export_lgb writes
    them), its indices checked."""
    g = lambda k: z[f"{prefix}/{k}"]  # noqa: E731
    t = TreeEnsemble(
        feature=g("feature").astype(np.intp), threshold=g("threshold").astype(np.float64),
        left=g("left").astype(np.intp), right=g("right").astype(np.intp), value=g("value").astype(np.float64),
        leaf=g("leaf").astype(bool), roots=g("roots").astype(np.intp), depth=int(g("depth")), base=float(g("base")),
    )
    n = t.feature.size
    if not (t.threshold.size == t.left.size == t.right.size == t.value.size == t.leaf.size == n):
        raise ValueError(f"{prefix}: tree arrays differ in length")
    t.feature[t.leaf] = 0  # leaves are never split on; keep their index in range for the vectorised walk
    if t.feature.size and t.feature.min() < 0:
        raise ValueError(f"{prefix}/feature holds a negative index")
    for name, arr in (("left", t.left), ("right", t.right), ("roots", t.roots)):
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            raise ValueError(f"{prefix}/{name} points outside the tree arrays")
    if t.feature[~t.leaf].size and t.feature[~t.leaf].max() >= n_features:
        raise ValueError(f"{prefix}/feature refers to an unknown feature")
    return Head(t)
