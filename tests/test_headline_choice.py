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
from briefsum.grading.choice import BriefChoice, HeadlineChoice, choose_brief, choose_headline, expected_f1
from briefsum.text.words import lower_tokens as tokens
from briefsum.grading.compressor import load, packaged_model_path
from briefsum.text import parse
from briefsum.text.segment import segment

from test_compression import ARTICLE

_WORD = re.compile(r"\w+")
TITLE_WORDS = {"ministre": 0.9, "accord": 0.5, "signe": 0.1}


def test_expected_f1_counts_distinct_words_and_adjacent_pairs():
    # le ministre signe l accord: 5 tokens, 0.9 + 0.1 + 0.5 expected in the title
    assert expected_f1(tokens("Le ministre signe l'accord"), TITLE_WORDS, 7.0, 0.0) == pytest.approx(2 * 1.5 / 12)
    # a repeated word counts once in the overlap, twice in the length
    assert expected_f1(tokens("ministre ministre"), TITLE_WORDS, 7.0, 0.0) == pytest.approx(2 * 0.9 / 9)
    # pairs (ministre, signe) and (signe, accord): 0.09 + 0.05
    assert expected_f1(tokens("Ministre signe accord"), TITLE_WORDS, 7.0, 4.0) == pytest.approx(2 * (1.5 + 4 * 0.14) / 10)
    assert expected_f1([], TITLE_WORDS, 7.0, 4.0) == 0.0


def test_the_headline_choice_weighs_expected_overlap_against_length_and_rank():
    cands = [(0, "Le ministre a longuement signé hier soir avec ses collègues un accord", 0.0),
             (0, "Le ministre a signé un accord", 0.0),
             (3, "Ministre accord", 3.0)]
    assert choose_headline(cands, TITLE_WORDS, HeadlineChoice(gap=0.2)) == (0, "Le ministre a signé un accord")
    assert choose_headline(cands, TITLE_WORDS, HeadlineChoice(gap=0.0)) == (3, "Ministre accord")
    same = [(2, "Le ministre", 0.0), (1, "Le ministre", 0.0)]
    assert choose_headline(same, TITLE_WORDS, HeadlineChoice()) == (2, "Le ministre")  # the first on ties
    assert choose_headline([], TITLE_WORDS, HeadlineChoice()) is None


def test_the_brief_choice_shortens_a_sentence_only_when_the_brief_is_expected_to_gain():
    words = {"ministre": 0.9, "accord": 0.8, "budget": 0.7, "mars": 0.6}
    forms = [["Le ministre a signé hier, après de longues discussions avec les syndicats, un accord.",
              "Le ministre a signé un accord."],
             ["Le budget sera voté en mars.", "Le budget sera voté."]]
    # the aside carries nothing the abstract is expected to use: it goes; "en mars" is expected: it stays
    assert choose_brief(forms, words, BriefChoice(length=35.0, bigram=0.0)) == [1, 0]
    # once the aside holds words the abstract is expected to use, it stays
    assert choose_brief(forms, {**words, "syndicats": 0.9, "discussions": 0.5}, BriefChoice(length=35.0)) == [0, 0]
    assert choose_brief([], words, BriefChoice()) == []


@pytest.mark.parametrize("meta", [{"bogus": 1}, {"sentences": 0}, {"sentences": 2.5}, {"length": 0},
                                  {"gap": -1}, {"bigram": "4"}, {"floor": float("nan")}, {"sentences": True}, [5],
                                  {"length": 10 ** 400}, {"search": 1}, {"search": "on"}])
def test_malformed_choice_settings_are_refused(meta):
    with pytest.raises(ValueError, match="headline choice"):
        HeadlineChoice.from_meta(meta)
    if isinstance(meta, dict) and not set(meta) & {"sentences", "gap"}:
        with pytest.raises(ValueError, match="brief choice"):
            BriefChoice.from_meta(meta)


def test_choice_settings_read_back_and_none_is_off():
    assert HeadlineChoice.from_meta(None) is None
    assert HeadlineChoice.from_meta({"sentences": 3, "length": 9}) == HeadlineChoice(sentences=3, length=9.0)
    assert BriefChoice.from_meta(None) is None and BriefChoice.from_meta({"bigram": 0}) == BriefChoice(bigram=0.0)


def _with_choice(tmp_path, choice, **tuned) -> str:
    """The packaged compressor with its headline choice set to `choice` (a dict, None, or anything malformed)
    and any other tuned settings given."""
    with np.load(packaged_model_path(), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"]))
    meta["tuned"].update(tuned, headline_choice=choice)
    out = tmp_path / "compressor.npz"
    np.savez_compressed(out, meta=np.array(json.dumps(meta)), **arrays)
    return str(out)


def test_a_malformed_choice_in_the_model_file_falls_back_to_the_rules(tmp_path):
    with pytest.warns(RuntimeWarning, match="compressor model"):
        assert load(_with_choice(tmp_path, {"sentences": -1})) is None
    with pytest.warns(RuntimeWarning, match="brief choice"):
        assert load(_with_choice(tmp_path, None, brief_choice={"refill": 1})) is None
    for bad_floor in (0, 1.5, "0.4", True, float("nan")):
        with pytest.warns(RuntimeWarning, match="label_nouns"):
            assert load(_with_choice(tmp_path, None, label_nouns=bad_floor)) is None
    assert load(_with_choice(tmp_path, None, label_nouns=0.4)).label_nouns == 0.4
    with np.load(packaged_model_path(), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"]))
    bad = tmp_path / "tuned.npz"
    np.savez_compressed(bad, meta=np.array(json.dumps({**meta, "tuned": [1]})), **arrays)
    with pytest.warns(RuntimeWarning, match="tuned settings"):
        assert load(bad) is None
    for topics in ({"words": {"coronavirus": [5, 3]}}, {"words": ["coronavirus"]}, [1]):
        np.savez_compressed(bad, meta=np.array(json.dumps({**meta, "label_topics": topics})), **arrays)
        with pytest.warns(RuntimeWarning, match="label_topics"):
            assert load(bad) is None


needs_spacy = pytest.mark.skipif(not parse.available("fr"), reason="spaCy's fr_core_news_sm is not installed")


def _brief(path: str, text: str = ARTICLE):
    return summarise(text, lang="fr", target=None, engine="offline",
                     config={"engine": {"offline": {"compression": "learned", "compressor_path": path}}})


@needs_spacy
@pytest.mark.parametrize("sentences,search", [(1, False), (3, False), (3, True)])
def test_the_chosen_headline_is_a_top_sentence_compressed_and_the_grades_still_nest(tmp_path, sentences, search):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the file loads: no fallback to the rules
        b = _brief(_with_choice(tmp_path, {"sentences": sentences, "search": search}))
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
    # a choice that rewards short forms above all
    on = _with_choice(tmp_path, {"sentences": 5, "length": 1.0, "bigram": 0.0, "gap": 0.0})
    first, again = _brief(on).to_dict()["grades"], _brief(on).to_dict()["grades"]
    assert first == again
    (tmp_path / "off").mkdir()
    off = _brief(_with_choice(tmp_path / "off", None)).to_dict()["grades"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the file without a choice is the packaged one's path, no fallback
        assert _brief(_with_choice(tmp_path / "off", None)).to_dict()["grades"] == off
    assert first["headline"]["text"] != off["headline"]["text"]
    assert first["headline"]["words"] < off["headline"]["words"]


def _subsequence(short: str, long: str) -> bool:
    it = iter(w.lower() for w in _WORD.findall(long))
    return all(w.lower() in it for w in _WORD.findall(short))


LONG_ARTICLE = ARTICLE + """
Le maire a rappelé que la commune avait déjà rénové deux gymnases, financés en partie par la région, au cours du précédent mandat.

Les enseignants, qui avaient manifesté au printemps devant la mairie, se disent prudents. Ils attendent de voir, selon leur syndicat, si les travaux seront réellement achevés avant la rentrée de 2026.

Le conseil municipal votera le budget du plan le mois prochain, lors d'une séance publique qui s'annonce animée.
"""


@needs_spacy
@pytest.mark.parametrize("brief_choice", [{"length": 35.0, "bigram": 2.0}, {"length": 10.0, "bigram": 0.0},
                                          {"length": 35.0, "bigram": 2.0, "refill": True},
                                          {"length": 200.0, "bigram": 0.0, "refill": True},
                                          {"length": 10.0, "bigram": 2.0, "search": True}])
def test_the_brief_prints_chosen_forms_within_its_budget_and_the_grades_still_nest(tmp_path, brief_choice):
    path = _with_choice(tmp_path, {"sentences": 5}, brief_choice=brief_choice, brief_threshold=None)
    b = _brief(path, LONG_ARTICLE)
    doc = segment(LONG_ARTICLE, "fr")
    brief, summary = b.grades["brief"], b.grades["summary"]
    assert brief.words <= brief.max_words and summary.words <= summary.max_words
    assert set(brief.source_indices) <= set(summary.source_indices)
    assert b.grades["headline"].source_indices[0] in brief.source_indices
    assert [c["index"] for c in brief.compression] == brief.source_indices
    assert sum(c["words"] for c in brief.compression) == brief.words
    for c in brief.compression:
        assert c["source_words"] == doc.sentences[c["index"]].words
        assert c["compressed"] == (c["words"] < c["source_words"])
    # the brief is its sentences' forms, in order: a subsequence of the sentences it names
    assert _subsequence(brief.text, " ".join(doc.sentences[i].text for i in brief.source_indices))
    assert _brief(path, LONG_ARTICLE).to_dict()["grades"] == b.to_dict()["grades"]


@needs_spacy
def test_a_brief_choice_that_prefers_short_texts_shortens_a_sentence(tmp_path):
    b = _brief(_with_choice(tmp_path, None, brief_choice={"length": 1.0, "bigram": 0.0}, brief_threshold=None),
               LONG_ARTICLE)
    assert any(c["compressed"] for c in b.grades["brief"].compression)
    assert b.grades["brief"].method == "extractive+compressed"


@needs_spacy
def test_refill_adds_a_sentence_where_the_room_is_expected_to_pay(tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    off = _brief(_with_choice(tmp_path / "a", None, brief_choice={"length": 200.0, "refill": False},
                              brief_threshold=None), LONG_ARTICLE).grades["brief"]
    on = _brief(_with_choice(tmp_path / "b", None, brief_choice={"length": 200.0, "refill": True},
                             brief_threshold=None), LONG_ARTICLE).grades["brief"]
    assert set(off.source_indices) < set(on.source_indices) and off.words < on.words <= on.max_words


class _Wordy:
    """A stand-in translator that makes every sentence longer (or, with drop, shorter) by whole words."""

    name = "wordy"

    def __init__(self, drop: bool = False):
        self.drop = drop

    def translate_sentences(self, sentences, source, target):
        if self.drop:
            return [" ".join(s.split()[: max(1, len(s.split()) * 2 // 3)]) for s in sentences]
        return [s + " indeed so" for s in sentences]


@needs_spacy
@pytest.mark.parametrize("drop", [False, True])
@pytest.mark.parametrize("refill", [False, True])
def test_with_a_translator_the_chosen_forms_keep_every_budget_and_the_nesting(tmp_path, drop, refill):
    from briefsum.config import load_config
    from briefsum.engines.offline.engine import ExtractiveEngine
    from briefsum.grading.budgets import grade_specs

    comp = load(_with_choice(tmp_path, {"sentences": 5}, brief_choice={"length": 50.0, "refill": refill},
                             brief_threshold=None))
    engine = ExtractiveEngine(LearnedScorer.load(), compressor=comp)
    specs = grade_specs(load_config().settings.grades)
    for text in (ARTICLE, LONG_ARTICLE):
        res = engine.run(segment(text, "fr"), specs, "en", _Wordy(drop), False)
        grades = list(res.grades.values())
        for g in grades:
            assert g.words <= g.max_words and g.language == "en"
        for short, longer in zip(grades[1:], grades[2:]):
            assert set(short.source_indices) <= set(longer.source_indices)
