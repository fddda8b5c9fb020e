"""The engines built from their typed settings: the offline engine (its scorer, compressor and headline
options), and the neural engine with the offline one injected as its fallback."""

from __future__ import annotations

import warnings

from ..errors import ConfigError
from ..settings import OfflineSettings, Settings


def learned_compressor(settings: OfflineSettings):
    """The learned parse-based compressor (compression: learned), or None for the rules."""
    if settings.compression != "learned":
        return None
    from ..grading.compressor import load

    return load(settings.compressor_path)


def offline_engine(settings: OfflineSettings):
    """The extractive engine of `engine.offline`. A custom scorer model that does not load falls back to the
    centrality scorer with a notice the result's warnings carry (its Python warning would only repeat it)."""
    from .offline.engine import ExtractiveEngine, make_scorer

    options = {"position_weight": settings.position_weight}
    path = settings.model_path
    if path is not None:
        if path.exists() and not path.is_file():  # a folder, a device, a FIFO: never opened
            raise ConfigError(f"config: engine.offline.model_path is not a regular file: {path}")
        options["model_path"] = str(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            scorer = make_scorer(settings.scorer, options)
    else:
        scorer = make_scorer(settings.scorer, options)
    return ExtractiveEngine(scorer, settings.redundancy, settings.headline_target, settings.headline_fit_margin,
                            settings.headline_label, settings.headline_label_langs, learned_compressor(settings))


def neural_engine(settings: Settings, source: str, target: str | None):
    """The neural engine for a language pair, its models loaded (ModelUnavailable saying how to get a missing
    one; ImportError without the `neural` extra); the grades its models cannot write go to the offline engine."""
    from .neural import NeuralEngine

    return NeuralEngine.from_config(settings, source, target, fallback=lambda: offline_engine(settings.offline))
