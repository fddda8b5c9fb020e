"""Shared pieces of the benchmarks: real-shape random-weight models built from bench/configs, text, timing."""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import time
from pathlib import Path
from typing import Any, Callable, Sequence

HERE = Path(__file__).resolve().parent
CONFIGS = HERE / "configs"
FILLER = "\u2581\u27e8{}\u27e9"  # vocabulary entries beyond the trained pieces, so the vocabulary has the real size


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def synthetic_french(n: int, seed: int = 0) -> list[str]:
    """French-like news sentences made from a small word list (for machines without the WMT data)."""
    rng = random.Random(seed)
    subj = ["Le gouvernement", "La ministre", "Le président", "Les syndicats", "La commission", "Le maire",
            "Les députés", "La banque centrale", "Le tribunal", "Les habitants", "L'entreprise", "La police"]
    verb = ["a annoncé", "a présenté", "a rejeté", "a confirmé", "prépare", "examine", "critique", "soutient",
            "a reporté", "a signé", "propose", "dénonce"]
    obj = ["un nouveau plan", "la réforme des retraites", "le budget de l'État", "un accord commercial",
           "la hausse des prix", "une enquête", "le projet de loi", "les mesures d'urgence", "une aide de 300 euros",
           "la fermeture de l'usine", "un sommet régional", "la candidature"]
    tail = ["jeudi à Paris", "après de longues négociations", "selon un communiqué", "pour l'année prochaine",
            "dans la région de Lyon", "malgré l'opposition", "d'ici 2025", "devant la presse", "en fin de journée",
            "au grand dam des associations", "sans consultation préalable", "lors d'une réunion à Bruxelles"]
    out = []
    for _ in range(n):
        parts = [rng.choice(subj), rng.choice(verb), rng.choice(obj)]
        for _ in range(rng.randint(0, 3)):
            parts.append(rng.choice(tail))
        out.append(" ".join(parts) + ".")
    return out


def _train_spm(corpus: Sequence[str], prefix: Path, vocab_size: int) -> Path:
    import sentencepiece as spm

    text = prefix.with_suffix(".txt")
    text.write_text("\n".join(corpus), encoding="utf-8")
    spm.SentencePieceTrainer.train(input=str(text), model_prefix=str(prefix), vocab_size=vocab_size,
                                   model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
                                   unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=2, num_threads=2)
    text.unlink()
    return prefix.with_suffix(".model")


def _marian_tokenizer(corpus: Sequence[str], work: Path, vocab_size: int) -> Any:
    import sentencepiece as spm
    from transformers import MarianTokenizer

    model = _train_spm(corpus, work / "spm", min(8000, max(200, len(set(" ".join(corpus).split())))))
    sp = spm.SentencePieceProcessor(model_file=str(model))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        if not (sp.is_control(i) or sp.is_unknown(i)):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))
    k = 0
    while len(vocab) < vocab_size - 1:
        vocab[FILLER.format(k)] = len(vocab)
        k += 1
    vocab["<pad>"] = len(vocab)  # last, as in opus-mt
    (work / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    return MarianTokenizer(source_spm=str(model), target_spm=str(model), vocab=str(work / "vocab.json"))


def _bart_tokenizer(corpus: Sequence[str], work: Path, vocab_size: int) -> Any:
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartTokenizer

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(list(corpus), vocab_size=min(8000, vocab_size), min_frequency=2, show_progress=False,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>"])
    bpe.save_model(str(work))
    vocab = json.loads((work / "vocab.json").read_text(encoding="utf-8"))
    k = 0
    while len(vocab) < vocab_size - 1:
        vocab.setdefault(f"\u0120w{k}", len(vocab))
        k += 1
    vocab["<mask>"] = len(vocab)
    (work / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    return BartTokenizer(vocab=str(work / "vocab.json"), merges=str(work / "merges.txt"))


def build_model(name: str, corpus: Sequence[str], cache: Path, scale: dict | None = None, seed: int = 0) -> Path:
    """Build (once) the random-weight model described by bench/configs/NAME.json, with a tokenizer trained on
    corpus, into cache; scale overrides config fields (the --cpu-smoke sizes)."""
    import torch
    import transformers

    spec = json.loads((CONFIGS / f"{name}.json").read_text(encoding="utf-8"))
    conf = dict(spec["config"])
    conf.update(scale or {})
    key = hashlib.sha256(json.dumps([spec, conf, len(corpus), corpus[:50], seed], sort_keys=True).encode())
    out = cache / f"{name}-{key.hexdigest()[:12]}"
    if (out / "model.safetensors").is_file():
        return out
    work = cache / f".{out.name}.work"
    work.mkdir(parents=True, exist_ok=True)
    vocab_size = conf["vocab_size"]
    if spec["tokenizer"] == "marian":
        tok = _marian_tokenizer(corpus, work, vocab_size)
        conf["pad_token_id"] = conf["decoder_start_token_id"] = vocab_size - 1
        gen = dict(spec["generation"], bad_words_ids=[[vocab_size - 1]])
    else:
        tok = _bart_tokenizer(corpus, work, vocab_size)
        gen = dict(spec["generation"])
    model_type = conf.pop("model_type")
    cfg = transformers.AutoConfig.for_model(model_type, **conf)
    torch.manual_seed(seed)
    model = getattr(transformers, spec["architecture"])(cfg).eval()
    for k, v in gen.items():
        setattr(model.generation_config, k, v)
    tok.model_max_length = min(spec.get("model_max_length", 512), conf.get("max_position_embeddings", 512))
    tmp = cache / f".{out.name}.tmp"
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save_pretrained(tmp)
    os.replace(tmp, out)
    return out


def params(folder: Path) -> dict[str, int]:
    """Parameter counts of a saved model: total, encoder, decoder (with the output projection)."""
    from safetensors import safe_open

    total = enc = 0
    seen = {}
    with safe_open(str(folder / "model.safetensors"), "pt") as f:
        for k in f.keys():
            n = 1
            for d in f.get_slice(k).get_shape():
                n *= d
            seen[k] = n
    total = sum(seen.values())
    enc = sum(n for k, n in seen.items() if ".encoder." in k and "embed_tokens" not in k)
    emb = max((n for k, n in seen.items() if "shared" in k or "embed_tokens" in k), default=0)
    dec = sum(n for k, n in seen.items() if ".decoder." in k and "embed_tokens" not in k) + emb
    return {"total": total, "encoder": enc, "decoder_with_projection": dec, "embedding": emb}


def count_generated_tokens(translator: Any) -> list[int]:
    """Wrap a NeuralTranslator's model so that every generation adds its new tokens to the returned one-item
    list (reset it to 0 before a timed run)."""
    counted = [0]
    real = translator.model.finish

    def finish(*a, **k):
        out = real(*a, **k)
        counted[0] += sum(g.new_tokens for g in out)
        return out

    translator.model.finish = finish
    return counted


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of one call, and its result."""
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def median(xs: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2
