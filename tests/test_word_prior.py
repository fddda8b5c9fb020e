"""The word prior of the expected-ROUGE choices: counts read back, malformed files refused, refinement only for the
languages it was counted on, and the packaged model's prior moving probabilities the way its counts say."""

from __future__ import annotations

import json

import numpy as np
import pytest

from briefsum.grading.compressor import load, packaged_model_path
from briefsum.grading.prior import USES, WordCounts


def _packaged():
    with np.load(packaged_model_path(), allow_pickle=False) as z:
        return {k: z[k] for k in z.files if k != "meta"}, json.loads(str(z["meta"]))


def test_counts_round_trip_through_model_arrays():
    counts = WordCounts({"paris": 0, "a": 1}, np.array([10, 40]), {"title": np.array([6, 1]),
                        "abstract": np.array([8, 10])}, {"title": 0.05, "abstract": 0.1}, 5.0)
    meta = {"base": counts.base, "alpha": counts.alpha}
    back = WordCounts.from_arrays(counts.arrays(), meta)
    assert back.index == counts.index and back.docs.tolist() == [10, 40]
    x = back.features(["paris", "a", "inconnu"], np.array([0.5, 0.5, 0.5]), "title")
    # a word that reaches the title often gets a higher rate than one that rarely does; an unknown word the base
    assert x[0, 1] > x[1, 1] and x[2, 2] == 0.0
    assert x[2, 1] == pytest.approx(np.log(0.05 / 0.95))
    assert back.features([], np.zeros(0), "title").shape == (0, 3)


@pytest.mark.parametrize("edit", [
    lambda a, m: a.__setitem__("prior/docs", a["prior/docs"][:-1]),            # counts and words disagree
    lambda a, m: a.__setitem__("prior/title", a["prior/docs"] + 1),            # more titles than articles
    lambda a, m: m.__setitem__("alpha", -1.0),
    lambda a, m: m.__setitem__("langs", []),
    lambda a, m: m.__setitem__("features", ["x"]),
    lambda a, m: a.pop("prior_title/value"),
])
def test_a_damaged_word_prior_makes_the_loader_fall_back(tmp_path, edit):
    arrays, meta = _packaged()
    assert meta.get("word_prior"), "the packaged compressor ships a word prior"
    edit(arrays, meta["word_prior"])
    bad = tmp_path / "bad.npz"
    np.savez_compressed(bad, meta=np.array(json.dumps(meta)), **arrays)
    with pytest.warns(RuntimeWarning, match="compressor model"):
        assert load(bad) is None


def test_without_a_prior_the_choices_read_the_word_models(tmp_path):
    arrays, meta = _packaged()
    meta.pop("word_prior")
    comp_probs = {"paris": 0.3}
    path = tmp_path / "plain.npz"
    np.savez_compressed(path, meta=np.array(json.dumps(meta)),
                        **{k: v for k, v in arrays.items() if not k.startswith(("prior/", "prior_"))})
    comp = load(path)
    assert comp is not None and comp.prior is None
    assert comp.word_probabilities(comp_probs, "title", "fr") == comp_probs


def test_the_packaged_prior_refines_french_only_and_follows_its_counts():
    comp = load()
    assert comp is not None and comp.prior is not None
    counts = comp.prior.counts
    # among frequent words, the one most / least often in a title when its article holds it
    frequent = [w for w, j in counts.index.items() if counts.docs[j] >= 500]
    rate = {w: counts.hits["title"][counts.index[w]] / counts.docs[counts.index[w]] for w in frequent}
    hi, lo = max(rate, key=rate.get), min(rate, key=rate.get)
    probs = {hi: 0.2, lo: 0.2}
    out = comp.word_probabilities(probs, "title", "fr")
    assert out[hi] > 0.2 > out[lo]
    assert comp.word_probabilities(probs, "title", "en") == probs
    for use in USES:
        assert set(comp.word_probabilities(probs, use, "fr")) == set(probs)
        assert all(0 < v < 1 for v in comp.word_probabilities(probs, use, "fr").values())
