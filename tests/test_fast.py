"""The CTranslate2 backend: same tokens as transformers with float32 + greedy, quantisation named in the result."""

from __future__ import annotations

import pytest

import briefsum
from test_neural import EN, FR, config, loaded, naive_greedy, spy_encoder
from tiny_models import no_network, tiny_models  # noqa: F401  (fixtures)

needs_ct2 = pytest.mark.skipif(__import__("importlib").util.find_spec("ctranslate2") is None,
                               reason="ctranslate2 (the fast extra) is not installed")



SENTS = ["Le président a rencontré les ministres.", "La réunion a duré trois heures.",
         "Selon le gouvernement, 4 500 emplois seront créés dans la région d'ici 2025.",
         "Les syndicats ont appelé à une grève nationale jeudi.", "Grève.",
         "Le maire de Lyon a présenté un nouveau plan pour les transports publics."]


def fast(tmp_path, compute_type="float32", **kw):
    """Neural options selecting the CTranslate2 backend, converting into a temporary cache."""
    return {"backend": "ctranslate2", "compute_type": compute_type, "fast_cache_dir": str(tmp_path / "ct2"), **kw}


@needs_ct2
def test_ctranslate2_float32_greedy_matches_one_sentence_per_generate(no_network, tiny_models, tmp_path):
    """fp32 + greedy: CTranslate2 batches give the same translation as transformers sentence by sentence."""
    text = " ".join(SENTS)
    cfg = config(translation=tiny_models["marian"], batch_tokens=40, batch_size=3, loop_guard="off",
                 **fast(tmp_path, inter_threads=2, intra_threads=1))
    tr = briefsum.translate(text, source="fr", engine="neural", config=cfg)
    assert [s.source for s in tr.sentences] == SENTS
    ref = loaded(config(translation=tiny_models["marian"]), tiny_models["marian"])
    assert [s.target for s in tr.sentences] == naive_greedy(ref, SENTS)
    assert tr.engine.endswith("[ctranslate2 float32]")


@needs_ct2
@pytest.mark.parametrize("nesting", ["prefix", "independent"])
def test_ctranslate2_float32_greedy_summaries_match_transformers(no_network, tiny_models, tmp_path, nesting):
    """Graded summaries (decoder primed with the shorter grade, forced BOS) match the transformers backend."""
    slow = config(summarisation=("en", tiny_models["bart"]), nesting=nesting)
    quick = config(summarisation=("en", tiny_models["bart"]), nesting=nesting, **fast(tmp_path))
    a = briefsum.summarise(EN, lang="en", target=None, engine="neural", config=slow)
    b = briefsum.summarise(EN, lang="en", target=None, engine="neural", config=quick)
    assert {k: g.text for k, g in a.grades.items()} == {k: g.text for k, g in b.grades.items()}
    assert a.stats["generated_tokens"] == b.stats["generated_tokens"]
    assert b.stats["backend"]["summariser"] == "ctranslate2 float32"


@needs_ct2
def test_language_codes_reach_ctranslate2(no_network, tiny_models, tmp_path):
    """NLLB: the source code is in the input and the target code forced first, as with transformers."""
    slow = config(translation=tiny_models["nllb"])
    quick = config(translation=tiny_models["nllb"], **fast(tmp_path))
    a = briefsum.translate(FR, source="fr", engine="neural", config=slow)
    b = briefsum.translate(FR, source="fr", engine="neural", config=quick)
    assert [s.target for s in a.sentences] == [s.target for s in b.sentences]


@needs_ct2
def test_int8_is_named_in_the_result(no_network, tiny_models, tmp_path):
    cfg = config(translation=tiny_models["marian"], summarisation=("en", tiny_models["bart"]),
                 **fast(tmp_path, compute_type="auto"))
    brief = briefsum.summarise(FR, lang="fr", target="en", engine="neural", config=cfg)
    assert brief.models["translator"].endswith("[ctranslate2 int8]")
    assert brief.stats["backend"] == {"translator": "ctranslate2 int8", "summariser": "ctranslate2 int8"}
    assert (tmp_path / "ct2").is_dir()


@needs_ct2
def test_auto_backend_prefers_ctranslate2_on_cpu_only_for_local_supported_models(tmp_path, tiny_models):
    from briefsum.config import load_config
    from briefsum.engines.neural.loading import pick_backend
    from briefsum.engines.registry import Located

    cfg = load_config({"neural": {"backend": "auto"}})
    here = Located("m", tiny_models["marian"])
    assert pick_backend(cfg.settings, here, "cpu") == ("ctranslate2", "int8")
    assert pick_backend(cfg.settings, here, "cuda")[0] == "transformers"
    assert pick_backend(load_config({"neural": {"backend": "transformers"}}).settings, here, "cpu") == ("transformers", "")


def test_repeated_sentences_are_translated_once(no_network, tiny_models, monkeypatch):
    from test_neural import spy_generate

    cfg = config(translation=tiny_models["marian"])
    m = loaded(cfg, tiny_models["marian"])
    calls = spy_generate(monkeypatch, m)
    text = "Grève. La réunion a duré trois heures. Grève. La réunion a duré trois heures. Grève."
    tr = briefsum.translate(text, source="fr", engine="neural", config=cfg)
    assert sum(len(ids) for ids, _ in calls) == 2
    assert tr.sentences[0].target == tr.sentences[2].target == tr.sentences[4].target
    assert tr.sentences[1].target == tr.sentences[3].target


def test_each_document_is_encoded_once_for_all_grades(no_network, tiny_models, monkeypatch):
    """transformers path: the grades reuse one encoder pass, and give the same text as encoding every time."""
    cfg = config(summarisation=("en", tiny_models["bart"]))
    m = loaded(cfg, tiny_models["bart"])
    calls = spy_encoder(monkeypatch, m)
    short = "Unions called for a national strike on Thursday. The mayor of Lyon presented a new plan."
    reused = briefsum.summarise(short, lang="en", target=None, engine="neural", config=cfg)
    assert reused.stats["chunks"] == 1 and len(calls) == 1
    monkeypatch.setattr(type(m), "_encoder_inputs", lambda self, *args: {})  # encode in every generate
    fresh = briefsum.summarise(short, lang="en", target=None, engine="neural", config=cfg)
    assert len(calls) == 1 + 4
    assert {k: g.text for k, g in reused.grades.items()} == {k: g.text for k, g in fresh.grades.items()}
