"""Shared fixtures: where the third-party data lives (read in place, never copied)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefsum.paths import data_root as _data_root_path

REPO = Path(__file__).resolve().parent.parent
DATA = _data_root_path()
SEED = DATA / "seed" / "astana-cica-2022-11.fr.txt"
EXAMPLE = REPO / "examples" / "sommet-fr.txt"


@pytest.fixture(scope="session")
def data_root() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"shared data folder not found at {DATA} (set BRIEFSUM_DATA)")
    return DATA


@pytest.fixture(scope="session")
def seed_text(data_root: Path) -> str:
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def apertium_ready() -> bool:
    from briefsum.translation.apertium import ApertiumTranslator
    from briefsum.config import load_config

    ap = load_config().get("apertium")
    return ApertiumTranslator(ap["routes"], ap["packages"]).missing_reason("fr", "en") is None


needs_apertium = pytest.mark.skipif(
    not shutil.which("apertium") or not apertium_ready(),
    reason="Apertium with fr-es and spa-eng is not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)


GRADE_ORDER = ["headline", "brief", "summary", "detailed"]


def assert_well_formed(brief) -> None:
    """Budgets hold, grades nest (by source sentence), indices are sorted and point at real sentences."""
    from briefsum.text.segment import count_words

    names = [n for n in GRADE_ORDER if n in brief.grades]
    for shorter, longer in zip(names, names[1:]):
        assert set(brief.grades[shorter].source_indices) <= set(brief.grades[longer].source_indices)
    for g in brief.grades.values():
        assert g.words == count_words(g.text) <= g.max_words
        assert g.source_indices == sorted(g.source_indices)
        assert all(0 <= i < brief.stats["sentences"] for i in g.source_indices)
        assert "\x00" not in g.text


def packaged_model_variant(path: Path, edit_meta, drop_prefix: str | None = None) -> Path:
    """Write the packaged learned-scorer model to `path` with its metadata changed by edit_meta(meta) (in place)
    and, optionally, the arrays under drop_prefix left out."""
    import json

    import numpy as np

    from briefsum.engines.offline.learned import packaged_model_path

    with np.load(packaged_model_path(), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if not (drop_prefix and k.startswith(drop_prefix))}
    meta = json.loads(str(arrays["meta"]))
    edit_meta(meta)
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    return path
