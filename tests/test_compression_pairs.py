"""Words that go together: a modifier that makes one unit with the word beside it ("les réseaux sociaux", "feu
vert", counted on OrangeSum train) is not deleted alone. Each case is one seen in held-out outputs, rebuilt as a
hand-made parse, beside a neighbouring form that still goes as before."""

from __future__ import annotations

import json

import numpy as np
import pytest

from briefsum.grading import compressor as C
from briefsum.grading.deletion import candidates
from briefsum.text.parse import Parsed
from hand_parses import hand_parse


def _spans(p: Parsed, fixed: frozenset = frozenset()) -> dict[str, frozenset[int]]:
    return {" ".join(p.text[i] for i in sorted(c.tokens)): c.tokens for c in candidates(p, fixed)}


def _networks() -> Parsed:
    # "Les événements se multiplient sur les réseaux sociaux pour fédérer les gilets ."
    rows = [("Les", "DET", "det", 1), ("événements", "NOUN", "nsubj", 3), ("se", "PRON", "expl:pass", 3),
            ("multiplient", "VERB", "ROOT", 3), ("sur", "ADP", "case", 6), ("les", "DET", "det", 6),
            ("réseaux", "NOUN", "obl:mod", 3), ("sociaux", "ADJ", "amod", 6), ("pour", "ADP", "mark", 9),
            ("fédérer", "VERB", "advcl", 3), ("les", "DET", "det", 11), ("militants", "NOUN", "obj", 9),
            ("nombreux", "ADJ", "amod", 11), (".", "PUNCT", "punct", 3)]
    return hand_parse(rows, ("multiplient",))


def test_a_fixed_pair_is_not_parted():
    p = _networks()
    assert "sociaux" in _spans(p)  # without the list, the adjective may go alone
    spans = _spans(p, frozenset({("réseaux", "sociaux")}))
    assert "sociaux" not in spans
    assert "nombreux" in spans  # an adjective outside the list still goes
    assert "sur les réseaux sociaux" in spans  # and the pair may go whole


def test_a_pair_counts_only_side_by_side_and_alone():
    # "Ils aident les personnes âgées de 65 ans ." : the adjective with its complement may go whole
    rows = [("Ils", "PRON", "nsubj", 1), ("aident", "VERB", "ROOT", 1), ("les", "DET", "det", 3),
            ("personnes", "NOUN", "obj", 1), ("âgées", "ADJ", "amod", 3), ("de", "ADP", "case", 7),
            ("65", "NUM", "nummod", 7), ("ans", "NOUN", "obl:arg", 4), (".", "PUNCT", "punct", 1)]
    fixed = frozenset({("personnes", "âgées")})
    assert "âgées de 65 ans" in _spans(hand_parse(rows, ("aident",)), fixed)
    # "... les militants très nombreux ." : the adjective with its adverb is more than the listed word
    rows = [("Ils", "PRON", "nsubj", 1), ("fédèrent", "VERB", "ROOT", 1), ("les", "DET", "det", 3),
            ("militants", "NOUN", "obj", 1), ("très", "ADV", "advmod", 5), ("nombreux", "ADJ", "amod", 3),
            (".", "PUNCT", "punct", 1)]
    p = hand_parse(rows, ("fédèrent",))
    assert "très nombreux" in _spans(p, frozenset({("militants", "nombreux")}))
    p = _networks()
    p.head[12] = 6  # "nombreux" hung on "réseaux", five words away: not the pair
    assert "nombreux" in _spans(p, frozenset({("réseaux", "nombreux")}))
    p.head[12] = 11
    assert "nombreux" not in _spans(p, frozenset({("militants", "nombreux")}))


def test_the_model_file_reads_its_fixed_pairs(tmp_path):
    comp = C.load()
    assert comp is not None
    with np.load(C.packaged_model_path(), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"]))
    good = tmp_path / "good.npz"
    np.savez_compressed(good, meta=np.array(json.dumps({**meta, "fixed_pairs": {"pairs": ["feu vert"]}})), **arrays)
    assert C.LearnedCompressor.from_file(good).fixed_pairs == frozenset({("feu", "vert")})
    bad = tmp_path / "bad.npz"
    np.savez_compressed(bad, meta=np.array(json.dumps({**meta, "fixed_pairs": {"pairs": ["feu"]}})), **arrays)
    with pytest.raises(ValueError, match="fixed_pairs"):
        C.LearnedCompressor.from_file(bad)
