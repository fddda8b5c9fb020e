import os
import stat

import pytest

import briefsum
from briefsum.config import load_config
from briefsum.engines.apertium import ApertiumTranslator
from briefsum.errors import BackendError, UnsupportedLanguageError

from conftest import needs_apertium


def _translator(**kw):
    ap = load_config().get("apertium")
    return ApertiumTranslator(ap["routes"], ap["packages"], **kw)


@needs_apertium
def test_one_output_sentence_per_input_sentence():
    src = ["Le chat dort sur le canapé.", "Les élections auront lieu en mars.", "Bonjour.",
           "Une ligne avec un retour\nà la ligne dedans.", "Prix : 3,5 % [note] #hashtag @nom ^$ <b>"]
    out = _translator().translate_sentences(src, "fr", "en")
    assert len(out) == len(src)
    assert "cat" in out[0].lower() and "election" in out[1].lower()
    assert all("\n" not in o for o in out)


@needs_apertium
def test_unknown_word_marks_are_removed():
    out = _translator().translate_sentences(["Le zorglubisme progresse."], "fr", "en")[0]
    assert "zorglubisme" in out and "*" not in out and "#" not in out


@needs_apertium
def test_full_translation_is_aligned_and_keeps_paragraphs(example_text):
    tr = briefsum.translate(example_text, source="fr", target="en")
    assert tr.target_lang == "en" and tr.engine == "apertium"
    assert [s.index for s in tr.sentences] == list(range(len(tr.sentences)))
    assert tr.text.count("\n\n") == len({s.paragraph for s in tr.sentences}) - 1
    assert "mayors" in tr.text


@needs_apertium
def test_seed_article_summaries_are_english(seed_text):
    b = briefsum.summarise(seed_text, engine="offline")
    assert b.source_lang == "fr" and b.output_lang == "en"
    assert b.models.get("translator") == "apertium"
    assert " the " in b.grades["summary"].text
    assert not any("not translated" in w for w in b.warnings)


def test_missing_apertium_gives_a_warning_and_source_language_summaries(example_text):
    cfg = {"apertium": {"binary": "apertium-not-installed-here"}}
    b = briefsum.summarise(example_text, engine="offline", config=cfg)
    assert b.output_lang == "fr"
    assert len(b.warnings) >= 1
    assert any("not translated" in w and "apt-get install apertium" in w for w in b.warnings)


def test_no_route_language_keeps_source_language():
    text = "Das Treffen der Bürgermeister fand am Donnerstag in Lyon statt. Sie sprachen über Wasser und Geld."
    b = briefsum.summarise(text, engine="offline")
    assert b.source_lang == "de" and b.output_lang == "de"
    assert any("no Apertium route for de→en" in w for w in b.warnings)


def test_no_route_is_an_error_for_translate():
    with pytest.raises(UnsupportedLanguageError):
        _translator().translate_sentences(["Hallo."], "de", "en")


def _fake_apertium(tmp_path, script: str, timeout: float = 120.0) -> ApertiumTranslator:
    """A translator whose 'apertium' is a shell script (to play a hung, crashing or lossy backend)."""
    fake = tmp_path / "apertium"
    fake.write_text("#!/bin/sh\n" + script + "\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    tr = ApertiumTranslator({"fr-en": ["fr-es"]}, binary=str(fake), timeout=timeout)
    tr.available_modes = lambda: None
    return tr


@pytest.mark.parametrize(
    "script,timeout,sentences,message",
    [
        ("sleep 30", 0.5, ["Bonjour."], "did not finish within 0.5 s"),
        ("echo 'mode not found' >&2\nexit 3", 120.0, ["Bonjour."], "exit code 3: mode not found"),
        ("head -n 1", 120.0, ["Un.", "Deux."], "alignment lost"),
    ],
    ids=["hangs", "crashes", "loses-lines"],
)
def test_failing_backend_gives_one_clear_error(tmp_path, script, timeout, sentences, message):
    tr = _fake_apertium(tmp_path, script, timeout)
    with pytest.raises(BackendError, match=message):
        tr.translate_sentences(sentences, "fr", "en")


@needs_apertium
def test_prestarted_pipeline_translates_like_a_fresh_one():
    src = ["Le chat dort sur le canapé.", "Les élections auront lieu en mars."]
    warm = _translator()
    warm.prestart("fr", "en")
    procs = list(warm._warm[1])
    assert warm.translate_sentences(src, "fr", "en") == _translator().translate_sentences(src, "fr", "en")
    assert warm._warm is None and all(p.poll() is not None for p in procs)


@needs_apertium
def test_unused_prestarted_pipeline_is_stopped():
    tr = _translator()
    tr.prestart("fr", "en")
    procs = list(tr._warm[1])
    assert tr.translate_sentences(["El gato duerme."], "es", "en")  # another route: the warm one is stopped
    assert all(p.poll() is not None for p in procs)
    tr.prestart("fr", "en")
    procs = list(tr._warm[1])
    tr.close()
    assert all(p.poll() is not None for p in procs)
