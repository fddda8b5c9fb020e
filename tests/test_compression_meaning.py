"""Deletions that would make a sentence say something else, not only less: a non-subsective adjective, a hedge,
an adverb in a negation's scope, a superlative, a word of degree, a bound before its "de", half of "de plus en
plus", a demonstrative without its complement, and a compound noun or "en la personne de" without theirs. Each case is one seen in held-out learned headlines, rebuilt
as a hand-made parse, with a neighbouring form that may still lose its modifier."""

from __future__ import annotations

from briefsum.grading.deletion import candidates
from briefsum.grading.meaning import cuts_a_bound
from briefsum.grading.misparse import strands_a_neighbour
from briefsum.text.parse import Parsed
from hand_parses import hand_parse


def _parse(rows) -> Parsed:
    return hand_parse(rows, ("est", "était", "va", "sera", "pouvait", "devient"))


def _spans(p: Parsed) -> set[frozenset[int]]:
    return {frozenset(c.tokens) for c in candidates(p)}


def test_an_adjective_that_suspends_its_noun_stays():
    # "Le meurtrier présumé est en fuite."
    p = _parse([("Le", "DET", "det", 1), ("meurtrier", "NOUN", "nsubj", 3), ("présumé", "ADJ", "amod", 1),
                ("est", "AUX", "cop", 5), ("en", "ADP", "case", 5), ("fuite", "NOUN", "ROOT", 5),
                (".", "PUNCT", "punct", 5)])
    assert frozenset({2}) not in _spans(p)
    for word in ("faux", "futur", "éventuel", "meilleur"):
        p.text[2] = p.lemma[2] = word
        assert frozenset({2}) not in _spans(p), word
    for word in ("violent", "ancien"):  # "le meurtrier [violent]" is still a murderer, "[ancien]" after it only old
        p.text[2] = p.lemma[2] = word
        assert frozenset({2}) in _spans(p), word
    # "L'ancien ministre est en fuite.": before its noun, "ancien" stays
    p = _parse([("L'", "DET", "det", 2), ("ancien", "ADJ", "amod", 2), ("ministre", "NOUN", "nsubj", 5),
                ("est", "AUX", "cop", 5), ("en", "ADP", "case", 5), ("fuite", "NOUN", "ROOT", 5),
                (".", "PUNCT", "punct", 5)])
    assert frozenset({1}) not in _spans(p)
    p.text[0], p.ws[0] = "Le", " "  # "Le [grand] ministre" may lose its adjective
    p.text[1] = p.lemma[1] = "grand"
    assert frozenset({1}) in _spans(p)


def test_a_hedge_stays():
    # "Le modèle a sans doute séduit les clients."
    rows = [("Le", "DET", "det", 1), ("modèle", "NOUN", "nsubj", 5), ("a", "AUX", "aux", 5),
            ("sans", "ADP", "case", 4), ("doute", "NOUN", "obl:mod", 5), ("séduit", "VERB", "ROOT", 5),
            ("les", "DET", "det", 7), ("clients", "NOUN", "obj", 5), (".", "PUNCT", "punct", 5)]
    assert frozenset({3, 4}) not in _spans(_parse(rows))
    rows[4] = ("délai", "NOUN", "obl:mod", 5)  # "[sans délai]" may go
    assert frozenset({3, 4}) in _spans(_parse(rows))
    # "sans le moindre doute" is sure: it may go too
    rows = [(t, pos, dep, h + 2 * (h >= 4)) for t, pos, dep, h in rows]
    rows[4:5] = [("le", "DET", "det", 6), ("moindre", "ADJ", "amod", 6), ("doute", "NOUN", "obl:mod", 7)]
    assert frozenset({3, 4, 5, 6}) in _spans(_parse(rows))
    # "La taxe reviendra peut-être." / "La taxe reviendra aussi."
    p = _parse([("La", "DET", "det", 1), ("taxe", "NOUN", "nsubj", 2), ("reviendra", "VERB", "ROOT", 2),
                ("peut-être", "ADV", "advmod", 2), (".", "PUNCT", "punct", 2)])
    assert frozenset({3}) not in _spans(p)
    p.text[3] = p.lemma[3] = "aussi"
    assert frozenset({3}) in _spans(p)


def test_an_adverb_in_the_scope_of_a_negation_stays():
    # "Elle ne pouvait pas seulement partir."
    p = _parse([("Elle", "PRON", "nsubj", 5), ("ne", "ADV", "advmod", 5), ("pouvait", "VERB", "aux", 5),
                ("pas", "ADV", "advmod", 5), ("seulement", "ADV", "advmod", 5), ("partir", "VERB", "ROOT", 5),
                (".", "PUNCT", "punct", 5)])
    assert frozenset({4}) not in _spans(p)
    p.text[3] = p.lemma[3] = "donc"  # "Elle pouvait donc [seulement] partir": no negation before it
    p.text[1] = p.lemma[1] = "alors"
    assert frozenset({4}) in _spans(p)
    # "Les personnes actuellement hospitalisées sont guéries.": the noun "personne" is no negation
    p = _parse([("Les", "DET", "det", 1), ("personnes", "NOUN", "nsubj", 5), ("actuellement", "ADV", "advmod", 3),
                ("hospitalisées", "ADJ", "amod", 1), ("sont", "AUX", "cop", 5), ("guéries", "ADJ", "ROOT", 5),
                (".", "PUNCT", "punct", 5)])
    p.lemma[1] = "personne"
    assert p.negation(1) and frozenset({2}) in _spans(p)


def test_a_superlative_and_a_word_of_degree_stay():
    # "Le modèle le plus prisé était la Mini."
    p = _parse([("Le", "DET", "det", 1), ("modèle", "NOUN", "nsubj", 7), ("le", "DET", "det", 4),
                ("plus", "ADV", "advmod", 4), ("prisé", "ADJ", "amod", 1), ("était", "AUX", "cop", 7),
                ("la", "DET", "det", 7), ("Mini", "PROPN", "ROOT", 7), (".", "PUNCT", "punct", 7)])
    assert frozenset({2, 3, 4}) not in _spans(p)
    # "Madagascar est le plus grand pays.", "le" hung on the noun: "[plus grand]" stays
    q = _parse([("Madagascar", "PROPN", "nsubj", 5), ("est", "AUX", "cop", 5), ("le", "DET", "det", 5),
                ("plus", "ADV", "advmod", 4), ("grand", "ADJ", "amod", 5), ("pays", "NOUN", "ROOT", 5),
                (".", "PUNCT", "punct", 5)])
    assert frozenset({3, 4}) not in _spans(q)
    q.text[3] = q.lemma[3] = "très"  # "le [très grand] pays" may lose it
    assert frozenset({3, 4}) in _spans(q)
    p.text[2], p.pos[2], p.dep[2] = "très", "ADV", "advmod"  # "le modèle [très] prisé": only more or less prized
    p.lemma[2] = "très"
    p.text[3] = p.lemma[3] = "souvent"
    assert frozenset({2, 3, 4}) in _spans(p)
    # "L'épisode sera plus durable." / "L'épisode sera très durable."
    p = _parse([("L'", "DET", "det", 1), ("épisode", "NOUN", "nsubj", 4), ("sera", "AUX", "cop", 4),
                ("plus", "ADV", "advmod", 4), ("durable", "ADJ", "ROOT", 4), (".", "PUNCT", "punct", 4)])
    assert frozenset({3}) not in _spans(p)
    for word in ("peu", "mal", "trop"):
        p.text[3] = p.lemma[3] = word
        assert frozenset({3}) not in _spans(p), word
    p.text[3] = p.lemma[3] = "très"
    assert frozenset({3}) in _spans(p)
    # "le meilleur résultat de son histoire": where the superlative holds stays; "un bon résultat [de son histoire]"
    p = _parse([("Il", "PRON", "nsubj", 1), ("enregistre", "VERB", "ROOT", 1), ("le", "DET", "det", 4),
                ("meilleur", "ADJ", "amod", 4), ("résultat", "NOUN", "obj", 1), ("de", "ADP", "case", 7),
                ("son", "DET", "det", 7), ("histoire", "NOUN", "nmod", 4), (".", "PUNCT", "punct", 1)])
    assert frozenset({5, 6, 7}) not in _spans(p)
    p.text[2], p.text[3] = "un", "bon"
    assert frozenset({5, 6, 7}) in _spans(p)
    # "une confidence pour le moins inattendue": a locution, no superlative
    p = _parse([("Il", "PRON", "nsubj", 1), ("livre", "VERB", "ROOT", 1), ("une", "DET", "det", 3),
                ("confidence", "NOUN", "obj", 1), ("pour", "ADP", "case", 6), ("le", "DET", "det", 6),
                ("moins", "ADV", "advmod", 7), ("inattendue", "ADJ", "amod", 3), (".", "PUNCT", "punct", 1)])
    assert frozenset({4, 5, 6, 7}) in _spans(p)


def test_a_bound_keeps_its_de_and_de_plus_en_plus_stays_whole():
    # "Le groupe va supprimer plus de 1 000 postes.", "plus" hung alone on the number
    p = _parse([("Le", "DET", "det", 1), ("groupe", "NOUN", "nsubj", 3), ("va", "AUX", "aux", 3),
                ("supprimer", "VERB", "ROOT", 3), ("plus", "ADV", "advmod", 6), ("de", "ADP", "case", 6),
                ("1000", "NUM", "nummod", 7), ("postes", "NOUN", "obj", 3), (".", "PUNCT", "punct", 3)])
    assert cuts_a_bound(p, {4}) and cuts_a_bound(p, {5}) and cuts_a_bound(p, {5, 6, 7}) and not cuts_a_bound(p, {4, 5})
    p.text[4] = "près"  # "supprimer près [de 1 000 postes]": "près" stands alone, not "près [de] 1 000"
    assert cuts_a_bound(p, {5}) and not cuts_a_bound(p, {5, 6, 7})
    p.text[4] = "plus"
    assert frozenset({4}) not in _spans(p)
    p.head[5] = 4  # "plus de" read as one modifier: before a word it may go whole ("supprimer [plus de] postes")
    p.dep[5] = "fixed"
    assert frozenset({4, 5}) in _spans(p)
    p.number[6] = True  # before a number it stays: "supprimer 1 000 postes" would make the figure exact
    assert frozenset({4, 5}) not in _spans(p) and cuts_a_bound(p, {4, 5})
    p.text[4], p.pos[4] = "proches", "ADJ"  # and so does an approximation, with or without its "de" ("des rafales
    # [proches] de 100")
    assert cuts_a_bound(p, {4, 5}) and cuts_a_bound(p, {4})
    assert cuts_a_bound(p, {5, 6, 7}) and cuts_a_bound(p, {6}) and not cuts_a_bound(p, {4, 5, 6, 7})  # nor the number
    p.pos[4] = "NOUN"  # "proche" as a noun ("un proche du Premier ministre") bounds nothing
    assert not cuts_a_bound(p, {4})
    # "Le retour devient de plus en plus plausible."
    p = _parse([("Le", "DET", "det", 1), ("retour", "NOUN", "nsubj", 2), ("devient", "VERB", "ROOT", 2),
                ("de", "ADP", "case", 4), ("plus", "ADV", "advmod", 7), ("en", "ADP", "case", 6),
                ("plus", "ADV", "advmod", 7), ("plausible", "ADJ", "xcomp", 2), (".", "PUNCT", "punct", 2)])
    assert cuts_a_bound(p, {6}) and cuts_a_bound(p, {3, 4}) and not cuts_a_bound(p, {3, 4, 5, 6})
    spans = _spans(p)
    assert frozenset({5, 6}) not in spans and frozenset({3, 4}) not in spans


def test_a_demonstrative_keeps_its_complement():
    # "Le nombre est équivalent à celui enregistré la veille.", "enregistré" hung on "équivalent"
    p = _parse([("Le", "DET", "det", 1), ("nombre", "NOUN", "nsubj", 3), ("est", "AUX", "cop", 3),
                ("équivalent", "ADJ", "ROOT", 3), ("à", "ADP", "case", 5), ("celui", "PRON", "obl", 3),
                ("enregistré", "VERB", "acl", 3), ("la", "DET", "det", 8), ("veille", "NOUN", "obl:mod", 6),
                (".", "PUNCT", "punct", 3)])
    spans = _spans(p)
    assert frozenset({4, 5}) not in spans
    assert strands_a_neighbour(p, {4, 5})
    p.text[5] = p.lemma[5] = "Paris"  # no pronoun: nothing after it is its complement
    p.pos[5] = "PROPN"
    assert not strands_a_neighbour(p, {4, 5})


def test_a_number_that_names_its_noun_stays_but_a_date_may_lose_it():
    # "Un séisme de magnitude 5,1 a secoué Athènes vendredi 19."
    p = _parse([("Un", "DET", "det", 1), ("séisme", "NOUN", "nsubj", 6), ("de", "ADP", "case", 3),
                ("magnitude", "NOUN", "nmod", 1), ("5,1", "NUM", "nmod", 3), ("a", "AUX", "aux:tense", 6),
                ("secoué", "VERB", "ROOT", 6), ("Athènes", "PROPN", "obj", 6), ("vendredi", "NOUN", "obl:mod", 6),
                ("19", "NUM", "nmod", 8), (".", "PUNCT", "punct", 6)])
    p.finite[5] = True
    p.number[4] = p.number[9] = True
    spans = _spans(p)
    assert frozenset({4}) not in spans
    assert frozenset({2, 3, 4}) in spans  # "de magnitude 5,1" may go whole
    assert frozenset({9}) in spans  # "vendredi [19]"


def test_an_ex_prefix_is_not_subsective():
    # "Trois ex-ministres sont élus."
    p = _parse([("Trois", "NUM", "nummod", 2), ("ex-ministres", "ADJ", "amod", 2), ("élus", "NOUN", "nsubj", 4),
                ("sont", "AUX", "cop", 4), ("partis", "VERB", "ROOT", 4), (".", "PUNCT", "punct", 4)])
    assert frozenset({1}) not in _spans(p)
    p.text[1] = p.lemma[1] = "nouveaux"
    assert frozenset({1}) in _spans(p)


def test_a_compound_noun_and_en_la_personne_de_keep_their_complement():
    # "Le préfet a provoqué une levée de boucliers dans la ville ."
    p = _parse([("Le", "DET", "det", 1), ("préfet", "NOUN", "nsubj", 3), ("a", "AUX", "aux:tense", 3),
                ("provoqué", "VERB", "ROOT", 3), ("une", "DET", "det", 5), ("levée", "NOUN", "obj", 3),
                ("de", "ADP", "case", 7), ("boucliers", "NOUN", "nmod", 5), ("dans", "ADP", "case", 10),
                ("la", "DET", "det", 10), ("ville", "NOUN", "obl:mod", 3), (".", "PUNCT", "punct", 3)])
    p.finite[2] = True
    spans = _spans(p)
    assert frozenset({6, 7}) not in spans
    assert frozenset({8, 9, 10}) in spans
    p.text[5] = p.lemma[5] = "série"  # "une série de boucliers": the complement may go
    assert frozenset({6, 7}) in _spans(p)
    # "Un membre a brigué le poste convoité en la personne de Royal ." ("personne" stays, as a negation would)
    p = _parse([("Un", "DET", "det", 1), ("membre", "NOUN", "nsubj", 3), ("a", "AUX", "aux:tense", 3),
                ("brigué", "VERB", "ROOT", 3), ("le", "DET", "det", 5), ("poste", "NOUN", "obj", 3),
                ("convoité", "ADJ", "amod", 5), ("en", "ADP", "case", 9), ("la", "DET", "det", 9),
                ("personne", "NOUN", "obl:mod", 3), ("de", "ADP", "case", 11), ("Royal", "PROPN", "nmod", 9),
                (".", "PUNCT", "punct", 3)])
    p.finite[2] = True
    spans = _spans(p)
    assert frozenset({10, 11}) not in spans
    assert frozenset({6}) in spans


def test_a_noun_and_adjective_compound_stays_whole():
    # "Ce fait divers macabre a commencé hier ." and "Ce cas divers macabre ...", where "divers" may go
    p = _parse([("Ce", "DET", "det", 1), ("fait", "NOUN", "nsubj", 5), ("divers", "ADJ", "amod", 1),
                ("macabre", "ADJ", "amod", 1), ("a", "AUX", "aux:tense", 5), ("commencé", "VERB", "ROOT", 5),
                ("hier", "ADV", "advmod", 5), (".", "PUNCT", "punct", 5)])
    p.finite[4] = True
    spans = _spans(p)
    assert frozenset({2}) not in spans and frozenset({3}) in spans
    p.text[1] = p.lemma[1] = "cas"
    assert frozenset({2}) in _spans(p)
