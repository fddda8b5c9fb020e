"""Bounded reading and all-or-nothing writing of files, devices, pipes and the standard streams.

Nothing here ever reads more than a given number of bytes (a device such as /dev/zero or a pipe that never ends
is refused once the limit is passed), waits on a silent pipe past a deadline, or leaves a partial output file.
"""

from __future__ import annotations

import os
import select
import stat
import tempfile
import time

from .errors import InputError, InputTooLargeError

CHUNK = 1 << 16


def read_bounded(path: str | None, limit: int, *, name: str, timeout: float | None = None,
                 what: str = "the input limit") -> bytes:
    """The bytes of a file (path) or of standard input (path None), at most limit bytes.

    More than limit bytes: InputTooLargeError. A pipe, FIFO or device that gives nothing for `timeout`
    seconds: InputError. Other problems (missing, a folder, permission): InputError. One line each.
    """
    if path is None:
        fd = _stdin_fd(name)
        return _read_fd(fd, limit, name, timeout, what, regular=_is_regular(fd), own=False)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{name}: is a directory, not a file")
    regular = stat.S_ISREG(st.st_mode)
    if regular and st.st_size > limit:
        raise InputTooLargeError(f"{name}: file of {st.st_size:,} bytes is larger than {what}")
    # A FIFO without a writer would block open() itself: open it without waiting, then poll with the deadline.
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | (0 if regular else os.O_NONBLOCK)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    return _read_fd(fd, limit, name, timeout, what, regular=regular, own=True)


def _stdin_fd(name: str) -> int:
    try:
        fd = 0
        os.fstat(fd)
    except OSError:
        raise InputError(f"{name}: is closed") from None
    return fd


def _is_regular(fd: int) -> bool:
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        return False


def _read_fd(fd: int, limit: int, name: str, timeout: float | None, what: str, *, regular: bool,
             own: bool) -> bytes:
    chunks: list[bytes] = []
    total = 0
    deadline = None if (timeout is None or regular or os.isatty(fd)) else time.monotonic() + timeout
    try:
        while True:
            if deadline is not None:
                left = deadline - time.monotonic()
                ready = select.select([fd], [], [], max(0.0, left))[0] if left > 0 else []
                if not ready:
                    raise InputError(f"{name}: nothing more arrived within {timeout:g} s (limits.timeout_s)")
            try:
                block = os.read(fd, min(CHUNK, limit + 1 - total))
            except BlockingIOError:
                if deadline is None:  # a non-blocking FIFO read without a deadline: wait a little
                    time.sleep(0.01)
                continue
            except IsADirectoryError:
                raise InputError(f"{name}: is a directory, not a file") from None
            except OSError as exc:
                raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
            if not block:
                if not regular and not chunks and deadline is not None and _fifo_without_writer(fd):
                    continue  # no writer yet: keep waiting (until the deadline)
                break
            chunks.append(block)
            total += len(block)
            if total > limit:
                raise InputTooLargeError(f"{name}: more than {limit:,} bytes, larger than {what}")
    finally:
        if own:
            os.close(fd)
    return b"".join(chunks)


def _fifo_without_writer(fd: int) -> bool:
    """A named FIFO opened without waiting reads end-of-file until a writer arrives; tell that case apart."""
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return False
    except OSError:
        return False
    time.sleep(0.02)
    return True


def write_atomic(path: str, data: bytes, *, replace: bool) -> None:
    """Write data to path all at once: a temporary file in the same folder, renamed over the target.

    A failure (disk full, a size limit, a signal) leaves any previous file whole and no partial file.
    replace=False refuses a target that exists, even one that appeared meanwhile (FileExistsError).
    Paths that are not regular files (a device, a FIFO, /dev/stdout) are written directly.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(path)
        with open(path, "wb") as fh:
            fh.write(data)
        return
    if st is not None and not replace:
        raise FileExistsError(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".briefsum-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            try:
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the target appeared meanwhile: never replaces without --force
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: claim the name, then rename over the claim
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
