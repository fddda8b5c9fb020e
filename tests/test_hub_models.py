"""The neural engine on models built from the default models' real files (tests/hub_models.py): every role the
default registry names, through the public API and the CLI, on both backends where CTranslate2 converts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import briefsum
from hub_models import HUB, MODELS, hub_models  # noqa: F401  (fixture)
from tiny_models import no_network  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parent.parent
HOSTILE = ("Le sommet <mask> s'est tenu à Astana </s> le 13 octobre. Les dirigeants <pad> de 27 pays ont signé "
           ">>eng<< une déclaration eng_Latn commune <extra_id_0> sur la sécurité régionale. "
           "Le président kazakh a salué <s> un succès.")
HOSTILE_EN = ("The summit <mask> was held in Astana </s> on 13 October. Leaders <pad> of 27 countries signed "
              ">>eng<< a joint eng_Latn declaration <extra_id_0> on regional security. "
              "The Kazakh president hailed <s> a success.")
SPECIAL_STRINGS = ("<mask>", "</s>", "<pad>", ">>eng<<", "eng_Latn", "<extra_id_0>", "<s>")
GRADES = {
    "headline": {"min_new_tokens": 2, "max_new_tokens": 5, "num_beams": 2},
    "brief": {"min_new_tokens": 2, "max_new_tokens": 6, "num_beams": 2},
    "summary": {"min_new_tokens": 2, "max_new_tokens": 7, "num_beams": 2},
    "detailed": {"min_new_tokens": 2, "max_new_tokens": 8, "num_beams": 2},
    "chunk": {"min_new_tokens": 0, "max_new_tokens": 4, "num_beams": 1},
}
TRANSLATE = {"num_beams": 2, "max_new_tokens": 16, "no_repeat_ngram_size": 3}


def hub_config(translation=None, summarisation=None, headline=None, multilingual=None, pair="fr-en", **neural):
    """A config pointing the registry at hub-model folders; only the grades' lengths are shortened (each
    model's own generation config, vocabulary and limits apply)."""
    models: dict = {"grades": GRADES, "translation": {},
                    "summarisation": {"en": {"model": None}, "fr": {"model": None}},
                    "headline": {"en": {"model": None}, "fr": {"model": None}}, "multilingual": {"*": {"model": None}}}
    if translation:
        models["translation"][pair] = {"model": str(translation), "generate": dict(TRANSLATE)}
    for table, item in (("summarisation", summarisation), ("headline", headline)):
        if item:
            models[table][item[0]] = {"model": str(item[1])}
    if multilingual:
        models["multilingual"]["*"] = {"model": str(multilingual), "output_lang": "source"}
    opts = {"device": "cpu", "dtype": "float32", "faithfulness": "off", "loop_guard": "repair",
            "backend": "transformers", "fast_cache_dir": None}
    opts.update(neural)
    return {"models": models, "neural": opts}


def loaded(cfg_map, path, task="summarisation"):
    from briefsum.config import load_config
    from briefsum.engines.neural import load_model
    from briefsum.engines.registry import Located

    return load_model(load_config(cfg_map).settings, Located(str(path), Path(path)), task)


def needs_ct2():
    from briefsum.engines.neural import ct2

    if not ct2.available():
        pytest.skip("ctranslate2 is not installed (pip install 'briefsum[fast]')")


def long_article(words: int) -> str:
    sentence = ("Le sommet de la Conférence pour l'interaction en Asie s'est tenu à Astana en octobre, avec les "
                "dirigeants de vingt-sept pays.")
    n = len(sentence.split())
    return "\n\n".join(" ".join([sentence] * 3) for _ in range(words // (3 * n) + 1))


# -- the fixtures are the real models, shrunk ----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MODELS))
def test_fixture_keeps_everything_but_depth_and_width(hub_models, name):
    folder, changes = MODELS[name]
    src, out = HUB / folder, hub_models[name]
    for f in src.iterdir():
        if f.is_file() and f.name != "config.json":
            assert (out / f.name).read_bytes() == f.read_bytes(), f.name
    real = json.loads((src / "config.json").read_text(encoding="utf-8"))
    built = json.loads((out / "config.json").read_text(encoding="utf-8"))
    dims = {"d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads", "decoder_attention_heads",
            "encoder_ffn_dim", "decoder_ffn_dim", "d_kv", "num_heads", "d_ff", "num_layers", "num_decoder_layers",
            "num_hidden_layers"}
    for key, value in real.items():
        if key not in dims:
            assert built[key] == changes.get(key, value), key
    assert built["vocab_size"] == real["vocab_size"]


# -- tokenizers ---------------------------------------------------------------------------------------

def test_barthez_tokenizer_loads_and_matches_its_sentencepiece_model(hub_models):
    """BarthezTokenizer fails on some transformers releases; briefsum's tokenizer for the folder must give
    the ids of the sentencepiece model's pieces in the tokenizer.json vocabulary."""
    import sentencepiece as spm

    from briefsum.engines.neural.loading import load_tokenizer

    folder = hub_models["barthez-orangesum-abstract"]
    tok = load_tokenizer(str(folder), folder, local_files_only=True)
    sp = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.bpe.model"))
    vocab = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    index = {piece: i for i, (piece, _) in enumerate(vocab)} if isinstance(vocab, list) else vocab
    text = "Le président kazakh a salué un sommet réussi, à Astana, devant 27 délégations."
    want = [index.get(p, tok.unk_token_id) for p in sp.encode(text, out_type=str)]
    ids = tok([text], add_special_tokens=True)["input_ids"][0]
    assert ids[0] == tok.bos_token_id == 0 and ids[-1] == tok.eos_token_id == 2
    assert ids[1:-1] == want
    assert tok.decode(ids, skip_special_tokens=True) == text


@pytest.mark.parametrize("name", ["bart-large-cnn", "barthez-orangesum-abstract", "opus-mt-tc-big-fr-en",
                                  "pegasus-xsum", "t5-base-fr-sum-cnndm", "nllb-200-distilled-600M"])
def test_special_token_strings_in_user_text_are_plain_text(hub_models, no_network, name):
    m = loaded(hub_config(), hub_models[name])
    tok = m.tokenizer
    plain = "Le sommet s'est tenu à Astana."
    assert m.plain.encode([plain]) == [tok([plain])["input_ids"][0]]  # texts without them: as usual
    head, tail = m.plain.frame()
    for s in SPECIAL_STRINGS:
        ids = m.plain.encode([f"Le sommet {s} à Astana."])[0]
        assert ids[:len(head)] == head and ids[len(ids) - len(tail):] == tail
        inner = ids[len(head):len(ids) - len(tail)]
        assert not [i for i in inner if i in m.plain.special_ids and i != tok.unk_token_id], s
        assert max(inner) < m.model.config.vocab_size
        # counting and prompts read it the same way
        assert m.count_tokens([f"Le sommet {s} à Astana."]) == [len(ids)]
        assert [len(x) for x in m.plain.encode([s], add_special_tokens=False)] == m.prefix_lengths([s])


def test_an_article_with_special_token_strings_summarises_with_bart_large_cnn(hub_models, no_network):
    """bart-large-cnn's <mask> (50264) is one past its model's vocabulary (50264 rows): read as the special
    token, it crashed the model."""
    cfg = hub_config(summarisation=("en", hub_models["bart-large-cnn"]))
    b = briefsum.summarise(HOSTILE_EN, lang="en", target=None, engine="neural", config=cfg)
    assert b.engine == "neural" and all(g.text for g in b.grades.values())


# -- every role of the default registry -----------------------------------------------------------------

def test_french_neural_summary_with_the_barthez_models(hub_models, no_network, seed_text):
    """summarisation fr (barthez-orangesum-abstract) and headline fr (barthez-orangesum-title: same files)."""
    folder = hub_models["barthez-orangesum-abstract"]
    cfg = hub_config(summarisation=("fr", folder), headline=("fr", folder))
    b = briefsum.summarise(seed_text, lang="fr", target=None, engine="neural", config=cfg)
    assert b.engine == "neural" and b.source_lang == "fr"
    assert set(b.grades) == {"headline", "brief", "summary", "detailed"}
    assert all(g.language == "fr" and g.text for g in b.grades.values())
    assert any(g.method == "abstractive" for g in b.grades.values())
    assert b.models["summariser"] == str(folder) and b.models["headline"] == str(folder)
    b2 = briefsum.summarise(HOSTILE, lang="fr", target=None, engine="neural", config=cfg)
    assert b2.engine == "neural" and all(g.text for g in b2.grades.values())
    many = briefsum.summarise_many([HOSTILE, seed_text], lang="fr", target=None, engine="neural", config=cfg)
    assert [m.grades["detailed"].text for m in many] == [b2.grades["detailed"].text, b.grades["detailed"].text]


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_translate_then_summarise_with_opus_mt_and_distilbart(hub_models, no_network, backend):
    """translation fr-en (opus-mt-tc-big as the stand-in for opus-mt-fr-en) + summarisation en."""
    if backend == "ctranslate2":
        needs_ct2()
    tr_folder, sum_folder = hub_models["opus-mt-tc-big-fr-en"], hub_models["distilbart-cnn-12-6"]
    cfg = hub_config(translation=tr_folder, summarisation=("en", sum_folder), backend=backend,
                     fast_cache_dir=str(tr_folder.parent / f"ct2-{backend}"))
    tr = briefsum.translate(HOSTILE, source="fr", engine="neural", config=cfg)
    assert len(tr.sentences) == 3 and all(s.target for s in tr.sentences)
    assert (backend in tr.engine) == (backend == "ctranslate2")
    b = briefsum.summarise(HOSTILE, lang="fr", target="en", engine="neural", config=cfg)
    assert b.engine == "neural" and all(g.language == "en" and g.text for g in b.grades.values())


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_pegasus_headline_reads_input_sized_to_its_own_512_positions(hub_models, no_network, backend):
    """headline en (pegasus-xsum: 512 positions) after a summariser of 1024: a long article used to end in
    'index out of range' on both backends."""
    if backend == "ctranslate2":
        needs_ct2()
    head = hub_models["pegasus-xsum"]
    cfg = hub_config(summarisation=("en", hub_models["bart-large-cnn"]), headline=("en", head), backend=backend,
                     fast_cache_dir=str(head.parent / f"ct2-{backend}"))
    text = ("The summit of the Conference on Interaction and Confidence-Building Measures in Asia was held in "
            "Astana in October with leaders of twenty-seven countries. ") * 30  # ~700 tokens: over 512
    b = briefsum.summarise(text, lang="en", target=None, engine="neural", config=cfg)
    assert b.engine == "neural" and b.grades["headline"].text
    assert b.stats.get("headline_input_passes", 0) >= 1  # the headline model got an input of its own size
    assert b.models["headline"].startswith(str(head))


def test_multilingual_direct_with_a_t5_summariser(hub_models, no_network):
    """multilingual / direct (a French T5 summariser stands in for mT5-XLSum)."""
    cfg = hub_config(multilingual=hub_models["t5-base-fr-sum-cnndm"], strategy="direct")
    b = briefsum.summarise(HOSTILE, lang="fr", target=None, engine="neural", config=cfg)
    assert b.engine == "neural" and b.stats["strategy"] == "direct"
    assert all(g.language == "fr" and g.text for g in b.grades.values())


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_nllb_translation_uses_its_real_language_ids(hub_models, no_network, backend):
    if backend == "ctranslate2":
        needs_ct2()
    folder = hub_models["nllb-200-distilled-600M"]
    cfg = hub_config(translation=folder, backend=backend, fast_cache_dir=str(folder.parent / f"ct2-{backend}"))
    from briefsum.config import load_config
    from briefsum.engines.neural import NeuralTranslator

    t = NeuralTranslator.from_config(load_config(cfg).settings, "fr", "en")
    assert t.src_code == "fra_Latn" and t.forced_bos == 256047
    same = NeuralTranslator.from_config(load_config(cfg), "fr", "en")  # the Config itself is taken too
    assert (same.src_code, same.forced_bos, same.model) == (t.src_code, t.forced_bos, t.model)
    with t.model.lock:
        t.model.tokenizer.src_lang = "fra_Latn"
        assert t.model.token_ids(["Le sommet."])[0][0] == 256057
    assert all(t.translate(["Le sommet <mask> eng_Latn a eu lieu.", "Les dirigeants ont signé."]).texts)


def test_cli_on_hub_models_writes_every_grade(hub_models, tmp_path):
    folder = hub_models["barthez-orangesum-abstract"]
    cfg = tmp_path / "c.yaml"
    cfg.write_text(json.dumps(hub_config(summarisation=("fr", folder))), encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    r = subprocess.run([sys.executable, "-m", "briefsum", str(article), "--lang", "fr", "--target", "fr",
                        "--engine", "neural", "--config", str(cfg), "--format", "json"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["engine"] == "neural" and all(out["grades"][g]["text"] for g in ("headline", "brief", "summary"))
    for notice in ("Please make sure", "sacremoses", "torch_dtype", "Traceback"):
        assert notice not in r.stderr


# -- degradation ----------------------------------------------------------------------------------------

def test_a_headline_model_that_cannot_load_leaves_the_headline_to_the_summariser(hub_models, no_network, tmp_path):
    broken = tmp_path / "broken-headline"
    broken.mkdir()
    src = hub_models["pegasus-xsum"]
    for f in src.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    cfg = hub_config(summarisation=("en", hub_models["distilbart-cnn-12-6"]), headline=("en", broken))
    b = briefsum.summarise(HOSTILE_EN, lang="en", target=None, engine="neural", config=cfg)
    assert b.engine == "neural" and "headline" not in b.models and b.grades["headline"].text
    notes = [w for w in b.warnings if "headline model unavailable" in w]
    assert len(notes) == 1 and str(broken) in notes[0]


# -- the loop guard -------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_an_output_capped_with_a_forced_eos_counts_as_unfinished(hub_models, no_network, backend):
    """opus-mt configs force EOS (forced_eos_token_id): an output that reaches its cap ends on EOS too, and
    the loop guard must still see it ran out of room."""
    if backend == "ctranslate2":
        needs_ct2()
    folder = hub_models["opus-mt-tc-big-fr-en"]
    cfg = hub_config(translation=folder, backend=backend, fast_cache_dir=str(folder.parent / f"ct2-{backend}"))
    m = loaded(cfg, folder, "translation")
    assert m.model.generation_config.forced_eos_token_id == 43311
    capped = m.generate(["Le sommet a eu lieu à Astana le 13 octobre."], {"num_beams": 2, "min_new_tokens": 6,
                                                                         "max_new_tokens": 6})
    assert capped[0].new_tokens == 5 and not capped[0].finished


def test_a_loop_the_repair_cannot_change_is_not_called_removed(hub_models, no_network, monkeypatch):
    from briefsum.engines.neural.transformers_backend import TransformersSeq2Seq
    from briefsum.engines.neural.model import Generated

    folder = hub_models["opus-mt-tc-big-fr-en"]
    cfg = hub_config(translation=folder, loop_guard="retry")
    monkeypatch.setattr(TransformersSeq2Seq, "generate",
                        lambda self, texts, *a, **k: [Generated("The summit took place", 6, False) for _ in texts])
    tr = briefsum.translate("Le sommet a eu lieu.", source="fr", engine="neural", config=cfg)
    assert tr.sentences[0].target == "The summit took place"
    assert not any("removed" in w for w in tr.warnings)
    assert any("kept as written" in w and "sentence 1" in w for w in tr.warnings)


# -- map-reduce -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("echo", ["chunk", "nothing"])
def test_map_reduce_stops_when_a_pass_does_not_shrink_the_input(hub_models, no_network, monkeypatch, echo):
    """Chunk summaries that are their chunk again (nothing trimmed), or empty with a chunk that is one long
    sentence without spaces (its stand-in is the whole chunk): the reduction used to repeat such passes until
    neural.max_passes raised a BackendError."""
    from briefsum.engines.neural.model import Generated
    from briefsum.engines.neural.summariser import NeuralSummariser
    from briefsum.engines.neural.transformers_backend import TransformersSeq2Seq

    folder = hub_models["barthez-orangesum-abstract"]
    cfg = hub_config(summarisation=("fr", folder), max_passes=50)
    real = TransformersSeq2Seq.generate
    calls = []

    def fake(self, texts, settings, *a, **k):
        if settings.get("max_new_tokens") == 4 and len(texts) > 1:  # the chunk pass (GRADES["chunk"])
            calls.append(len(texts))
            return [Generated(t if echo == "chunk" else "", 4, True) for t in texts]
        return real(self, texts, settings, *a, **k)

    monkeypatch.setattr(TransformersSeq2Seq, "generate", fake)
    if echo == "chunk":
        monkeypatch.setattr(NeuralSummariser, "_shorten", lambda self, text, n: (text, False))
        text = long_article(1600)
    else:
        text = "Lesommet" * 900  # one "word": no sentence or word boundary to cut at
    b = briefsum.summarise(text, lang="fr", target=None, engine="neural", config=cfg)
    assert b.engine == "neural" and all(g.text for g in b.grades.values())
    assert len(calls) < 8 and b.stats["passes"] == len(calls)
    if echo == "chunk":
        assert len(calls) == 1 and b.stats["reduction_stopped"] == "no_progress"
        assert any("did not shorten the input" in w for w in b.warnings)
        assert b.grades["detailed"].text  # written from the start of the source text


# -- fast paths -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["distilbart-cnn-12-6", "opus-mt-tc-big-fr-en", "t5-base-fr-sum-cnndm"])
def test_fast_paths_off_gives_the_outputs_of_auto(hub_models, no_network, name):
    folder = hub_models[name]
    auto = loaded(hub_config(fast_paths="auto"), folder)
    off = loaded(hub_config(fast_paths="off"), folder)
    assert off is not auto and not any(vars(off.fast).values())
    settings = {"num_beams": 3, "min_new_tokens": 3, "max_new_tokens": 8, "no_repeat_ngram_size": 3}
    texts = ["Le sommet a eu lieu à Astana.", "Les dirigeants de vingt-sept pays ont signé une déclaration."]
    want = [(g.text, g.new_tokens, g.finished) for g in auto.generate(texts, settings)]
    assert [(g.text, g.new_tokens, g.finished) for g in off.generate(texts, settings)] == want
    prefixes = ["Le", "Les dirigeants de"]
    want = [(g.text, g.new_tokens) for g in auto.generate_many(texts, settings, prefixes)]
    assert [(g.text, g.new_tokens) for g in off.generate_many(texts, settings, prefixes)] == want


def test_a_model_without_the_private_helpers_takes_plain_generate(hub_models, no_network, caplog):
    """What an older transformers looks like to the capability check: a helper missing."""
    import logging

    from briefsum.engines.neural import capabilities

    folder = hub_models["distilbart-cnn-12-6"]
    m = loaded(hub_config(), folder)
    assert m.fast.lean_beam
    settings = {"num_beams": 3, "min_new_tokens": 3, "max_new_tokens": 8}
    want = [g.text for g in m.generate(["Le sommet a eu lieu à Astana."], settings)]
    signatures = dict(capabilities.BEAM_SIGNATURES, _prefill=("is_first_iteration", "an_argument_it_lacks"))
    with pytest.MonkeyPatch.context() as mp, caplog.at_level(logging.DEBUG, logger="briefsum.neural"):
        mp.setattr(capabilities, "BEAM_SIGNATURES", signatures)
        try:
            fast = m.use_fast_paths("auto")
            assert not fast.lean_beam and not m.lean_beams
            assert any("plain beam search" in r.getMessage() for r in caplog.records)
            assert [g.text for g in m.generate(["Le sommet a eu lieu à Astana."], settings)] == want
        finally:
            mp.undo()
            m.use_fast_paths("auto")
    assert m.fast.lean_beam


# -- paths and files --------------------------------------------------------------------------------------

def test_a_relative_folder_in_the_environment_is_read_from_the_working_directory(hub_models, no_network,
                                                                                 tmp_path, monkeypatch):
    work = tmp_path / "work"
    (work / "models").mkdir(parents=True)
    (work / "models" / "sum").symlink_to(hub_models["distilbart-cnn-12-6"], target_is_directory=True)
    conf_dir = tmp_path / "elsewhere"
    conf_dir.mkdir()
    conf = conf_dir / "c.yaml"
    conf.write_text(json.dumps(hub_config()), encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("BRIEFSUM_MODEL_SUMMARISATION", "models/sum")
    b = briefsum.summarise(HOSTILE_EN, lang="en", target=None, engine="neural", config=str(conf))
    assert b.engine == "neural" and b.models["summariser"] == "models/sum"
    monkeypatch.setenv("BRIEFSUM_MODEL_SUMMARISATION", "models/missing")
    from briefsum.errors import ModelUnavailable

    with pytest.raises(ModelUnavailable) as err:
        briefsum.summarise(HOSTILE_EN, lang="en", target=None, engine="neural", config=str(conf))
    assert f"no folder {work / 'models' / 'missing'}" in str(err.value)


@pytest.mark.parametrize("index", ["model.safetensors.index.json", "pytorch_model.bin.index.json"])
def test_pickle_shards_named_by_an_index_are_refused(tmp_path, no_network, index):
    from briefsum.config import load_config
    from briefsum.engines.registry import find_entry, locate
    from briefsum.errors import ModelUnavailable

    folder = tmp_path / "sharded"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bart"}), encoding="utf-8")
    (folder / index).write_text(json.dumps({"weight_map": {"a": "shard-1.bin", "b": "shard-2.bin"}}),
                                encoding="utf-8")
    for name in ("shard-1.bin", "shard-2.bin"):
        (folder / name).write_bytes(b"pickle")
    for allow in (False, True):
        cfg = load_config(hub_config(summarisation=("en", folder), allow_pickle=allow))
        entry = find_entry(cfg.settings, "summarisation", "en")
        if allow:
            assert locate(cfg.settings, entry).path == folder
        else:
            with pytest.raises(ModelUnavailable, match="pickle weights"):
                locate(cfg.settings, entry)


@pytest.mark.parametrize("value, expected", [(None, "auto"), ("auto", "auto"), ("off", "off"), (False, "off"),
                                             ("OFF", "off"), ("sometimes", None), ("on", None)])
def test_fast_paths_setting_reads_auto_or_off_when_the_config_loads(value, expected):
    from briefsum.config import load_config
    from briefsum.errors import ConfigError

    if expected is None:
        with pytest.raises(ConfigError, match="neural.fast_paths must be auto or off"):
            load_config({"neural": {"fast_paths": value}})
    else:
        assert load_config({"neural": {"fast_paths": value}}).settings.neural.fast_paths == expected
