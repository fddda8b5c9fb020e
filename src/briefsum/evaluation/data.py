"""Evaluation datasets: declared in configs/datasets.yaml, read from local files with the `datasets` library."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvalDataError

ENV_DATA = "BRIEFSUM_DATA"
TASKS = ("summarisation", "translation")
FORMATS = ("jsonl", "parallel", "standfirst")


@dataclass
class Example:
    """One document (or sentence pair): its input, its references per grade, and any shipped system outputs."""

    id: str
    text: str
    references: dict[str, str] = field(default_factory=dict)
    systems: dict[str, str] = field(default_factory=dict)
    system_lines: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class DatasetSpec:
    """A dataset's declaration: files, fields, languages, which grade each reference scores, baselines."""

    name: str
    task: str
    format: str
    files: dict[str, str]
    language: str = "en"
    target: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    references: dict[str, dict] = field(default_factory=dict)
    filter: dict[str, Any] = field(default_factory=dict)
    baselines: dict[str, dict[str, int]] = field(default_factory=dict)
    description: str = ""

    @property
    def grades(self) -> list[str]:
        """The grades this dataset has references for."""
        return list(self.references)


def dataset_specs() -> dict[str, DatasetSpec]:
    """All datasets declared in the packaged configs/datasets.yaml."""
    from ..config import packaged_config

    raw = packaged_config("datasets.yaml")
    return {name: _spec(name, body) for name, body in raw.items()}


def _spec(name: str, body: Any) -> DatasetSpec:
    if not isinstance(body, dict):
        raise EvalDataError(f"datasets.yaml: '{name}' must be a mapping")
    task, fmt = body.get("task"), body.get("format")
    if task not in TASKS:
        raise EvalDataError(f"datasets.yaml: {name}.task must be one of {', '.join(TASKS)}, got {task!r}")
    if fmt not in FORMATS:
        raise EvalDataError(f"datasets.yaml: {name}.format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    files = body.get("files")
    if not isinstance(files, dict) or not files:
        raise EvalDataError(f"datasets.yaml: {name}.files must map roles to paths")
    lang = body.get("source_lang") if task == "translation" else body.get("language", "en")
    target = body.get("target_lang") if task == "translation" else body.get("target")
    refs = body.get("references") or {}
    if task == "summarisation" and not refs:
        raise EvalDataError(f"datasets.yaml: {name}.references must name at least one grade")
    return DatasetSpec(name=name, task=task, format=fmt, files=dict(files), language=str(lang or "en"),
                       target=target, fields=dict(body.get("fields") or {}),
                       references={g: dict(v) for g, v in refs.items()}, filter=dict(body.get("filter") or {}),
                       baselines={b: dict(v or {}) for b, v in (body.get("baselines") or {}).items()},
                       description=str(body.get("description", "")))


def get_spec(name: str) -> DatasetSpec:
    """The declaration of one dataset; EvalDataError listing the known names when it is unknown."""
    specs = dataset_specs()
    if name not in specs:
        raise EvalDataError(f"unknown dataset '{name}' (known: {', '.join(specs)})")
    return specs[name]


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def data_root(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder: `explicit`, else $BRIEFSUM_DATA, else ../shared/data from the current dir or the repo."""
    if explicit:
        return Path(os.path.expanduser(str(explicit)))
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(os.path.expanduser(env))
    candidates = [Path.cwd() / ".." / "shared" / "data", _repo_root() / ".." / "shared" / "data"]
    for c in candidates:
        if c.is_dir():
            return c.resolve()
    return candidates[0]


def resolve_file(spec: DatasetSpec, role: str, root: Path) -> Path:
    """The path of one of a dataset's files; EvalDataError naming it when it is missing."""
    path = root / spec.files[role]
    if not path.is_file():
        raise EvalDataError(f"{path}: no such file (dataset {spec.name}; set --data-root or ${ENV_DATA})")
    return path


def _quiet_datasets():
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    return datasets


def _load_json_rows(path: Path) -> list[dict]:
    datasets = _quiet_datasets()
    try:
        ds = datasets.load_dataset("json", data_files=str(path), split="train")
    except Exception as exc:  # the library raises many types for one cause: the file is not JSON lines
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EvalDataError(f"{path}: cannot be read as JSON lines ({msg[:200]})") from None
    return ds.to_list()


def _load_lines(path: Path) -> list[str]:
    datasets = _quiet_datasets()
    try:
        ds = datasets.load_dataset("text", data_files=str(path), split="train")
    except Exception as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EvalDataError(f"{path}: cannot be read as text lines ({msg[:200]})") from None
    return [str(x) for x in ds["text"]]


def _field(row: dict, name: str, path: Path, rowno: int) -> Any:
    if name not in row:
        raise EvalDataError(f"{path}: row {rowno} has no field '{name}'")
    return row[name]


def load_examples(spec: DatasetSpec, root: str | os.PathLike | None = None, limit: int | None = None) -> list[Example]:
    """Read a dataset's examples (in file order, after its filter), at most `limit` of them."""
    base = data_root(root)
    if spec.format == "jsonl":
        exs = _load_jsonl(spec, resolve_file(spec, "examples", base))
    elif spec.format == "parallel":
        exs = _load_parallel(spec, resolve_file(spec, "source", base), resolve_file(spec, "reference", base))
    else:
        exs = _load_standfirst(spec, resolve_file(spec, "article", base))
    if limit is not None and limit >= 0:
        exs = exs[:limit]
    return exs


def _load_jsonl(spec: DatasetSpec, path: Path) -> list[Example]:
    rows = _load_json_rows(path)
    f = spec.fields
    out: list[Example] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, 1):
        if any(row.get(k) != v for k, v in spec.filter.items()):
            continue
        ex_id = str(_field(row, f.get("id", "id"), path, n))
        if ex_id in seen:
            raise EvalDataError(f"{path}: row {n} repeats id '{ex_id}'")
        seen.add(ex_id)
        text = _field(row, f.get("text", "text"), path, n)
        refs: dict[str, str] = {}
        for grade, ref in spec.references.items():
            when = ref.get("when")
            if when is not None and not _field(row, when, path, n):
                continue
            value = _field(row, ref["field"], path, n)
            if isinstance(value, str) and value.strip():
                refs[grade] = value
        ex = Example(ex_id, str(text or ""), refs)
        if "systems" in f:
            ex.systems = {k: v for k, v in (row.get(f["systems"]) or {}).items() if isinstance(v, str)}
        if "system_lines" in f:
            ex.system_lines = {k: list(v) for k, v in (row.get(f["system_lines"]) or {}).items() if v is not None}
        if "perl_rouge" in f:
            ex.extra["perl_rouge"] = {k: v for k, v in (row.get(f["perl_rouge"]) or {}).items() if v is not None}
        out.append(ex)
    return out


def _load_parallel(spec: DatasetSpec, src: Path, ref: Path) -> list[Example]:
    a, b = _load_lines(src), _load_lines(ref)
    if len(a) != len(b):
        raise EvalDataError(f"{src} has {len(a)} lines but {ref} has {len(b)}; they must be line-aligned")
    return [Example(str(i + 1), s, {"translation": r}) for i, (s, r) in enumerate(zip(a, b))]


def _load_standfirst(spec: DatasetSpec, path: Path) -> list[Example]:
    from ..text.normalise import clean, decode_bytes

    try:
        text = clean(decode_bytes(path.read_bytes(), name=str(path))).text
    except OSError as exc:
        raise EvalDataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    datasets = _quiet_datasets()
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if len(paras) < 2:
        raise EvalDataError(f"{path}: needs a standfirst paragraph followed by the article")
    grade = next(iter(spec.references), "brief")
    ds = datasets.Dataset.from_list([{"id": path.stem, "standfirst": paras[0], "article": "\n\n".join(paras[1:])}])
    row = ds[0]
    return [Example(row["id"], row["article"], {grade: row["standfirst"]})]
