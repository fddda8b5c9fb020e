"""The transformers path's speed levers change no output: cross-attention computed once per article (not per
beam, not per grade), and decoder prompts of different lengths batched together, left-padded."""

from __future__ import annotations

import pytest

import briefsum
from test_batch import ARTICLES, _view, one_torch_thread  # noqa: F401  (autouse: one torch thread here too)
from test_neural import config, loaded
from tiny_models import no_network, tiny_models  # noqa: F401  (fixtures)


SHORT = ARTICLES[:-1]  # all fit the tiny models' input: no map-reduce, so every grade is one generate per batch


def _beam_config(name, tiny_models, **neural):
    cfg = config(summarisation=("en", tiny_models[name]), summary_batch_size=4, **neural)
    cfg["models"]["grades"] = {k: dict(g, num_beams=3) for k, g in cfg["models"]["grades"].items()}
    return cfg


def _spy(monkeypatch, m) -> list[dict]:
    """Record the keyword arguments of every generate call (tensors as lists)."""
    calls: list[dict] = []
    real = m.model.generate

    def wrapped(*a, **k):
        calls.append({key: (v.tolist() if hasattr(v, "tolist") else v) for key, v in k.items()})
        return real(*a, **k)

    monkeypatch.setattr(m.model, "generate", wrapped)
    return calls


@pytest.mark.parametrize("name", ["bart", "mbart", "pegasus", "marian", "nllb"])
def test_beam_search_through_the_shared_path_equals_plain_generate(no_network, tiny_models, monkeypatch, name):
    cfg = _beam_config(name, tiny_models)
    m = loaded(cfg, tiny_models[name])
    assert m.model.config._attn_implementation == "briefsum_sdpa" and len(m._cross_attn) >= 1
    calls = _spy(monkeypatch, m)
    many = [_view(b) for b in briefsum.summarise_many(SHORT, lang="en", target=None, engine="neural", config=cfg)]
    assert all(m._cache_kwarg in c for c in calls)  # every call read the cross-attention computed once
    # M2M100 places its positions otherwise: equal prompts only; the others where transformers' position
    # embedding takes the arguments the per-row shift relies on
    from briefsum.engines.neural.capabilities import parameter_names

    shiftable = {"cache_length", "position_ids"} <= parameter_names(type(m.model.get_decoder().embed_positions).forward)
    assert m.mixed_prefixes == (name != "nllb" and shiftable)
    alone = [_view(briefsum.summarise(a, lang="en", target=None, engine="neural", config=cfg)) for a in SHORT]
    # transformers' own path: the encoder and the cross-attention run inside every generate, for every beam
    monkeypatch.setattr(type(m), "_encoder_inputs", lambda self, *args: {})
    monkeypatch.setattr(type(m), "_batch_encoder_inputs", lambda self, *args: {})
    monkeypatch.setattr(m, "lean_beams", False)  # transformers' own beam search
    plain = [_view(briefsum.summarise(a, lang="en", target=None, engine="neural", config=cfg)) for a in SHORT]
    assert alone == plain  # one article at a time: exactly transformers' own result
    if name != "pegasus":
        assert many == alone
    # Batching itself (padded rows, other matrix shapes) can move float rounding: with the tiny Pegasus model
    # one near-tie in one article's longest grade goes the other way in a batch, with or without these levers.


@pytest.mark.parametrize("name", ["bart", "mbart", "pegasus", "marian"])
def test_prompts_of_different_lengths_share_a_batch_and_each_gets_what_it_gets_alone(no_network, tiny_models,
                                                                                      monkeypatch, name):
    """Left-padded, masked decoder prompts with per-row positions: the same tokens as each input alone."""
    cfg = _beam_config(name, tiny_models)
    m = loaded(cfg, tiny_models[name])
    settings = dict(cfg["models"]["grades"]["summary"], min_new_tokens=6, max_new_tokens=10)
    texts = SHORT[:4]
    prefixes = ["the", "The minister said on Monday", "unions", "A plan for public transport was presented"]
    counts = m.prefix_lengths(prefixes)
    assert len(set(counts)) >= 3  # prompts of different lengths
    calls = _spy(monkeypatch, m)
    prefilled = []
    real_prefill = type(m)._prefill

    def prefill(self, cache, kept, cross, prompts, beams):
        prefilled.append((len(prompts), beams))
        real_prefill(self, cache, kept, cross, prompts, beams)
        assert cache.get_seq_length() == max(len(p) for p in prompts) - 1  # all but the last prompt token

    monkeypatch.setattr(type(m), "_prefill", prefill)
    with m.keep_encodings(len(texts)):
        together = m.generate(texts, settings, decoder_prefix=prefixes)
    if m.mixed_prefixes:
        assert len(calls) == 1 and any(0 in row for row in calls[0]["decoder_attention_mask"])
        assert prefilled == [(4, 3)]  # the prompts went through the decoder once each, not once per beam
    else:  # positions that cannot shift per row (an older transformers): one batch per prompt length
        assert len(calls) == len(set(counts))
    alone = [m.generate([t], settings, decoder_prefix=[p])[0] for t, p in zip(texts, prefixes)]
    monkeypatch.setattr(type(m), "_encoder_inputs", lambda self, *args: {})
    monkeypatch.setattr(type(m), "_batch_encoder_inputs", lambda self, *args: {})
    monkeypatch.setattr(m, "lean_beams", False)  # transformers' own beam search
    plain = [m.generate([t], settings, decoder_prefix=[p])[0] for t, p in zip(texts, prefixes)]
    assert together == alone == plain
    # an output that ran to the cap of 10 has 10 tokens, or 9 and the EOS the model forces at the cap
    cap = 10 - (m.model.generation_config.forced_eos_token_id is not None)
    assert all(g.new_tokens == cap or g.finished for g in together)
    assert m._positions is None or m._positions.briefsum_shift is None  # reset after the call


def test_cross_attention_beyond_the_budget_is_recomputed_not_kept(no_network, tiny_models, monkeypatch):
    cfg = _beam_config("bart", tiny_models)
    m = loaded(cfg, tiny_models["bart"])
    kept = [_view(b) for b in briefsum.summarise_many(SHORT, lang="en", target=None, engine="neural", config=cfg)]
    # released with the encodings once the batch is done (the last one stays, as for a single document)
    assert len(m._encodings) == 1 and m._cross_bytes == next(iter(m._encodings.values())).cross_bytes > 0
    monkeypatch.setattr(m, "cross_budget", 0)
    m._encodings.clear()
    m._cross_bytes = 0
    seen = []
    real = type(m)._cross

    def spy(self, k):
        out = real(self, k)
        seen.append(k.cross is None)  # computed for this call, not kept
        return out

    monkeypatch.setattr(type(m), "_cross", spy)
    again = [_view(b) for b in briefsum.summarise_many(SHORT, lang="en", target=None, engine="neural", config=cfg)]
    assert again == kept and seen and all(seen)


def test_summarisation_defaults_to_transformers_and_bfloat16_only_where_the_cpu_has_matrix_units(
        tiny_models, monkeypatch):
    import torch

    from briefsum.config import load_config
    from briefsum.engines.neural import device as neural
    from briefsum.engines.neural.loading import pick_backend
    from briefsum.engines.registry import Located

    here = Located("m", tiny_models["bart"])
    auto = load_config({"neural": {"backend": "auto"}})
    assert pick_backend(auto.settings, here, "cpu", "summarisation") == ("transformers", "")
    monkeypatch.setattr(neural, "cpu_computes_bf16", lambda: True)
    assert neural.pick_dtype("auto", "cpu", "summarisation") == torch.bfloat16
    assert neural.pick_dtype("auto", "cpu", "translation") == torch.float32
    assert neural.pick_dtype("float32", "cpu", "summarisation") == torch.float32
    monkeypatch.setattr(neural, "cpu_computes_bf16", lambda: False)
    assert neural.pick_dtype("auto", "cpu", "summarisation") == torch.float32


def test_a_bfloat16_summariser_is_named_in_the_result(no_network, tiny_models):
    cfg = config(summarisation=("en", tiny_models["bart"]), dtype="bfloat16")
    b = briefsum.summarise(ARTICLES[0], lang="en", target=None, engine="neural", config=cfg)
    assert b.models["summariser"] == f"{tiny_models['bart']} [transformers bfloat16]"
    assert b.stats["backend"]["summariser"] == "transformers bfloat16"


@pytest.mark.parametrize("name", ["bart", "mbart", "pegasus", "marian", "nllb"])
def test_padding_stays_masked_with_briefsum_attention(no_network, tiny_models, name):
    """The model builds its masks by attention name: a padded batch must give each row what it gives alone."""
    import torch

    m = loaded(config(summarisation=("en", tiny_models[name])), tiny_models[name])
    assert m.model.config._attn_implementation == "briefsum_sdpa"
    texts = [SHORT[0], SHORT[2]]
    enc = m.tokenizer(texts, return_tensors="pt", padding=True)
    assert (enc["attention_mask"] == 0).any()
    encoder = m.model.get_encoder()
    with torch.inference_mode():
        batch = encoder(**enc).last_hidden_state
        for r, text in enumerate(texts):
            alone = encoder(**m.tokenizer([text], return_tensors="pt")).last_hidden_state[0]
            assert torch.allclose(batch[r][enc["attention_mask"][r].bool()], alone, atol=1e-6, rtol=0)


def test_prompt_lookup_decoding_takes_the_plain_path(no_network, tiny_models, monkeypatch):
    """Assisted decoding reads logits at several positions and crops the cache: none of the levers apply."""
    cfg = config(summarisation=("en", tiny_models["bart"]))
    m = loaded(cfg, tiny_models["bart"])
    settings = {"num_beams": 1, "max_new_tokens": 8, "prompt_lookup_num_tokens": 3}
    got = m.generate([SHORT[0]], settings, decoder_prefix=["The minister said"])
    monkeypatch.setattr(type(m), "_encoder_inputs", lambda self, *args: {})
    monkeypatch.setattr(type(m), "_batch_encoder_inputs", lambda self, *args: {})
    monkeypatch.setattr(m, "lean_beams", False)  # transformers' own beam search
    assert got == m.generate([SHORT[0]], settings, decoder_prefix=["The minister said"])


def test_overlapping_keep_blocks_end_in_any_order(tiny_models):
    m = loaded(config(summarisation=("en", tiny_models["bart"])), tiny_models["bart"])
    first, second = m.keep_encodings(5), m.keep_encodings(3)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first block ends before the second
    assert m._keep == 3
    second.__exit__(None, None, None)
    assert m._keep == 1
