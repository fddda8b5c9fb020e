"""The faithfulness check's pure functions: numbers and names a summary holds that its source does not (names found
by the parse layer where it covers the language, else as capitalised words), and the sentences that support it."""

from __future__ import annotations

import pytest

from briefsum.engines.neural import faithfulness
from briefsum.engines.neural.faithfulness import parsed_names, support_indices, unsupported_terms
from briefsum.text import parse
from briefsum.text.parse import Parsed

needs_spacy = pytest.mark.skipif(not parse.available("fr"), reason="spaCy's fr_core_news_sm is not installed")

SOURCE = ["Le président Kassym-Jomart Tokaïev a reçu Vladimir Poutine à Astana le 13 octobre."]


def _parsed(rows: list[tuple[str, str, str, str]]) -> Parsed:
    """A hand-built parse from (token, whitespace after it, part of speech, entity type) rows."""
    text, ws, pos, ent = (list(c) for c in zip(*rows))
    n = len(text)
    return Parsed(text, ws, pos, ["dep"] * n, list(range(n)), [t.lower() for t in text], ent)


# "Après le sommet, Emmanuel Macron a reçu Dieudonné à l'Élysée." as a small parser may read it
SUMMIT = _parsed([("Après", " ", "ADP", ""), ("le", " ", "DET", ""), ("sommet", "", "NOUN", ""),
                  (",", " ", "PUNCT", ""), ("Emmanuel", " ", "PROPN", "PER"), ("Macron", " ", "PROPN", "PER"),
                  ("a", " ", "AUX", ""), ("reçu", " ", "VERB", ""), ("Dieudonné", " ", "ADJ", ""),
                  ("à", " ", "ADP", ""), ("l'", "", "DET", "LOC"), ("Élysée", "", "PROPN", "LOC"),
                  (".", "", "PUNCT", "")])


def test_names_of_a_parse_are_whole_entities_proper_nouns_and_capitalised_content_words():
    assert parsed_names(SUMMIT) == [("Emmanuel Macron", ["Emmanuel", "Macron"], False),
                                    ("Dieudonné", ["Dieudonné"], False), ("Élysée", ["Élysée"], False)]
    start = _parsed([("Faut", "", "PROPN", ""), ("-il", " ", "PRON", ""), ("partir", "", "VERB", ""),
                     ("?", "", "PUNCT", "")])
    assert parsed_names(start) == [("Faut", ["Faut"], True)]  # a single word starting the sentence
    person = _parsed([("Poutine", " ", "PROPN", "PER"), ("arrive", "", "VERB", ""), (".", "", "PUNCT", "")])
    assert parsed_names(person) == [("Poutine", ["Poutine"], False)]  # an entity, not a lone word


def test_with_a_parse_names_are_reported_whole_and_sentence_words_are_not_names(monkeypatch):
    monkeypatch.setattr(faithfulness.parse_layer, "parse", lambda texts, lang: [SUMMIT] * len(texts))
    summary = "Après le sommet, Emmanuel Macron a reçu Dieudonné à l'Élysée."
    assert unsupported_terms(summary, SOURCE, "fr") == ["Emmanuel Macron", "Dieudonné", "Élysée"]
    # the rule without a parser splits the name and takes "Après" for one
    assert unsupported_terms(summary, SOURCE, "fr", names="capitals") == ["Après", "Emmanuel", "Macron",
                                                                           "Dieudonné", "Élysée"]
    assert unsupported_terms("Il a reçu Macron à l'Élysée.", SOURCE, "fr", names="capitals") == ["Macron", "Élysée"]
    supported = "Après le sommet, Emmanuel Macron a reçu Dieudonné à l'Élysée."
    assert unsupported_terms(supported, [supported], "fr") == []


def test_a_single_word_starting_a_sentence_is_decided_by_the_rule_without_a_parser(monkeypatch):
    start = _parsed([("Toujours", " ", "PROPN", ""), ("pas", " ", "ADV", ""), ("de", " ", "ADP", ""),
                     ("réponse", "", "NOUN", ""), (".", "", "PUNCT", "")])
    monkeypatch.setattr(faithfulness.parse_layer, "parse", lambda texts, lang: [start] * len(texts))
    assert unsupported_terms("Toujours pas de réponse.", ["Il attend toujours."], "fr") == []
    assert unsupported_terms("Toujours pas de réponse.", ["Il attend."], "fr") == ["Toujours"]


def test_languages_without_a_parser_keep_the_capitalised_words(monkeypatch):
    def no_parse(texts, lang):
        raise AssertionError("no parse for English")

    monkeypatch.setattr(faithfulness.parse_layer, "parse", no_parse)
    assert unsupported_terms("The President met Putin on 13 March.", ["The president met him on 12 March."]) == \
        ["13", "Putin"]


@needs_spacy
def test_the_french_pipeline_finds_the_invented_name_and_not_the_sentence_word():
    summary = "Après le sommet, Emmanuel Macron a reçu Vladimir Poutine à Astana."
    assert unsupported_terms(summary, SOURCE, "fr") == ["Emmanuel Macron"]
    assert unsupported_terms("Tokaïev a reçu Poutine à Astana le 14 octobre.", SOURCE, "fr") == ["14"]


def test_faithful_output_passes_the_guard():
    src = ["Le président a rencontré les ministres à Paris le 12 mars 2023.",
           "The president met the ministers in Paris on 12 March 2023; 4,500 jobs will be created."]
    assert unsupported_terms("The president met ministers in Paris on 12 March 2023. 4 500 jobs.", src) == []
    assert unsupported_terms("The President met Putin on 13 March.", src) == ["13", "Putin"]


def test_support_indices_point_at_the_overlapping_sentences():
    sents = ["The mayor presented a transport plan.", "Unions called a strike on Thursday.", "It rained."]
    assert support_indices("Unions called for a national strike. The mayor presented his plan.", sents) == [0, 1]


def test_a_hyphenated_name_is_one_name_and_capitalised_words_count_whatever_their_tag():
    hyphen = _parsed([("Il", " ", "PRON", ""), ("a", " ", "AUX", ""), ("reçu", " ", "VERB", ""),
                      ("Kassym", "", "PROPN", ""), ("-", "", "PUNCT", ""), ("Jomart", " ", "PROPN", "PER"),
                      ("Tokaïev", "", "PROPN", "PER"), (".", "", "PUNCT", "")])
    assert [name for name, _, _ in parsed_names(hyphen)] == ["Kassym-Jomart Tokaïev"]
    adverb = _parsed([("Qu'", "", "SCONJ", ""), ("Emmanuel", " ", "ADV", ""), ("Macron", " ", "PROPN", ""),
                      ("vienne", "", "VERB", ""), ("!", "", "PUNCT", "")])
    assert [name for name, _, _ in parsed_names(adverb)] == ["Emmanuel", "Macron"]


def test_the_rule_strips_elided_articles_in_french_only_and_bad_settings_are_refused(monkeypatch):
    assert unsupported_terms("Il est arrivé à l'Élysée lorsqu'Emmanuel est parti.", ["Il est parti."], "fr",
                             names="capitals") == ["Élysée", "Emmanuel"]
    assert unsupported_terms("D'Angelo won.", ["Angelo won."], "en") == ["D'Angelo"]
    with pytest.raises(ValueError):
        unsupported_terms("Paris.", ["Paris."], "fr", names="ner")
    # a parse layer that gives back too few parses: the rule stands in
    monkeypatch.setattr(faithfulness.parse_layer, "parse", lambda texts, lang: [])
    assert unsupported_terms("Après le sommet, Macron est parti.", ["Le sommet."], "fr") == ["Après", "Macron"]
