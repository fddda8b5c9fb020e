"""Reading a table of examples from a file with the `datasets` library: JSON lines (also gzipped), CSV, TSV,
Parquet, or a folder written by `datasets.Dataset.save_to_disk` (or `DatasetDict.save_to_disk`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import EvalDataError

KINDS = {".jsonl": "json", ".json": "json", ".ndjson": "json", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
         ".parquet": "parquet", ".pq": "parquet"}


def quiet_datasets():
    """The `datasets` module with its progress bars and info logging off."""
    import datasets

    datasets.disable_progress_bars()
    # CRITICAL, not ERROR: a file the library cannot read is logged before it raises, and the harness already
    # turns that exception into its one error line.
    datasets.logging.set_verbosity(datasets.logging.CRITICAL)
    return datasets


def table_kind(path: Path) -> str:
    """json, csv, tsv, parquet or disk (a save_to_disk folder), from the path; EvalDataError otherwise."""
    if path.is_dir():
        return "disk"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".bz2", ".xz", ".zst"):
        suffixes = suffixes[:-1]
    kind = KINDS.get(suffixes[-1]) if suffixes else None
    if kind is None:
        raise EvalDataError(f"{path}: unknown data file type (use .jsonl[.gz], .csv, .tsv, .parquet or a "
                            "save_to_disk folder)")
    return kind


def _first_line(exc: BaseException) -> str:
    """The first line of the innermost cause: the library wraps the parser's message ("EOF inside string ...")
    in a generic one ("An error occurred while generating the dataset")."""
    for _ in range(10):
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def bad_json_line(path: Path) -> str | None:
    """Where a JSON lines file first fails to parse ("row N is not valid JSON: ..."), or None."""
    import bz2
    import gzip
    import json
    import lzma

    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}.get(path.suffix.lower(), open)
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        json.loads(line)
                    except json.JSONDecodeError as exc:
                        return f"row {n} is not valid JSON: {exc.msg} at column {exc.colno}"
    except (OSError, UnicodeDecodeError, EOFError, lzma.LZMAError) as exc:
        return f"cannot be decoded ({_first_line(exc)})"
    return None


def _header(path: Path, sep: str) -> list[str]:
    """The column names of a CSV/TSV file (its first row)."""
    import csv
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f, delimiter=sep), None)
    except UnicodeDecodeError:
        raise EvalDataError(f"{path}: row 1 is not valid UTF-8; save the file as UTF-8") from None
    if not header:
        raise EvalDataError(f"{path}: no header row (the first row must name the columns)")
    return header


def read_rows(path: Path, split: str | None = None) -> list[dict]:
    """The rows of a data file or save_to_disk folder, in order, as dicts. CSV and TSV cells are read as text
    (so an id such as 007 stays 007, an empty cell is an empty string)."""
    if not path.exists():
        raise EvalDataError(f"{path}: no such data file or folder")
    kind = table_kind(path)
    datasets = quiet_datasets()
    try:
        if kind == "disk":
            ds = datasets.load_from_disk(str(path))
            if isinstance(ds, datasets.DatasetDict):
                names = list(ds)
                if split is None and len(names) == 1:
                    split = names[0]
                if split not in ds:
                    raise EvalDataError(f"{path}: holds the splits {', '.join(names)}; choose one with --split")
                ds = ds[split]
        elif kind in ("csv", "tsv"):
            sep = "\t" if kind == "tsv" else ","
            features = datasets.Features({c: datasets.Value("string") for c in _header(path, sep)})
            ds = datasets.load_dataset("csv", data_files=str(path), split="train", features=features,
                                       keep_default_na=False, na_filter=False, delimiter=sep)
        else:
            ds = datasets.load_dataset(kind, data_files=str(path), split="train")
    except EvalDataError:
        raise
    except Exception as exc:  # the library raises many types for one cause: the file is not what it says
        what = {"disk": "a save_to_disk folder", "json": "JSON lines", "csv": "CSV", "tsv": "TSV",
                "parquet": "Parquet"}[kind]
        where = bad_json_line(path) if kind == "json" else None
        if where:
            raise EvalDataError(f"{path}: {where}") from None
        raise EvalDataError(f"{path}: cannot be read as {what} ({_first_line(exc)})") from None
    return ds.to_list()
