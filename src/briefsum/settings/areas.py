"""The settings of each area as frozen dataclasses, built once from a checked configuration mapping.

`schema.check_config` has already checked every key and type when these are built, so the builders only
convert: 'auto' becomes None, YAML's on/off booleans become words, relative paths resolve against the folder of
the config file, lists become tuples. Code below the API reads these objects, never the raw mapping.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..grading.budgets import GradeSpec


def _auto(value: Any) -> int | None:
    """An integer setting that may be 'auto' (None)."""
    return None if value in (None, "auto") else int(value)


def _word(value: Any, default: str) -> str:
    return str(value if value is not None else default).strip().lower()


def _on_off_auto(value: Any) -> str:
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "on" if value else "off"
    text = str(value).strip().lower()
    return {"true": "on", "yes": "on", "false": "off", "no": "off"}.get(text, text)


def _auto_off(value: Any) -> str:
    if value is None or value is True:
        return "auto"
    return "off" if value is False else str(value).strip().lower()


class FrozenMap(Mapping):
    """A read-only mapping that, unlike MappingProxyType, pickles and copies (settings travel to worker
    processes with the Config that holds them)."""

    def __init__(self, data: Mapping | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple:
        return (FrozenMap, (self._data,))


def _frozen(value: Any) -> Any:
    """A read-only copy of a YAML tree: mappings as FrozenMap, lists as tuples."""
    if isinstance(value, Mapping):
        return FrozenMap({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """A plain, mutable copy of a frozen tree (dicts and lists), e.g. to hand to a library."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class Limits:
    max_input_chars: int
    backend_timeout_s: float
    timeout_s: float


@dataclass(frozen=True)
class LanguageSettings:
    """Language identification."""

    min_confidence: float
    sample_chars: int


@dataclass(frozen=True)
class OfflineSettings:
    """The offline (extractive) engine."""

    scorer: str
    model_path: Path | None
    headline_target: int | None
    headline_fit_margin: float
    headline_label: float | None
    headline_label_langs: tuple[str, ...]
    compression: str
    compressor_path: Path | None
    redundancy: float
    position_weight: float


@dataclass(frozen=True)
class NeuralSettings:
    """The neural engine. Integer settings that may be 'auto' are None for auto."""

    strategy: str
    nesting: str
    faithfulness: str
    download: bool
    allow_pickle: bool
    device: str
    dtype: str
    cache_dir: Path | None
    backend: str
    compute_type: str
    fast_cache_dir: Path | None
    inter_threads: int | None
    intra_threads: int | None
    batch_tokens: int | None
    batch_size: int | None
    summary_batch_size: int | None
    summary_batch_tokens: int | None
    summary_window: int
    reuse_memory: str
    max_new_ratio: float
    loop_guard: str
    max_passes: int
    fast_paths: str


@dataclass(frozen=True)
class ApertiumSettings:
    binary: str
    allow_custom_binary: bool
    pivot_unknowns: str
    prestart: str
    routes: Mapping[str, tuple[str, ...]]
    packages: Mapping[str, str]

    def pivot(self, src: str, target: str | None) -> str:
        """The language a route passes through (its first mode's target), or 'pivot' for a direct route."""
        route = self.routes.get(f"{src}-{target}") or ()
        return route[0].split("-")[-1] if len(route) > 1 else "pivot"


@dataclass(frozen=True)
class ServiceLimits:
    """The `service:` section as configured (the API keys file is read when the service starts)."""

    max_request_bytes: int
    max_input_chars: int
    max_concurrent: int
    timeout_s: float
    api_keys_file: Path | None
    cors_origins: tuple[str, ...]


@dataclass(frozen=True)
class Models:
    """The neural model registry: per task, the entry of each language or pair ('*': any), as configured;
    per grade, generation settings; per tokenizer family, language codes."""

    tasks: Mapping[str, Mapping[str, Any]]
    grades: Mapping[str, Mapping[str, Any]]
    languages: Mapping[str, Mapping[str, str]]

    def table(self, task: str) -> Mapping[str, Any]:
        return self.tasks.get(task) or FrozenMap()


@dataclass(frozen=True)
class Settings:
    """Every setting briefsum reads, typed. `base_dir` is the folder relative paths were resolved against."""

    limits: Limits
    language: LanguageSettings
    grades: tuple[GradeSpec, ...]
    engine_default: str
    translator: str  # the offline engine's translator (engine.translator)
    offline: OfflineSettings
    neural: NeuralSettings
    apertium: ApertiumSettings
    service: ServiceLimits
    models: Models
    base_dir: Path | None = None

    def resolve(self, value: str | os.PathLike) -> Path:
        """A path from the config, relative to the config file's folder (or the working folder)."""
        p = Path(os.path.expanduser(str(value)))
        if not p.is_absolute() and self.base_dir is not None:
            p = self.base_dir / p
        return p

    def grade(self, name: str) -> GradeSpec | None:
        return next((g for g in self.grades if g.name == name), None)


def _path(value: Any, base: Path | None) -> Path | None:
    if not value:
        return None
    p = Path(os.path.expanduser(str(value)))
    return base / p if not p.is_absolute() and base is not None else p


def _grades(table: Mapping) -> tuple[GradeSpec, ...]:
    return tuple(GradeSpec(name, int(v["max_words"]), v.get("max_sentences"), v.get("max_fraction"),
                           bool(v.get("compress", False)), int(v.get("fraction_floor", 60)))
                 for name, v in table.items())


def _label(value: Any) -> float | None:
    if value is None or value is False or (isinstance(value, str) and value.strip().lower() in ("none", "null", "off")):
        return None
    return float(value)


def _offline(o: Mapping, base: Path | None) -> OfflineSettings:
    langs = o.get("headline_label_langs", ["fr"])
    target = o.get("headline_target")
    return OfflineSettings(
        scorer=str(o.get("scorer", "centrality")), model_path=_path(o.get("model_path"), base),
        headline_target=int(target) if target else None,
        headline_fit_margin=float(o.get("headline_fit_margin") or 0.0), headline_label=_label(o.get("headline_label")),
        headline_label_langs=tuple(str(x) for x in (langs or ())), compression=str(o.get("compression") or "rules"),
        compressor_path=_path(o.get("compressor_path"), base), redundancy=float(o.get("redundancy", 0.6)),
        position_weight=float(o.get("position_weight", 0.35)))


def _neural(n: Mapping, base: Path | None) -> NeuralSettings:
    return NeuralSettings(
        strategy=str(n["strategy"]), nesting=str(n["nesting"]), faithfulness=str(n["faithfulness"]),
        download=bool(n["download"]), allow_pickle=bool(n["allow_pickle"]), device=_word(n["device"], "auto"),
        dtype=_word(n["dtype"], "auto"), cache_dir=_path(n["cache_dir"], base), backend=_word(n["backend"], "auto"),
        compute_type=_word(n["compute_type"] or None, "auto"), fast_cache_dir=_path(n["fast_cache_dir"], base),
        inter_threads=_auto(n["inter_threads"]), intra_threads=_auto(n["intra_threads"]),
        batch_tokens=_auto(n["batch_tokens"]), batch_size=_auto(n["batch_size"]),
        summary_batch_size=_auto(n["summary_batch_size"]), summary_batch_tokens=_auto(n["summary_batch_tokens"]),
        summary_window=int(n["summary_window"] or 64), reuse_memory=_on_off_auto(n["reuse_memory"]),
        max_new_ratio=float(n["max_new_ratio"]), loop_guard=str(n["loop_guard"]), max_passes=int(n["max_passes"]),
        fast_paths=_auto_off(n["fast_paths"]))


def _apertium(a: Mapping) -> ApertiumSettings:
    return ApertiumSettings(
        binary=str(a.get("binary", "apertium")), allow_custom_binary=a.get("allow_custom_binary") is True,
        pivot_unknowns=str(a.get("pivot_unknowns", "source")), prestart=str(a.get("prestart") or ""),
        routes=_frozen(a.get("routes") or {}), packages=_frozen(a.get("packages") or {}))


def _service(s: Mapping, base: Path | None) -> ServiceLimits:
    return ServiceLimits(int(s["max_request_bytes"]), int(s["max_input_chars"]), int(s["max_concurrent"]),
                         float(s["timeout_s"]), _path(s.get("api_keys_file"), base),
                         tuple(str(o) for o in (s.get("cors_origins") or ())))


def _models(m: Mapping) -> Models:
    return Models(_frozen({k: v or {} for k, v in m.items() if k not in ("grades", "languages")}),
                  _frozen(m.get("grades") or {}), _frozen(m.get("languages") or {}))


def build_settings(data: Mapping, base_dir: Path | None = None) -> Settings:
    """Typed settings from a merged configuration mapping that check_config has passed."""
    lim, lang, engine = data["limits"], data["language"], data["engine"]
    return Settings(
        limits=Limits(int(lim["max_input_chars"]), float(lim["backend_timeout_s"]), float(lim["timeout_s"])),
        language=LanguageSettings(float(lang["min_confidence"]), int(lang["sample_chars"])),
        grades=_grades(data["grades"]), engine_default=str(engine.get("default") or "auto").lower(),
        translator=str(engine.get("translator") or "apertium"),
        offline=_offline(engine.get("offline") or {}, base_dir), neural=_neural(data["neural"], base_dir),
        apertium=_apertium(data.get("apertium") or {}), service=_service(data["service"], base_dir),
        models=_models(data.get("models") or {}), base_dir=base_dir)
