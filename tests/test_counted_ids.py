"""A translation tokenizes each sentence once: the ids count_tokens finds (to batch by length) are what
generate then encodes, and they give the same tensors and outputs as tokenizing again."""

from __future__ import annotations

import pytest

from test_batch import one_torch_thread  # noqa: F401  (autouse: one torch thread here too)
from test_neural import config, loaded
from tiny_models import no_network, tiny_models  # noqa: F401  (fixtures)

torch = pytest.importorskip("torch")

TEXTS = ["Le conseil a voté la loi hier soir.", "Une phrase plus courte.",
         "Les ministres se sont réunis à Paris pour parler du budget de l'année prochaine.", ""]
CODES = {"mbart": ("fr_XX", "en_XX"), "nllb": ("fra_Latn", "eng_Latn")}


def fresh(path):
    """The loaded model for a folder, with no ids kept from earlier tests."""
    m = loaded(config(), path)
    m._counted.clear()
    m._counted_tokens = 0
    return m


@pytest.mark.parametrize("name", ["marian", "bart", "mbart", "nllb", "t5", "pegasus"])
def test_counted_ids_are_the_tokenizers_and_are_taken_once(tiny_models, no_network, name):
    m = fresh(tiny_models[name])
    tok = m.tokenizer
    src = CODES.get(name, (None,))[0]
    lengths = m.count_tokens(TEXTS, src, keep=True)
    with m.lock:
        want = tok(TEXTS, add_special_tokens=True)["input_ids"]
        assert lengths == [len(ids) for ids in want]
        assert m._counted and m._counted_tokens == sum(lengths)
        got = m.token_ids(TEXTS)
        assert got == want
        assert not m._counted and m._counted_tokens == 0  # taken once, nothing left behind
        padded = tok.pad({"input_ids": got}, padding=True, return_tensors="pt")
        direct = tok(TEXTS, padding=True, return_tensors="pt", add_special_tokens=True)
        assert padded.keys() == direct.keys()
        assert all(torch.equal(padded[k], direct[k]) for k in direct)


@pytest.mark.parametrize("name", ["mbart", "nllb"])
def test_ids_counted_in_one_source_language_are_not_used_for_another(tiny_models, no_network, name):
    m = fresh(tiny_models[name])
    fr, en = CODES[name]
    m.count_tokens(TEXTS[:2], fr, keep=True)
    with m.lock:
        m.tokenizer.src_lang = en
        got = m.token_ids(TEXTS[:2])
        assert got == m.tokenizer(TEXTS[:2], add_special_tokens=True)["input_ids"]
        assert len(m._counted) == 2  # the French ids stay for a French call
        m.tokenizer.src_lang = fr
        assert m.token_ids(TEXTS[:2]) == m.tokenizer(TEXTS[:2], add_special_tokens=True)["input_ids"]
        assert not m._counted


def test_kept_ids_stay_within_their_token_budget(tiny_models, no_network, monkeypatch):
    from briefsum.engines.neural import model as neural

    m = fresh(tiny_models["marian"])
    budget = sum(m.count_tokens(TEXTS[:2], keep=True)) + 1
    with m.lock:
        m.token_ids(TEXTS[:2])
    monkeypatch.setattr(neural, "COUNTED_TOKENS", budget)
    m.count_tokens(TEXTS[:3], keep=True)  # over the budget: the oldest ids go
    with m.lock:
        assert m._counted_tokens <= budget
        assert m._counted_tokens == sum(len(ids) for ids in m._counted.values())
        assert (None, TEXTS[0]) not in m._counted
        # the dropped ones are tokenized again, the kept ones taken: the same ids either way
        assert m.token_ids(TEXTS[:3]) == m.tokenizer(TEXTS[:3], add_special_tokens=True)["input_ids"]
        assert not m._counted


def test_generate_after_counting_gives_what_it_gives_alone(tiny_models, no_network):
    m = fresh(tiny_models["marian"])
    settings = {"num_beams": 3, "max_new_tokens": 8, "min_new_tokens": 8}
    alone = m.generate(TEXTS[:3], settings)
    m.count_tokens(TEXTS[:3], keep=True)
    counted = m.generate(TEXTS[:3], settings)
    assert [(g.text, g.new_tokens) for g in counted] == [(g.text, g.new_tokens) for g in alone]
    assert not m._counted


def test_a_translation_takes_every_id_it_keeps_even_split_or_failed(tiny_models, no_network, monkeypatch):
    import briefsum
    from briefsum.engines import neural
    from briefsum.errors import BackendError

    cfg = config(translation=tiny_models["marian"])
    m = fresh(tiny_models["marian"])
    clauses = [f"les maires de la région {i} ont voté" for i in range(14)]
    long = "Selon le communiqué, " + ", ".join(clauses) + "."  # over the input limit: translated in pieces
    text = "Le conseil a voté la loi hier soir. " + long + " Une phrase plus courte."
    taken: list[str] = []
    real = neural.Seq2Seq.token_ids

    def spy(self, texts):
        taken.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(neural.Seq2Seq, "token_ids", spy)
    tr = briefsum.translate(text, source="fr", engine="neural", config=cfg)
    assert len(tr.sentences) == 3 and any("split at clause boundaries" in w for w in tr.warnings)
    assert long not in taken and len(taken) > 3  # the pieces were encoded, not the whole sentence
    assert not m._counted and m._counted_tokens == 0

    def fail(self, batches, *a, **k):
        raise BackendError("the model ran out of memory")

    monkeypatch.setattr(neural.Seq2Seq, "generate_batches", fail)
    with pytest.raises(BackendError):
        briefsum.translate("Le conseil a voté la loi. Une phrase plus courte.", source="fr", engine="neural",
                           config=cfg)
    assert not m._counted and m._counted_tokens == 0


def test_generate_many_leaves_no_ids_behind_when_batches_fail(tiny_models, no_network, monkeypatch):
    from briefsum.errors import BackendError

    m = fresh(tiny_models["bart"])

    def fail(*a, **k):
        raise BackendError("boom")

    monkeypatch.setattr(m, "generate_batches", fail)
    out = m.generate_many(TEXTS[:3], {"num_beams": 1, "max_new_tokens": 4}, [None] * 3, batch_size=2)
    assert all(isinstance(o, BackendError) for o in out)
    assert not m._counted and m._counted_tokens == 0


@pytest.mark.skipif(__import__("importlib").util.find_spec("ctranslate2") is None,
                    reason="ctranslate2 (the fast extra) is not installed")
def test_ctranslate2_takes_the_counted_ids_and_gives_what_it_gives_alone(tiny_models, no_network, tmp_path):
    cfg = config(backend="ctranslate2", compute_type="float32", fast_cache_dir=str(tmp_path / "ct2"))
    m = loaded(cfg, tiny_models["marian"])
    assert m.backend.startswith("ctranslate2")
    m._counted.clear()
    m._counted_tokens = 0
    settings = {"num_beams": 2, "max_new_tokens": 6}
    alone = m.generate(TEXTS[:3], settings)
    m.count_tokens(TEXTS[:3], keep=True)
    counted = m.generate(TEXTS[:3], settings)
    assert [(g.text, g.new_tokens) for g in counted] == [(g.text, g.new_tokens) for g in alone]
    assert not m._counted and m._counted_tokens == 0
