"""Random-weight models built from the real files of the registry's default models (../shared/hub/<model>/).

Only depth and width shrink (d_model, feed-forward width, heads, layers). Everything else is the model's own:
vocabulary size, special and language token ids, position limits, every generation setting, and the tokenizer
files, copied byte for byte. Models are built into a temporary folder, once per test session, on first use.

NLLB's sentencepiece model is not in the shared folder: its test tokenizer is a tokenizer.json with the real id
layout (<s> 0, <pad> 1, </s> 2, <unk> 3, pieces up to 255,999 of which a few hundred are real words, the 202
language codes from 256,001 (eng_Latn 256,047, fra_Latn 256,057), <mask> 256,203).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HUB = Path(os.environ.get("BRIEFSUM_HUB", REPO.parent / "shared" / "hub"))

# what shrinks, per family: the keys of config.json that set depth and width
BART_DIMS = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                 decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64)
T5_DIMS = dict(d_model=32, d_kv=16, num_heads=2, d_ff=64, num_layers=1, num_decoder_layers=1)
# pegasus-xsum's own values (in the shared pegasus config's task_specific_params, see the hub README)
PEGASUS_XSUM = dict(max_position_embeddings=512, max_length=64, length_penalty=0.6, num_beams=8)

MODELS = {
    # name: (hub folder, changes to config.json beyond the dimensions)
    "opus-mt-tc-big-fr-en": ("opus-mt-tc-big-fr-en", {}),
    "distilbart-cnn-12-6": ("distilbart-cnn-12-6", {}),
    "bart-large-cnn": ("bart-large-cnn", {}),
    "barthez-orangesum-abstract": ("barthez-orangesum-abstract", {}),
    "pegasus-xsum": ("pegasus", PEGASUS_XSUM),
    "t5-base-fr-sum-cnndm": ("t5-base-fr-sum-cnndm", {}),
    "nllb-200-distilled-600M": ("nllb-200-distilled-600M", {}),
}
WEIGHTS = ("model.safetensors",)


def hub_available() -> bool:
    return HUB.is_dir() and all((HUB / folder / "config.json").is_file() for folder, _ in MODELS.values())


def nllb_language_codes() -> list[str]:
    """NLLB's 202 language codes in their id order (transformers' own list)."""
    from transformers.models.nllb import tokenization_nllb

    return list(tokenization_nllb.FAIRSEQ_LANGUAGE_CODES)


def _nllb_tokenizer(out: Path) -> None:
    """An NLLB tokenizer with the real id layout: tokenizer.json (Unigram) + the hub's tokenizer files."""
    from tiny_models import CORPUS

    words: list[str] = []
    for line in CORPUS:
        for w in line.replace(",", " ,").replace(".", " .").split():
            if "▁" + w not in words:
                words.append("▁" + w)
    chars = sorted({c for line in CORPUS for c in line if not c.isspace()})
    pieces = ["▁"] + words + [c for c in chars if c not in words]
    first_code, size = 256001, 256000  # the sentencepiece pieces take ids 3..255,999 (fairseq offset: <unk> = 3)
    vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]]
    vocab += [[p, -float(i + 1)] for i, p in enumerate(pieces)]
    vocab += [[f"<unused{i}>", -1e6] for i in range(size + 1 - len(vocab))]  # up to id 256,000
    codes = nllb_language_codes()
    added = [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, c in enumerate(["<s>", "<pad>", "</s>", "<unk>"])]
    added += [{"id": first_code + i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
               "normalized": False, "special": True} for i, c in enumerate(codes)]
    mask = first_code + len(codes)
    added.append({"id": mask, "content": "<mask>", "single_word": False, "lstrip": True, "rstrip": False,
                  "normalized": True, "special": True})
    vocab += [[c, 0.0] for c in codes] + [["<mask>", 0.0]]
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "Replace", "pattern": {"Regex": " {2,}"},
                                                            "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "eng_Latn", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "eng_Latn", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 0}},
                                    {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "special_tokens": {"eng_Latn": {"id": "eng_Latn", "ids": [first_code + codes.index("eng_Latn")],
                                                           "tokens": ["eng_Latn"]},
                                              "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}},
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": False},
    }
    (out / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")


def build(name: str, root: Path) -> Path:
    """Build one model folder under root: the hub files byte for byte, config.json with depth and width shrunk
    (and the model's own overrides), random weights in model.safetensors."""
    import torch
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    folder, changes = MODELS[name]
    src = HUB / folder
    out = root / name
    out.mkdir(parents=True)
    for f in sorted(src.iterdir()):
        if f.is_file() and f.name != "config.json":
            shutil.copyfile(f, out / f.name)
    raw = json.loads((src / "config.json").read_text(encoding="utf-8"))
    dims = T5_DIMS if raw.get("model_type") in ("t5", "mt5") else BART_DIMS
    raw.update({k: v for k, v in dims.items()})
    raw.update(changes)
    if "num_hidden_layers" in raw:
        raw["num_hidden_layers"] = dims.get("encoder_layers", dims.get("num_layers"))
    (out / "config.json").write_text(json.dumps(raw, indent=2), encoding="utf-8")
    if name.startswith("nllb"):
        _nllb_tokenizer(out)
    config = AutoConfig.from_pretrained(out, local_files_only=True)
    torch.manual_seed(0)
    model = AutoModelForSeq2SeqLM.from_config(config)
    model.eval()
    scratch = root / f".{name}-weights"
    model.save_pretrained(scratch, safe_serialization=True)
    for w in WEIGHTS:
        shutil.move(str(scratch / w), out / w)
    shutil.rmtree(scratch)
    return out


class HubModels:
    """Model folders by name, each built on first use and kept for the session."""

    def __init__(self, root: Path):
        self.root = root
        self._built: dict[str, Path] = {}

    def __getitem__(self, name: str) -> Path:
        if name not in self._built:
            self._built[name] = build(name, self.root)
        return self._built[name]


@pytest.fixture(scope="session")
def hub_models(tmp_path_factory):
    """Random-weight models with the default models' real configurations and tokenizers (see the module)."""
    if not hub_available():
        pytest.skip(f"the shared hub files are not at {HUB} (set BRIEFSUM_HUB)")
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("sentencepiece")
    return HubModels(tmp_path_factory.mktemp("hub-models"))
