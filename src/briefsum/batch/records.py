"""Output records: one per article, as a JSON line (and, converted at the end of a run, a Parquet row).

A record is {"id", "source", "error": null, ...Brief.to_dict()} for a summarised article: language, every grade
with its text and source indices, warnings, engine, models, metadata and stats, exactly what `summarise()` gives.
A failed article's record is {"id", "source", "error": "<one line>", "error_type": "<exception class>"}.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterator

from ..errors import InputError


def brief_record(ident: str, source: str, brief) -> dict[str, Any]:
    """The record of a summarised article."""
    return {"id": ident, "source": source, "error": None, **brief.to_dict()}


def error_record(ident: str, source: str, message: str, kind: str = "InputError") -> dict[str, Any]:
    """The record of an article that failed."""
    return {"id": ident, "source": source, "error": message, "error_type": kind}


def dumps(record: dict[str, Any]) -> bytes:
    """A record as one UTF-8 JSON line ending in a newline (no newline inside: JSON escapes them)."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _schema():
    import pyarrow as pa

    grade = pa.struct([("name", pa.string()), ("text", pa.string()), ("source_indices", pa.list_(pa.int32())),
                       ("words", pa.int32()), ("max_words", pa.int32()), ("language", pa.string()),
                       ("truncated", pa.bool_()), ("method", pa.string())])
    return pa.schema([
        ("id", pa.string()), ("source", pa.string()), ("error", pa.string()), ("error_type", pa.string()),
        ("source_lang", pa.string()), ("lang_confidence", pa.float64()), ("lang_detected", pa.bool_()),
        ("target_lang", pa.string()), ("output_lang", pa.string()), ("engine", pa.string()),
        ("models", pa.map_(pa.string(), pa.string())), ("grades", pa.list_(grade)),
        ("warnings", pa.list_(pa.string())), ("translation", pa.string()), ("metadata", pa.string()),
        ("stats", pa.string()),
    ])


def _parquet_row(rec: dict[str, Any]) -> dict[str, Any]:
    row = {k: rec.get(k) for k in ("id", "source", "error", "error_type", "source_lang", "lang_confidence",
                                    "lang_detected", "target_lang", "output_lang", "engine", "warnings")}
    row["models"] = list(rec["models"].items()) if rec.get("models") is not None else None
    row["grades"] = list(rec["grades"].values()) if rec.get("grades") is not None else None
    for key in ("translation", "metadata", "stats"):  # free-form parts stay JSON text
        row[key] = json.dumps(rec[key], ensure_ascii=False) if rec.get(key) is not None else None
    return row


def iter_jsonl_records(path: str) -> Iterator[dict[str, Any]]:
    """The records of a JSON lines output file, one at a time."""
    with open(path, "rb") as fh:
        for line in fh:
            yield json.loads(line)


def jsonl_to_parquet(journal: str, out: str, rows_per_group: int = 1000) -> None:
    """Write the records of a JSON lines file as a Parquet file, a row group at a time; replaces out atomically."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{out}: writing Parquet needs pyarrow (pip install 'briefsum[batch]')") from None
    schema = _schema()
    tmp = f"{out}.tmp-{os.getpid()}"
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            rows: list[dict[str, Any]] = []
            for rec in iter_jsonl_records(journal):
                rows.append(_parquet_row(rec))
                if len(rows) >= rows_per_group:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    rows = []
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
