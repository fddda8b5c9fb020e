"""Deletions that take what opens or carries a clause: a span from before a colon to after it, the word that
opens an indirect question, and a pronoun subject the parser read as something else. Each case is one seen in
held-out learned outputs, rebuilt as a hand-made parse, beside a neighbouring form that may still go."""

from __future__ import annotations

from briefsum.grading.deletion import candidates
from briefsum.grading.misparse import spans_a_colon
from briefsum.text.parse import Parsed
from hand_parses import hand_parse


def _spans(p: Parsed) -> set[frozenset[int]]:
    return {frozenset(c.tokens) for c in candidates(p)}


def _words(p: Parsed, span: frozenset[int]) -> str:
    return " ".join(p.text[i] for i in sorted(span))


def test_a_span_across_a_colon_stays_but_a_quotation_after_it_may_go():
    # "Le bilan cite trois villes : Paris, Lyon et Nice ont voté." with "Paris ..." hung under "villes"
    p = hand_parse([("Le", "DET", "det", 1), ("bilan", "NOUN", "nsubj", 2), ("cite", "VERB", "ROOT", 2),
                    ("trois", "NUM", "nummod", 4), ("villes", "NOUN", "obj", 2), (":", "PUNCT", "punct", 6),
                    ("Paris", "PROPN", "appos", 4), (",", "PUNCT", "punct", 8), ("Lyon", "PROPN", "conj", 6),
                    (".", "PUNCT", "punct", 2)], ("cite",))
    assert spans_a_colon(p, {4, 5, 6, 7, 8})
    assert not spans_a_colon(p, {5, 6, 7, 8})  # from the colon on: what follows it, not what came before
    assert not spans_a_colon(p, {0, 1, 2, 3, 4, 5, 6})  # a span that opens the sentence
    # "Elle a dit hier : « Je pars »." : the quotation the colon opens may go with what introduces it
    q = hand_parse([("Elle", "PRON", "nsubj", 1), ("a", "AUX", "aux:tense", 2), ("dit", "VERB", "ROOT", 2),
                    ("hier", "ADV", "advmod", 2), (":", "PUNCT", "punct", 6), ("«", "PUNCT", "punct", 6),
                    ("Je", "PRON", "nsubj", 7), ("pars", "VERB", "ccomp", 2), ("»", "PUNCT", "punct", 7),
                    (".", "PUNCT", "punct", 2)], ("a", "pars"))
    assert not spans_a_colon(q, {3, 4, 5, 6, 7, 8})
    # and in the candidates: "alarmant : un tiers ... contiennent" never goes from "bilan"
    r = hand_parse([("Il", "PRON", "nsubj", 1), ("dresse", "VERB", "ROOT", 1), ("un", "DET", "det", 3),
                    ("bilan", "NOUN", "obj", 1), ("alarmant", "ADJ", "amod", 3), (":", "PUNCT", "punct", 7),
                    ("tout", "DET", "det", 7), ("augmente", "NOUN", "appos", 4), (".", "PUNCT", "punct", 1)],
                   ("dresse",))
    spans = {_words(r, s) for s in _spans(r)}
    assert "alarmant : tout augmente" not in spans
    assert not any(":" in s and "alarmant" in s for s in spans)


def test_the_word_that_opens_a_question_stays():
    # "Il a expliqué pourquoi il part souvent."
    p = hand_parse([("Il", "PRON", "nsubj", 2), ("a", "AUX", "aux:tense", 2), ("expliqué", "VERB", "ROOT", 2),
                    ("pourquoi", "ADV", "advmod", 5), ("il", "PRON", "nsubj", 5), ("part", "VERB", "ccomp", 2),
                    ("souvent", "ADV", "advmod", 5), (".", "PUNCT", "punct", 2)], ("a", "part"))
    spans = {_words(p, s) for s in _spans(p)}
    assert "pourquoi" not in spans
    assert "souvent" in spans  # an adverb of its clause still may go
    for word in ("comment", "quand", "combien"):
        p.text[3] = p.lemma[3] = word
        assert word not in {_words(p, s) for s in _spans(p)}


def test_a_pronoun_before_its_verb_stays_whatever_its_tag():
    # "En 2017, en politique tout a changé." with "tout" read as an adverb of "changé"
    p = hand_parse([("En", "ADP", "case", 1), ("2017", "NUM", "obl:mod", 7), (",", "PUNCT", "punct", 1),
                    ("en", "ADP", "case", 4), ("politique", "NOUN", "obl:mod", 7), ("tout", "ADV", "advmod", 7),
                    ("a", "AUX", "aux:tense", 7), ("changé", "VERB", "ROOT", 7), (".", "PUNCT", "punct", 7)],
                   ("a",))
    spans = {_words(p, s) for s in _spans(p)}
    assert "tout" not in spans
    assert "en politique" in spans
