"""The neural engine, end to end through briefsum's public API, on tiny random-weight models built offline."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import briefsum
from briefsum.grading.fitting import fit_budget, looping, remove_loops, split_to_fit
from briefsum.text import parse
from briefsum.errors import ModelUnavailable
from briefsum.text.segment import segment, split_sentences
from tiny_models import MAX_INPUT, no_network, tiny_models  # noqa: F401  (fixtures)

FR = ("Le président de la République a rencontré les ministres à Paris le 12 mars 2023.\n\n"
      "La réunion a duré trois heures et a porté sur le budget de l'État. Selon le gouvernement, 4 500 emplois "
      "seront créés dans la région d'ici 2025.\n\n"
      "Les syndicats ont appelé à une grève nationale jeudi, après l'échec des négociations.")
EN = ("The president of the Republic met the ministers in Paris on 12 March 2023. The meeting lasted three hours "
      "and covered the state budget for next year. According to the government, 4,500 jobs will be created in the "
      "region by 2025.\n\nUnions called for a national strike on Thursday after talks failed. The mayor of Lyon, "
      "Grégory Doucet, presented a new plan for public transport. This decision, taken without consultation, "
      "angered the opposition.")

FAST_GRADES = {
    "headline": {"min_new_tokens": 2, "max_new_tokens": 12, "num_beams": 1, "no_repeat_ngram_size": 3},
    "brief": {"min_new_tokens": 4, "max_new_tokens": 24, "num_beams": 1, "no_repeat_ngram_size": 3},
    "summary": {"min_new_tokens": 4, "max_new_tokens": 32, "num_beams": 1, "no_repeat_ngram_size": 3},
    "detailed": {"min_new_tokens": 4, "max_new_tokens": 40, "num_beams": 1, "no_repeat_ngram_size": 3},
    "chunk": {"min_new_tokens": 0, "max_new_tokens": 8, "num_beams": 1, "no_repeat_ngram_size": 3},
}
GREEDY_TR = {"num_beams": 1, "max_new_tokens": 24, "no_repeat_ngram_size": 0}
# Keeps the registry's model ids, only makes generation short and greedy.
GREEDY_ONLY = {"neural": {"device": "cpu", "loop_guard": "repair", "backend": "transformers"},
               "models": {"translation": {"fr-en": {"generate": GREEDY_TR}}}}


def config(translation=None, summarisation=None, headline=None, multilingual=None, pair="fr-en", **neural):
    """A config mapping pointing the registry at tiny model folders (everything greedy and short)."""
    models: dict = {"grades": FAST_GRADES, "translation": {}, "summarisation": {"en": {"model": None},
                                                                               "fr": {"model": None}},
                    "headline": {"en": {"model": None}, "fr": {"model": None}}, "multilingual": {"*": {"model": None}}}
    if translation:
        models["translation"][pair] = {"model": str(translation), "generate": dict(GREEDY_TR)}
    if summarisation:
        lang, path = summarisation
        models["summarisation"][lang] = {"model": str(path)}
    if headline:
        lang, path = headline
        models["headline"][lang] = {"model": str(path)}
    if multilingual:
        models["multilingual"]["*"] = {"model": str(multilingual), "output_lang": "source"}
    opts = {"device": "cpu", "dtype": "float32", "faithfulness": "off", "loop_guard": "repair", "backend": "transformers"}
    opts.update(neural)
    return {"models": models, "neural": opts}


def spy_generate(monkeypatch, model):
    """Record every call to a loaded model's transformers generate: (input_ids, output sequences)."""
    calls = []
    real = model.model.generate

    def wrapped(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append((kwargs["input_ids"].tolist(), out.tolist()))
        return out

    monkeypatch.setattr(model.model, "generate", wrapped)
    return calls


def naive_greedy(m, sents):
    """The reference: one transformers generate call per sentence, greedy, with briefsum's length limit."""
    import torch

    out_texts = []
    for s in sents:
        enc = m.tokenizer([s], return_tensors="pt")
        limit = min(GREEDY_TR["max_new_tokens"], int(2.0 * enc["input_ids"].shape[1]) + 10)
        with torch.inference_mode():
            out = m.model.generate(**enc, num_beams=1, do_sample=False, max_new_tokens=limit, max_length=None,
                                   no_repeat_ngram_size=0)
        out_texts.append(m.tokenizer.decode(out[0][1:], skip_special_tokens=True).strip())
    return out_texts


def loaded(cfg_map, path):
    """The cached Seq2Seq briefsum loaded for a folder."""
    from briefsum.config import load_config
    from briefsum.engines.neural import load_model
    from briefsum.engines.registry import Located

    return load_model(load_config(cfg_map).settings, Located(str(path), Path(path)))


def spy_encoder(monkeypatch, m) -> list[int]:
    """Record the batch size (rows) of every encoder pass of a loaded transformers model."""
    encoder = m.model.get_encoder()
    rows: list[int] = []
    real = encoder.forward

    def counted(*a, **k):
        rows.append(k["input_ids"].shape[0])
        return real(*a, **k)

    monkeypatch.setattr(encoder, "forward", counted)
    return rows


# -- no heavy imports, fast fallback ------------------------------------------------------------------

def _python(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_import_and_help_do_not_import_torch_or_transformers():
    r = _python("import sys, briefsum, briefsum.engines.neural, briefsum.engines.registry\n"
                "from briefsum.cli import main\n"
                "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
                "print('HEAVY', sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    assert r.returncode == 0, r.stderr
    assert "HEAVY []" in r.stdout


def test_auto_without_models_falls_back_fast_with_one_warning(tmp_path):
    code = ("import sys, time, briefsum\n"
            "t = time.time()\n"
            f"b = briefsum.summarise({EN!r}, lang='en', target='en', engine='auto')\n"
            "print('ENGINE', b.engine)\n"
            "print('NEURAL_WARNINGS', sum('neural' in w for w in b.warnings))\n"
            "print('WARNING', [w for w in b.warnings if 'neural' in w][0])\n"
            "print('TORCH', 'torch' in sys.modules)\n"
            "print('SECONDS', time.time() - t)\n")
    r = _python(code, {"HF_HOME": str(tmp_path / "empty"), "HF_HUB_OFFLINE": "1", "BRIEFSUM_CONFIG": ""})
    assert r.returncode == 0, r.stderr
    out = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    assert out["ENGINE"] == "offline"
    assert out["NEURAL_WARNINGS"] == "1"
    assert "sshleifer/distilbart-cnn-12-6" in out["WARNING"] and "huggingface-cli download" in out["WARNING"]
    assert out["TORCH"] == "False"  # availability was checked on disk, before importing torch
    assert float(out["SECONDS"]) < 10


def test_neural_engine_names_the_missing_model_and_how_to_get_it(no_network):
    with pytest.raises(ModelUnavailable) as err:
        briefsum.summarise(FR, lang="fr", engine="neural")
    msg = str(err.value)
    assert "Helsinki-NLP/opus-mt-fr-en" in msg
    assert "huggingface-cli download Helsinki-NLP/opus-mt-fr-en --local-dir DIR" in msg
    assert "\n" not in msg


def test_missing_local_folder_is_model_unavailable(no_network, tmp_path):
    cfg = config(translation=tmp_path / "nowhere", summarisation=("en", tmp_path / "nowhere"))
    with pytest.raises(ModelUnavailable, match="does not exist"):
        briefsum.summarise(FR, lang="fr", engine="neural", config=cfg)


def test_network_guard_refuses_connections(no_network):
    with pytest.raises(AssertionError, match="tried to connect"):
        socket.create_connection(("huggingface.co", 443), timeout=1)


# -- loading ------------------------------------------------------------------------------------------

def test_pickle_weights_are_refused_unless_allowed(no_network, tiny_models, tmp_path):
    import torch
    from safetensors.torch import load_file

    folder = tmp_path / "marian-pickle"
    shutil.copytree(tiny_models["marian"], folder)
    state = load_file(str(folder / "model.safetensors"))
    torch.save(state, folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelUnavailable, match="pickle"):
        briefsum.translate(FR, source="fr", engine="neural", config=config(translation=folder))
    tr = briefsum.translate(FR, source="fr", engine="neural",
                            config=config(translation=folder, allow_pickle=True))
    assert tr.engine == str(folder) and len(tr.sentences) == 4


def test_models_load_once_per_process(no_network, tiny_models):
    cfg = config(translation=tiny_models["marian"])
    assert loaded(cfg, tiny_models["marian"]) is loaded(cfg, tiny_models["marian"])


def test_environment_variable_overrides_the_registry(no_network, tiny_models, monkeypatch):
    monkeypatch.setenv("BRIEFSUM_MODEL_TRANSLATION", str(tiny_models["marian"]))
    tr = briefsum.translate(FR, source="fr", engine="neural", config=GREEDY_ONLY)
    assert tr.engine == str(tiny_models["marian"])


def test_local_hub_cache_snapshot_is_found_offline(no_network, tiny_models, tmp_path, monkeypatch):
    cache = tmp_path / "hub"
    snap = cache / "models--Helsinki-NLP--opus-mt-fr-en" / "snapshots" / "abc123"
    shutil.copytree(tiny_models["marian"], snap)
    (snap.parent.parent / "refs").mkdir()
    (snap.parent.parent / "refs" / "main").write_text("abc123")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    tr = briefsum.translate(FR, source="fr", engine="neural", config=GREEDY_ONLY)
    assert tr.engine == "Helsinki-NLP/opus-mt-fr-en"


# -- translation --------------------------------------------------------------------------------------

def test_translation_keeps_paragraphs_and_alignment(no_network, tiny_models):
    tr = briefsum.translate(FR, source="fr", engine="neural", config=config(translation=tiny_models["marian"]))
    assert [s.paragraph for s in tr.sentences] == [0, 1, 1, 2]
    assert [s.index for s in tr.sentences] == [0, 1, 2, 3]
    assert tr.sentences[0].source.startswith("Le président")
    assert all(s.target for s in tr.sentences)
    assert tr.text.count("\n\n") == 2


def test_batched_translation_matches_one_sentence_per_generate(no_network, tiny_models):
    """fp32 + greedy: length-sorted padded batches give the same tokens as translating sentence by sentence."""
    sents = [s for s in [
        "Le président a rencontré les ministres.", "La réunion a duré trois heures.",
        "Selon le gouvernement, 4 500 emplois seront créés dans la région d'ici 2025.",
        "Les syndicats ont appelé à une grève nationale jeudi.", "Grève.",
        "Le maire de Lyon a présenté un nouveau plan pour les transports publics.",
    ]]
    text = " ".join(sents)
    cfg = config(translation=tiny_models["marian"], batch_tokens=40, batch_size=3, loop_guard="off")
    tr = briefsum.translate(text, source="fr", engine="neural", config=cfg)
    assert [s.source for s in tr.sentences] == sents
    assert [s.target for s in tr.sentences] == naive_greedy(loaded(cfg, tiny_models["marian"]), sents)


def test_batches_are_sorted_by_length_under_the_token_budget(no_network, tiny_models, monkeypatch):
    cfg = config(translation=tiny_models["marian"], batch_tokens=60, batch_size=8)
    m = loaded(cfg, tiny_models["marian"])
    calls = spy_generate(monkeypatch, m)
    briefsum.translate(EN.replace("\n\n", " ") + " " + FR, source="fr", engine="neural", config=cfg)
    widths = [len(ids[0]) for ids, _ in calls]
    assert len(calls) > 1
    assert widths == sorted(widths, reverse=True)
    assert all(len(ids) * len(ids[0]) <= 60 or len(ids) == 1 for ids, _ in calls)


def test_long_sentence_is_split_at_clauses_never_truncated(no_network, tiny_models, monkeypatch):
    clauses = [f"les maires de la région {i} ont voté" for i in range(14)]  # < 120 words: one sentence
    sentence = "Selon le communiqué, " + ", ".join(clauses) + "."
    cfg = config(translation=tiny_models["marian"])
    m = loaded(cfg, tiny_models["marian"])
    assert m.count_tokens([sentence])[0] > 3 * MAX_INPUT
    from briefsum.engines.neural.transformers_backend import TransformersSeq2Seq

    inputs = []
    real = TransformersSeq2Seq.generate

    def generate(self, texts, *args, **kwargs):
        inputs.extend(texts)
        return real(self, texts, *args, **kwargs)

    monkeypatch.setattr(TransformersSeq2Seq, "generate", generate)
    tr = briefsum.translate(sentence, source="fr", engine="neural", config=cfg)
    assert len(tr.sentences) == 1 and tr.sentences[0].source == sentence
    assert sorted(" ".join(inputs).split()) == sorted(sentence.split())  # every word went to the model, once
    assert all(piece in sentence for piece in inputs)
    assert len(inputs) > 3 and all(n <= MAX_INPUT for n in m.count_tokens(inputs))
    assert all(piece.endswith(",") or piece.endswith(".") for piece in inputs)  # cut at clause boundaries
    assert any("split at clause boundaries" in w for w in tr.warnings)


def test_looping_translation_is_retried_then_repaired(no_network, tiny_models, monkeypatch):
    from briefsum.engines import neural
    from briefsum.engines.neural.transformers_backend import TransformersSeq2Seq

    cfg = config(translation=tiny_models["marian"], loop_guard="retry")
    tries = []

    def fake(self, texts, settings, src_code=None, forced_bos=None, decoder_prefix=None, limits=None):
        tries.append(dict(settings))
        return [neural.Generated("the the the the the the summit summit summit summit", 12, True) for _ in texts]

    monkeypatch.setattr(TransformersSeq2Seq, "generate", fake)
    tr = briefsum.translate("Le sommet a eu lieu.", source="fr", engine="neural", config=cfg)
    # the retry bans repeated word pairs, which both backends apply the same way (no repetition penalty)
    assert len(tries) == 2 and "repetition_penalty" not in tries[1] and tries[1]["no_repeat_ngram_size"] == 2
    assert tr.sentences[0].target == "the summit"
    assert any("looped" in w for w in tr.warnings)


@pytest.mark.parametrize("name, src_code, tgt_code", [("mbart", "fr_XX", "en_XX"), ("nllb", "fra_Latn", "eng_Latn")])
def test_language_codes_and_forced_bos(no_network, tiny_models, monkeypatch, name, src_code, tgt_code):
    cfg = config(translation=tiny_models[name])
    m = loaded(cfg, tiny_models[name])
    calls = spy_generate(monkeypatch, m)
    tr = briefsum.translate("Le sommet a eu lieu à Astana.", source="fr", engine="neural", config=cfg)
    assert tgt_code not in tr.sentences[0].target  # the decoded text holds no language code
    ids, seqs = calls[0]
    tokens = m.tokenizer.convert_ids_to_tokens(ids[0])
    assert src_code in tokens and tokens[-1 if name == "mbart" else 0] == src_code
    assert seqs[0][1] == m.tokenizer.convert_tokens_to_ids(tgt_code)


# -- summarisation ------------------------------------------------------------------------------------

def test_grades_fit_budgets_and_nest_by_prefix(no_network, tiny_models):
    cfg = config(summarisation=("en", tiny_models["bart"]))
    b = briefsum.summarise(EN, lang="en", target="en", engine="neural", config=cfg)
    assert b.engine == "neural" and b.models["summariser"] == str(tiny_models["bart"])
    names = list(b.grades)
    assert names == ["headline", "brief", "summary", "detailed"]
    for g in b.grades.values():
        assert g.words <= g.max_words and g.method == "abstractive" and g.language == "en"
    assert len(split_sentences(b.headline)) <= 1
    # bart-large-cnn style min_length=56 in the model's generation config does not apply to a headline
    assert b.stats["generated_tokens"]["headline"] <= FAST_GRADES["headline"]["max_new_tokens"]
    for short, long in zip(names, names[1:]):
        assert b.grades[long].text.startswith(b.grades[short].text.removesuffix(" …"))
    assert b.stats["strategy"] == "summarise-translate" and b.stats["nesting"] == "prefix"


def test_independent_nesting_generates_each_grade_alone(no_network, tiny_models, monkeypatch):
    from briefsum.engines import neural

    prefixes = []
    real = neural.NeuralSummariser.write_many

    def write_many(self, items, settings):
        prefixes.extend(prefix for _, prefix in items)
        return real(self, items, settings)

    monkeypatch.setattr(neural.NeuralSummariser, "write_many", write_many)
    cfg = config(summarisation=("en", tiny_models["bart"]), nesting="independent")
    briefsum.summarise(EN, lang="en", target="en", engine="neural", config=cfg)
    assert prefixes == ["", "", "", ""]


def test_budget_cut_is_flagged(no_network, tiny_models, monkeypatch):
    from briefsum.engines.neural.model import Generated
    from briefsum.engines.neural.transformers_backend import TransformersSeq2Seq

    cfg = config(summarisation=("en", tiny_models["t5"]))
    cfg["grades"] = {"headline": {"max_words": 3, "max_sentences": 1}, "brief": {"max_words": 5}}
    grades = dict(FAST_GRADES)
    grades["brief"] = {"min_new_tokens": 30, "max_new_tokens": 40, "num_beams": 1}
    cfg["models"]["grades"] = grades
    # what a random model writes depends on the transformers release; a brief of 30 words, whatever it is
    real = TransformersSeq2Seq.generate

    def long_brief(self, texts, settings, *a, **k):
        if settings.get("min_new_tokens") == 30:
            return [Generated(" ".join(["the summit was held in Paris"] * 6), 30, False) for _ in texts]
        return real(self, texts, settings, *a, **k)

    monkeypatch.setattr(TransformersSeq2Seq, "generate", long_brief)
    b = briefsum.summarise(EN, lang="en", target="en", engine="neural", config=cfg)
    assert b.grades["brief"].words <= 5 and b.grades["headline"].words <= 3
    assert b.grades["brief"].truncated
    assert any(w.startswith("brief:") and "limit 5 words" in w for w in b.warnings)


def test_t5_gets_its_task_prefix_and_mt5_none(no_network, tiny_models, monkeypatch):
    for name, expect in (("t5", True), ("mt5", False)):
        cfg = config(summarisation=("en", tiny_models[name]))
        m = loaded(cfg, tiny_models[name])
        calls = spy_generate(monkeypatch, m)
        briefsum.summarise(EN, lang="en", target="en", engine="neural", config=cfg, grades=["headline"])
        first = m.tokenizer.decode(calls[0][0][0], skip_special_tokens=True)
        assert first.startswith("summarize:") is expect, first


def test_long_input_is_chunked_and_every_sentence_read(no_network, tiny_models, monkeypatch):
    from tiny_models import CORPUS

    english = [s for s in CORPUS[10:20]]
    paras = [" ".join(f"{s[:-1]} (report {i}-{j})." for j, s in enumerate(english[i % 3::3])) for i in range(9)]
    text = "\n\n".join(paras)
    cfg = config(summarisation=("en", tiny_models["bart"]))
    m = loaded(cfg, tiny_models["bart"])
    assert m.count_tokens([text])[0] >= 20 * MAX_INPUT
    calls = spy_generate(monkeypatch, m)
    b = briefsum.summarise(text, lang="en", target="en", engine="neural", config=cfg)
    first_pass = [m.tokenizer.decode(row, skip_special_tokens=True) for row in calls[0][0]]
    assert all(len(row) <= MAX_INPUT for ids, _ in calls for row in ids)
    doc = segment(text, "en")
    for s in doc.sentences:  # each source sentence went, whole, into one first-pass chunk
        assert any(s.text in chunk for chunk in first_pass), s.text
    assert b.stats["chunks"] == len(first_pass) > 1
    assert b.stats["passes"] >= 1
    for g in b.grades.values():
        assert g.words <= g.max_words


def test_translate_then_summarise_with_headline_model(no_network, tiny_models):
    cfg = config(translation=tiny_models["marian"], summarisation=("en", tiny_models["bart"]),
                 headline=("en", tiny_models["pegasus"]))
    b = briefsum.summarise(FR, lang="fr", engine="neural", config=cfg, translation=True)
    assert b.models == {"translator": str(tiny_models["marian"]), "summariser": str(tiny_models["bart"]),
                        "headline": str(tiny_models["pegasus"])}
    assert b.output_lang == "en" and b.stats["strategy"] == "translate-summarise"
    assert b.translation is not None and len(b.translation.sentences) == 4
    assert b.translation.engine == str(tiny_models["marian"])
    assert all(g.language == "en" for g in b.grades.values())


def test_summarise_then_translate(no_network, tiny_models):
    cfg = config(translation=tiny_models["marian"], summarisation=("fr", tiny_models["mt5"]),
                 strategy="summarise-translate")
    b = briefsum.summarise(FR, lang="fr", engine="neural", config=cfg)
    assert b.stats["strategy"] == "summarise-translate"
    assert b.models == {"translator": str(tiny_models["marian"]), "summariser": str(tiny_models["mt5"])}
    assert b.output_lang == "en"
    for g in b.grades.values():
        assert g.words <= g.max_words and g.language == "en"


def test_direct_multilingual_then_translated(no_network, tiny_models):
    cfg = config(translation=tiny_models["nllb"], multilingual=tiny_models["mt5"], strategy="direct")
    b = briefsum.summarise(FR, lang="fr", engine="neural", config=cfg)
    assert b.stats["strategy"] == "direct" and b.output_lang == "en"
    assert b.models["summariser"] == str(tiny_models["mt5"]) and b.models["translator"] == str(tiny_models["nllb"])


def test_summarising_in_the_source_language_needs_no_translator(no_network, tiny_models):
    cfg = config(summarisation=("fr", tiny_models["mbart"]))
    b = briefsum.summarise(FR, lang="fr", target=None, engine="neural", config=cfg)
    assert b.output_lang == "fr" and "translator" not in b.models


# -- faithfulness -------------------------------------------------------------------------------------

UNFAITHFUL = "Emmanuel Macron met Vladimir Putin in Paris in 1999."


def _force_output(monkeypatch, text):
    from briefsum.engines import neural

    def write_many(self, items, settings):
        return [neural.Generated((prefix + " " + text).strip() if prefix else text, 10, True) for _, prefix in items]

    monkeypatch.setattr(neural.NeuralSummariser, "write_many", write_many)


def test_faithfulness_warns_naming_unsupported_terms(no_network, tiny_models, monkeypatch):
    _force_output(monkeypatch, UNFAITHFUL)
    cfg = config(summarisation=("en", tiny_models["bart"]), faithfulness="warn")
    b = briefsum.summarise(EN, lang="en", target="en", engine="neural", config=cfg, grades=["headline"])
    assert b.headline == UNFAITHFUL and b.grades["headline"].method == "abstractive"
    (w,) = [w for w in b.warnings if w.startswith("headline:")]
    for term in ("Emmanuel", "Macron", "Vladimir", "Putin", "1999"):
        assert term in w
    assert "Paris" not in w


def test_faithfulness_fallback_uses_the_extractive_text(no_network, tiny_models, monkeypatch):
    _force_output(monkeypatch, UNFAITHFUL)
    cfg = config(summarisation=("en", tiny_models["bart"]), faithfulness="fallback")
    cfg["grades"] = {"headline": {"max_words": 20, "max_sentences": 1}, "brief": {"max_words": 40},
                     "summary": {"max_words": 60}}
    b = briefsum.summarise(EN, lang="en", target="en", engine="neural", config=cfg)
    off = briefsum.summarise(EN, lang="en", target="en", engine="offline", config=cfg)
    for name, g in b.grades.items():
        assert g.method == "extractive (fallback)", (name, g.text, b.warnings)
        assert g.text == off.grades[name].text and g.source_indices == off.grades[name].source_indices
    assert any("used the extractive text" in w and "Putin" in w for w in b.warnings)


@pytest.mark.skipif(not parse.available("fr"), reason="spaCy's fr_core_news_sm is not installed")
def test_french_faithfulness_names_the_invented_entity_whole(no_network, tiny_models, monkeypatch):
    _force_output(monkeypatch, "Après la réunion, Emmanuel Macron a rencontré les ministres à Paris.")
    cfg = config(summarisation=("fr", tiny_models["mbart"]), faithfulness="warn")
    b = briefsum.summarise(FR, lang="fr", target=None, engine="neural", config=cfg, grades=["headline"])
    (w,) = [w for w in b.warnings if w.startswith("headline:")]
    assert w.startswith("headline: Emmanuel Macron not found in the source"), w
    assert "Après" not in w and "Paris" not in w


# -- plain-text helpers ---------------------------------------------------------------------------------

def test_loop_detection_and_removal():
    assert looping("the summit the summit the summit the summit", "le sommet")
    assert looping("mentmentmentment", "")
    assert not looping("The summit was held in Astana in October.", "")
    assert remove_loops("a b a b a b c") == "a b c"


def test_split_to_fit_keeps_every_word():
    text = "one two three, four five six; seven eight nine, ten eleven twelve"
    pieces, mid = split_to_fit(text, lambda t: len(t.split()) <= 4)
    assert " ".join(pieces) == text and not mid
    assert all(len(p.split()) <= 4 for p in pieces)


def test_fit_budget_cuts_at_sentences_and_keeps_the_prefix():
    text, cut, _ = fit_budget("A short one. Then a second sentence here. And a third.", 9, keep="A short one.")
    assert text == "A short one. Then a second sentence here." and cut
    text, cut, _ = fit_budget("Only this.", 9)
    assert text == "Only this." and not cut


def test_seed_article_through_tiny_models_has_every_grade_with_alignment(no_network, tiny_models, seed_text):
    cfg = config(translation=tiny_models["marian"], summarisation=("en", tiny_models["bart"]))
    b = briefsum.summarise(seed_text, lang="fr", engine="neural", config=cfg, translation=True)
    assert b.engine == "neural" and set(b.grades) == {"headline", "brief", "summary", "detailed"}
    assert b.models["translator"] == str(tiny_models["marian"]) and b.models["summariser"] == str(tiny_models["bart"])
    n = b.stats["sentences"]
    assert b.translation is not None and [s.index for s in b.translation.sentences] == list(range(n))
    for g in b.grades.values():
        assert g.text and g.words <= g.max_words
        assert all(0 <= i < n for i in g.source_indices)
    # Without models, auto falls back to the offline engine with exactly one warning about it.
    off = briefsum.summarise(seed_text, lang="fr", engine="auto",
                             config={"models": {"translation": {"fr-en": {"model": "/nonexistent/model"}}}})
    assert off.engine == "offline"
    assert sum("neural" in w for w in off.warnings) == 1
