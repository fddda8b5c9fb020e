"""Corpus readers: expand inputs to files, then stream one Article per text file or table row.

Inputs are files, globs or directories. Directories give their .txt/.html/.htm files (recursively, sorted); table
files (.jsonl, .jsonl.gz, .json lines, .csv, .parquet) give one article per row. Nothing is read whole: text files
one at a time, JSON lines line by line, CSV row by row, Parquet by record batches.

An article's `id` is the --id-field value, or else its `source`: the file path for a text file, `PATH#N` (N the
0-based row) for a table row. A row or file that cannot be read becomes an Article with `error` set (a damaged
table file: its readable rows, then one error Article with the file's path as id), so the run records it and goes
on.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import json
import os
from dataclasses import dataclass
from typing import Iterator, Sequence

from ..errors import InputError
from ..text.normalise import decode_bytes

TEXT_SUFFIXES = (".txt", ".html", ".htm")
TABLE_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz", ".csv", ".csv.gz", ".parquet")
DEFAULT_MAX_CHARS = 2_000_000


@dataclass
class Article:
    """One article to summarise: its id, where it came from, and its text (or why it has none)."""

    id: str
    source: str
    text: str | None
    error: str | None = None


@dataclass(frozen=True)
class ReadOptions:
    """How to read table files and text files."""

    text_field: str = "text"
    id_field: str | None = None
    encoding: str | None = None
    max_chars: int = DEFAULT_MAX_CHARS

    @property
    def max_bytes(self) -> int:
        """The largest file or row read, in bytes (a UTF-8 character is at most 4 bytes)."""
        return 4 * self.max_chars + 1024


def kind_of(path: str) -> str:
    """'jsonl', 'csv', 'parquet' or 'text', from a file name."""
    low = path.lower()
    if low.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz")):
        return "jsonl"
    if low.endswith((".csv", ".csv.gz")):
        return "csv"
    if low.endswith(".parquet"):
        return "parquet"
    return "text"


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """The files named by paths, globs and directories, in the order given (glob and directory matches sorted).

    Raises InputError for an input that names nothing."""
    files: list[str] = []
    for item in inputs:
        if os.path.isdir(item):
            found = sorted(os.path.join(root, name) for root, _dirs, names in os.walk(item) for name in names
                           if name.lower().endswith(TEXT_SUFFIXES + TABLE_SUFFIXES))
            if not found:
                raise InputError(f"{item}: directory holds no .txt, .html, .jsonl, .csv or .parquet file")
            files.extend(found)
        elif os.path.exists(item):
            files.append(item)
        elif glob.has_magic(item):
            found = sorted(p for p in glob.glob(item, recursive=True) if os.path.isfile(p))
            if not found:
                raise InputError(f"{item}: no file matches")
            files.extend(found)
        else:
            raise InputError(f"{item}: no such file")
    return files


def decode_article(data: bytes, name: str, encoding: str | None) -> str:
    """A text file's bytes as text (the rules of `briefsum FILE`); InputError when empty or undecodable."""
    if not data.strip():
        raise InputError(f"{name}: is empty")
    return decode_bytes(data, encoding, name=name)


def read_text_file(path: str, opts: ReadOptions) -> Article:
    """One text or HTML file as an Article (id and source: the path)."""
    try:
        size = os.path.getsize(path)
        if size > opts.max_bytes:
            raise InputError(f"{path}: file of {size:,} bytes is larger than the input limit "
                             f"({opts.max_chars:,} characters; raise limits.max_input_chars in a config)")
        with open(path, "rb") as fh:
            data = fh.read(opts.max_bytes + 1)
        return Article(path, path, decode_article(data, path, opts.encoding))
    except InputError as exc:
        return Article(path, path, None, str(exc))
    except OSError as exc:
        return Article(path, path, None, f"{path}: cannot be read ({exc.strerror or exc})")


def _row_article(row: object, source: str, opts: ReadOptions) -> Article:
    if not isinstance(row, dict):
        return Article(source, source, None, f"{source}: row is not an object")
    ident = row.get(opts.id_field) if opts.id_field else None
    ident = source if ident is None or ident == "" else str(ident)
    if opts.text_field not in row:
        fields = ", ".join(sorted(map(str, row))[:8])
        return Article(ident, source, None, f"{source}: no field '{opts.text_field}' (fields: {fields}; "
                                            "use --text-field)")
    text = row[opts.text_field]
    if text is None:
        return Article(ident, source, None, f"{source}: field '{opts.text_field}' is empty")
    if not isinstance(text, str):
        return Article(ident, source, None, f"{source}: field '{opts.text_field}' is not text")
    return Article(ident, source, text)


def _open_binary(path: str):
    fh = open(path, "rb")
    return gzip.GzipFile(fileobj=fh, mode="rb") if path.lower().endswith(".gz") else fh


def _iter_jsonl(path: str, opts: ReadOptions) -> Iterator[Article]:
    with _open_binary(path) as fh:
        n = 0
        while True:
            line = fh.readline(opts.max_bytes + 1)
            if not line:
                return
            source = f"{path}#{n}"
            if len(line) > opts.max_bytes and not line.endswith(b"\n"):
                while True:  # skip the rest of the overlong row without holding it
                    rest = fh.readline(1 << 20)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield Article(source, source, None, f"{source}: row is larger than the input limit "
                                                    f"({opts.max_chars:,} characters)")
                n += 1
                continue
            if not line.strip():
                continue  # blank lines are not rows
            try:
                row = json.loads(line)
            except (ValueError, UnicodeDecodeError) as exc:
                yield Article(source, source, None, f"{source}: not valid JSON ({exc})")
            else:
                yield _row_article(row, source, opts)
            n += 1


def _iter_csv(path: str, opts: ReadOptions) -> Iterator[Article]:
    csv.field_size_limit(max(opts.max_bytes, 131072))
    with _open_binary(path) as raw, io.TextIOWrapper(raw, encoding=opts.encoding or "utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        n = 0
        try:
            for row in reader:
                yield _row_article(row, f"{path}#{n}", opts)
                n += 1
        except (csv.Error, UnicodeDecodeError) as exc:
            source = f"{path}#{n}"
            yield Article(source, source, None, f"{source}: cannot be read as CSV ({exc}); the rest of the file "
                                                "is skipped")


def _iter_parquet(path: str, opts: ReadOptions) -> Iterator[Article]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{path}: reading Parquet needs pyarrow (pip install 'briefsum[batch]')") from None
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for a damaged file
        raise InputError(f"{path}: cannot be read as Parquet ({exc})") from None
    names = set(pf.schema_arrow.names)
    if opts.text_field not in names:
        raise InputError(f"{path}: no column '{opts.text_field}' (columns: {', '.join(sorted(names)[:8])}; "
                         "use --text-field)")
    columns = [opts.text_field] + ([opts.id_field] if opts.id_field and opts.id_field in names else [])
    n = 0
    for batch in pf.iter_batches(batch_size=256, columns=columns):
        for row in batch.to_pylist():
            yield _row_article(row, f"{path}#{n}", opts)
            n += 1


def iter_file(path: str, opts: ReadOptions) -> Iterator[Article]:
    """The articles of one file, streamed."""
    kind = kind_of(path)
    if kind == "text":
        yield read_text_file(path, opts)
        return
    try:
        if kind == "jsonl":
            yield from _iter_jsonl(path, opts)
        elif kind == "csv":
            yield from _iter_csv(path, opts)
        else:
            yield from _iter_parquet(path, opts)
    except InputError as exc:  # the file as a whole cannot be read: one error record for it, the run goes on
        yield Article(path, path, None, str(exc))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Article(path, path, None, f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc}); "
                                        "rows before the damage are kept")


def iter_articles(files: Sequence[str], opts: ReadOptions) -> Iterator[Article]:
    """The articles of every file, in order."""
    for path in files:
        yield from iter_file(path, opts)


def count_articles(files: Sequence[str], opts: ReadOptions) -> int | None:
    """How many articles the files hold (a quick pass: lines, rows, Parquet metadata); None if unknown."""
    total = 0
    try:
        for path in files:
            kind = kind_of(path)
            if kind == "text":
                total += 1
            elif kind == "parquet":
                import pyarrow.parquet as pq

                total += pq.ParquetFile(path).metadata.num_rows
            elif kind == "jsonl":
                with _open_binary(path) as fh:
                    total += sum(1 for line in iter(lambda: fh.readline(1 << 20), b"")
                                 if line.endswith(b"\n") and line.strip())
            else:
                return None
    except Exception:  # a count is only for the progress bar; reading reports the real error
        return None
    return total
