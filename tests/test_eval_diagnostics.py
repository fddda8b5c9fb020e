"""Model-free diagnostics: extractive fragments (Grusky et al. 2018), novel and repeated n-grams, the neural
engine's faithfulness-check rate; and the oracle's own n-gram F1 against rouge-score's public scorer."""

from __future__ import annotations

from collections import Counter

import pytest

from briefsum.evaluation.baselines import ngram_f1
from briefsum.evaluation.diagnostics import (faithfulness_fired, fragment_stats, fragments, grade_diagnostics,
                                             novel_rate, repeat_rate)

ARTICLE = "le président a rencontré son homologue turc à astana jeudi pour parler de la guerre".split()


def test_fragments_are_the_longest_shared_runs_left_to_right():
    summary = "le président a rencontré un ministre turc à astana".split()
    assert fragments(ARTICLE, summary) == [4, 3]          # "le président a rencontré", "turc à astana"
    st = fragment_stats(ARTICLE, summary)
    assert st["coverage"] == pytest.approx(7 / 9)
    assert st["density"] == pytest.approx((16 + 9) / 9)
    assert st["compression"] == pytest.approx(len(ARTICLE) / 9)


def test_each_fragment_is_the_longest_match_anywhere_in_the_article_not_the_first():
    article = "la guerre a commencé puis la guerre de troie a eu lieu".split()
    assert fragments(article, "la guerre de troie".split()) == [4]
    assert fragments(article, "troie la guerre a commencé".split()) == [1, 4]


def test_a_copied_sentence_has_full_coverage_and_density_of_its_length():
    summary = ARTICLE[:6]
    st = fragment_stats(ARTICLE, summary)
    assert st["coverage"] == 1.0 and st["density"] == 6.0


def test_novel_ngrams_are_those_not_in_the_article():
    summary = "le président a vu la guerre".split()
    assert novel_rate(ARTICLE, summary, 1) == pytest.approx(1 / 6)     # "vu"
    assert novel_rate(ARTICLE, summary, 2) == pytest.approx(2 / 5)     # "a vu", "vu la"


def test_repeated_trigrams_count_every_repeat():
    assert repeat_rate("a b c a b c".split(), 3) == pytest.approx(1 / 4)
    assert repeat_rate("a b c d".split(), 3) == 0.0


def test_faithfulness_check_is_read_from_the_neural_engines_warnings():
    assert faithfulness_fired("brief", ["brief: 1914, Paris not found in the source (check it, or set "
                                        "neural.faithfulness: fallback)"])
    assert faithfulness_fired("headline", ["headline: the model wrote nothing; used the extractive text"])
    assert not faithfulness_fired("headline", ["brief: 1914 not found in the source"])
    assert not faithfulness_fired("brief", ["brief: cut at a sentence boundary (limit 60 words)"])
    d = grade_diagnostics(["Un. Deux."] * 4, ["Un."] * 4, None,
                          [["brief: X not found in the source"], [], ["headline: Y not found in the source"], []],
                          "brief")
    assert d["summary"]["faithfulness_fired"] == {"documents": 1, "rate": 0.25}


def test_oracle_ngram_f1_equals_rouge_score():
    from rouge_score import rouge_scorer

    from briefsum.evaluation.tokenize import make_tokenizer

    tok = make_tokenizer("unicode")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], tokenizer=tok)
    pairs = [("Le sommet a duré deux jours à Astana.", "Le sommet d'Astana a duré deux jours."),
             ("Il pleut.", "Le soleil brille sur la ville et il pleut."), ("un deux", "trois")]
    for ref, pred in pairs:
        r, p = tok.tokenize(ref), tok.tokenize(pred)
        got = scorer.score(ref, pred)
        for n, key in ((1, "rouge1"), (2, "rouge2")):
            ours = ngram_f1(Counter(tuple(r[i:i + n]) for i in range(len(r) - n + 1)),
                            Counter(tuple(p[i:i + n]) for i in range(len(p) - n + 1)))
            assert ours == pytest.approx(got[key].fmeasure, abs=1e-12)
