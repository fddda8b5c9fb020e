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

from .errors import ConfigError

# Keys documented in configs/default.yaml but left out of it (commented), so absent from the defaults.
OPTIONAL_KEYS = {"engine.offline": {"model_path"}}
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


def _int(lo: int = 1, hi: int | None = None, null: bool = False) -> Callable:
    def check(path: str, v: Any) -> None:
        if v is None and null:
            return
        if isinstance(v, bool) or not isinstance(v, int) or v < lo or (hi is not None and v > hi):
            rng = f"from {lo:,}" + (f" to {hi:,}" if hi is not None else "")
            _fail(path, f"must be an integer {rng}" + (" or null" if null else ""), v)
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


def _choice(*options: str) -> Callable:
    def check(path: str, v: Any) -> None:
        if not isinstance(v, str) or v not in options:
            _fail(path, f"must be one of {', '.join(options)}", v)
    return check


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
    "engine.offline.headline_label": None,        # checked where it is read (null, off, or a probability)
    "engine.offline.headline_label_langs": None,  # ditto (a list of codes, or null)
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


def _unknown(path: str, key: Any, known) -> None:
    where = f"{path}." if path else ""
    if not isinstance(key, str):
        raise ConfigError(f"config: keys must be strings, got {key!r} in {path or 'the top level'}")
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean {where}{close[0]}?)" if close else f" (known keys: {', '.join(sorted(known))})"
    raise ConfigError(f"config: unknown key {where}{key}{hint}")


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
