"""The headline's topic label: the brief's proper noun most likely in a human title, set before the headline
("Ghosn : ..."), within the headline's budget, for the languages configured."""

from __future__ import annotations

import numpy as np
import pytest

from briefsum.config import load_config
from briefsum.engines.offline.engine import ExtractiveEngine
from briefsum.engines.offline.scoring import Scores
from briefsum.engines.offline.labels import proper_noun_form
from briefsum.grading.budgets import grade_specs
from briefsum.grading.compressor import load
from briefsum.text import parse
from briefsum.text.segment import count_words, segment

ARTICLE = ("Le ministre de l'Économie a menacé de légiférer sur la rémunération des dirigeants. "
           "Le conseil d'administration de Renault se réunit jeudi pour fixer le salaire de Carlos Ghosn. "
           "Selon le ministre, la part variable de Ghosn devra baisser d'un tiers. "
           "Les syndicats de l'entreprise réclament un vote des actionnaires.")


class Fixed:
    """Sentence scores and title-word probabilities given by the test."""

    name = "learned"

    def __init__(self, title_words):
        self.title_words = title_words

    def score(self, doc):
        n = len(doc.sentences)
        head = np.array([1.0] + [0.0] * (n - 1))
        body = np.array([1.0, 0.9, 0.8] + [0.1] * n)[:n]
        return Scores(head, body, title_words=self.title_words)


def _run(text, lang="fr", title_words=None, label=0.1, specs=None, target=None, translator=None, langs=("fr",),
         headline_target=12):
    doc = segment(text, lang)
    words = {"ghosn": 0.55, "renault": 0.5, "ministre": 0.6, "syndicats": 0.3} if title_words is None \
        else title_words
    engine = ExtractiveEngine(Fixed(words), headline_target=headline_target, headline_label=label, label_langs=langs)
    return engine.run(doc, specs or grade_specs(load_config().settings.grades), target, translator, False)


def test_the_brief_s_likeliest_proper_noun_labels_the_headline():
    res = _run(ARTICLE)
    head = res.grades["headline"]
    # "ministre" is likelier but a common noun; Ghosn is the likeliest proper noun the headline lacks
    assert head.text.startswith("Carlos Ghosn : ") and head.method.endswith("+label")  # the whole name
    assert head.words == count_words(head.text) <= head.max_words
    brief = res.grades["brief"]
    assert "Ghosn" in " ".join(ARTICLE.split(". ")[i] for i in brief.source_indices)  # within the brief
    assert head.source_indices[0] in brief.source_indices  # nesting as before


def test_no_label_below_the_threshold_off_or_in_other_languages():
    assert "Ghosn" not in _run(ARTICLE, label=0.6).grades["headline"].text
    assert _run(ARTICLE, label=None).grades["headline"].method == "extractive+compressed"
    english = ("The minister threatened to legislate on executive pay. Renault's board meets on Thursday to set "
               "the salary of Carlos Ghosn. According to the minister, Ghosn's bonus must fall by a third.")
    assert _run(english, lang="en").grades["headline"].method == "extractive+compressed"
    labelled = _run(english, lang="en", langs=("en", "fr")).grades["headline"]
    assert labelled.text.startswith("Carlos Ghosn: ")  # the English colon


def test_a_word_the_brief_does_not_hold_never_labels_it():
    res = _run(ARTICLE, title_words={"syndicats": 0.9, "ghosn": 0.05})
    assert res.grades["headline"].method == "extractive+compressed"  # Syndicats is not a proper noun either
    outside = (" Les Syndicats Unis de Renault, qui représentent la majorité des salariés des usines de Flins, de "
               "Douai et de Sandouville, appellent à une grève de vingt-quatre heures le mois prochain pour protester "
               "contre les écarts de salaires.")
    res = _run(ARTICLE + outside, title_words={"unis": 0.9})
    assert 4 not in res.grades["brief"].source_indices  # the sentence that holds the word is not in the brief
    assert res.grades["headline"].method == "extractive+compressed"


def test_a_headline_with_a_topic_already_gets_none():
    text = "Au menu : un plan de médiation de la Turquie. " + ARTICLE
    assert _run(text).grades["headline"].method == "extractive+compressed"


def test_the_label_takes_its_room_from_the_headline_budget():
    long = ("Le conseil d'administration de Renault, réuni pendant plus de six heures jeudi soir au siège de "
            "Boulogne-Billancourt, a fixé la rémunération variable de Carlos Ghosn pour les trois prochaines années. ")
    res = _run(long + "Selon le ministre, la part de Ghosn baissera. Le ministre veut légiférer.",
               title_words={"ghosn": 0.5, "boulogne": 0.45, "billancourt": 0.45})
    head = res.grades["headline"]
    assert head.words <= head.max_words == 20
    if head.method.endswith("+label"):
        assert head.text.split(" : ")[0] in ("Boulogne", "Billancourt") and head.truncated


def test_a_headline_that_fits_whole_is_never_cut_for_a_label():
    fits = ("Le conseil de Renault a fixé la rémunération variable de son patron pour les trois prochaines années "
            "sans vote. ")  # 19 words: the label's two would push it over 20
    res = _run(fits + "Selon le ministre, la part de Carlos Ghosn baissera. Carlos Ghosn reste.",
               title_words={"ghosn": 0.5}, headline_target=None)
    assert count_words(fits) == 19
    head = res.grades["headline"]
    assert not head.truncated and head.method == "extractive+compressed" and "Ghosn" not in head.text


@pytest.mark.parametrize("word,texts,expected", [
    ("ghosn", ["Le salaire de Carlos Ghosn.", "Ghosn part.", "Ghosn reste."], "Ghosn"),
    ("ghosn", ["Le salaire de Carlos Ghosn.", "Carlos Ghosn part."], "Carlos Ghosn"),
    ("hauts", ["La région Hauts-de-France vote.", "Les Hauts-de-France votent."], "Hauts-de-France"),
    ("progrès", ["Hier, Le Progrès a titré.", "Il l'a dit au Progrès."], "Progrès"),  # no stop word in a name
    ("depuis", ["Depuis lundi, rien.", "Il pleut depuis hier."], None),  # capitalised only where a sentence opens
    ("paris", ["« Paris » a gagné."], None),  # after an opening quote only
    ("renault", ["Chez Renault et chez renault, RENAULT."], "Renault"),
    ("lyon", ["Le maire de Lyon et celui de lyon, puis lyon."], None),  # mostly written in lower case
    ("insee", ["Selon l'Insee, les prix montent.", "L'Insee le dit."], "Insee"),  # after an elided article
    ("air", ["Le patron d'Air France parle."], "Air France"),
    # a capitalised particle inside a name joins it
    ("pen", ["Hier, Marine Le Pen a parlé.", "La présidente du RN, Marine Le Pen, a répondu."], "Marine Le Pen"),
    ("bruno", ["Hier, Bruno Le Maire a parlé.", "Le ministre Bruno Le Maire a dit non."], "Bruno Le Maire"),
    # a source or an office is no topic: none where half its occurrences or more present one
    ("parisien", ["Selon Le Parisien, le maire a parlé.", "Le Parisien révèle tout."], None),
    ("bfmtv", ["Il a confié à BFMTV que tout va bien.", "Interrogé sur BFMTV, il a souri."], None),
    ("rtl", ["Il a confié à RTL que tout va bien."], None),  # a verb of saying, then "à"
    ("twitter", ["Il a annoncé sur Twitter sa démission."], None),
    ("rtl", ["Il parlait au micro de RTL hier.", "Hier, il a parlé au micro de RTL."], None),
    ("rtl", ["D'après RTL, il pleut.", "Tout va bien d'après RTL."], None),
    ("figaro", ["Tout va mal, rapporte Le Figaro.", "Le maire l'a dit au Figaro."], None),
    ("intérieur", ["Le ministre de l'Intérieur a parlé.", "Pour le ministère de l'Intérieur, tout va bien."], None),
    ("travail", ["Le ministère du Travail a tranché.", "Hier, le ministre du Travail a parlé."], None),
    ("bfmtv", ["Il a confié à BFMTV que tout va bien.", "Hier, BFMTV a licencié.", "BFMTV vend."], "BFMTV"),
    # ... and these are topics: a speaker after the verb, a person's full name, a word after "sur" or "après"
    ("djouhri", ["Hier, a déclaré Alexandre Djouhri, tout va bien.", "Le juge a vu Alexandre Djouhri."],
     "Alexandre Djouhri"),
    ("griset", ["Tout va bien, selon Alain Griset.", "Hier, Alain Griset a ri."], "Alain Griset"),
    ("macron", ["Des rumeurs courent sur Brigitte Macron.", "Hier, Brigitte Macron a ri."], "Brigitte Macron"),
    ("parcoursup", ["Les élèves inscrits sur Parcoursup attendent.", "Hier, Parcoursup a planté."], "Parcoursup"),
    ("eddy", ["Après Eddy Mitchell, il chante.", "Hier, Eddy Mitchell a ri."], "Eddy Mitchell"),
    # an office's word does not join the name after it
    ("castaner", ["Le ministre de l'Intérieur Christophe Castaner a parlé.", "Hier, Christophe Castaner a ri."],
     "Christophe Castaner"),
])
def test_proper_noun_form(word, texts, expected):
    assert proper_noun_form(word, texts) == expected


def test_a_particle_joins_a_name_only_within_its_longest_and_in_title_case():
    texts = ["Hier, Marine Le Pen a parlé.", "Hier, Marine Le Pen a ri."]
    assert proper_noun_form("pen", texts, longest=3) == "Marine Le Pen"
    assert proper_noun_form("pen", texts, longest=2) == "Pen"  # the particle and the name need three
    assert proper_noun_form("pen", ["Hier, MARINE LE PEN a parlé.", "Puis MARINE LE PEN a ri."]) == "PEN"
    # a headline holding "le" or "de" does not cut the particle's name down to its last word
    assert proper_noun_form("pen", texts, avoid={"le", "26", "mai"}) == "Marine Le Pen"
    assert proper_noun_form("pen", texts, avoid={"marine", "hier"}) == "Pen"  # a real repeat still does


def test_translated_output_gets_the_translated_label():
    class Upper:
        name = "upper"

        def translate_sentences(self, sentences, source, target):
            return [s.replace("Ghosn", "GHOSN") for s in sentences]

    res = _run(ARTICLE, target="en", translator=Upper())
    assert res.grades["headline"].text.startswith("Carlos GHOSN: ")


@pytest.mark.parametrize("value", ["sometimes", [0.1], True, float("nan"), 1.5, -0.2])
def test_a_bad_label_setting_is_a_config_error(value):
    from briefsum import summarise
    from briefsum.errors import ConfigError

    with pytest.raises(ConfigError, match="headline_label"):
        summarise(ARTICLE, lang="fr", target=None, engine="offline",
                  config={"engine": {"offline": {"headline_label": value}}})
    with pytest.raises(ConfigError, match="headline_label_langs"):
        summarise(ARTICLE, lang="fr", target=None, engine="offline",
                  config={"engine": {"offline": {"headline_label_langs": "fr"}}})


def test_no_label_languages_means_no_label():
    from briefsum import summarise

    text = ARTICLE + " Carlos Ghosn part."
    off = summarise(text, lang="fr", target=None, engine="offline",
                    config={"engine": {"offline": {"headline_label_langs": None}}})
    assert not off.grades["headline"].method.endswith("+label")


@pytest.mark.skipif(not parse.available("fr"), reason="spaCy's fr_core_news_sm is not installed")
def test_under_learned_compression_the_label_reads_the_refined_probabilities(monkeypatch):
    comp = load()
    assert comp is not None
    refined = {"ghosn": 0.05, "renault": 0.9, "ministre": 0.6, "syndicats": 0.3}
    asked = []

    def word_probabilities(probs, use, lang):
        asked.append((use, lang))
        return refined if use == "title" else probs

    monkeypatch.setattr(comp, "word_probabilities", word_probabilities)
    monkeypatch.setattr(comp, "choice", None)  # the headline's sentence by its score alone
    words = {"ghosn": 0.55, "renault": 0.5, "ministre": 0.6, "syndicats": 0.3}
    specs = grade_specs(load_config().settings.grades)
    learned = ExtractiveEngine(Fixed(words), headline_target=12, headline_label=0.1, compressor=comp)
    head = learned.run(segment(ARTICLE, "fr"), specs, None, None, False).grades["headline"]
    assert head.text.startswith("Renault : ") and ("title", "fr") in asked
    assert _run(ARTICLE).grades["headline"].text.startswith("Carlos Ghosn : ")  # the rules read the word models


VIRUS = ("La préfecture a fermé les écoles de la région jusqu'à nouvel ordre. "
         "Le nombre de cas de coronavirus a doublé en une semaine. "
         "Les hôpitaux manquent de lits pour les malades du coronavirus.")


@pytest.mark.skipif(not parse.available("fr"), reason="spaCy's fr_core_news_sm is not installed")
@pytest.mark.parametrize("floor,topics,label", [(None, None, None), (0.5, None, "Coronavirus"), (0.95, None, None),
                                                (0.5, frozenset({"hôpitaux"}), None)])
def test_a_common_noun_titles_take_as_topic_labels_the_headline_from_the_compressor_s_threshold(
        monkeypatch, floor, topics, label):
    comp = load()
    assert comp is not None and "coronavirus" in comp.label_topics  # counted on the training titles
    if topics is not None:
        monkeypatch.setattr(comp, "label_topics", topics)
    words = {"coronavirus": 0.9, "hôpitaux": 0.3, "région": 0.2, "doublé": 0.95}
    monkeypatch.setattr(comp, "word_probabilities", lambda probs, use, lang: words if use == "title" else probs)
    monkeypatch.setattr(comp, "choice", None)
    monkeypatch.setattr(comp, "label_nouns", floor)
    specs = grade_specs(load_config().settings.grades)
    engine = ExtractiveEngine(Fixed(words), headline_target=12, headline_label=0.1, compressor=comp)
    head = engine.run(segment(VIRUS, "fr"), specs, None, None, False).grades["headline"]
    # "doublé" is likelier but no noun; "hôpitaux" is one, below every threshold; a noun titles never take as
    # their topic never labels
    if label is None:
        assert " : " not in head.text, head.text
    else:
        assert head.text.startswith(f"{label} : "), head.text


def test_a_name_run_into_a_heading_never_labels_and_such_a_sentence_never_heads():
    glued = ("Le salaire de Carlos Ghosn est moqué par Non Stop ZappingSur Twitter les salariés réclament un vote. "
             "Le conseil d'administration de Renault se réunit jeudi pour fixer le salaire de son patron.")
    res = _run(glued, title_words={"zappingsur": 0.9, "ghosn": 0.5})
    head = res.grades["headline"]
    assert head.source_indices == [1]  # the sentence with the run-in heading is passed over, though it scores best
    assert head.text.startswith("Carlos Ghosn : ")  # the likelier "Stop ZappingSur Twitter" never labels it
    assert 0 in res.grades["brief"].source_indices
