"""Which neural model serves which task, and whether it is on this machine, checked without importing torch."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..config import Config
from ..errors import ConfigError, ModelUnavailable

TASKS = ("translation", "summarisation", "headline", "multilingual")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_SAFE = ("model.safetensors", "model.safetensors.index.json")
_PICKLE = ("pytorch_model.bin", "pytorch_model.bin.index.json")


@dataclass(frozen=True)
class ModelEntry:
    """A registry entry: the model reference (hub id or folder) and the settings that go with it."""

    task: str
    key: str
    ref: str
    settings: dict = field(default_factory=dict, hash=False, compare=False)
    origin: str = "config"

    @property
    def env_var(self) -> str:
        return env_var(self.task)


@dataclass(frozen=True)
class Located:
    """Where a model's files are: a local folder, or a hub id to download."""

    ref: str
    path: Path | None
    download: bool = False

    @property
    def load_from(self) -> str:
        return str(self.path) if self.path is not None else self.ref


def env_var(task: str) -> str:
    """The environment variable that overrides the model of a task."""
    return f"BRIEFSUM_MODEL_{task.upper()}"


def _truthy(value: str | None) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def find_entry(cfg: Config, task: str, key: str, overrides: Mapping[str, str] | None = None) -> ModelEntry | None:
    """The model for a task and key (a pair like fr-en, or a language): argument > environment > config."""
    if task not in TASKS:
        raise ConfigError(f"config: unknown model task '{task}' (use one of {', '.join(TASKS)})")
    table = cfg.get("models", task) or {}
    if not isinstance(table, Mapping):
        raise ConfigError(f"config: models.{task} must be a mapping of language or pair to model")
    raw = table.get(key, table.get("*"))
    if isinstance(raw, str):
        raw = {"model": raw}
    if raw is not None and not isinstance(raw, Mapping):
        raise ConfigError(f"config: models.{task}.{key} must be a model id, a folder or a mapping")
    settings = dict(raw or {})
    ref, origin = settings.pop("model", None), "config"
    if os.environ.get(env_var(task)):
        ref, origin = os.environ[env_var(task)], f"${env_var(task)}"
    if overrides and overrides.get(task):
        ref, origin = overrides[task], "argument"
    if not ref:
        return None
    return ModelEntry(task, key, str(ref), settings, origin)


def hub_cache_dir(cfg: Config) -> Path:
    """The Hugging Face hub cache this process would use."""
    configured = cfg.get("neural", "cache_dir")
    if configured:
        return cfg.resolve_path(configured)
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.path.expanduser(os.environ["HF_HUB_CACHE"]))
    if os.environ.get("HF_HOME"):
        return Path(os.path.expanduser(os.environ["HF_HOME"])) / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "huggingface" / "hub"


def cached_snapshot(cache: Path, repo_id: str) -> Path | None:
    """The snapshot folder of a hub model in the cache (the one refs/main points at, else the newest)."""
    repo = cache / ("models--" + repo_id.replace("/", "--"))
    snaps = repo / "snapshots"
    if not snaps.is_dir():
        return None
    ref = repo / "refs" / "main"
    if ref.is_file():
        cand = snaps / ref.read_text(encoding="utf-8").strip()
        if (cand / "config.json").is_file():
            return cand
    found = [p for p in snaps.iterdir() if (p / "config.json").is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def downloads_allowed(cfg: Config) -> bool:
    """True when the user allowed downloads and the hub is not switched off by HF_HUB_OFFLINE."""
    if _truthy(os.environ.get("HF_HUB_OFFLINE")) or _truthy(os.environ.get("TRANSFORMERS_OFFLINE")):
        return False
    return bool(cfg.get("neural", "download", default=False))


def how_to_get(entry: ModelEntry) -> str:
    """One line telling the user how to make a model available offline."""
    return (f"on a connected machine run `huggingface-cli download {entry.ref} --local-dir DIR`, copy DIR here, "
            f"then set models.{entry.task}.{entry.key}.model: DIR in a config file (or {entry.env_var}=DIR)")


def check_folder(path: Path, entry: ModelEntry, allow_pickle: bool) -> None:
    """Raise ModelUnavailable unless the folder holds a loadable model (config + safetensors, or allowed pickle)."""
    if not (path / "config.json").is_file():
        raise ModelUnavailable(f"{entry.task} model folder {path} has no config.json; it is not a saved model")
    if any((path / name).is_file() for name in _SAFE):
        if not allow_pickle:
            _check_safe_shards(path / "model.safetensors.index.json", entry)
        return
    if any((path / name).is_file() for name in _PICKLE):
        if allow_pickle:
            return
        raise ModelUnavailable(f"{entry.task} model {entry.ref} only has pickle weights (pytorch_model.bin), which "
                               "can run code when loaded; refused. Use a safetensors copy, or set "
                               "neural.allow_pickle: true if you trust it")
    raise ModelUnavailable(f"{entry.task} model folder {path} holds no weights (model.safetensors)")


def _check_safe_shards(index: Path, entry: ModelEntry) -> None:
    """A safetensors index must name safetensors shards only: a .bin shard in it would be unpickled."""
    if not index.is_file():
        return
    import json

    try:
        with open(index, "rb") as fh:
            weight_map = json.loads(fh.read(1 << 24)).get("weight_map") or {}
        shards = {str(v) for v in weight_map.values()}
    except (OSError, ValueError, AttributeError):
        raise ModelUnavailable(f"{entry.task} model {entry.ref}: {index.name} is not a readable shard index") from None
    pickled = sorted(v for v in shards if not v.endswith(".safetensors"))
    if pickled:
        raise ModelUnavailable(f"{entry.task} model {entry.ref}: {index.name} names non-safetensors shards "
                               f"({', '.join(pickled[:3])}), which can run code when loaded; refused. Set "
                               "neural.allow_pickle: true if you trust them")


def _looks_like_path(ref: str) -> bool:
    return ref.startswith(("/", ".", "~")) or not _HUB_ID.match(ref)


def locate(cfg: Config, entry: ModelEntry) -> Located:
    """Find a model's files cheaply (no torch import); raise ModelUnavailable saying how to get it."""
    allow_pickle = bool(cfg.get("neural", "allow_pickle", default=False))
    local = cfg.resolve_path(entry.ref)
    if local.is_dir():
        check_folder(local, entry, allow_pickle)
        return Located(entry.ref, local)
    if _looks_like_path(entry.ref):
        raise ModelUnavailable(f"{entry.task} model folder {local} does not exist (from {entry.origin}); "
                               "point it at a folder saved with save_pretrained or downloaded from the Hub")
    cache = hub_cache_dir(cfg)
    snap = cached_snapshot(cache, entry.ref)
    if snap is not None:
        check_folder(snap, entry, allow_pickle)
        return Located(entry.ref, snap)
    if downloads_allowed(cfg):
        return Located(entry.ref, None, download=True)
    why = "HF_HUB_OFFLINE is set" if not downloads_allowed(cfg) and cfg.get("neural", "download") else \
        "downloads are off (neural.download: false)"
    raise ModelUnavailable(f"{entry.task} model {entry.ref} is not on this machine (not in {cache}; {why}); "
                           + how_to_get(entry))
