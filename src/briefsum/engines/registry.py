"""Which neural model serves which task, and whether it is on this machine, checked without importing torch."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..settings import Settings, thaw
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


def find_entry(settings: Settings, task: str, key: str, overrides: Mapping[str, str] | None = None) -> ModelEntry | None:
    """The model for a task and key (a pair like fr-en, or a language): argument > environment > config."""
    if task not in TASKS:
        raise ConfigError(f"config: unknown model task '{task}' (use one of {', '.join(TASKS)})")
    table = settings.models.table(task)
    raw = table.get(key, table.get("*"))  # a mapping or None: the schema checked each entry at load
    fields = thaw(raw or {})
    ref, origin = fields.pop("model", None), "config"
    if os.environ.get(env_var(task)):
        ref, origin = os.environ[env_var(task)], f"${env_var(task)}"
    if overrides and overrides.get(task):
        ref, origin = overrides[task], "argument"
    if not ref:
        return None
    return ModelEntry(task, key, str(ref), fields, origin)


def hub_cache_dir(settings: Settings) -> Path:
    """The Hugging Face hub cache this process would use."""
    if settings.neural.cache_dir is not None:
        return settings.neural.cache_dir
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


def downloads_allowed(settings: Settings) -> bool:
    """True when the user allowed downloads and the hub is not switched off by HF_HUB_OFFLINE."""
    if _truthy(os.environ.get("HF_HUB_OFFLINE")) or _truthy(os.environ.get("TRANSFORMERS_OFFLINE")):
        return False
    return settings.neural.download


def how_to_get(entry: ModelEntry) -> str:
    """One line telling the user how to make a model available offline."""
    return (f"on a connected machine run `huggingface-cli download {entry.ref} --local-dir DIR`, copy DIR here, "
            f"then set models.{entry.task}.{entry.key}.model: DIR in a config file (or {entry.env_var}=DIR)")


def pickle_files(folder: Path) -> list[Path]:
    """The weights files torch would unpickle when transformers loads this folder: none beside a
    model.safetensors; else the shards of model.safetensors.index.json that are not safetensors files; else
    pytorch_model.bin, or pytorch_model.bin.index.json and its shards."""
    import json

    if (folder / "model.safetensors").is_file():
        return []

    def shards(index: Path) -> list[Path]:
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8")).get("weight_map") or {}
            return [folder / f for f in sorted({str(v) for v in weight_map.values()})]
        except (OSError, ValueError, AttributeError, TypeError):
            return []

    safe_index = folder / "model.safetensors.index.json"
    if safe_index.is_file():
        return [f for f in shards(safe_index) if not f.name.endswith(".safetensors")]
    if (folder / "pytorch_model.bin").is_file():
        return [folder / "pytorch_model.bin"]
    bin_index = folder / "pytorch_model.bin.index.json"
    return [bin_index, *shards(bin_index)] if bin_index.is_file() else []


def check_folder(path: Path, entry: ModelEntry, allow_pickle: bool) -> None:
    """Raise ModelUnavailable unless the folder holds a loadable model (config + safetensors, or allowed pickle)."""
    if not (path / "config.json").is_file():
        raise ModelUnavailable(f"{entry.task} model folder {path} has no config.json; it is not a saved model")
    pickled = [] if allow_pickle else pickle_files(path)
    if pickled:
        raise ModelUnavailable(f"{entry.task} model {entry.ref} has pickle weights ({pickled[0].name}), which "
                               "can run code when loaded; refused. Use a safetensors copy, or set "
                               "neural.allow_pickle: true if you trust it")
    if any((path / name).is_file() for name in _SAFE):
        return
    if allow_pickle and any((path / name).is_file() for name in _PICKLE):
        return
    raise ModelUnavailable(f"{entry.task} model folder {path} holds no weights (model.safetensors)")


def _looks_like_path(ref: str) -> bool:
    return ref.startswith(("/", ".", "~")) or not _HUB_ID.match(ref)


def local_path(settings: Settings, entry: ModelEntry) -> Path:
    """Where a model reference points on disk: a path from a config file is relative to that file's folder; one
    from an environment variable or an argument, to the working directory."""
    if entry.origin == "config":
        return settings.resolve(entry.ref)
    return Path(os.path.expanduser(entry.ref)).absolute()


def locate(settings: Settings, entry: ModelEntry) -> Located:
    """Find a model's files cheaply (no torch import); raise ModelUnavailable saying how to get it."""
    allow_pickle = settings.neural.allow_pickle
    local = local_path(settings, entry)
    if local.is_dir():
        check_folder(local, entry, allow_pickle)
        return Located(entry.ref, local)
    if _looks_like_path(entry.ref):
        raise ModelUnavailable(f"{entry.task} model folder {local} does not exist (from {entry.origin}); "
                               "point it at a folder saved with save_pretrained or downloaded from the Hub")
    cache = hub_cache_dir(settings)
    snap = cached_snapshot(cache, entry.ref)
    if snap is not None:
        check_folder(snap, entry, allow_pickle)
        return Located(entry.ref, snap)
    if downloads_allowed(settings):
        return Located(entry.ref, None, download=True)
    why = "HF_HUB_OFFLINE is set" if not downloads_allowed(settings) and settings.neural.download else \
        "downloads are off (neural.download: false)"
    # A folder resolved from $BRIEFSUM_MODEL_* or an argument is named (the working directory decides it); an id
    # from the configs is looked up as a hub id, whatever folder the user's config file sits in.
    folder = f"no folder {local}, " if entry.origin != "config" else ""
    raise ModelUnavailable(f"{entry.task} model {entry.ref} is not on this machine ({folder}not in "
                           f"{cache}; {why}); " + how_to_get(entry))
