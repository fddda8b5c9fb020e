import os
import stat

import pytest

import briefsum
from briefsum.config import load_config
from briefsum.translation.apertium import ApertiumTranslator
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
    procs = list(warm._warm.procs)
    assert warm.translate_sentences(src, "fr", "en") == _translator().translate_sentences(src, "fr", "en")
    assert warm._warm is None and all(p.poll() is not None for p in procs)


@needs_apertium
def test_unused_prestarted_pipeline_is_stopped():
    tr = _translator()
    tr.prestart("fr", "en")
    procs = list(tr._warm.procs)
    assert tr.translate_sentences(["El gato duerme."], "es", "en")  # another route: the warm one is stopped
    assert all(p.poll() is not None for p in procs)
    tr.prestart("fr", "en")
    procs = list(tr._warm.procs)
    tr.close()
    assert all(p.poll() is not None for p in procs)


@needs_apertium
def test_modes_run_without_the_script_translate_exactly_like_it():
    from briefsum.translation import apertium

    src = ["Le chat dort sur le canapé.", "Prix : 3,5 % [note] #hashtag @nom ^$ <b> \\ « guillemets »",
           "Le zorglubisme progresse.", "L'opposition dénonce une hausse des impôts locaux."]
    direct = _translator()
    assert apertium._direct_stages(direct.executable(), ["fr-es", "spa-eng"]) is not None
    script = _translator()
    script._start = lambda modes: apertium._Pipeline.start(
        tuple(modes), [(m, [script.executable(), "-u", "-f", "txt", m]) for m in modes])
    for a, b in [("fr", "en"), ("fr", "es"), ("es", "en")]:
        text = src if a == "fr" else direct.translate_sentences(src, "fr", "es")
        assert direct.translate_sentences(text, a, b) == script.translate_sentences(text, a, b)


def test_another_binary_or_an_unusual_mode_file_runs_through_the_script(tmp_path, monkeypatch):
    from briefsum.translation import apertium

    fake = tmp_path / "apertium"
    fake.write_text("#!/bin/sh\ncat\n")
    assert apertium._direct_stages(str(fake), ["fr-es"]) is None
    bin_dir, data = tmp_path / "bin", tmp_path / "data"
    (data / "modes").mkdir(parents=True)
    bin_dir.mkdir()
    script = tmp_path / "apertium-script"
    script.write_text(f'#!/usr/bin/env bash\nAPERTIUM_PATH="${{APERTIUM_PATH:-{bin_dir}}}"\n'
                      f'APERTIUM_DATADIR="${{APERTIUM_DATADIR:-{data}}}"\n')
    wblank = bin_dir / "apertium-wblank-mode"
    wblank.write_text('#!/bin/sh\ncat "$1"\n')
    wblank.chmod(0o755)
    for name in ("apertium-destxt", "apertium-retxt", "lt-proc"):
        (bin_dir / name).write_text("#!/bin/sh\ncat\n")
        (bin_dir / name).chmod(0o755)
    monkeypatch.delenv("APERTIUM_PATH", raising=False)
    monkeypatch.delenv("APERTIUM_DATADIR", raising=False)
    cases = {"ok": "lt-proc 'a b.bin' | lt-proc $1 x.bin | lt-proc -g $2 y.prob",
             "redirect": "lt-proc x.bin 2>/dev/null | lt-proc $1 y.bin",
             "variable": "lt-proc $HOME/x.bin",
             "quoted": "lt-proc \"$1\" x.bin",
             "sequence": "lt-proc x.bin; lt-proc y.bin"}
    for name, text in cases.items():
        (data / "modes" / f"{name}.mode").write_text(text + "\n")
    stages = apertium._direct_stages(str(script), ["ok"])
    assert [s[1][1:] for s in stages] == [[], ["a b.bin"], ["-n", "x.bin"], ["-g", "y.prob"], []]
    for name in ("redirect", "variable", "quoted", "sequence", "missing"):
        assert apertium._direct_stages(str(script), [name]) is None, name


@needs_apertium
@pytest.mark.parametrize("direct", [True, False], ids=["modes", "script"])
def test_no_temporary_files_are_left_behind(tmp_path, monkeypatch, direct):
    """The apertium script removes its temporary file only when it exits normally; a killed one
    (a prestarted pipeline that is closed, a timeout) must not leave it in TMPDIR either."""
    import tempfile
    import time

    from briefsum.translation import apertium

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    if not direct:
        monkeypatch.setattr(apertium, "_direct_stages", lambda exe, modes, **kw: None)
    tr = _translator()
    tr.prestart("fr", "en")
    if not direct:  # let the scripts make their temporary files before they are killed
        deadline = time.monotonic() + 10
        while len(list(tmp_path.rglob("apertium.*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(list(tmp_path.rglob("apertium.*"))) == 2
    tr.close()
    assert list(tmp_path.iterdir()) == []
    assert tr.translate_sentences(["Le chat dort."], "fr", "en")
    tr.prestart("fr", "en")
    assert tr.translate_sentences(["Le chat dort."], "fr", "en")  # the prestarted pipeline, used
    tr.prestart("fr", "en")
    del tr  # dropped without close: stopped when collected
    import gc

    gc.collect()
    with pytest.raises(BackendError, match="did not finish"):
        _translator(timeout=0.001).translate_sentences(["Le chat dort."] * 50, "fr", "en")
    assert list(tmp_path.iterdir()) == []


@needs_apertium
@pytest.mark.parametrize("stage,timeout,message", [
    (["/bin/sh", "-c", "cat >/dev/null; echo 'dictionary is corrupt' >&2; exit 3"], 120.0,
     r"Apertium \(spa-eng\) failed with exit code 3: dictionary is corrupt"),
    (["/bin/sleep", "30"], 0.5, "did not finish within 0.5 s"),
], ids=["crashes", "hangs"])
def test_a_failing_stage_of_the_mode_pipeline_gives_one_clear_error_and_stops_all(monkeypatch, stage, timeout,
                                                                                 message):
    from briefsum.translation import apertium

    real = apertium._direct_stages

    def with_bad_stage(exe, modes, **kw):
        stages = real(exe, modes, **kw)
        return stages[:-3] + [(stages[-3][0], stage)] + stages[-2:]  # spa-eng's generator fails

    monkeypatch.setattr(apertium, "_direct_stages", with_bad_stage)
    tr = _translator(timeout=timeout)
    tr.prestart("fr", "en")
    group = tr._warm.procs[0].pid
    with pytest.raises(BackendError, match=message):
        tr.translate_sentences(["Le chat dort.", "Il pleut."], "fr", "en")
    import time

    deadline = time.monotonic() + 10  # killed stages are reaped by init a moment later
    with pytest.raises(ProcessLookupError):  # no stage of the group is left
        while time.monotonic() < deadline:
            os.killpg(group, 0)
            time.sleep(0.05)
