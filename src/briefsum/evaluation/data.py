"""Evaluation datasets: declared in configs/datasets.yaml (or a user's datasets file merged over it, or built from
command-line fields), read from local files with the `datasets` library."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvalDataError
from ..paths import ENV_DATA, data_root

TASKS = ("summarisation", "translation")
FORMATS = ("jsonl", "table", "parallel", "standfirst")


@dataclass
class Example:
    """One document (or sentence pair): its input, its references per grade, and any shipped system outputs."""

    id: str
    text: str
    references: dict[str, str] = field(default_factory=dict)
    systems: dict[str, str] = field(default_factory=dict)
    system_lines: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    ref_lists: dict[str, list[str]] = field(default_factory=dict)   # grade -> every reference, when several

    def refs(self, grade: str) -> list[str]:
        """Every reference of a grade (one, or several for a list-valued field)."""
        return self.ref_lists.get(grade) or ([self.references[grade]] if grade in self.references else [])


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
    split: str | None = None          # the split of a save_to_disk folder holding several

    @property
    def grades(self) -> list[str]:
        """The grades this dataset has references for."""
        return list(self.references)


def dataset_specs(datasets_file: str | os.PathLike | None = None) -> dict[str, DatasetSpec]:
    """All datasets declared in the packaged configs/datasets.yaml, and in `datasets_file` when given.

    A user file's entry replaces the packaged entry of the same name; its relative file paths are relative to
    the user file's folder (the packaged ones to the data root).
    """
    from ..config import packaged_config

    raw = packaged_config("datasets.yaml")
    specs = {name: _spec(name, body) for name, body in raw.items()}
    if datasets_file:
        specs.update(_user_specs(Path(datasets_file)))
    return specs


def _user_specs(path: Path) -> dict[str, DatasetSpec]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvalDataError(f"{path}: no such datasets file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise EvalDataError(f"{path}: not valid YAML{where}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise EvalDataError(f"{path}: must map dataset names to declarations")
    out = {}
    for name, body in raw.items():
        spec = _spec(str(name), body, where=str(path))
        spec.files = {role: str(p if Path(p).is_absolute() else (path.parent / p).resolve())
                      for role, p in spec.files.items()}
        out[str(name)] = spec
    return out


SPEC_KEYS = frozenset({"task", "format", "files", "language", "source_lang", "target_lang", "target", "fields",
                       "references", "filter", "baselines", "description", "split"})


def _spec(name: str, body: Any, where: str = "datasets.yaml") -> DatasetSpec:
    if not isinstance(body, dict):
        raise EvalDataError(f"{where}: '{name}' must be a mapping")
    for key in body:
        if key not in SPEC_KEYS:
            from ..settings import unknown_key_message

            raise EvalDataError(f"{where}: {unknown_key_message(name, str(key), SPEC_KEYS)}")
    task, fmt = body.get("task"), body.get("format")
    if task not in TASKS:
        raise EvalDataError(f"{where}: {name}.task must be one of {', '.join(TASKS)}, got {task!r}")
    if fmt not in FORMATS:
        raise EvalDataError(f"{where}: {name}.format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    files = body.get("files")
    if not isinstance(files, dict) or not files:
        raise EvalDataError(f"{where}: {name}.files must map roles to paths")
    lang = body.get("source_lang") if task == "translation" else body.get("language", "en")
    target = body.get("target_lang") if task == "translation" else body.get("target")
    refs = body.get("references") or {}
    if task == "summarisation" and not refs:
        raise EvalDataError(f"{where}: {name}.references must name at least one grade")
    for g, v in refs.items():
        if not isinstance(v, dict) or not v.get("field"):
            raise EvalDataError(f"{where}: {name}.references.{g} must give a field")
    return DatasetSpec(name=name, task=task, format=fmt, files=dict(files), language=str(lang or "en"),
                       target=target, fields=dict(body.get("fields") or {}),
                       references={g: dict(v) for g, v in refs.items()}, filter=dict(body.get("filter") or {}),
                       baselines={b: dict(v or {}) for b, v in (body.get("baselines") or {}).items()},
                       description=str(body.get("description", "")), split=body.get("split"))


def get_spec(name: str, datasets_file: str | os.PathLike | None = None) -> DatasetSpec:
    """The declaration of one dataset; EvalDataError listing the known names when it is unknown."""
    specs = dataset_specs(datasets_file)
    if name not in specs:
        raise EvalDataError(f"unknown dataset '{name}' (known: {', '.join(specs)})")
    return specs[name]


def resolve_file(spec: DatasetSpec, role: str, root: Path) -> Path:
    """The path of one of a dataset's files; EvalDataError naming it when it is missing."""
    path = root / spec.files[role]
    if not path.is_file():
        raise EvalDataError(f"{path}: no such file (dataset {spec.name}; set --data-root or ${ENV_DATA})")
    return path


def _quiet_datasets():
    from .tables import quiet_datasets

    return quiet_datasets()


def _load_json_rows(path: Path) -> list[dict]:
    datasets = _quiet_datasets()
    try:
        ds = datasets.load_dataset("json", data_files=str(path), split="train")
    except Exception as exc:  # the library raises many types for one cause: the file is not JSON lines
        from .tables import bad_json_line

        where = bad_json_line(path)
        if where:
            raise EvalDataError(f"{path}: {where}") from None
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
        path = resolve_file(spec, "examples", base)
        exs = rows_to_examples(spec, _load_json_rows(path), path)
    elif spec.format == "table":
        from .tables import read_rows

        path = base / spec.files["examples"]
        exs = rows_to_examples(spec, read_rows(path, spec.split), path)
    elif spec.format == "parallel":
        exs = _load_parallel(spec, resolve_file(spec, "source", base), resolve_file(spec, "reference", base))
    else:
        exs = _load_standfirst(spec, resolve_file(spec, "article", base))
    if limit is not None and limit >= 0:
        exs = exs[:limit]
    return exs


def _truthy(value: Any) -> bool:
    if isinstance(value, str):  # CSV cells are text
        return value.strip().lower() not in ("", "0", "false", "no", "none", "null")
    return bool(value)


def _reference_values(value: Any, path: Path, rowno: int, name: str) -> list[str]:
    """A reference field's texts: a string, or a list of strings (several references)."""
    values = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for v in values:
        if v is not None and not isinstance(v, str):
            raise EvalDataError(f"{path}: row {rowno} field '{name}' must be text or a list of texts")
        if v is None or not v.strip():
            raise EvalDataError(f"{path}: row {rowno} has an empty reference in field '{name}'")
        out.append(v)
    if not out:
        raise EvalDataError(f"{path}: row {rowno} has an empty list of references in field '{name}'")
    return out


def rows_to_examples(spec: DatasetSpec, rows: list[dict], path: Path) -> list[Example]:
    """Examples from table rows, checked: every named field present, no empty reference, no repeated id, every
    row in the declared language (when a language field is named); EvalDataError naming the file and row."""
    f = spec.fields
    out: list[Example] = []
    seen: dict[str, int] = {}
    id_field = f.get("id", "id")
    numbered = "id" not in f and bool(rows) and "id" not in rows[0]   # no id column: ids are row numbers
    lang_field = f.get("lang")
    for n, row in enumerate(rows, 1):
        if any(row.get(k) != v for k, v in spec.filter.items()):
            continue
        ex_id = str(n) if numbered else str(_field(row, id_field, path, n))
        if not ex_id.strip():
            raise EvalDataError(f"{path}: row {n} has an empty id")
        if ex_id in seen:
            raise EvalDataError(f"{path}: row {n} repeats id '{ex_id}' (first seen in row {seen[ex_id]})")
        seen[ex_id] = n
        if lang_field is not None:
            lang = str(_field(row, lang_field, path, n) or "").strip().lower()
            if lang != spec.language.lower():
                raise EvalDataError(f"{path}: row {n} (id {ex_id}) is in language '{lang}' but the dataset is "
                                    f"'{spec.language}'; evaluate one language at a time")
        text = _field(row, f.get("text", "text"), path, n)
        if text is not None and not isinstance(text, str):
            raise EvalDataError(f"{path}: row {n} field '{f.get('text', 'text')}' must be text")
        refs: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for grade, ref in spec.references.items():
            when = ref.get("when")
            if when is not None and not _truthy(_field(row, when, path, n)):
                continue
            values = _reference_values(_field(row, ref["field"], path, n), path, n, ref["field"])
            refs[grade] = values[0]
            if len(values) > 1:
                lists[grade] = values
        ex = Example(ex_id, str(text or ""), refs, ref_lists=lists)
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


def spec_from_fields(path: str | os.PathLike, refs: list[str], text_field: str = "text",
                     id_field: str | None = None, lang: str = "en", target: str | None = None,
                     task: str = "summarisation", lang_field: str | None = None,
                     split: str | None = None) -> DatasetSpec:
    """A dataset declared on the command line: a data file, its fields, `grade=field` references, languages.

    For translation the text field is the source and one reference field holds the translations.
    """
    if task not in TASKS:
        raise EvalDataError(f"--task must be one of {', '.join(TASKS)}, got '{task}'")
    references: dict[str, dict] = {}
    for item in refs:
        grade, sep, name = item.partition("=")
        if not sep:
            grade, name = ("translation" if task == "translation" else "summary"), item
        grade, name = grade.strip(), name.strip()
        if not grade or not name:
            raise EvalDataError(f"--ref '{item}': expected GRADE=FIELD, e.g. brief=abstract")
        if grade in references:
            raise EvalDataError(f"--ref: grade '{grade}' is given twice")
        references[grade] = {"field": name}
    if not references:
        raise EvalDataError("--data needs at least one --ref GRADE=FIELD (e.g. --ref brief=abstract)")
    if task == "translation" and list(references) != ["translation"]:
        raise EvalDataError("--task translation takes one reference field: --ref FIELD")
    fields = {"text": text_field}
    if id_field:
        fields["id"] = id_field
    if lang_field:
        fields["lang"] = lang_field
    p = Path(os.path.expanduser(str(path))).resolve()
    return DatasetSpec(name=p.name, task=task, format="table", files={"examples": str(p)},
                       language=lang or "en", target=target if target not in ("none", "") else None,
                       fields=fields, references=references, description=f"data file {p}", split=split)
