"""The output journal: JSON lines appended in order, each write whole lines, resumable after any stop.

Records go to the file with one os.write per chunk of whole lines on an O_APPEND descriptor, with SIGINT and
SIGTERM held back during the write, so an interrupted run leaves only finished records. A kill -9 (or a full
disk) can still cut the last line; `scan()` finds such a torn tail and resuming drops it.
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import dataclass, field

from ..errors import InputError

_HELD = {signal.SIGINT, signal.SIGTERM}


@dataclass
class Journal:
    """What an existing output file holds: the ids done, how many failed, where its last whole record ends."""

    ids: set[str] = field(default_factory=set)
    records: int = 0
    failed: int = 0
    good_bytes: int = 0
    torn_bytes: int = 0


def scan(path: str) -> Journal:
    """Read an output file's records; a torn last line is counted in torn_bytes, any other bad line is an error."""
    j = Journal()
    if not os.path.exists(path):
        return j
    with open(path, "rb") as fh:
        lineno = 0
        for line in fh:
            lineno += 1
            if not line.endswith(b"\n"):  # only the last line can lack its newline: a write cut by a kill
                j.torn_bytes = len(line)
                return j
            try:
                rec = json.loads(line)
            except ValueError:
                rec = None
            if not isinstance(rec, dict) or "id" not in rec:
                raise InputError(f"{path}: line {lineno} is not a briefsum record; not resuming "
                                 "(use another --output, or --force to start again)")
            j.ids.add(str(rec["id"]))
            j.records += 1
            j.failed += rec.get("error") is not None
            j.good_bytes += len(line)
    return j


class JournalWriter:
    """Appends record lines to a file; `truncate_to` drops a torn tail found by scan()."""

    def __init__(self, path: str, truncate_to: int | None = None, fresh: bool = False):
        self.path = path
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        try:
            if fresh:
                flags |= os.O_TRUNC
            self.fd = os.open(path, flags, 0o644)
            if truncate_to is not None and os.fstat(self.fd).st_size > truncate_to:
                os.ftruncate(self.fd, truncate_to)
        except IsADirectoryError:
            raise InputError(f"{path}: output path is a directory") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None

    def write(self, lines: list[bytes]) -> None:
        """Append whole lines in one write, with SIGINT/SIGTERM held until it is done."""
        data = memoryview(b"".join(lines))
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        try:
            while data:
                n = os.write(self.fd, data)
                data = data[n:]
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def close(self) -> None:
        """Flush to disk and close."""
        if self.fd is not None:
            try:
                os.fsync(self.fd)
            finally:
                os.close(self.fd)
                self.fd = None
