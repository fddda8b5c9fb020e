"""lean_beam_search makes transformers' beam-search choices with less copying: its pieces (two-pass top-k,
in-place logits processors) give what transformers' give, and whole generate calls give the same tokens."""

from __future__ import annotations

import pytest

from test_batch import one_torch_thread  # noqa: F401  (autouse: one torch thread here too)
from test_neural import config, loaded
from tiny_models import no_network, tiny_models  # noqa: F401  (fixtures)

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("rows,width,k", [(6, 1000, 8), (3, 59514, 8), (5, 300, 6), (2, 130, 8), (4, 4096, 3)])
def test_top_k_in_two_passes_equals_torch_topk(rows, width, k):
    from briefsum.engines.neural.lean_beam import top_k

    gen = torch.Generator().manual_seed(rows * width + k)
    x = torch.randn(rows, width, generator=gen)
    x[0, :50] = float("-inf")  # masked tokens
    x[-1, -1] = 9.0  # the best value in the tail past the last whole block
    vals, idx = top_k(x, k)
    want_vals, want_idx = x.topk(k, dim=-1)
    assert torch.equal(vals, want_vals)
    assert torch.equal(idx, want_idx)  # no ties in random floats: the same indices too
    assert torch.equal(x.gather(1, idx), vals)


def test_top_k_with_ties_gives_torch_values_at_the_indices_it_names():
    from briefsum.engines.neural.lean_beam import top_k

    x = torch.zeros(3, 2000)
    x[:, 7] = 1.0
    x[1, 1999] = 1.0
    vals, idx = top_k(x, 4)
    assert torch.equal(vals, x.topk(4, dim=-1).values)
    assert torch.equal(x.gather(1, idx), vals)
    assert all(len(set(row)) == 4 for row in idx.tolist())  # distinct tokens


def _scores(rows=6, width=50, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.log_softmax(torch.randn(rows, width, generator=gen), dim=-1)


@pytest.mark.parametrize("length", [3, 5, 9])
@pytest.mark.parametrize("masked", [None, True])  # True: the accelerator way (no host sync), run here on CPU
def test_in_place_processors_equal_transformers(length, masked, monkeypatch):
    from transformers.generation import logits_process as lp

    from briefsum.engines.neural.lean_beam import InPlaceNgrams, lean_processors

    monkeypatch.setattr(InPlaceNgrams, "masked", masked)
    gen = torch.Generator().manual_seed(length)
    ids = torch.randint(0, 6, (6, length), generator=gen)  # a small alphabet: n-grams repeat
    ids[0, -2:] = torch.tensor([3, 4])
    theirs = [lp.MinLengthLogitsProcessor(7, [1, 2]), lp.MinNewTokensLengthLogitsProcessor(2, 4, 1),
              lp.NoRepeatNGramLogitsProcessor(2), lp.NoRepeatNGramLogitsProcessor(3),
              lp.NoBadWordsLogitsProcessor([[9], [3, 4, 5], [11, 12]], eos_token_id=1)]
    ours = lean_processors(theirs)
    assert ours is not None and [type(p).__name__ for p in ours] == \
        ["_InPlaceEos", "_InPlaceEos", "InPlaceNgrams", "InPlaceNgrams", "_InPlaceBadWords"]
    for mine, ref in zip(ours, theirs):
        scores = _scores(seed=length)
        want = ref(ids, scores.clone())
        got = mine(ids, scores)
        assert torch.equal(got, want), type(ref).__name__
    banned = lean_processors([theirs[-1]])[0](ids, _scores())
    assert torch.isinf(banned[0, 5]) and not torch.isinf(banned[1:, 5]).any()  # 3 4 -> 5 only after "3 4"


def test_processors_it_does_not_know_with_extra_arguments_send_it_back_to_transformers():
    from briefsum.engines.neural.lean_beam import lean_processors

    class Odd:
        def __call__(self, input_ids, scores, cur_len):
            return scores

    assert lean_processors([Odd()]) is None


SETTINGS = [
    dict(num_beams=3, max_new_tokens=12),
    dict(num_beams=4, max_new_tokens=10, min_new_tokens=6, no_repeat_ngram_size=2),
    dict(num_beams=2, max_new_tokens=14, length_penalty=2.0, early_stopping=True),
    dict(num_beams=3, max_new_tokens=9, length_penalty=0.5, early_stopping="never", repetition_penalty=1.3),
]
SOURCES = ["Le maire de Lyon a présenté un plan.", "Les prix de l'énergie ont augmenté de 12 % en un an.",
           "Plus de 300 personnes ont manifesté devant la préfecture samedi matin, selon la police."]


class EndSoon:
    """Raise the end-of-sequence score with the length, a different amount per row: random tiny models seldom
    end on their own, and then hypotheses finish at different steps, which is what beam search must get right."""

    def __init__(self, eos: int):
        self.eos = eos

    def __call__(self, input_ids, scores):
        scores = scores.clone()
        rows = torch.arange(scores.shape[0], dtype=scores.dtype)
        scores[:, self.eos] += (input_ids.shape[1] - 1) * (0.6 + 0.15 * (rows % 5))
        return scores


@pytest.mark.parametrize("name", ["marian", "bart", "pegasus", "nllb", "t5"])
@pytest.mark.parametrize("settings", range(len(SETTINGS)))
@pytest.mark.parametrize("ending", [False, True])
def test_lean_beam_search_gives_the_tokens_of_transformers_beam_search(no_network, tiny_models, name, settings,
                                                                        ending, monkeypatch):
    """Whole generate calls, a padded batch, float32: identical sequences (ends, EOS and padding included)."""
    from transformers import LogitsProcessorList

    from briefsum.engines.neural import lean_beam
    from briefsum.engines.neural.lean_beam import lean_beam_applies, lean_beam_search

    # the tiny vocabularies (a few hundred tokens) fit in too few blocks of 128: smaller blocks make the
    # two-pass top-k run here as it does over a real vocabulary
    monkeypatch.setattr(lean_beam, "TOPK_BLOCK", 16)

    m = loaded(config(translation=tiny_models[name]), tiny_models[name])
    tok, model = m.tokenizer, m.model
    if not m.fast.lean_beam:  # transformers without the private helpers it calls: briefsum never uses it there
        from briefsum.engines.neural.capabilities import lean_beam_usable

        pytest.skip(f"this transformers lacks what lean_beam_search calls: {lean_beam_usable(model)}")
    enc = tok(SOURCES, return_tensors="pt", padding=True)
    gen = m.generation_config(SETTINGS[settings])
    gen.min_length = 0
    assert lean_beam_applies(model, gen)
    eos = gen.eos_token_id if isinstance(gen.eos_token_id, int) else gen.eos_token_id[0]
    extra = {"logits_processor": LogitsProcessorList([EndSoon(eos)])} if ending else {}
    with torch.inference_mode():
        want = model.generate(**enc, generation_config=gen, **extra)
        got = model.generate(**enc, generation_config=gen, custom_generate=lean_beam_search, **extra)
    assert torch.equal(got, want)
    if ending:  # hypotheses ended early, at different lengths
        lengths = {int((row != gen.pad_token_id).sum()) for row in want}
        assert len(lengths) > 1 or want.shape[1] < SETTINGS[settings]["max_new_tokens"] + 1


def test_briefsum_translation_takes_the_lean_path_and_keeps_its_tokens(no_network, tiny_models, monkeypatch):
    from briefsum.engines.neural import transformers_backend

    m = loaded(config(translation=tiny_models["marian"]), tiny_models["marian"])
    settings = dict(num_beams=4, max_new_tokens=12, no_repeat_ngram_size=3)
    used: list[int] = []
    real = transformers_backend.lean_beam_search

    def counted(*a, **k):
        used.append(1)
        return real(*a, **k)

    monkeypatch.setattr(transformers_backend, "lean_beam_search", counted)
    lean = [g.text for g in m.generate(SOURCES, settings)]
    assert bool(used) == m.fast.lean_beam  # the batch went through it, where the capability check allows it
    monkeypatch.setattr(m, "lean_beams", False)
    monkeypatch.setattr(type(m), "_batch_encoder_inputs", lambda self, *args: {})
    plain = [g.text for g in m.generate(SOURCES, settings)]
    assert lean == plain and len(used) == int(m.fast.lean_beam)


def test_reuse_freed_memory_is_asked_once_and_says_whether_it_took(monkeypatch):
    from briefsum.engines.neural import device

    monkeypatch.setattr(device, "MALLOC_TUNED", [])
    first = device.reuse_freed_memory()
    assert isinstance(first, bool)
    assert device.reuse_freed_memory() is first and device.MALLOC_TUNED == [first]


@pytest.mark.parametrize("extra", [dict(num_beam_groups=2, diversity_penalty=0.5), dict(force_words_ids=[[5]])])
def test_settings_it_does_not_implement_stay_with_transformers(no_network, tiny_models, extra):
    from briefsum.engines.neural.lean_beam import lean_beam_applies

    m = loaded(config(translation=tiny_models["marian"]), tiny_models["marian"])
    gen = m.generation_config(dict(num_beams=4, max_new_tokens=8))
    assert lean_beam_applies(m.model, gen)
    for k, v in extra.items():
        setattr(gen, k, v)
    assert not lean_beam_applies(m.model, gen)


@pytest.mark.parametrize("value,expected", [(None, "auto"), ("auto", "auto"), (True, "on"), (False, "off"),
                                            ("on", "on"), ("off", "off"), ("no", "off")])
def test_reuse_memory_reads_yaml_booleans(value, expected):
    from briefsum.config import load_config

    assert load_config({"neural": {"reuse_memory": value}}).settings.neural.reuse_memory == expected


def test_reuse_memory_off_in_a_config_file_leaves_the_allocator_alone(no_network, tiny_models, monkeypatch, tmp_path):
    from briefsum.config import load_config
    from briefsum.engines.neural import loading as neural
    from briefsum.engines.registry import Located
    from briefsum.errors import ConfigError

    asked: list[int] = []
    monkeypatch.setattr(neural, "reuse_freed_memory", lambda: asked.append(1) or True)
    monkeypatch.setattr(neural, "LOADED", {})
    path = tmp_path / "c.yaml"
    path.write_text("neural:\n  reuse_memory: off\n", encoding="utf-8")  # YAML reads this as false
    cfg_off = load_config(str(path))
    assert cfg_off.get("neural", "reuse_memory") is False
    assert cfg_off.settings.neural.reuse_memory == "off"
    mapping = config(translation=tiny_models["marian"])
    mapping.setdefault("neural", {})["reuse_memory"] = False
    neural.load_model(load_config(mapping).settings, Located(str(tiny_models["marian"]), tiny_models["marian"]))
    assert asked == []
    mapping["neural"]["reuse_memory"] = "sometimes"
    with pytest.raises(ConfigError, match="reuse_memory"):
        load_config(mapping)
