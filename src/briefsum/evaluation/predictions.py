"""Reading a file of existing predictions (one per line, or JSON lines with an id and grade fields)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Collection, Sequence

from ..errors import EvalDataError
from .data import Example


def read_text(path: Path, what: str = "predictions") -> str:
    """A UTF-8 text file's text (a byte-order mark dropped); EvalDataError naming the file and row otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EvalDataError(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise EvalDataError(f"{path}: is a directory, not a {what} file") from None
    except OSError as exc:
        raise EvalDataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data[:exc.start].count(b"\n") + 1
        raise EvalDataError(f"{path}: row {row} is not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None


def _is_jsonl(path: Path, text: str) -> bool:
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return True
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.lstrip().startswith("{")


def read_predictions(path: str | Path, examples: Sequence[Example], grades: Sequence[str],
                     grade: str | None = None, total: int | None = None,
                     all_ids: Collection[str] | None = None) -> dict[str, dict[str, str]]:
    """Predictions per grade and example id, checked against the dataset; EvalDataError naming file and row.

    A text file holds one prediction a line, line i for example i (the whole dataset, or the evaluated first
    examples), all for one grade (`grade`, or the dataset's only grade). A JSON-lines file holds one object a
    row with an `id` and either one field per grade or a `grades` mapping; ids of the dataset outside the
    evaluated examples (`all_ids` minus `examples`, when a limit is used) are skipped.
    """
    path = Path(path)
    text = read_text(path)
    if _is_jsonl(path, text):
        return _read_jsonl(path, text, examples, grades, all_ids)
    if grade is None:
        if len(grades) != 1:
            raise EvalDataError(f"{path}: a one-per-line predictions file needs --grade (one of {', '.join(grades)})")
        grade = grades[0]
    if grade not in grades:
        raise EvalDataError(f"{path}: grade '{grade}' has no references in this dataset (use {', '.join(grades)})")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    allowed = {len(examples)} | ({total} if total is not None else set())
    if len(lines) not in allowed:
        want = " or ".join(str(n) for n in sorted(allowed))
        raise EvalDataError(f"{path}: has {len(lines)} lines but the dataset needs {want} (one prediction a line)")
    out: dict[str, str] = {}
    for n, (ex, line) in enumerate(zip(examples, lines), 1):
        if not line.strip():
            raise EvalDataError(f"{path}: row {n} is an empty prediction (id {ex.id})")
        out[ex.id] = line.strip()
    return {grade: out}


def _read_jsonl(path: Path, text: str, examples: Sequence[Example], grades: Sequence[str],
                all_ids: Collection[str] | None) -> dict[str, dict[str, str]]:
    known = {ex.id for ex in examples}
    dataset_ids = set(all_ids) if all_ids is not None else known
    out: dict[str, dict[str, str]] = {g: {} for g in grades}
    first_row: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(f"{path}: row {n} is not valid JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(row, dict) or "id" not in row:
            raise EvalDataError(f"{path}: row {n} must be a JSON object with an 'id' field")
        ex_id = str(row["id"])
        if ex_id in first_row:
            raise EvalDataError(f"{path}: row {n} repeats id '{ex_id}' (first seen in row {first_row[ex_id]})")
        first_row[ex_id] = n
        if ex_id not in dataset_ids:
            raise EvalDataError(f"{path}: row {n} has id '{ex_id}', which is not in the dataset")
        if ex_id not in known:
            continue
        fields = row.get("grades") if isinstance(row.get("grades"), dict) else row
        for g in grades:
            if g not in fields:
                continue
            value = fields[g]
            if not isinstance(value, str):
                raise EvalDataError(f"{path}: row {n} field '{g}' must be a string")
            if not value.strip():
                raise EvalDataError(f"{path}: row {n} has an empty '{g}' prediction (id {ex_id})")
            out[g][ex_id] = value
    out = {g: preds for g, preds in out.items() if preds}
    if not out:
        raise EvalDataError(f"{path}: no predictions for any grade of this dataset ({', '.join(grades)})")
    for g, preds in out.items():
        missing = [ex.id for ex in examples if g in ex.references and ex.id not in preds]
        if missing:
            raise EvalDataError(f"{path}: {len(missing)} document(s) have no '{g}' prediction, e.g. id '{missing[0]}'")
    return out
