"""The learned compressor the offline engine uses: the deletion model's file, the parse layer, and the two uses
(a headline compressed to a length learned from the data; a brief sentence compressed where the model expects
the abstract to leave a part out).

The model file (`models/compressor.npz`, read without pickle) holds two tree ensembles over
`briefsum.grading.deletion.FEATURES` (`title/...`: deleted by the human title; `abstract/...`: deleted by the abstract),
the learned word rates the features read, optionally the word prior of the choices (`prior/...`,
briefsum.grading.prior), the word pairs no deletion parts (`fixed_pairs`), the linear fit of a title's length
on its source sentence's length and the thresholds tuned on held-out training documents. See
docs/compression.md.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from ..text import parse
from ..text.segment import count_words
from ..trees import Head, head_from_arrays
from .choice import BriefChoice, HeadlineChoice
from .deletion import FEATURES, candidates, compress_parsed, deletion_path, features
from .prior import WordPrior
from .rules import no_stop
from .wellformed import ends_open

MODEL_FORMAT = "briefsum-compressor"
MODEL_VERSION = 1
DEFAULT_MODEL = "compressor.npz"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Compressed:
    """A compressed sentence: its text, and the words of its source and of the result."""

    text: str
    source_words: int
    words: int

    @property
    def changed(self) -> bool:
        return self.words < self.source_words


def packaged_model_path() -> Path:
    return Path(str(resources.files("briefsum").joinpath("models", DEFAULT_MODEL)))


def _probability_or_none(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < float(value) <= 1.0:
        raise ValueError(f"the model's {name} is not a probability")
    return float(value)


def read_topics(table: object) -> frozenset[str]:
    """The words human titles put first as their topic (the model file's `label_topics`; empty when absent);
    ValueError when malformed."""
    if table is None:
        return frozenset()
    words = table.get("words") if isinstance(table, dict) else None
    if not isinstance(words, dict) or not all(
            isinstance(w, str) and isinstance(c, list) and len(c) == 2 and
            all(isinstance(n, int) and not isinstance(n, bool) for n in c) and 0 < c[0] <= c[1]
            for w, c in words.items()):
        raise ValueError("the model's label_topics are not a mapping of words to (titles, articles) counts")
    return frozenset(words)


def read_fixed_pairs(table: object) -> frozenset[tuple[str, str]]:
    """The word pairs never parted by a deletion (the model file's `fixed_pairs`: lower-case "a b" strings; empty
    when absent); ValueError when malformed."""
    if table is None:
        return frozenset()
    pairs = table.get("pairs") if isinstance(table, dict) else None
    if not isinstance(pairs, list) or not all(isinstance(s, str) and len(s.split(" ")) == 2 for s in pairs):
        raise ValueError("the model's fixed_pairs are not a list of two-word strings")
    return frozenset(tuple(s.split(" ")) for s in pairs)


class LearnedCompressor:
    """Parse-based, learned compression for the languages the model and the parse layer cover."""

    def __init__(self, title: Head, abstract: Head, meta: dict, prior: WordPrior | None = None):
        self.title, self.abstract, self.meta = title, abstract, meta
        self.prior = prior  # words known by name, for the expected-ROUGE choices (None: the word models alone)
        self.langs = tuple(meta.get("langs") or ("fr",))
        lex = meta.get("lexicon") or {}
        self.lexicon = {fam: {w: (float(r), float(c)) for w, (r, c) in table.items()} for fam, table in lex.items()}
        tune = meta.get("tuned") or {}
        if not isinstance(tune, dict):
            raise ValueError("the model's tuned settings are not a mapping")
        self.length_fit = tuple(meta.get("length_fit") or (8.0, 0.1))
        self.head_floor = float(tune.get("headline_floor", 0.3))
        self.head_threshold = float(tune.get("headline_threshold", 0.9))
        self.head_offset = float(tune.get("headline_offset", 0.0))  # words added to the fitted target length
        # the rules compress the headline as they do; the model deletes only where they leave it over budget
        self.head_after_rules = bool(tune.get("headline_after_rules", False))
        self.brief_threshold = tune.get("brief_threshold", 0.7)
        self.brief_refill = bool(tune.get("brief_refill", True))
        self.label_ner = bool(tune.get("label_ner", False))  # the topic label must be a named entity of the brief
        # a common noun of the brief may label the headline from this title probability up (None: proper nouns only)
        self.label_nouns = _probability_or_none(tune.get("label_nouns"), "label_nouns")
        self.label_topics = read_topics(meta.get("label_topics"))  # ...and only a word titles take as their topic
        self.fixed_pairs = read_fixed_pairs(meta.get("fixed_pairs"))  # words a deletion never parts
        # the headline chosen among several sentences' compressed forms by expected ROUGE (None: off)
        self.choice = HeadlineChoice.from_meta(tune.get("headline_choice"))
        # the brief's sentences printed whole or shortened, chosen by expected ROUGE (None: off)
        self.brief_choice = BriefChoice.from_meta(tune.get("brief_choice"))
        self._parsed: dict[tuple[str, str], object] = {}
        self.cache_size = 4096  # parsed sentences kept (the cache starts again when full)

    @classmethod
    def from_file(cls, path: str | Path) -> "LearnedCompressor":
        with np.load(Path(path), allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT or meta.get("version") != MODEL_VERSION:
                raise ValueError(f"not a {MODEL_FORMAT} v{MODEL_VERSION} file")
            if tuple(meta.get("features") or ()) != FEATURES:
                raise ValueError("the compressor was trained on a different feature set")
            prior = WordPrior.from_arrays(z, meta["word_prior"]) if meta.get("word_prior") is not None else None
            return cls(head_from_arrays(z, "title", len(FEATURES)), head_from_arrays(z, "abstract", len(FEATURES)),
                       meta, prior)

    def covers(self, lang: str) -> bool:
        """Whether this compressor can work on lang (loads the parser on first use)."""
        return lang in self.langs and parse.available(lang)

    def word_probabilities(self, probs: Mapping[str, float], use: str, lang: str | None) -> Mapping[str, float]:
        """The probabilities the choices read: the word models' (`probs`, for "title" or "abstract"), refined by
        the word prior where the file has one for lang."""
        return self.prior.refine(probs, use, lang) if self.prior is not None else probs

    def _parse(self, texts: Sequence[str], lang: str) -> list:
        todo = [t for t in dict.fromkeys(texts) if (lang, t) not in self._parsed]
        if todo:
            if len(self._parsed) + len(todo) > self.cache_size:
                self._parsed.clear()
            for t, pr in zip(todo, parse.parse(todo, lang) or []):
                self._parsed[(lang, t)] = pr
        return [self._parsed.get((lang, t)) for t in texts]

    def parsed(self, text: str, lang: str):
        """The parse of one sentence (cached), None without a parser."""
        return self._parse([text], lang)[0] if self.covers(lang) else None

    def _probs(self, head: Head, p, doc_tf: Counter | None, keywords: frozenset[str]):
        cands = candidates(p, self.fixed_pairs)
        if not cands:
            return cands, np.zeros(0)
        x = features(p, cands, self.lexicon, doc_tf, keywords)
        return cands, 1.0 / (1.0 + np.exp(-head.predict(x)))

    def target_words(self, source_words: int, max_words: int) -> int:
        """The headline length the model expects for a source sentence of this many words."""
        a, b = self.length_fit
        return int(max(5, min(max_words, round(a + b * source_words + self.head_offset))))

    def headline(self, text: str, lang: str, max_words: int, doc_tf: Counter | None = None,
                 keywords: frozenset[str] = frozenset(), floor: float | None = None,
                 threshold: float | None = None, target: int | None = None) -> str | None:
        """The sentence compressed as a headline (no final full stop), None when lang is not covered."""
        p = self.parsed(text, lang)
        if p is None:
            return None
        cands, probs = self._probs(self.title, p, doc_tf, keywords)
        target = self.target_words(count_words(text), max_words) if target is None else target
        out, _ = compress_parsed(p, probs, cands, self.head_threshold if threshold is None else threshold,
                                 target=target, floor=self.head_floor if floor is None else floor, min_words=4)
        return no_stop(out) or None

    def deletion_forms(self, text: str, lang: str, use: str, doc_tf: Counter | None = None,
                       keywords: frozenset[str] = frozenset(), floor: float = 0.15, min_words: int = 4,
                       value: Callable[[str], float] | None = None) -> list[str]:
        """The sentence shortened one learned deletion at a time, longest first, among the deletions the
        model for `use` ("title": headline forms, without their final full stop; "abstract": brief forms)
        makes with at least `floor` probability: the likeliest first, or with `value`, at each step the one
        whose result it rates highest (`deletion.deletion_path`); never one ending on a word that needs another
        after it (`wellformed.ends_open`); [] when lang is not covered."""
        p = self.parsed(text, lang)
        if p is None:
            return []
        cands, probs = self._probs(self.title if use == "title" else self.abstract, p, doc_tf, keywords)
        out = [t for t in deletion_path(p, probs, cands, floor, min_words=min_words, value=value)
               if not ends_open(t, text)]
        return [t for t in map(no_stop, out) if t] if use == "title" else out

    def sentences(self, texts: Sequence[str], lang: str, doc_tf: Counter | None = None,
                  keywords: frozenset[str] = frozenset(), threshold: float | None = None) -> list[Compressed] | None:
        """Each sentence compressed for a brief (deleting what the abstract model expects the abstract to
        leave out), None when lang is not covered or brief compression is off."""
        thr = self.brief_threshold if threshold is None else threshold
        if thr is None or not self.covers(lang):
            return None
        out = []
        for t, p in zip(texts, self._parse(list(texts), lang)):
            n = count_words(t)
            if p is None:
                out.append(Compressed(t, n, n))
                continue
            cands, probs = self._probs(self.abstract, p, doc_tf, keywords)
            txt, _ = compress_parsed(p, probs, cands, float(thr), min_words=6)
            m = count_words(txt)
            out.append(Compressed(txt, n, m) if 0 < m < n else Compressed(t, n, n))
        return out


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> LearnedCompressor:
    return LearnedCompressor.from_file(path)


def load(path: str | Path | None = None) -> LearnedCompressor | None:
    """The compressor in the model file (the packaged one by default); None, with a RuntimeWarning, when the file
    cannot be read (the engine then keeps the rules)."""
    p = Path(path) if path else packaged_model_path()
    try:
        return _cached(str(p.resolve()), p.stat().st_mtime)
    except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        warnings.warn(f"compressor model {p} could not be loaded ({type(exc).__name__}: {exc}); "
                      "compression uses the rules", RuntimeWarning, stacklevel=2)
        return None

