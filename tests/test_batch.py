"""summarise_many: batching across articles gives each article exactly what summarise gives it alone."""

from __future__ import annotations

import pytest

import briefsum
from briefsum.errors import BackendError, BatchError, EmptyInputError, InputError
from test_neural import config, loaded, spy_encoder, spy_generate
from tiny_models import CORPUS, no_network, tiny_models  # noqa: F401  (fixtures)

needs_ct2 = pytest.mark.skipif(__import__("importlib").util.find_spec("ctranslate2") is None,
                               reason="ctranslate2 (the fast extra) is not installed")



@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny models run 10-20x faster on one thread than on a busy machine's several (spin-waiting threads)."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


ENGLISH = CORPUS[10:20]
# Articles that fit the tiny models' 64-token input, of different lengths (so batches are padded and the
# prefixes differ in length), and a last one longer than that input, so it is map-reduced first.
ARTICLES = [ENGLISH[0], ENGLISH[3], ENGLISH[2], ENGLISH[5], ENGLISH[8], ENGLISH[6], " ".join(ENGLISH[0:3])]


def _view(b: briefsum.Brief) -> dict:
    """Everything that must match: texts, provenance, methods, tokens generated, warnings, the whole stats."""
    return {"grades": {k: (g.text, g.source_indices, g.method, g.truncated) for k, g in b.grades.items()},
            "stats": b.stats, "warnings": b.warnings, "engine": b.engine, "models": b.models}


def _one_by_one(cfg):
    return [_view(briefsum.summarise(a, lang="en", target=None, engine="neural", config=cfg)) for a in ARTICLES]


def test_transformers_greedy_batch_equals_one_by_one(no_network, tiny_models, monkeypatch):
    """Greedy float32 on the transformers backend: the same tokens, in far fewer generate calls."""
    cfg = config(summarisation=("en", tiny_models["bart"]), summary_batch_size=4)
    alone = _one_by_one(cfg)
    m = loaded(cfg, tiny_models["bart"])
    calls = spy_generate(monkeypatch, m)
    many = briefsum.summarise_many(ARTICLES, lang="en", target=None, engine="neural", config=cfg)
    assert [_view(b) for b in many] == alone
    assert many[-1].stats["chunks"] > 1  # the long one went through the map-reduce first
    sizes = [len(ids) for ids, _ in calls]
    assert max(sizes) == 4 and len(calls) < 4 * len(ARTICLES)  # batches across articles, of 4 at most


def test_transformers_beam_batch_equals_one_by_one(no_network, tiny_models):
    """Beam search too: a batch shares one prompt length, so every article's search is the one it gets alone."""
    cfg = config(summarisation=("en", tiny_models["t5"]))
    cfg["models"]["grades"] = {k: dict(g, num_beams=3) for k, g in cfg["models"]["grades"].items()}
    alone = _one_by_one(cfg)
    many = briefsum.summarise_many(ARTICLES, lang="en", target=None, engine="neural", config=cfg)
    assert [_view(b) for b in many] == alone


def test_each_article_is_encoded_once_for_all_grades_in_a_batch(no_network, tiny_models, monkeypatch):
    cfg = config(summarisation=("en", tiny_models["bart"]))
    m = loaded(cfg, tiny_models["bart"])
    rows = spy_encoder(monkeypatch, m)
    short = ARTICLES[:-1]
    m._encodings.clear()
    briefsum.summarise_many(short, lang="en", target=None, engine="neural", config=cfg)
    assert rows == [1] * len(short)  # each alone, once, though four grades were written for each


@needs_ct2
def test_ctranslate2_batch_equals_one_by_one(no_network, tiny_models, tmp_path, monkeypatch):
    """CTranslate2 float32 greedy: batched translate_batch calls with a target prefix per article."""
    cfg = config(summarisation=("en", tiny_models["bart"]), backend="ctranslate2", compute_type="float32",
                 fast_cache_dir=str(tmp_path / "ct2"), summary_batch_size=3)
    alone = _one_by_one(cfg)
    m = loaded(cfg, tiny_models["bart"])
    sizes = []
    real = m.translator.translate_batch

    def spy(source, *a, **k):
        sizes.append(len(source))
        return real(source, *a, **k)

    monkeypatch.setattr(m, "translator", type("T", (), {"translate_batch": staticmethod(spy)})())
    many = briefsum.summarise_many(ARTICLES, lang="en", target=None, engine="neural", config=cfg)
    assert [_view(b) for b in many] == alone
    assert many[0].stats["backend"]["summariser"] == "ctranslate2 float32"
    assert max(sizes) == 3


def test_a_failing_article_keeps_the_others(no_network, tiny_models, monkeypatch):
    cfg = config(summarisation=("en", tiny_models["bart"]))
    alone = _one_by_one(cfg)
    m = loaded(cfg, tiny_models["bart"])
    real = m.model.generate
    bad = m.tokenizer(ARTICLES[2])["input_ids"][:5]

    def generate(*a, **k):  # the model fails on any batch holding article 2
        if any(row[:5] == bad for row in k["input_ids"].tolist()):
            raise RuntimeError("out of memory")
        return real(*a, **k)

    monkeypatch.setattr(m.model, "generate", generate)
    texts = ARTICLES[:-1] + ["   "]
    got = briefsum.summarise_many(texts, lang="en", target=None, engine="neural", config=cfg, errors="return")
    assert isinstance(got[2], BackendError) and "out of memory" in str(got[2])
    assert isinstance(got[6], EmptyInputError)
    assert [_view(b) for k, b in enumerate(got[:6]) if k != 2] == [v for k, v in enumerate(alone[:6]) if k != 2]
    with pytest.raises(BatchError) as info:
        briefsum.summarise_many(texts, lang="en", target=None, engine="neural", config=cfg)
    assert sorted(info.value.errors) == [2, 6] and "index 2, 6" in str(info.value)
    assert [_view(b) for b in info.value.results[:2]] == alone[:2]


def test_offline_engine_through_the_same_call(example_text):
    texts = [example_text, example_text.split("\n\n")[0]]
    many = briefsum.summarise_many(texts, lang="fr", target=None, engine="offline")
    one = [briefsum.summarise(t, lang="fr", target=None, engine="offline") for t in texts]
    assert [b.to_json() for b in many] == [b.to_json() for b in one]
    assert briefsum.summarise_many([], engine="offline") == []


def test_a_single_string_is_refused():
    with pytest.raises(InputError, match="list of texts"):
        briefsum.summarise_many("one article", engine="offline")


@pytest.mark.parametrize("memory_gib,shape,beams,new_tokens,want", [
    (140, (59514, 0, 0), 4, 256, 2048),    # scores alone: an H200 and opus-mt's vocabulary, the cap
    (24, (59514, 0, 0), 4, 256, 1024),
    (8, (59514, 0, 0), 4, 256, 512),
    (24, (256206, 0, 0), 4, 256, 256),     # NLLB's vocabulary
    (24, (59514, 0, 0), 1, 256, 2048),     # greedy holds a quarter of the scores
    (1, (256206, 0, 0), 8, 256, 64),       # never under the floor
    (140, (59514, 6, 512), 4, 32, 2048),   # opus-mt with its caches, 32 new tokens (the GPU bench)
    (140, (59514, 6, 512), 4, 256, 1024),  # ... up to 256 new tokens: the caches bind
    (140, (256206, 24, 2048), 4, 256, 64),  # NLLB-3.3B's shape: its caches bind hard
])
def test_gpu_batches_fit_the_cards_memory(monkeypatch, memory_gib, shape, beams, new_tokens, want):
    import types

    torch = pytest.importorskip("torch")
    from briefsum.engines.neural import translator as neural

    vocab, layers, width = shape
    memory = memory_gib << 30
    props = types.SimpleNamespace(total_memory=memory)
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda device: props)
    config = types.SimpleNamespace(vocab_size=vocab, decoder_layers=layers, d_model=width)
    model = types.SimpleNamespace(device="cuda:0", dtype=torch.bfloat16, model=types.SimpleNamespace(config=config))
    size = neural.gpu_batch_size(model, beams, new_tokens)
    assert size == want
    if size > neural.GPU_BATCH[0]:  # what it chose fits both shares of the memory
        assert size * beams * vocab * 4 <= memory // 16
        assert size * beams * 2 * layers * width * 2 * (new_tokens + neural.GPU_INPUT_TOKENS) <= memory // 4


def test_gpu_batch_without_a_card_to_ask_is_the_fixed_default():
    import types

    from briefsum.engines.neural import translator as neural

    model = types.SimpleNamespace(device="mps", dtype=None, model=types.SimpleNamespace(
        config=types.SimpleNamespace(vocab_size=59514)))
    assert neural.gpu_batch_size(model, 4) == 512
