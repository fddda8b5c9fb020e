import gzip
import json

import pytest

from briefsum.errors import InputError
from briefsum.text.normalise import clean, decode_bytes, is_html, normalise


def test_normalise_unicode_spaces_quotes_and_soft_hyphens():
    raw = "Cafe\u0301\u00a0:\u202fl\u2019e\u0301te\u0301 \u201cdit\u201d in\u00adcroyable\u200b !\r\n\r\n\r\n\r\nFin\tici"
    assert normalise(raw) == "Café : l'été \"dit\" incroyable !\n\nFin ici"


def test_normalise_drops_control_characters_and_nul():
    assert normalise("a\x00b\x07c\x1bd") == "abcd"


def test_guillemets_are_kept():
    assert normalise("« Bonjour »") == "« Bonjour »"


def test_leading_date_field_becomes_metadata():
    c = clean("date 2022-11 Le texte commence ici.")
    assert c.text == "Le texte commence ici."
    assert c.metadata == {"date": "2022-11"}


@pytest.mark.parametrize(
    "data,expected",
    [
        ("été".encode("utf-8"), "été"),
        (b"\xef\xbb\xbf" + "été".encode("utf-8"), "été"),
        ("été".encode("utf-16"), "été"),
    ],
)
def test_decode_accepts_utf8_bom_and_utf16_bom(data, expected):
    assert decode_bytes(data) == expected


def test_decode_rejects_latin1_and_names_it():
    with pytest.raises(InputError, match="not valid UTF-8"):
        decode_bytes("Les élèves ont été très sérieux à l'école.".encode("latin-1"), name="f.txt")
    assert decode_bytes("été".encode("latin-1"), "latin-1") == "été"


def test_decode_rejects_binary():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(256)) * 4)


def test_html_pages_give_their_article_text(data_root):
    pages = sorted((data_root / "html").glob("orangesum-valid-*.html"))
    if not pages:
        pytest.skip("no HTML pages in the shared data")
    articles = {}
    with gzip.open(data_root / "orangesum" / "valid.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            articles[d["id"]] = d["article"]
    for page in pages:
        html = page.read_text(encoding="utf-8", errors="replace")
        assert is_html(html)
        c = clean(html)
        assert c.metadata.get("source_format") == "html"
        assert "<" not in c.text[:2000] and "{" not in c.text[:2000]
        art_id = page.stem.rsplit("-", 1)[1]
        # Sentences of the article (as OrangeSum stored it) appear in what was extracted.
        from briefsum.text.segment import segment

        sents = [s.text for s in segment(normalise(articles[art_id]), "fr").sentences]
        flat = " ".join(c.text.split())
        probe = [s[:50] for s in sents[:6]]
        found = sum(1 for s in probe if s in flat)
        assert found >= max(1, (len(probe) + 1) // 2), page.name


def test_plain_text_is_not_html():
    assert not is_html("Le <b>gras</b> dans un texte n'en fait pas une page.")


def test_a_codec_that_fails_without_a_byte_position_is_an_input_error():
    import pytest

    from briefsum.errors import InputError
    from briefsum.text.normalise import decode_bytes

    with pytest.raises(InputError, match="cannot be decoded as punycode"):
        decode_bytes(b"a-b-c-9999", "punycode", name="a.txt")  # UnicodeError, no byte position
