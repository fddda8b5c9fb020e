"""The CTranslate2 backend: a transformers seq2seq model converted once into a cache folder and run with
CTranslate2 (int8 weights on CPU by default). ctranslate2 is imported here only, and only when it is used.

Outputs go through the same tokenizer, settings and post-processing as the transformers backend; with float32
weights and greedy decoding both backends produce the same tokens (tests pin this on tiny models).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from pathlib import Path
from typing import Any, Mapping, Sequence

from ...settings import Settings
from ...errors import BackendError, ModelUnavailable
from .model import Generated, Seq2Seq

# model_type values whose transformers classes CTranslate2's converter knows.
SUPPORTED = ("marian", "bart", "mbart", "m2m_100", "t5", "mt5", "pegasus")
COMPUTE_TYPES = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float32", "float16", "bfloat16")


def available() -> bool:
    """True when the ctranslate2 package is installed (the `fast` extra)."""
    return importlib.util.find_spec("ctranslate2") is not None


def cache_root(settings: Settings) -> Path:
    """Where converted models are kept: neural.fast_cache_dir, else $BRIEFSUM_CACHE, else ~/.cache/briefsum."""
    configured = settings.neural.fast_cache_dir
    if configured:
        return configured
    base = os.environ.get("BRIEFSUM_CACHE")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "briefsum")
    return Path(os.path.expanduser(base)) / "ctranslate2"


def _fingerprint(folder: Path) -> str:
    h = hashlib.sha256(str(folder.resolve()).encode())
    for p in sorted(folder.iterdir()):
        if p.is_file():
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def convert(folder: Path, quantization: str, root: Path) -> Path:
    """The CTranslate2 copy of a saved transformers model, converted on first use and cached."""
    out = root / f"{folder.name}-{_fingerprint(folder)}-{quantization}"
    if (out / "model.bin").is_file():
        return out
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            if model.config.model_type == "bart" and not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False  # BART is post-norm; transformers 5 dropped the field
            return model

    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{out.name}.{os.getpid()}.tmp"
    try:
        Converter(str(folder)).convert(str(tmp), quantization=quantization, force=True)
        try:
            os.replace(tmp, out)
        except OSError:  # another process finished first
            if not (out / "model.bin").is_file():
                raise
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelUnavailable(f"cannot convert {folder} for CTranslate2: {first}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


class _Shell:
    """What the engine reads from a transformers model object (config, generation config), without weights."""

    def __init__(self, config: Any, generation_config: Any):
        self.config = config
        self.generation_config = generation_config


def _vocabulary(folder: Path) -> set[str]:
    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        p = folder / name
        if p.is_file():
            return set(json.loads(p.read_text(encoding="utf-8")))
    for name in ("shared_vocabulary.txt", "target_vocabulary.txt"):
        p = folder / name
        if p.is_file():
            return set(p.read_text(encoding="utf-8").split("\n"))
    return set()


def threads(settings: Settings) -> tuple[int, int]:
    """(inter, intra) thread counts: parallel batches and threads per batch (auto: one batch per core)."""
    inter, intra = settings.neural.inter_threads, settings.neural.intra_threads
    cores = os.cpu_count() or 1
    inter = cores if inter is None else inter
    intra = max(1, cores // inter) if intra is None else intra
    return max(1, inter), max(1, intra)


class CT2Seq2Seq(Seq2Seq):
    """A tokenizer + CTranslate2 translator pair that generates like Seq2Seq (same settings, same outputs)."""

    def __init__(self, ref: str, tokenizer: Any, shell: _Shell, translator: Any, folder: Path, device: str,
                 compute_type: str):
        super().__init__(ref, tokenizer, shell, device, compute_type)
        self.translator = translator
        self.folder = folder
        self.compute_type = compute_type
        self.vocabulary = _vocabulary(folder)

    @property
    def backend(self) -> str:
        """What runs the model and at which precision, e.g. 'ctranslate2 int8'."""
        return f"ctranslate2 {self.compute_type}"

    def _request(self, texts: Sequence[str], settings: Mapping[str, Any], src_code: str | None,
                 forced_bos: int | None, decoder_prefix: "str | Sequence[str | None] | None"
                 ) -> tuple[dict, list, list[list[int]], Any, bool]:
        tok = self.tokenizer
        gen = self.generation_config(settings, forced_bos)
        with self.lock:
            if src_code is not None:
                tok.src_lang = src_code
            ids = self.token_ids(list(texts))
            prompts = self.prompts(decoder_prefix, len(texts), gen)
        source = [tok.convert_ids_to_tokens(x) for x in ids]
        # What CTranslate2 is given as target prefix: the prompt less the decoder start (it adds that itself).
        heads = [p[1:] for p in prompts] if prompts else \
            [[int(gen.forced_bos_token_id)] if gen.forced_bos_token_id is not None else []] * len(texts)
        head = heads[0]
        prompt = prompts[0] if prompts else []
        room = self.output_limit
        max_new = gen.max_new_tokens
        if room is not None:
            room -= len(prompt) if prompt else 1
            if room < 1:
                return {}, source, prompts, gen, True
            max_new = min(max_new or room, room)
        max_new = int(max_new or 256)
        min_new = min(int(gen.min_new_tokens or 0), max_new)
        forced_eos = gen.forced_eos_token_id is not None
        if forced_eos:  # transformers forces EOS as the last token a capped output may have
            max_new -= 1
            min_new = min(min_new, max_new)
        bad = []
        for seq in gen.bad_words_ids or []:
            toks = tok.convert_ids_to_tokens(list(seq))
            if all(t in self.vocabulary for t in toks):
                bad.append(toks)
        opts: dict[str, Any] = {
            "beam_size": int(gen.num_beams or 1),
            "max_decoding_length": len(head) + max_new,
            "min_decoding_length": len(head) + min_new,
            "length_penalty": float(gen.length_penalty if gen.length_penalty is not None else 1.0),
            "repetition_penalty": float(gen.repetition_penalty or 1.0),
            "no_repeat_ngram_size": int(gen.no_repeat_ngram_size or 0),
            "return_end_token": True,
            "max_batch_size": 0,
        }
        if head:  # every head has the same length, so max/min_decoding_length mean the same for each input
            opts["target_prefix"] = [tok.convert_ids_to_tokens(h) for h in heads]
        if bad:
            opts["suppress_sequences"] = bad
        opts["_forced_eos"] = forced_eos
        opts["_head"] = len(head)
        return opts, source, prompts, gen, False

    def _collect(self, hyps: Sequence[Sequence[str]], opts: Mapping[str, Any], prompts: Sequence[Sequence[int]],
                 gen: Any, limits: Sequence[int] | None) -> list[Generated]:
        tok = self.tokenizer
        eos = gen.eos_token_id if gen.eos_token_id is not None else tok.eos_token_id
        eos_id = eos[0] if isinstance(eos, (list, tuple)) else eos
        start = prompts[0][0] if prompts else 0
        seqs = []
        for hyp in hyps:
            ids = [int(i) for i in tok.convert_tokens_to_ids(list(hyp))]
            if opts["_forced_eos"] and len(ids) >= opts["max_decoding_length"] and eos_id not in ids:
                ids.append(int(eos_id))
            seqs.append([start, *ids])
        return self.finish(seqs, list(prompts), gen, limits)

    def _translate(self, source: list, opts: Mapping[str, Any], asynchronous: bool = False) -> Any:
        kw = {k: v for k, v in opts.items() if not k.startswith("_")}
        try:
            return self.translator.translate_batch(source, asynchronous=asynchronous, **kw)
        except (RuntimeError, ValueError) as exc:
            raise BackendError(f"model {self.ref} failed while generating: {str(exc).splitlines()[0]}") from None

    def generate(self, texts: Sequence[str], settings: Mapping[str, Any], src_code: str | None = None,
                 forced_bos: int | None = None, decoder_prefix: "str | Sequence[str | None] | None" = None,
                 limits: Sequence[int] | None = None) -> list[Generated]:
        """Generate one output per text (one batch); limits caps each output's new tokens individually;
        decoder_prefix as in Seq2Seq.generate (one per input: all the same length in tokens)."""
        texts = list(texts)
        if not texts:
            return []
        split = self.by_prefix_length(texts, settings, src_code, forced_bos, decoder_prefix, limits)
        if split is not None:
            return split
        opts, source, prompts, gen, empty = self._request(texts, settings, src_code, forced_bos, decoder_prefix)
        if empty:
            return [Generated("", 0, False) for _ in texts]
        results = self._translate(source, opts)
        return self._collect([r.hypotheses[0] for r in results], opts, prompts, gen, limits)

    def generate_batches(self, batches: Sequence[tuple], src_code: str | None = None,
                         forced_bos: int | None = None) -> list[list[Generated]]:
        """Generate several batches at once: all are queued, and the translator's workers run them in parallel.
        Each batch is (texts, settings, limits) or (texts, settings, limits, decoder prefixes)."""
        pending = []
        for batch in batches:
            texts, settings, limits = list(batch[0]), batch[1], batch[2]
            prefix = batch[3] if len(batch) > 3 else None
            if not texts:
                pending.append(None)
                continue
            opts, source, prompt, gen, empty = self._request(texts, settings, src_code, forced_bos, prefix)
            if empty:
                pending.append([Generated("", 0, False) for _ in texts])
                continue
            pending.append((self._translate(source, opts, asynchronous=True), opts, prompt, gen, limits))
        out: list[list[Generated]] = []
        for item in pending:
            if item is None:
                out.append([])
            elif isinstance(item, list):
                out.append(item)
            else:
                futures, opts, prompt, gen, limits = item
                try:
                    hyps = [f.result().hypotheses[0] for f in futures]
                except (RuntimeError, ValueError) as exc:
                    raise BackendError(f"model {self.ref} failed while generating: "
                                       f"{str(exc).splitlines()[0]}") from None
                out.append(self._collect(hyps, opts, prompt, gen, limits))
        return out


def load(settings: Settings, load_from: str, folder: Path, ref: str, tokenizer: Any, device: str,
         compute_type: str) -> CT2Seq2Seq:
    """Convert (once, cached) and load a saved model folder with CTranslate2."""
    import ctranslate2
    from transformers import AutoConfig, GenerationConfig

    config = AutoConfig.from_pretrained(load_from, local_files_only=True, trust_remote_code=False)
    try:
        generation = GenerationConfig.from_pretrained(load_from, local_files_only=True)
    except OSError:
        generation = GenerationConfig.from_model_config(config)
    quant = compute_type if compute_type in ("int8", "int16", "float16", "bfloat16") else "float32"
    if quant.startswith("int8"):
        quant = "int8"
    out = convert(folder, quant, cache_root(settings))
    inter, intra = threads(settings)
    ct2_device = "cuda" if device.startswith("cuda") else "cpu"
    index = int(device.split(":", 1)[1]) if ":" in device else 0
    try:
        translator = ctranslate2.Translator(str(out), device=ct2_device, device_index=index,
                                            compute_type=compute_type, inter_threads=inter, intra_threads=intra)
    except (RuntimeError, ValueError) as exc:
        raise ModelUnavailable(f"cannot load {ref} with CTranslate2: {str(exc).splitlines()[0]}") from None
    return CT2Seq2Seq(ref, tokenizer, _Shell(config, generation), translator, out, device, compute_type)
