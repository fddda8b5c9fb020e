"""Configuration: packaged YAML defaults merged with a user's file or mapping."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import ConfigError
from .settings import Settings, build_settings, check_config

ENV_CONFIG = "BRIEFSUM_CONFIG"
# libyaml's safe loader when PyYAML was built with it (the same data, several times faster to parse;
# the packaged configs alone took ~30 ms with the pure-Python one), else the pure-Python one.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AliasBombError(yaml.YAMLError):
    """A YAML document whose aliases or merge keys expand past MAX_CONFIG_NODES."""


class _Loader(_BASE_LOADER):
    """The safe loader, refusing merge keys (`<<: [*a, *a]`) that multiply a mapping past the node limit:
    some PyYAML releases copy every merged pair, so nested merges grow exponentially while loading."""

    def flatten_mapping(self, node):
        super().flatten_mapping(node)
        if len(node.value) > MAX_CONFIG_NODES:
            raise AliasBombError(f"merge keys expand a mapping past {MAX_CONFIG_NODES:,} entries")


_LOADER = _Loader


def _safe_load(text: str):
    return yaml.load(text, Loader=_LOADER)


# A config file is small: anything larger (a device such as /dev/zero, a runaway pipe) is refused unread.
MAX_CONFIG_BYTES = 1 << 20
# Aliases may share a node many times over (a "billion laughs" file): past this many nodes, counted with
# every alias expanded, the file is refused before anything walks it.
MAX_CONFIG_NODES = 100_000
CONFIG_READ_TIMEOUT_S = 10.0


def _read_yaml(path: Path) -> dict:
    from .errors import InputError
    from .safeio import read_bounded

    try:
        raw = read_bounded(str(path), MAX_CONFIG_BYTES, name=f"config file {path}", timeout=CONFIG_READ_TIMEOUT_S,
                           what=f"a config file may be ({MAX_CONFIG_BYTES:,} bytes)")
    except InputError as exc:
        msg = str(exc)
        if msg.endswith(": no such file"):
            msg = f"config file not found: {path}"
        raise ConfigError(msg) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid UTF-8 (byte {exc.start})") from None
    try:
        data = _safe_load(text)
    except AliasBombError:
        raise ConfigError(f"config file {path} expands to more than {MAX_CONFIG_NODES:,} values "
                          "(YAML merge keys repeating mappings); write the values out instead") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (line {line + 1})" if line is not None else ""
        raise ConfigError(f"config file {path} is not valid YAML{where}") from None
    except RecursionError:
        raise ConfigError(f"config file {path} is nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping at the top level")
    if expanded_size(data) > MAX_CONFIG_NODES:
        raise ConfigError(f"config file {path} expands to more than {MAX_CONFIG_NODES:,} values "
                          "(YAML aliases repeating nodes); write the values out instead")
    return data


def expanded_size(node, _memo: dict | None = None, _depth: int = 0) -> int:
    """How many values a loaded YAML tree holds with every shared (aliased) node counted each time it is used;
    linear in the number of distinct nodes (shared ones are sized once)."""
    memo = {} if _memo is None else _memo
    key = id(node)
    if key in memo:
        return memo[key]
    if _depth > 200:
        return MAX_CONFIG_NODES + 1
    memo[key] = MAX_CONFIG_NODES + 1  # a node that contains itself expands without end
    if isinstance(node, dict):
        size = 1 + sum(expanded_size(k, memo, _depth + 1) + expanded_size(v, memo, _depth + 1)
                       for k, v in node.items())
    elif isinstance(node, (list, tuple)):
        size = 1 + sum(expanded_size(v, memo, _depth + 1) for v in node)
    else:
        size = 1
    memo[key] = min(size, MAX_CONFIG_NODES + 1)
    return memo[key]


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
    """A resolved configuration: the merged mapping, the folder relative paths resolve against, and the typed
    settings built from them. Making one checks every key and value (ConfigError naming the first bad one)."""

    data: dict
    base_dir: Path | None = None
    settings: Settings = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_config(self.data, _defaults())
        object.__setattr__(self, "settings", build_settings(self.data, self.base_dir))

    def get(self, *keys: str, default: Any = None) -> Any:
        node: Any = self.data
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                return default
            node = node[key]
        return node

    def resolve_path(self, value: str | os.PathLike) -> Path:
        """Resolve a path from the config relative to the config file's folder (Settings.resolve)."""
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
        if expanded_size(config) > MAX_CONFIG_NODES:
            raise ConfigError(f"config mapping holds more than {MAX_CONFIG_NODES:,} values")
        cfg = Config(deep_merge(base, config), Path.cwd())
    elif isinstance(config, (str, os.PathLike)):
        path = Path(os.path.abspath(os.path.expanduser(str(config))))  # /dev/fd/N stays readable
        if path.is_dir():
            raise ConfigError(f"config path is a directory, not a YAML file: {path}")
        cfg = Config(deep_merge(base, _read_yaml(path)), path.parent)
    else:
        raise ConfigError(f"config must be a path, a mapping or None, not {type(config).__name__}")
    return cfg


def validate(cfg: Config) -> None:
    """Check every key and value of a config's mapping again (a Config is checked when it is made); raise
    ConfigError naming the bad key (with a suggestion for a misspelt one). The known keys are those of the
    packaged defaults (configs/default.yaml and models.yaml), so a key added there is accepted everywhere at once."""
    check_config(cfg.data, _defaults())
