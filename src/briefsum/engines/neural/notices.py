"""What transformers says while briefsum loads and runs a model: warnings and log records caught, sent to
briefsum's debug log, and kept as one briefsum note where they change what the model writes."""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from typing import Any, Iterator

log = logging.getLogger("briefsum.neural")

# Notices about settings briefsum sets on purpose: dropped.
_DROP = ("seem to have been set", "Token indices sequence length is longer", "generation flags are not valid")
# Notices that say the model will not behave as its authors ran it: kept, as one note per model.
MATTERS = {
    "newly initialized": "some of its weights were missing from its files and are random",
    "were not used when initializing": "some weights in its files were not used",
}
_LOGGERS = ("transformers",)
_LOCK = threading.RLock()  # one block at a time swaps the loggers' handlers


class _QuietNotes(logging.Filter):
    """Drops transformers notices about settings briefsum sets on purpose."""

    def filter(self, record: Any) -> bool:
        msg = record.getMessage()
        return not any(d in msg for d in _DROP)


def quiet_transformers() -> None:
    """Filter the generation notices about briefsum's own settings out of transformers' loggers."""
    for name in ("transformers.generation.utils", "transformers.generation.configuration_utils",
                 "transformers.tokenization_utils_base"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _QuietNotes) for f in logger.filters):
            logger.addFilter(_QuietNotes())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except Exception:  # noqa: BLE001 - a record that cannot format is no reason to fail a load
            self.messages.append(str(record.msg))


@contextlib.contextmanager
def quiet_warnings(ref: str) -> Iterator[None]:
    """Python warnings raised inside the block (transformers' generate warns about settings briefsum chose)
    go to the debug log instead of the user."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        log.debug("%s: transformers: %s", ref, str(w.message).strip().splitlines()[0] if str(w.message).strip() else "")


@contextlib.contextmanager
def caught_notices(ref: str, notes: list[str]) -> Iterator[None]:
    """Catch what transformers warns or logs (WARNING and above) inside the block: each message goes to the debug
    log; those in MATTERS add one note for the model (ref) to notes, listing what they said."""
    with _LOCK:
        with _caught(ref, notes):
            yield


@contextlib.contextmanager
def _caught(ref: str, notes: list[str]) -> Iterator[None]:
    handler = _Collect()
    loggers = [logging.getLogger(n) for n in _LOGGERS]
    saved = [(lg.propagate, list(lg.handlers)) for lg in loggers]
    for lg in loggers:
        lg.handlers = [handler]
        lg.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        for lg, (prop, handlers) in zip(loggers, saved):
            lg.handlers = handlers
            lg.propagate = prop
        messages = handler.messages + [str(w.message) for w in caught]  # type: ignore[union-attr]
        said: list[str] = []
        for msg in messages:
            log.debug("%s: transformers: %s", ref, msg.strip().splitlines()[0] if msg.strip() else msg)
            for key, meaning in MATTERS.items():
                if key in msg and meaning not in said:
                    said.append(meaning)
        if said:
            notes.append(f"model {ref}: " + "; ".join(said))
