"""Tiny random-weight seq2seq models of the real architectures, built offline for the neural engine's tests.

Each builder trains its own small tokenizer on the sentences below (SentencePiece or byte-level BPE), builds a
model of the real class with d_model 16 and one layer, and saves both with save_pretrained (safetensors).
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

CORPUS = [
    "Le président de la République a rencontré les ministres à Paris le 12 mars 2023.",
    "La réunion a duré trois heures et a porté sur le budget de l'État pour l'année prochaine.",
    "Selon le gouvernement, 4 500 emplois seront créés dans la région d'ici 2025.",
    "Les syndicats ont appelé à une grève nationale jeudi, après l'échec des négociations.",
    "Le maire de Lyon, Grégory Doucet, a présenté un nouveau plan pour les transports publics.",
    "Cette décision, prise sans consultation, a provoqué la colère de l'opposition.",
    "Le sommet de la Conférence pour l'interaction en Asie s'est tenu à Astana en octobre.",
    "Les prix de l'énergie ont augmenté de 12 % en un an, d'après l'Insee.",
    "Plus de 300 personnes ont manifesté devant la préfecture samedi matin.",
    "L'entreprise Renault a annoncé la fermeture de deux usines en Bretagne.",
    "The president of the Republic met the ministers in Paris on 12 March 2023.",
    "The meeting lasted three hours and covered the state budget for next year.",
    "According to the government, 4,500 jobs will be created in the region by 2025.",
    "Unions called for a national strike on Thursday after talks failed.",
    "The mayor of Lyon, Grégory Doucet, presented a new plan for public transport.",
    "This decision, taken without consultation, angered the opposition.",
    "The summit of the Conference on Interaction in Asia was held in Astana in October.",
    "Energy prices rose by 12% in one year, according to Insee.",
    "More than 300 people demonstrated in front of the prefecture on Saturday morning.",
    "The company Renault announced the closure of two factories in Brittany.",
    "summarize: the article reports news from France and Europe, with names, numbers and dates.",
]

DIMS = dict(d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
            encoder_ffn_dim=32, decoder_ffn_dim=32)
MAX_INPUT = 64          # the tokenizers' model_max_length: what the engine must chunk or split for
MAX_POSITIONS = 256     # the models' position tables (decoders need room for primed, longer grades)


def _spm(workdir: Path, name: str, model_type: str = "unigram", vocab_size: int = 300) -> Path:
    import sentencepiece as spm

    text = workdir / "corpus.txt"
    if not text.exists():
        text.write_text("\n".join(CORPUS * 3), encoding="utf-8")
    prefix = workdir / name
    spm.SentencePieceTrainer.train(input=str(text), model_prefix=str(prefix), vocab_size=vocab_size,
                                   model_type=model_type, character_coverage=1.0, hard_vocab_limit=False,
                                   unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=2, num_threads=1)
    return prefix.with_suffix(".model")


def _pieces(model: Path) -> list[tuple[str, float]]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model))
    return [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))]


def _save(model, tok, out: Path, generation: dict | None = None) -> Path:
    import torch

    torch.manual_seed(0)
    model.eval()
    if generation:
        for k, v in generation.items():
            setattr(model.generation_config, k, v)
    tok.model_max_length = MAX_INPUT
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    return out


def build_marian(workdir: Path) -> Path:
    """A MarianMT model (opus-mt layout: source.spm, target.spm, vocab.json)."""
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    spm_file = _spm(workdir, "marian")
    vocab = {"</s>": 0, "<unk>": 1}
    for piece, _ in _pieces(spm_file):
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (workdir / "marian_vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    tok = MarianTokenizer(source_spm=str(spm_file), target_spm=str(spm_file), vocab=str(workdir / "marian_vocab.json"))
    cfg = MarianConfig(vocab_size=len(vocab), max_position_embeddings=MAX_POSITIONS, pad_token_id=vocab["<pad>"],
                       eos_token_id=0, decoder_start_token_id=vocab["<pad>"], forced_eos_token_id=0,
                       scale_embedding=True, share_encoder_decoder_embeddings=True, **DIMS)
    import torch

    torch.manual_seed(1)
    return _save(MarianMTModel(cfg), tok, workdir / "marian-fr-en",
                 {"num_beams": 4, "max_length": 512, "bad_words_ids": [[vocab["<pad>"]]]})


def build_bart(workdir: Path) -> Path:
    """A BART summariser with bart-large-cnn's generation defaults (min_length 56 among them)."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(CORPUS, vocab_size=400, min_frequency=1, show_progress=False,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    d = workdir / "bart_bpe"
    d.mkdir(exist_ok=True)
    bpe.save_model(str(d))
    tok = BartTokenizer(vocab=str(d / "vocab.json"), merges=str(d / "merges.txt"))
    import torch

    torch.manual_seed(2)
    cfg = BartConfig(vocab_size=len(tok), max_position_embeddings=MAX_POSITIONS, bos_token_id=0, pad_token_id=1,
                     eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0, forced_eos_token_id=2, **DIMS)
    return _save(BartForConditionalGeneration(cfg), tok, workdir / "bart-cnn",
                 {"min_length": 56, "max_length": 142, "length_penalty": 2.0, "num_beams": 4,
                  "no_repeat_ngram_size": 3, "early_stopping": True})


def build_mbart(workdir: Path) -> Path:
    """An mBART translation model with fairseq language codes (fr_XX, en_XX)."""
    from transformers import MBartConfig, MBartForConditionalGeneration, MBartTokenizer
    from transformers.models.mbart.tokenization_mbart import FAIRSEQ_LANGUAGE_CODES

    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + _pieces(_spm(workdir, "mbart"))
    vocab += [(code, 0.0) for code in FAIRSEQ_LANGUAGE_CODES] + [("<mask>", 0.0)]
    tok = MBartTokenizer(vocab=vocab, src_lang="fr_XX", tgt_lang="en_XX")
    import torch

    torch.manual_seed(3)
    cfg = MBartConfig(vocab_size=len(tok), max_position_embeddings=MAX_POSITIONS, bos_token_id=0, pad_token_id=1,
                      eos_token_id=2, decoder_start_token_id=2, **DIMS)
    return _save(MBartForConditionalGeneration(cfg), tok, workdir / "mbart-fr-en")


def build_nllb(workdir: Path) -> Path:
    """An M2M100-architecture model with an NLLB tokenizer (fra_Latn, eng_Latn)."""
    from tokenizers import SentencePieceBPETokenizer
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    bpe = SentencePieceBPETokenizer()
    bpe.train_from_iterator(CORPUS, vocab_size=400, min_frequency=1, show_progress=False,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>"])
    d = workdir / "nllb_bpe"
    d.mkdir(exist_ok=True)
    bpe.save_model(str(d))
    vocab = json.loads((d / "vocab.json").read_text(encoding="utf-8"))
    merges = [tuple(ln.split(" ")) for ln in (d / "merges.txt").read_text(encoding="utf-8").splitlines()
              if ln and not ln.startswith("#")]
    tok = NllbTokenizer(vocab=vocab, merges=merges, src_lang="fra_Latn", tgt_lang="eng_Latn")
    import torch

    torch.manual_seed(4)
    cfg = M2M100Config(vocab_size=len(tok), max_position_embeddings=MAX_POSITIONS, bos_token_id=0, pad_token_id=1,
                       eos_token_id=2, decoder_start_token_id=2, **DIMS)
    return _save(M2M100ForConditionalGeneration(cfg), tok, workdir / "nllb-tiny")


def _t5_tokenizer(workdir: Path, name: str):
    from transformers import T5Tokenizer

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + _pieces(_spm(workdir, name))
    return T5Tokenizer(vocab=vocab, extra_ids=4)


def build_t5(workdir: Path) -> Path:
    """A T5 summariser (expects the 'summarize: ' prefix)."""
    from transformers import T5Config, T5ForConditionalGeneration

    tok = _t5_tokenizer(workdir, "t5")
    import torch

    torch.manual_seed(5)
    cfg = T5Config(vocab_size=len(tok), d_model=16, d_kv=8, d_ff=32, num_layers=1, num_decoder_layers=1, num_heads=2,
                   pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
                   task_specific_params={"summarization": {"prefix": "summarize: "}})
    return _save(T5ForConditionalGeneration(cfg), tok, workdir / "t5-sum")


def build_mt5(workdir: Path) -> Path:
    """An mT5 multilingual summariser (no task prefix)."""
    from transformers import MT5Config, MT5ForConditionalGeneration

    tok = _t5_tokenizer(workdir, "mt5")
    import torch

    torch.manual_seed(6)
    cfg = MT5Config(vocab_size=len(tok), d_model=16, d_kv=8, d_ff=32, num_layers=1, num_decoder_layers=1, num_heads=2,
                    pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    return _save(MT5ForConditionalGeneration(cfg), tok, workdir / "mt5-xlsum")


def build_pegasus(workdir: Path) -> Path:
    """A Pegasus headline model (the 103-token offset of google/pegasus-*)."""
    from transformers import PegasusConfig, PegasusForConditionalGeneration, PegasusTokenizer

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<mask_1>", 0.0), ("<mask_2>", 0.0)]
    vocab += [(f"<unk_{i}>", 0.0) for i in range(2, 103)] + [("<unk>", 0.0)] + _pieces(_spm(workdir, "pegasus"))
    tok = PegasusTokenizer(vocab=vocab)
    import torch

    torch.manual_seed(7)
    cfg = PegasusConfig(vocab_size=len(tok), max_position_embeddings=MAX_POSITIONS, pad_token_id=0, eos_token_id=1,
                        decoder_start_token_id=0, forced_eos_token_id=1, **DIMS)
    return _save(PegasusForConditionalGeneration(cfg), tok, workdir / "pegasus-xsum")


BUILDERS = {
    "marian": build_marian, "bart": build_bart, "mbart": build_mbart, "nllb": build_nllb,
    "t5": build_t5, "mt5": build_mt5, "pegasus": build_pegasus,
}


def build_all(workdir: str | os.PathLike) -> dict[str, Path]:
    """Build every tiny model under workdir; returns name -> model folder."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    return {name: build(workdir) for name, build in BUILDERS.items()}


# -- fixtures (imported by the tests that use them) ------------------------------------------------------

@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Folders of tiny Marian, BART, mBART, NLLB, T5, mT5 and Pegasus models, built once per session."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("sentencepiece")
    return build_all(tmp_path_factory.mktemp("tiny-models"))


class NetworkAccess(AssertionError):
    """Raised when a test tries to open a network connection."""


@pytest.fixture
def no_network(monkeypatch, tmp_path):
    """Fail the test on any socket connection, with the hub switched off and an empty HF cache."""

    def refuse(self, address, *args, **kwargs):
        raise NetworkAccess(f"test tried to connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("BRIEFSUM_CONFIG", raising=False)
    for task in ("TRANSLATION", "SUMMARISATION", "HEADLINE", "MULTILINGUAL"):
        monkeypatch.delenv(f"BRIEFSUM_MODEL_{task}", raising=False)
    yield
