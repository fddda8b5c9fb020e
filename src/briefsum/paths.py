"""Where third-party data is read from: one rule for the library, its tools, benchmarks and tests."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA = "BRIEFSUM_DATA"


def repo_root() -> Path:
    """The checkout this package runs from (src/briefsum/.. /..), for a source install."""
    return Path(__file__).resolve().parents[2]


def data_root(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder: `explicit`, else $BRIEFSUM_DATA, else ../shared/data from the current folder or from the
    checkout (the first that exists; the first candidate when neither does)."""
    if explicit:
        return Path(os.path.expanduser(str(explicit)))
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(os.path.expanduser(env))
    candidates = [Path.cwd() / ".." / "shared" / "data", repo_root() / ".." / "shared" / "data"]
    for c in candidates:
        if c.is_dir():
            return c.resolve()
    return candidates[0]
