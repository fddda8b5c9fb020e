"""Loading a registry entry's tokenizer and model, once per process, with the backend that suits it.

torch and transformers are imported here only once the registry has found the models on disk. What transformers
says while loading goes to briefsum's debug log, except what changes an output: that becomes one warning."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from ...settings import Settings
from ...errors import ConfigError, ModelUnavailable
from ..registry import Located, ModelEntry, pickle_files
from .device import pick_device, pick_dtype, reuse_freed_memory
from .fast_attention import share_cross_attention
from .model import Seq2Seq
from .notices import caught_notices, quiet_transformers

log = logging.getLogger("briefsum.neural")
_LOCK = threading.Lock()
LOADED: dict[tuple, Seq2Seq] = {}
_KEY_LOCKS: dict[tuple, threading.Lock] = {}


def pick_backend(settings: Settings, located: Located, device: str, task: str = "translation") -> tuple[str, str]:
    """(backend, compute type): for translation, ctranslate2 int8 on CPU when installed and the model converts,
    else transformers; for summarisation, transformers (each article is encoded once for all its grades and
    beams, which ctranslate2 cannot do: BENCH.md)."""
    name, compute = settings.neural.backend, settings.neural.compute_type
    if name == "transformers" or (name == "auto" and task == "summarisation"):
        return "transformers", ""
    from . import ct2

    usable = located.path is not None and ct2.available()
    if usable and name == "auto":
        try:
            import json

            model_type = json.loads((located.path / "config.json").read_text(encoding="utf-8")).get("model_type")
        except (OSError, ValueError):
            model_type = None
        usable = device == "cpu" and model_type in ct2.SUPPORTED
    if not usable:
        if name == "ctranslate2":
            why = "the model is not in a local folder" if located.path is None else \
                "ctranslate2 is not installed (pip install 'briefsum[fast]')"
            raise ModelUnavailable(f"neural.backend is ctranslate2 but {why}")
        return "transformers", ""
    if compute == "auto":
        compute = "int8" if device == "cpu" else "int8_float16"
    if compute not in ct2.COMPUTE_TYPES:
        raise ConfigError(f"config: neural.compute_type must be auto or one of {', '.join(ct2.COMPUTE_TYPES)}, "
                          f"got {compute!r}")
    return "ctranslate2", compute


def load_tokenizer(load_from: str, folder: Path | None, **kw: Any) -> Any:
    """The model's tokenizer through AutoTokenizer; where its own class fails to load (a tokenizer class bug,
    a missing converter), the fast tokenizer over the folder's tokenizer.json, which holds the same vocabulary,
    special tokens and rules."""
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    try:
        return AutoTokenizer.from_pretrained(load_from, **kw)
    except Exception as exc:  # noqa: BLE001 - any failure of the class-specific code: try the generic one
        if folder is None or not (folder / "tokenizer.json").is_file():
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        log.debug("%s: its tokenizer class failed (%s); using tokenizer.json", load_from, first)
        try:
            return PreTrainedTokenizerFast.from_pretrained(load_from, **kw)
        except Exception:  # noqa: BLE001 - report the first failure, the one the model's own class met
            raise exc from None


def load_model(settings: Settings, located: Located, task: str = "translation") -> Seq2Seq:
    """Load (once per process, device and precision) the tokenizer and model a registry entry points at, for
    translation or summarisation (which may pick another backend or precision: pick_backend, pick_dtype)."""
    import torch  # noqa: F401  (fail here, as ImportError, when the extra is not installed)

    opts = settings.neural
    device = pick_device(opts.device)
    dtype = pick_dtype(opts.dtype, device, task)
    reuse, fast, allow_pickle = opts.reuse_memory, opts.fast_paths, opts.allow_pickle
    if located.path is not None and not allow_pickle:
        pickled = pickle_files(located.path)
        if pickled:  # checked again here: the folder may have changed since locate()
            raise ModelUnavailable(f"model {located.ref} has pickle weights ({pickled[0].name}), which can run code "
                                   "when loaded; refused. Use a safetensors copy, or set neural.allow_pickle: true "
                                   "if you trust it")
    backend, compute_type = pick_backend(settings, located, device, task)
    key = (located.load_from, device, str(dtype), allow_pickle, backend, compute_type, fast)
    with _LOCK:
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        if key in LOADED:
            return LOADED[key]
        from transformers import AutoModelForSeq2SeqLM
        from transformers.utils import logging as hf_logging

        from .transformers_backend import TransformersSeq2Seq

        hf_logging.disable_progress_bar()
        quiet_transformers()
        kw: dict[str, Any] = {"local_files_only": not located.download, "trust_remote_code": False}
        if located.download and opts.cache_dir is not None:
            kw["cache_dir"] = str(opts.cache_dir)
        notes: list[str] = []
        try:
            with caught_notices(located.ref, notes):
                tok = load_tokenizer(located.load_from, located.path, **kw)
                if backend == "ctranslate2":
                    from . import ct2

                    assert located.path is not None
                    loaded = ct2.load(settings, located.load_from, located.path, located.ref, tok, device, compute_type)
                else:
                    model = AutoModelForSeq2SeqLM.from_pretrained(located.load_from, dtype=dtype,
                                                                  use_safetensors=None if allow_pickle else True,
                                                                  **kw)
        except Exception as exc:  # noqa: BLE001 - whatever the files make transformers raise: this model only
            if isinstance(exc, (KeyboardInterrupt, MemoryError)):
                raise
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelUnavailable(f"cannot load model {located.ref}: {first}") from None
        if backend != "ctranslate2":
            model.to(device)
            model.eval()
            if reuse == "on" or (reuse == "auto" and device == "cpu"):
                reuse_freed_memory()
            if fast != "off":
                share_cross_attention(model)
            loaded = TransformersSeq2Seq(located.ref, tok, model, device, dtype, fast)
        loaded.notes = notes
        LOADED[key] = loaded
        return loaded


def lang_code(settings: Settings, entry: ModelEntry, model: Seq2Seq, lang: str) -> str | None:
    """The tokenizer's code for a language (fra_Latn, fr_XX, __fr__), or None when the model uses none."""
    fam = model.family
    if fam is None:
        return None
    table = dict(settings.models.languages.get(fam) or {})
    table.update(entry.settings.get("languages") or {})
    if fam == "m2m100":
        code = table.get(lang, f"__{lang}__")
    else:
        code = table.get(lang)
    if code is None or model.token_id(code) is None:
        raise ConfigError(f"config: model {entry.ref} has no language code for '{lang}' "
                          f"(set models.languages.{fam}.{lang} to one of its codes)")
    return code

