"""The learned choice of the brief: candidate sets of sentences, their features and the engine's use of them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from briefsum.config import load_config
from briefsum.engines.offline.planning import BRIEF_MAX_SENTENCES, BRIEF_POOL, brief_candidates
from briefsum.engines.offline.scoring import CentralityScorer, Scores
from briefsum.engines.offline.engine import ExtractiveEngine
from briefsum.engines.offline.features import SET_FEATURES
from briefsum.engines.offline.learned import LearnedScorer, PhraseModel, analyse, set_features
from briefsum.grading.budgets import GradeSpec, grade_specs
from briefsum.text.segment import segment

from conftest import packaged_model_variant

ARTICLE = """La mairie de Montvallon a présenté lundi un plan de rénovation des écoles de la commune, qui doit coûter douze millions d'euros sur cinq ans.

Le projet prévoit d'isoler les bâtiments les plus anciens et d'installer des panneaux solaires sur les toits. Selon l'adjointe chargée de l'éducation, les travaux commenceront dès l'été prochain dans trois écoles primaires.

Les parents d'élèves ont salué l'annonce, tout en demandant que les cours ne soient pas perturbés. "Nous attendons ces travaux depuis dix ans", a déclaré la présidente de l'association des parents.

L'opposition municipale juge le plan insuffisant. Elle réclame un calendrier précis et un budget plus important pour les cantines, dont certaines n'ont pas été rénovées depuis les années 1980.

Le conseil municipal votera le budget le 12 mars. Les premières écoles concernées seront connues à la fin du mois de février, a précisé la mairie.
"""


def test_candidates_hold_the_seed_fit_the_budget_and_come_from_the_best_sentences():
    order = [3, 0, 5, 1, 7, 2, 8, 4, 6]
    lengths = {i: 10 + 3 * i for i in range(9)}
    cands = brief_candidates(order, lengths, 40, seed=[0])
    assert cands and len(set(cands)) == len(cands)
    pool = set(order[:BRIEF_POOL + 1])  # the seed plus the BRIEF_POOL best others
    for c in cands:
        assert 0 in c and list(c) == sorted(c)
        assert sum(lengths[i] for i in c) <= 40
        assert len(c) <= BRIEF_MAX_SENTENCES
        assert set(c) <= pool
    assert (0,) in cands and (0, 3) in cands
    assert all(4 not in c and 6 not in c for c in cands)  # ranked below the pool
    assert cands == brief_candidates(order, lengths, 40, seed=[0])  # a fixed order


def test_candidates_skip_redundant_pairs_and_respect_a_sentence_limit():
    order = [0, 1, 2, 3]
    lengths = dict.fromkeys(order, 5)
    same = {frozenset((1, 2))}
    cands = brief_candidates(order, lengths, 100, seed=[0],
                             redundant=lambda i, chosen: any(frozenset((i, j)) in same for j in chosen))
    assert not any({1, 2} <= set(c) for c in cands)
    assert all(len(c) <= 2 for c in brief_candidates(order, lengths, 100, seed=[0], max_sentences=2))
    assert brief_candidates(order, lengths, 4, seed=[0]) == []  # the seed alone is over the budget
    assert all(len(c) >= 1 for c in brief_candidates(order, lengths, 100, seed=[]))


class _Prefer:
    """Scores that put sentence `want` in the brief through the set chooser, and record its calls."""

    name = "learned"

    def __init__(self, n: int, want: int, budget: int = 60):
        self.n, self.want, self.budget, self.calls = n, want, budget, []

    def score(self, doc):
        def sets(order, seed, candidates):
            self.calls.append((list(order), list(seed), list(candidates)))
            return np.array([float(self.want in c) - 0.01 * len(c) for c in candidates])

        body = np.linspace(1.0, 0.1, self.n)
        return Scores(body.copy(), body, stop=None, sets=sets, sets_budget=self.budget)


def test_the_engine_prints_the_candidate_the_set_scores_prefer_and_keeps_nesting():
    doc = segment(ARTICLE, "fr")
    n = len(doc.sentences)
    scorer = _Prefer(n, want=4)
    grades = ExtractiveEngine(scorer).run(doc, grade_specs(load_config().settings.grades), None, None, False).grades
    order, seed, candidates = scorer.calls[0]
    assert seed == grades["headline"].source_indices == [0]
    assert all(0 in c for c in candidates)
    assert grades["brief"].source_indices == [0, 4]  # the shortest candidate holding sentence 4
    assert set(grades["brief"].source_indices) <= set(grades["summary"].source_indices)
    assert set(grades["summary"].source_indices) <= set(grades["detailed"].source_indices)
    for g in grades.values():
        assert g.words <= g.max_words


def test_the_set_chooser_is_not_used_for_a_grade_longer_than_it_was_trained_for():
    doc = segment(ARTICLE, "fr")
    scorer = _Prefer(len(doc.sentences), want=4, budget=60)
    specs = [GradeSpec("summary", 150), GradeSpec("detailed", 300)]  # no brief: the shortest grade is 150 words
    grades = ExtractiveEngine(scorer).run(doc, specs, None, None, False).grades
    assert scorer.calls == []
    assert grades["summary"].words > 60
    ExtractiveEngine(scorer).run(doc, [GradeSpec("brief", 60), *specs], None, None, False)
    assert len(scorer.calls) == 1


def test_the_packaged_model_chooses_the_brief_with_its_brief_head():
    scorer = LearnedScorer.load()
    assert scorer.brief_head is not None
    assert scorer.meta["set_features"] == list(SET_FEATURES)
    doc = segment(ARTICLE, "fr")
    s = scorer.score(doc)
    assert s.sets is not None and s.sets_budget == scorer.meta["brief_budget"] == 60
    order = sorted(range(len(doc.sentences)), key=lambda i: (-s.body[i], i))
    cands = brief_candidates(order, {i: x.words for i, x in enumerate(doc.sentences)}, 60, seed=[order[0]])
    values = s.sets(order, [order[0]], cands)
    assert values.shape == (len(cands),) and np.isfinite(values).all()
    assert np.array_equal(values, scorer.score(doc).sets(order, [order[0]], cands))  # deterministic


def test_set_features_describe_each_candidate():
    scorer = LearnedScorer.load()
    doc = segment(ARTICLE, "fr")
    _, ctx = analyse(doc, scorer.words)
    body = np.linspace(0.9, 0.1, len(doc.sentences))
    order = list(range(len(doc.sentences)))
    x = set_features(ctx, body, order, [0], [(0,), (0, 1), (0, 1, 2)])
    assert x.shape == (3, len(SET_FEATURES)) and np.isfinite(x).all()
    col = {name: j for j, name in enumerate(SET_FEATURES)}
    assert list(x[:, col["set_sents"]]) == [1, 2, 3] and list(x[:, col["set_added"]]) == [0, 1, 2]
    words = [doc.sentences[i].words for i in range(3)]
    assert list(x[:, col["set_words"]]) == [words[0], sum(words[:2]), sum(words)]
    assert (np.diff(x[:, col["set_abs_sum"]]) >= 0).all()  # more sentences cover at least as many words
    assert x[0, col["set_body_min"]] == 1.0 and x[1, col["set_body_min"]] == pytest.approx(body[1])


def test_a_brief_head_with_other_set_features_falls_back(tmp_path):
    other = packaged_model_variant(tmp_path / "other.npz", lambda m: m.update(set_features=m["set_features"][:-1]))
    with pytest.warns(RuntimeWarning, match="brief head"):
        assert isinstance(LearnedScorer.load(other), CentralityScorer)


def test_a_model_without_a_brief_head_uses_the_stop_rule(tmp_path):
    path = packaged_model_variant(tmp_path / "no-brief.npz", lambda m: m.pop("set_features"), drop_prefix="brief/")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        scorer = LearnedScorer.from_file(path)
    assert scorer.brief_head is None
    assert scorer.score(segment(ARTICLE, "fr")).sets is None


def test_the_trainers_document_context_is_the_one_the_scorer_uses():
    from briefsum.engines.offline.learned import doc_context

    scorer = LearnedScorer.load()
    doc = segment(ARTICLE, "fr")
    _, a = analyse(doc, scorer.words)
    b = doc_context(doc, scorer.words)
    assert np.array_equal(a.p_abs, b.p_abs) and np.array_equal(a.p_title, b.p_title)
    assert np.array_equal(a.sim, b.sim) and np.array_equal(a.words, b.words)
    assert all(np.array_equal(x, y) for x, y in zip(a.sent_ids, b.sent_ids))
    assert a.phrase is not None and np.array_equal(a.phrase, b.phrase)


def test_the_phrase_model_adds_the_weights_of_the_words_and_pairs_a_sentence_holds():
    m = PhraseModel({"le maire": 0.5, "maire": 0.25, "a": -0.1, "annoncé": 0.2}, 0.1, ("fr",))
    # "Le maire a annoncé" holds le maire, maire, a, annoncé (and unknown phrases): 4 hits, unit-length vector.
    got = m.score(["Le maire a annoncé, le maire a dit.", "Rien de connu ici.", ""], "fr")
    assert got[0] == pytest.approx(0.1 + (0.5 + 0.25 - 0.1 + 0.2) / 2)  # each phrase once, however often
    assert got[1] == got[2] == 0.1  # nothing known: the intercept
    assert list(m.score(["Le maire a annoncé"], "en")) == [0.1]  # not a language it was trained on


def test_the_packaged_phrase_model_is_french_and_reads_the_article():
    scorer = LearnedScorer.load()
    phrases = scorer.words.phrases
    assert phrases is not None and phrases.langs == ("fr",) and len(phrases.weights) > 10000
    doc = segment(ARTICLE, "fr")
    _, ctx = analyse(doc, scorer.words)
    assert ctx.phrase.shape == (len(doc.sentences),) and np.isfinite(ctx.phrase).all()
    assert len(set(ctx.phrase.round(9))) > 1  # sentences are told apart
    en = segment("The mayor presented a plan on Monday. It will cost twelve million euros.", "en")
    assert set(analyse(en, scorer.words)[1].phrase) == {phrases.intercept}
    col = {name: j for j, name in enumerate(SET_FEATURES)}
    x = set_features(ctx, np.linspace(0.9, 0.1, len(doc.sentences)), list(range(len(doc.sentences))), [0],
                     [(0,), (0, 2)])
    assert x[0, col["set_phrase_mean"]] == pytest.approx(ctx.phrase[0])
    assert x[1, col["set_phrase_mean"]] == pytest.approx((ctx.phrase[0] + ctx.phrase[2]) / 2)
    assert x[1, col["set_phrase_added_min"]] == pytest.approx(ctx.phrase[2])


@pytest.mark.parametrize("edit", [
    lambda m: m.pop("phrase_model"),
    lambda m: (m.pop("phrase_model"), m.pop("set_features")),  # no brief head either: the sentence heads need it
])
def test_heads_without_their_phrase_model_fall_back(tmp_path, edit):
    path = packaged_model_variant(tmp_path / "no-phrases.npz", edit, drop_prefix="phrase/")
    with pytest.warns(RuntimeWarning, match="phrase model"):
        assert isinstance(LearnedScorer.load(path), CentralityScorer)


def _phrase_variant(tmp_path, edit_meta=None, edit_arrays=None):
    import json

    from briefsum.engines.offline.learned import packaged_model_path

    with np.load(packaged_model_path(), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    if edit_meta:
        edit_meta(meta["phrase_model"])
    if edit_arrays:
        edit_arrays(arrays)
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(tmp_path / "phrases.npz", **arrays)
    return tmp_path / "phrases.npz"


def _duplicate_first_term(a):
    terms = bytes(a["phrase/terms"]).decode("utf-8").split("\n")
    terms[1] = terms[0]
    a["phrase/terms"] = np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)


@pytest.mark.parametrize("edit_meta, edit_arrays", [
    (lambda p: p.update(langs="fr"), None),  # a string, not a list
    (lambda p: p.pop("langs"), None),
    (lambda p: p.update(intercept=float("nan")), None),
    (None, lambda a: a.update({"phrase/weights": a["phrase/weights"][None, :]})),  # 2-D
    (None, lambda a: a.update({"phrase/terms": a["phrase/terms"].astype(np.float64)})),
    (None, lambda a: a.update({"phrase/weights": a["phrase/weights"][:-1]})),
    (None, _duplicate_first_term),
])
def test_a_damaged_phrase_model_falls_back(tmp_path, edit_meta, edit_arrays):
    path = _phrase_variant(tmp_path, edit_meta, edit_arrays)
    with pytest.warns(RuntimeWarning, match="could not be loaded"):
        assert isinstance(LearnedScorer.load(path), CentralityScorer)
