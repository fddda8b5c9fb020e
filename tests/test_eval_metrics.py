"""ROUGE tokenization, signatures and bootstrap CIs of the evaluation harness."""

from __future__ import annotations

import numpy as np
import pytest

from briefsum.evaluation.rouge import Rouge, RougeSettings
from briefsum.evaluation.stats import bootstrap_ci, bootstrap_means, length_stats
from briefsum.evaluation.tokenize import make_tokenizer, unicode_words


def test_french_tokenisation_keeps_accented_words_whole():
    toks = unicode_words("L'été à Orléans, Élisabeth a noté « ça ».")
    assert "été" in toks and "orléans" in toks and "élisabeth" in toks and "noté" in toks and "ça" in toks


def test_unicode_tokenizer_composes_decomposed_accents():
    assert unicode_words("e\u0301te\u0301") == ["été"]


def test_paper_mode_drops_accented_letters_like_rouge_score():
    # The published OrangeSum numbers were computed this way: "été" loses its accented letters.
    assert "été" not in make_tokenizer("paper").tokenize("Il a été élu")


def test_paper_mode_matches_different_french_words_that_unicode_mode_keeps_apart():
    ref, pred = "la neige a été", "la neige a ôté"   # "été" (been) and "ôté" (removed) both become "t"
    assert Rouge(mode="paper", bootstrap=0).score_pair(ref, pred)["rouge1"][2] == pytest.approx(100)
    assert Rouge(mode="unicode", bootstrap=0).score_pair(ref, pred)["rouge1"][2] == pytest.approx(75)


def test_french_snowball_stemming_matches_inflections():
    tok = make_tokenizer("unicode", stem=True, lang="fr")
    assert tok.tokenize("présidentielles")[0] == tok.tokenize("présidentiel")[0]
    assert tok.stem == "snowball-french"


def test_tokenizer_caches_each_text():
    tok = make_tokenizer("unicode")
    assert tok.tokenize("Un texte") is tok.tokenize("Un texte")


def test_signature_records_every_setting():
    base = Rouge(RougeSettings(lang="fr")).signature
    assert base.startswith("rouge|tok:unicode|stem:none|lsum:briefsum-seg|lang:fr|agg:mean|ci:bootstrap-1000-seed-12345")
    variants = [RougeSettings(lang="fr", stem=True), RougeSettings(lang="fr", mode="paper"),
                RougeSettings(lang="fr", lsum="newline"), RougeSettings(lang="fr", bootstrap=0),
                RougeSettings(lang="fr", seed=1), RougeSettings(lang="en")]
    sigs = {Rouge(s).signature for s in variants}
    assert base not in sigs and len(sigs) == len(variants)


def test_rouge_lsum_uses_briefsum_sentence_split():
    r = Rouge(lang="fr", bootstrap=0)
    assert r.sentence_lines("Il pleut. Le vent souffle.") == "Il pleut.\nLe vent souffle."
    # Reordered sentences: ROUGE-L (one sequence) drops, ROUGE-Lsum (per sentence) does not.
    s = r.score_pair("Il pleut sur Paris. Le vent souffle fort.", "Le vent souffle fort. Il pleut sur Paris.")
    assert s["rougeLsum"][2] == pytest.approx(100) and s["rougeL"][2] < 100


def test_bootstrap_is_seeded():
    x = np.random.default_rng(0).random(500)
    a, b = bootstrap_ci(x, 200, seed=7), bootstrap_ci(x, 200, seed=7)
    c = bootstrap_ci(x, 200, seed=8)
    assert a == b and a != c


def test_bootstrap_means_equal_resampled_means():
    x = np.random.default_rng(1).random((50, 2))
    means = bootstrap_means(x, 20, seed=3)
    idx = np.random.default_rng(3).integers(0, 50, size=(20, 50))
    np.testing.assert_allclose(means, x[idx].mean(axis=1))


def test_bootstrap_ci_brackets_the_mean_and_narrows_with_more_data():
    rng = np.random.default_rng(2)
    small, large = rng.random(100), rng.random(10_000)
    lo, hi = bootstrap_ci(small, 1000, 0)
    assert lo < small.mean() < hi
    lo2, hi2 = bootstrap_ci(large, 1000, 0)
    assert hi2 - lo2 < hi - lo


def test_length_stats_reports_mean_and_median():
    st = length_stats([1, 2, 3, 10])
    assert st["mean"] == 4.0 and st["median"] == 2.5 and st["n"] == 4
