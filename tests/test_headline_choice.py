"""The headline chosen with its form by expected ROUGE: the estimate, the choice, its settings in the model file,
and the engine's use of it (a subsequence of a top sentence, budgets and nesting kept, deterministic)."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest

from briefsum import summarise
from briefsum.engines.offline.learned import LearnedScorer
from briefsum.grading.choice import HeadlineChoice, choose, expected_f1
from briefsum.grading.compressor import load, packaged_model_path
from briefsum.text import parse
from briefsum.text.segment import segment

from test_compression import ARTICLE

_WORD = re.compile(r"\w+")
TITLE_WORDS = {"ministre": 0.9, "accord": 0.5, "signe": 0.1}


def test_expected_f1_counts_distinct_words_and_adjacent_pairs():
    off = HeadlineChoice(length=7.0, bigram=0.0)
    # le ministre signe l accord: 5 tokens, 0.9 + 0.1 + 0.5 expected in the title
    assert expected_f1("Le ministre signe l'accord", TITLE_WORDS, off) == pytest.approx(2 * 1.5 / 12)
    # a repeated word counts once in the overlap, twice in the length
    assert expected_f1("ministre ministre", TITLE_WORDS, off) == pytest.approx(2 * 0.9 / 9)
    pairs = HeadlineChoice(length=7.0, bigram=4.0)
    # pairs (ministre, signe) and (signe, accord): 0.09 + 0.05
    assert expected_f1("Ministre signe accord", TITLE_WORDS, pairs) == pytest.approx(2 * (1.5 + 4 * 0.14) / 10)
    assert expected_f1("", TITLE_WORDS, pairs) == 0.0


def test_the_choice_weighs_expected_overlap_against_length_and_rank():
    cands = [(0, "Le ministre a longuement signé hier soir avec ses collègues un accord", 0.0),
             (0, "Le ministre a signé un accord", 0.0),
             (3, "Ministre accord", 3.0)]
    assert choose(cands, TITLE_WORDS, HeadlineChoice(gap=0.2)) == (0, "Le ministre a signé un accord")
    assert choose(cands, TITLE_WORDS, HeadlineChoice(gap=0.0)) == (3, "Ministre accord")
    same = [(2, "Le ministre", 0.0), (1, "Le ministre", 0.0)]
    assert choose(same, TITLE_WORDS, HeadlineChoice()) == (2, "Le ministre")  # the first on ties
    assert choose([], TITLE_WORDS, HeadlineChoice()) is None


@pytest.mark.parametrize("meta", [{"bogus": 1}, {"sentences": 0}, {"sentences": 2.5}, {"length": 0},
                                  {"gap": -1}, {"bigram": "4"}, {"floor": float("nan")}, {"sentences": True}, [5]])
def test_malformed_choice_settings_are_refused(meta):
    with pytest.raises(ValueError, match="headline choice"):
        HeadlineChoice.from_meta(meta)


def test_choice_settings_read_back_and_none_is_off():
    assert HeadlineChoice.from_meta(None) is None
    assert HeadlineChoice.from_meta({"sentences": 3, "length": 9}) == HeadlineChoice(sentences=3, length=9.0)


def _with_choice(tmp_path, choice) -> str:
    """The packaged compressor with its headline choice set to `choice` (a dict, None, or anything malformed)."""
    with np.load(packaged_model_path(), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"]))
    meta["tuned"]["headline_choice"] = choice
    out = tmp_path / "compressor.npz"
    np.savez_compressed(out, meta=np.array(json.dumps(meta)), **arrays)
    return str(out)


def test_a_malformed_choice_in_the_model_file_falls_back_to_the_rules(tmp_path):
    with pytest.warns(RuntimeWarning, match="compressor model"):
        assert load(_with_choice(tmp_path, {"sentences": -1})) is None


needs_spacy = pytest.mark.skipif(not parse.available("fr"), reason="spaCy's fr_core_news_sm is not installed")


def _brief(path: str, text: str = ARTICLE):
    return summarise(text, lang="fr", target=None, engine="offline",
                     config={"engine": {"offline": {"compression": "learned", "compressor_path": path}}})


@needs_spacy
@pytest.mark.parametrize("sentences", [1, 3])
def test_the_chosen_headline_is_a_top_sentence_compressed_and_the_grades_still_nest(tmp_path, sentences):
    b = _brief(_with_choice(tmp_path, {"sentences": sentences}))
    h = b.grades["headline"]
    doc = segment(ARTICLE, "fr")
    scores = LearnedScorer.load().score(doc)
    top = sorted(range(len(doc.sentences)), key=lambda i: (-scores.headline[i], i))[:sentences]
    assert h.source_indices[0] in top
    src = doc.sentences[h.source_indices[0]].text
    it = iter(w.lower() for w in _WORD.findall(src))
    assert all(w.lower() in it for w in _WORD.findall(h.text.split(" : ", 1)[-1]))
    assert h.compression[0]["index"] == h.source_indices[0]
    for g in b.grades.values():
        assert g.words <= g.max_words
    assert h.source_indices[0] in b.grades["brief"].source_indices  # the headline's sentence seeds the brief
    assert set(b.grades["brief"].source_indices) <= set(b.grades["summary"].source_indices)


@needs_spacy
def test_the_choice_changes_the_headline_only_when_on_and_is_deterministic(tmp_path):
    on = _with_choice(tmp_path, {"sentences": 5, "length": 7.0, "bigram": 4.0, "gap": 0.1})
    first, again = _brief(on).to_dict()["grades"], _brief(on).to_dict()["grades"]
    assert first == again
    (tmp_path / "off").mkdir()
    off = _brief(_with_choice(tmp_path / "off", None)).to_dict()["grades"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the file without a choice is the packaged one's path, no fallback
        assert _brief(_with_choice(tmp_path / "off", None)).to_dict()["grades"] == off
    assert first["headline"]["text"] != off["headline"]["text"]
