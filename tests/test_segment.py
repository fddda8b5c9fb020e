import gzip
import json

import pytest

from briefsum.text.normalise import clean
from briefsum.text.segment import count_words, segment, split_sentences


@pytest.mark.parametrize(
    "text,expected",
    [
        ("M. Erdogan est venu. Mme Dupont aussi.", ["M. Erdogan est venu.", "Mme Dupont aussi."]),
        ("Le Dr Martin habite à St. Louis depuis 2010. Il y travaille.",
         ["Le Dr Martin habite à St. Louis depuis 2010.", "Il y travaille."]),
        ("E. Philippe a parlé. Il est reparti.", ["E. Philippe a parlé.", "Il est reparti."]),
        ("Il a dit « Bonjour. Au revoir. » puis il est parti. Ensuite, rien.",
         ["Il a dit « Bonjour. Au revoir. » puis il est parti.", "Ensuite, rien."]),
        ("La croissance est de 3,5 % contre 3.5 en 2021. Bien.",
         ["La croissance est de 3,5 % contre 3.5 en 2021.", "Bien."]),
        ("Ils ont fait appel à des avocats.Enjeu de la bataille, le texte.",
         ["Ils ont fait appel à des avocats.", "Enjeu de la bataille, le texte."]),
        ("Il parle (…) longuement. Fin du discours.", ["Il parle (…) longuement.", "Fin du discours."]),
        ("Mr. Smith went to Washington. He met Dr. Jones.", ["Mr. Smith went to Washington.", "He met Dr. Jones."]),
    ],
)
def test_split_sentences_handles_news_abbreviations_and_punctuation(text, expected):
    lang = "en" if text.startswith("Mr.") else "fr"
    assert split_sentences(text, lang) == expected


def test_paragraphs_and_headings_are_kept():
    doc = segment("Premier paragraphe. Deux phrases.\n\nUn intertitre\n\nTroisième paragraphe ici.", "fr")
    assert [s.paragraph for s in doc.sentences] == [0, 0, 1, 2]
    assert [s.heading for s in doc.sentences] == [False, False, True, False]
    assert [s.index for s in doc.sentences] == [0, 1, 2, 3]


def test_seed_article_segmentation(seed_text):
    c = clean(seed_text)
    assert c.metadata.get("date") == "2022-11"
    doc = segment(c.text, "fr")
    texts = [s.text for s in doc.sentences]
    assert texts[0] == "Les dirigeants asiatiques se réunissaient dans la capitale kazakhe Astana mi-octobre."
    # "M. Erdogan" must not be split after the title.
    assert any("M. Erdogan semblait confiant" in t for t in texts)
    assert not any(t.startswith("Erdogan") for t in texts)
    # The two sub-headings are recognised as headings.
    headings = [s.text for s in doc.sentences if s.heading]
    assert headings == ["La CICA s'institutionnalise",
                        "Un « recalibrage » des relations entre la Russie et ses anciens vassaux"]
    # A quotation spanning a full stop stays in one sentence.
    assert any(t.endswith("a récemment déclaré Kassym-Jomart Tokayev.") and "« prendre soin" in t for t in texts)
    assert len(doc.paragraphs) == 9
    assert all(t[0].isupper() or t[0] in "«\"'" for t in texts)


def test_orangesum_glued_sentences_are_split(data_root):
    path = data_root / "orangesum" / "valid.jsonl.gz"
    if not path.is_file():
        pytest.skip("OrangeSum valid not found")
    glued_docs = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= 200:
                break
            art = json.loads(line)["article"]
            import re

            if not re.search(r"[a-zé]{3}\.[A-ZÉ][a-zé]{2}", art):
                continue
            glued_docs += 1
            sents = segment(clean(art).text, "fr").sentences
            for s in sents:
                assert not re.search(r"[a-zé]{3}\.[A-ZÉ][a-zé]{3,} [a-zé]", s.text), s.text
    assert glued_docs > 10


def test_count_words_ignores_punctuation_tokens():
    assert count_words("Bonjour , le monde « ! » 3,5 %") == 4


@pytest.mark.parametrize("text,run_in", [
    ("Les César: un exercice périlleuxLa cérémonie a été un carton.", True),
    ("Faut-il interdire les fêtes de famille?par BFMTVAlors", True),
    ("Brigitte Macron, femme engagéeSur les conseils de Bernadette Chirac", True),
    ("la SNCFLe train partira", True),
    ("La PlayStation et WhatsApp chez LaREM.", False),
    ("Le McDonald de la rue et un iPhone.", False),
    ("Que faire? Rien.", False),
    ("La vidéo youtube.com/watch?v=abc et index.php?id=4 ici.", False),
    ("LightOn lève des fonds.", False),
])
def test_a_heading_run_into_its_sentence_is_recognised(text, run_in):
    from briefsum.text.segment import runs_in

    assert runs_in(text) is run_in
