"""A wall-clock budget for one call, checked by the stages that loop over the input."""

from __future__ import annotations

import time

from .errors import TimeLimitError


class Deadline:
    """Started with a number of seconds; check() raises TimeLimitError once they have passed."""

    __slots__ = ("seconds", "end")

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + float(seconds)

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or None without a budget."""
        return None if self.end is None else max(0.0, self.end - time.monotonic())

    def check(self, stage: str) -> None:
        if self.end is not None and time.monotonic() > self.end:
            raise TimeLimitError(f"stopped while {stage}: the call took longer than {self.seconds:g} s "
                                 "(raise limits.timeout_s in the config to allow it)")


NO_DEADLINE = Deadline(None)
