"""What a configuration may hold: every key known, every value of the right type and range.

The known keys come from the packaged defaults (configs/default.yaml and configs/models.yaml): a key added
there is known at once. The type of a default fixes the type of the value (a boolean must be a boolean,
a number a finite number, a mapping a mapping); the settings listed in CHECKS have tighter rules. Tables that
take entries by design (grades, Apertium routes and packages, the model registry) accept new entry names, and
check each entry's fields.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any, Callable, Mapping

from ..errors import ConfigError

# Keys documented in configs/default.yaml but left out of it (commented), so absent from the defaults.
OPTIONAL_KEYS = {"engine.offline": {"model_path", "compressor_path"}}
# Fields of a model registry entry documented in models.yaml (those its entries use are added to these).
MODEL_FIELDS = {"model", "alternatives", "generate", "prefix", "languages", "max_input_tokens", "output_lang"}
GRADE_FIELDS = {"max_words", "max_sentences", "max_fraction", "fraction_floor", "compress"}
MODEL_TASKS = ("translation", "summarisation", "headline", "multilingual")
# An Apertium mode is a name (fr-es, spa-eng_US): never a path, so a config cannot reach a .mode file elsewhere.
_MODE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_PAIR = re.compile(r"[a-z]{2,3}-[a-z]{2,3}")


def _fail(path: str, message: str, value: Any) -> None:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise ConfigError(f"config: {path} {message}, got {shown}")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _int(lo: int = 1, hi: int | None = None, null: bool = False, what: str = "") -> Callable:
    def check(path: str, v: Any) -> None:
        if v is None and null:
            return
        if isinstance(v, bool) or not isinstance(v, int) or v < lo or (hi is not None and v > hi):
            shown = what or "an integer " + f"from {lo:,}" + (f" to {hi:,}" if hi is not None else "")
            _fail(path, f"must be {shown}" + (" or null" if null else ""), v)
    return check


def _num(lo: float, hi: float | None = None, *, lo_open: bool = False, null: bool = False) -> Callable:
    def check(path: str, v: Any) -> None:
        if v is None and null:
            return
        ok = _is_number(v) and (v > lo if lo_open else v >= lo) and (hi is None or v <= hi)
        if not ok:
            rng = (f"above {lo:g}" if lo_open else f"at least {lo:g}") + (f" and at most {hi:g}" if hi is not None else "")
            _fail(path, f"must be a finite number {rng}" + (" or null" if null else ""), v)
    return check


def _choice(*options: str, fold: bool = False, null: bool = False) -> Callable:
    """One of the options (fold: in any letter case; null: or null)."""
    def check(path: str, v: Any) -> None:
        if v is None and null:
            return
        if not isinstance(v, str) or (v.strip().lower() if fold else v) not in options:
            _fail(path, f"must be one of {', '.join(options)}" + (" or null" if null else ""), v)
    return check


def _probability_or_off(path: str, v: Any) -> None:
    if v is None or v is False or (isinstance(v, str) and v.strip().lower() in ("none", "null", "off")):
        return
    try:
        value = float(v) if not isinstance(v, bool) else float("nan")
    except (TypeError, ValueError):
        value = float("nan")
    if not 0.0 <= value <= 1.0:  # NaN fails this too
        raise ConfigError(f"config: {path} must be a probability from 0 to 1, or null (off), got {v!r}")


def _codes_or_null(path: str, v: Any) -> None:
    if v is None:
        return
    if isinstance(v, str) or not isinstance(v, (list, tuple)):
        raise ConfigError(f"config: {path} must be a list of language codes, got {v!r}")


def _bool(path: str, v: Any) -> None:
    if not isinstance(v, bool):
        _fail(path, "must be true or false (unquoted)", v)


def _text(null: bool = False, empty: bool = True) -> Callable:
    def check(path: str, v: Any) -> None:
        if v is None and null:
            return
        if not isinstance(v, str) or (not empty and not v.strip()):
            _fail(path, "must be " + ("a non-empty " if not empty else "a ") + "string" + (" or null" if null else ""), v)
    return check


def _auto_int(lo: int = 1) -> Callable:
    """'auto' (or null), or an integer from lo."""
    def check(path: str, v: Any) -> None:
        if v is None or v == "auto":
            return
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            _fail(path, f"must be auto or an integer from {lo:,}", v)
    return check


def _on_off_auto(path: str, v: Any) -> None:
    # YAML reads on/off/yes/no as booleans
    if v is None or isinstance(v, bool):
        return
    if not isinstance(v, str) or v.strip().lower() not in ("auto", "on", "off", "true", "false", "yes", "no"):
        _fail(path, "must be auto, on or off", v)


def _auto_off(path: str, v: Any) -> None:
    if v is None or isinstance(v, bool):
        return
    if not isinstance(v, str) or v.strip().lower() not in ("auto", "off"):
        _fail(path, "must be auto or off", v)


def _strings(path: str, v: Any) -> None:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        _fail(path, "must be a list of strings", v)


def _strings_or_null(path: str, v: Any) -> None:
    """A list of strings; null is an empty list."""
    if v is not None:
        _strings(path, v)


_DEVICE = re.compile(r"auto|cpu|mps|cuda(:\d{1,3})?")


def _device(path: str, v: Any) -> None:
    if v is None:
        return
    if not isinstance(v, str) or not _DEVICE.fullmatch(v.strip().lower()):
        _fail(path, "must be auto, cpu, cuda, cuda:N or mps", v)


def _mode_list(path: str, v: Any) -> None:
    if not isinstance(v, list) or not v:
        _fail(path, "must be a non-empty list of Apertium mode names", v)
    for m in v:
        if not isinstance(m, str) or not _MODE_NAME.fullmatch(m) or ".." in m:
            _fail(path, "must list Apertium mode names (letters, digits, - _ .; no paths)", m)


CHECKS: dict[str, Callable[[str, Any], None]] = {
    "limits.max_input_chars": _int(1, 10**9),
    "limits.backend_timeout_s": _num(0, 86400, lo_open=True),
    "limits.timeout_s": _num(0, 86400, lo_open=True),
    "language.min_confidence": _num(0, 1),
    "language.sample_chars": _int(1, 10**7),
    "engine.default": _choice("auto", "offline", "neural"),
    "engine.translator": _choice("apertium"),
    "engine.offline.scorer": _choice("learned", "centrality"),
    "engine.offline.model_path": _text(null=True, empty=False),
    "engine.offline.headline_target": _int(1, null=True),
    "engine.offline.headline_fit_margin": _num(0, 1, null=True),
    "engine.offline.redundancy": _num(0, 1, lo_open=True),
    "engine.offline.position_weight": _num(0, 1),
    "engine.offline.headline_label": _probability_or_off,
    "engine.offline.headline_label_langs": _codes_or_null,
    "engine.offline.compression": _choice("learned", "rules", null=True),
    "engine.offline.compressor_path": _text(null=True, empty=False),
    "neural.strategy": _choice("translate-summarise", "summarise-translate", "direct"),
    "neural.nesting": _choice("prefix", "independent"),
    "neural.faithfulness": _choice("warn", "fallback", "off"),
    "neural.device": _device,
    "neural.dtype": _choice("auto", "float32", "fp32", "bfloat16", "bf16", "float16", "fp16", fold=True, null=True),
    "neural.cache_dir": _text(null=True),  # "" or null: the default cache
    "neural.backend": _choice("auto", "transformers", "ctranslate2", fold=True, null=True),
    "neural.compute_type": _text(null=True),
    "neural.fast_cache_dir": _text(null=True),
    "neural.inter_threads": _auto_int(),
    "neural.intra_threads": _auto_int(),
    "neural.batch_tokens": _auto_int(),
    "neural.batch_size": _auto_int(),
    "neural.summary_batch_size": _auto_int(),
    "neural.summary_batch_tokens": _auto_int(),
    "neural.summary_window": _int(1, null=True),  # null: 64
    "neural.reuse_memory": _on_off_auto,
    "neural.max_new_ratio": _num(0, lo_open=True),
    "neural.loop_guard": _choice("retry", "repair", "off"),
    "neural.max_passes": _int(1, 100),
    "neural.fast_paths": _auto_off,
    "service.max_request_bytes": _int(1, what="a positive integer"),
    "service.max_input_chars": _int(1, what="a positive integer"),
    "service.max_concurrent": _int(1, what="a positive integer"),
    "service.timeout_s": _num(0, 86400, lo_open=True),
    "service.api_keys_file": _text(null=True),  # "" or null: no keys
    "service.cors_origins": _strings_or_null,
    "apertium.binary": _text(empty=False),
    "apertium.allow_custom_binary": _bool,
    "apertium.prestart": _text(null=True),
    "apertium.pivot_unknowns": _choice("source", "pivot"),
}
GRADE_CHECKS = {
    "max_words": _int(1),
    "max_sentences": _int(1, null=True),
    "max_fraction": _num(0, 1, lo_open=True, null=True),
    "fraction_floor": _int(1),
    "compress": _bool,
}


def unknown_key_message(path: str, key: str, known) -> str:
    """'unknown key PATH.KEY (did you mean PATH.OTHER?)', or the known keys when none is close."""
    where = f"{path}." if path else ""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean {where}{close[0]}?)" if close else f" (known keys: {', '.join(sorted(known))})"
    return f"unknown key {where}{key}{hint}"


def _unknown(path: str, key: Any, known) -> None:
    if not isinstance(key, str):
        raise ConfigError(f"config: keys must be strings, got {key!r} in {path or 'the top level'}")
    raise ConfigError(f"config: {unknown_key_message(path, key, known)}")


def _mapping(path: str, v: Any) -> Mapping:
    if not isinstance(v, Mapping):
        _fail(path or "the config", "must be a mapping", v)
    return v


def _generic(path: str, v: Any, default: Any) -> None:
    """A value's type must be its default's: booleans, numbers, lists, mappings; strings and nulls take any scalar."""
    if isinstance(default, bool):
        _bool(path, v)
    elif isinstance(default, (int, float)):
        if v is not None and not _is_number(v):
            _fail(path, "must be a finite number", v)
        if isinstance(default, int) and isinstance(v, float) and not v.is_integer():
            _fail(path, "must be an integer", v)
    elif isinstance(default, list):
        if v is not None and not isinstance(v, list):
            _fail(path, "must be a list", v)
    elif isinstance(default, Mapping):
        _mapping(path, v)
    elif isinstance(v, (Mapping, list)):
        _fail(path, "must be a single value, not a " + ("mapping" if isinstance(v, Mapping) else "list"), v)


def _walk(path: str, value: Any, default: Any) -> None:
    if path in CHECKS:
        check = CHECKS[path]
        if check is not None:
            check(path, value)
        return
    if path == "grades":
        return _grades(value, default)
    if path == "apertium.routes":
        for pair, modes in _mapping(path, value).items():
            if not isinstance(pair, str) or not _PAIR.fullmatch(pair):
                _fail(path, "keys must be language pairs such as fr-en", pair)
            _mode_list(f"{path}.{pair}", modes)
        return
    if path == "apertium.packages":
        for pair, pkgs in _mapping(path, value).items():
            _text()(f"{path}.{pair}", pkgs)
        return
    if path == "models":
        return _models(value, default)
    _generic(path, value, default)
    if isinstance(default, Mapping):
        known = set(default) | OPTIONAL_KEYS.get(path, set())
        for key, sub in value.items():
            if key not in known:
                _unknown(path, key, known)
            if key in default:
                _walk(f"{path}.{key}" if path else key, sub, default[key])
            else:
                check = CHECKS.get(f"{path}.{key}")
                if check is not None:
                    check(f"{path}.{key}", sub)


def _grades(value: Any, default: Any = None) -> None:
    # A field a packaged grade sets (configs/default.yaml) is known too, checked against that default's type.
    extra = {f: v for spec in (default or {}).values() if isinstance(spec, Mapping)
             for f, v in spec.items() if f not in GRADE_FIELDS}
    fields = GRADE_FIELDS | set(extra)
    if not isinstance(value, Mapping) or not value:
        raise ConfigError("config: 'grades' must be a non-empty mapping of grade name to budget")
    for name, spec in value.items():
        if not isinstance(name, str) or not name.strip():
            _fail("grades", "names must be non-empty strings", name)
        if not isinstance(spec, Mapping):
            raise ConfigError(f"config: grade '{name}' must be a mapping")
        for field, v in spec.items():
            if field not in fields:
                _unknown(f"grades.{name}", field, fields)
            if field in GRADE_CHECKS:
                GRADE_CHECKS[field](f"grades.{name}.{field}", v)
            else:
                _generic(f"grades.{name}.{field}", v, extra[field])
        if "max_words" not in spec:
            raise ConfigError(f"config: grades.{name}.max_words must be a positive integer, got None")


def _models(value: Any, default: Any) -> None:
    _mapping("models", value)
    default = default if isinstance(default, Mapping) else {}
    fields = set(MODEL_FIELDS)
    for task in MODEL_TASKS:
        for entry in (default.get(task) or {}).values():
            if isinstance(entry, Mapping):
                fields.update(entry)
    for key, table in value.items():
        if key not in default:
            _unknown("models", key, set(default))
        path = f"models.{key}"
        if key in MODEL_TASKS:
            for name, entry in _mapping(path, table).items():
                where = f"{path}.{name}"
                if entry is None:
                    continue  # an entry switched off
                for field, v in _mapping(where, entry).items():
                    if field not in fields:
                        _unknown(where, field, fields)
                    if field in ("generate", "languages"):
                        _mapping(f"{where}.{field}", v)
                    elif field == "alternatives":
                        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                            _fail(f"{where}.{field}", "must be a list of model names", v)
                    elif field == "max_input_tokens":
                        _int(1, null=True)(f"{where}.{field}", v)
                    elif field in ("model", "prefix", "output_lang"):
                        _text(null=True)(f"{where}.{field}", v)
        else:  # grades, languages: tables of tables of scalars
            for name, sub in _mapping(path, table).items():
                for k, v in _mapping(f"{path}.{name}", sub).items():
                    if isinstance(v, (Mapping, list)):
                        _fail(f"{path}.{name}.{k}", "must be a single value", v)


def check_config(data: Mapping, defaults: Mapping) -> None:
    """Raise ConfigError (one line, naming the key) for the first problem in a merged config."""
    _walk("", _mapping("", data), defaults)
    ap = data.get("apertium") or {}
    binary = ap.get("binary", "apertium")
    if ("/" in binary or "\\" in binary or binary.startswith("~")) and ap.get("allow_custom_binary") is not True:
        raise ConfigError(f"config: apertium.binary must be a program name looked up on PATH, not a path ({binary!r}); "
                          "set apertium.allow_custom_binary: true to run another program")
