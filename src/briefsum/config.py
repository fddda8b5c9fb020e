"""Configuration: packaged YAML defaults merged with a user's file or mapping."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import ConfigError

ENV_CONFIG = "BRIEFSUM_CONFIG"
# libyaml's safe loader when PyYAML was built with it (the same data, several times faster to parse;
# the packaged configs alone took ~30 ms with the pure-Python one), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _safe_load(text: str):
    return yaml.load(text, Loader=_LOADER)


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    try:
        data = _safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (line {line + 1})" if line is not None else ""
        raise ConfigError(f"config file {path} is not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping at the top level")
    return data


def packaged_config(name: str) -> dict:
    """Read one of the YAML files shipped inside the package (configs/NAME)."""
    ref = resources.files("briefsum.configs").joinpath(name)
    try:
        return _safe_load(ref.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"packaged config {name} is missing from the installation") from None


def deep_merge(base: dict, override: Mapping) -> dict:
    """Return base updated recursively with override (mappings merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass(frozen=True)
class Config:
    """A resolved configuration: the merged mapping plus the folder relative paths resolve against."""

    data: dict
    base_dir: Path | None = None

    def get(self, *keys: str, default: Any = None) -> Any:
        node: Any = self.data
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                return default
            node = node[key]
        return node

    def resolve_path(self, value: str | os.PathLike) -> Path:
        """Resolve a path from the config relative to the config file's folder."""
        p = Path(os.path.expanduser(str(value)))
        if not p.is_absolute() and self.base_dir is not None:
            p = self.base_dir / p
        return p


_DEFAULT: dict | None = None


def _defaults() -> dict:
    global _DEFAULT
    if _DEFAULT is None:
        merged = packaged_config("default.yaml")
        merged["models"] = packaged_config("models.yaml") if _has_packaged("models.yaml") else {}
        _DEFAULT = merged
    return _DEFAULT


def _has_packaged(name: str) -> bool:
    return resources.files("briefsum.configs").joinpath(name).is_file()


def load_config(config: "str | os.PathLike | Mapping | Config | None" = None) -> Config:
    """Build a Config from defaults plus a file path, a mapping, $BRIEFSUM_CONFIG, or nothing."""
    if isinstance(config, Config):
        return config
    base = _defaults()
    if config is None:
        env = os.environ.get(ENV_CONFIG)
        config = env if env else None
    if config is None:
        cfg = Config(copy.deepcopy(base), None)
    elif isinstance(config, Mapping):
        cfg = Config(deep_merge(base, config), Path.cwd())
    elif isinstance(config, (str, os.PathLike)):
        path = Path(os.path.expanduser(str(config))).resolve()
        if path.is_dir():
            raise ConfigError(f"config path is a directory, not a YAML file: {path}")
        cfg = Config(deep_merge(base, _read_yaml(path)), path.parent)
    else:
        raise ConfigError(f"config must be a path, a mapping or None, not {type(config).__name__}")
    validate(cfg)
    return cfg


def validate(cfg: Config) -> None:
    """Check the parts of a config that the pipeline relies on; raise ConfigError naming the bad key."""
    grades = cfg.get("grades")
    if not isinstance(grades, Mapping) or not grades:
        raise ConfigError("config: 'grades' must be a non-empty mapping of grade name to budget")
    for name, spec in grades.items():
        if not isinstance(spec, Mapping):
            raise ConfigError(f"config: grade '{name}' must be a mapping")
        mw = spec.get("max_words")
        if not isinstance(mw, int) or isinstance(mw, bool) or mw < 1:
            raise ConfigError(f"config: grades.{name}.max_words must be a positive integer, got {mw!r}")
        ms = spec.get("max_sentences")
        if ms is not None and (not isinstance(ms, int) or isinstance(ms, bool) or ms < 1):
            raise ConfigError(f"config: grades.{name}.max_sentences must be a positive integer, got {ms!r}")
        mf = spec.get("max_fraction")
        if mf is not None and (not isinstance(mf, (int, float)) or isinstance(mf, bool) or not 0 < mf <= 1):
            raise ConfigError(f"config: grades.{name}.max_fraction must be in (0, 1], got {mf!r}")
        ff = spec.get("fraction_floor")
        if ff is not None and (not isinstance(ff, int) or isinstance(ff, bool) or ff < 1):
            raise ConfigError(f"config: grades.{name}.fraction_floor must be a positive integer, got {ff!r}")
    mx = cfg.get("limits", "max_input_chars")
    if not isinstance(mx, int) or isinstance(mx, bool) or mx < 1:
        raise ConfigError(f"config: limits.max_input_chars must be a positive integer, got {mx!r}")
    to = cfg.get("limits", "backend_timeout_s")
    if not isinstance(to, (int, float)) or isinstance(to, bool) or to <= 0:
        raise ConfigError(f"config: limits.backend_timeout_s must be a positive number, got {to!r}")
    eng = cfg.get("engine", "default")
    if eng not in ("auto", "offline", "neural"):
        raise ConfigError(f"config: engine.default must be auto, offline or neural, got {eng!r}")
