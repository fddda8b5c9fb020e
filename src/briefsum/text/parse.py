"""The parse layer: spaCy's French pipeline (fr_core_news_sm), loaded lazily once per process. It serves the
learned compression and the names of the neural engine's faithfulness check.

Nothing here imports spaCy at module import; `pipeline()` loads it on first use and keeps it. Without spaCy or
the model installed, `available()` is False, one RuntimeWarning says so, and callers keep their rule-based path.
A parsed sentence is kept as plain lists (`Parsed`), so the compressor and its tests need no spaCy objects.
"""

from __future__ import annotations

import sys
import threading
import warnings
from dataclasses import dataclass, field
from typing import Sequence

from .words import WORD

# The pipeline package per language; only French has one installed with the project.
MODELS = {"fr": "fr_core_news_sm"}
# Components the compressor and the topic label do not read (the sentence is segmented already).
_EXCLUDE = ("senter",)
_NE = frozenset({"ne", "n'", "n’"})
_AFTER_NE = frozenset({"plus", "point"})  # ("guère" is a negation wherever it stands)
_NEGATION = frozenset("ne n' n’ pas jamais rien aucun aucune aucuns aucunes guère nullement non ni personne".split())


@dataclass
class Parsed:
    """One parsed sentence: its tokens (spaCy's tokenisation of the sentence text, so joining text + ws gives
    the text back), with part of speech, dependency label, head (index in the sentence; the root is its own),
    lemma, named-entity type ('' outside one), whether the token is a finite verb and whether it is a number."""

    text: list[str]
    ws: list[str]
    pos: list[str]
    dep: list[str]
    head: list[int]
    lemma: list[str]
    ent: list[str] = field(default_factory=list)
    finite: list[bool] = field(default_factory=list)
    number: list[bool] = field(default_factory=list)

    def __post_init__(self):
        n = len(self.text)
        self.ent = self.ent or [""] * n
        self.finite = self.finite or [False] * n
        self.number = self.number or [False] * n
        if not (len(self.ws) == len(self.pos) == len(self.dep) == len(self.head) == len(self.lemma) == n
                == len(self.ent) == len(self.finite) == len(self.number)):
            raise ValueError("parsed sentence: token lists differ in length")

    def __len__(self) -> int:
        return len(self.text)

    def children(self) -> list[list[int]]:
        """Each token's dependents, in order."""
        kids: list[list[int]] = [[] for _ in range(len(self))]
        for i, h in enumerate(self.head):
            if h != i and 0 <= h < len(self):
                kids[h].append(i)
        return kids

    @staticmethod
    def subtree(kids: list[list[int]], i: int) -> set[int]:
        """Token i and everything under it (kids: `children()`)."""
        out, stack = set(), [i]
        while stack:
            k = stack.pop()
            if k not in out:
                out.add(k)
                stack.extend(kids[k])
        return out

    def is_punct(self, i: int) -> bool:
        """Whether token i is punctuation (or holds no word character)."""
        return self.pos[i] == "PUNCT" or not WORD.search(self.text[i])

    def negation(self, i: int) -> bool:
        """Whether token i marks a negation ("ne", "pas", "jamais", "aucun"..., and "plus" or "point"
        a few words after "ne": "ne se sont plus revus")."""
        word = self.text[i].lower()
        if word in _NEGATION or self.lemma[i].lower() in _NEGATION:
            return True
        return word in _AFTER_NE and any(t.lower() in _NE for t in self.text[max(0, i - 4):i])

    def entities(self) -> list[tuple[int, int, str]]:
        """Named-entity spans (start, end exclusive, type), from consecutive tokens of one type."""
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(self.ent):
            if self.ent[i]:
                j = i
                while j + 1 < len(self.ent) and self.ent[j + 1] == self.ent[i] and self.ws[j]:
                    j += 1
                out.append((i, j + 1, self.ent[i]))
                i = j + 1
            else:
                i += 1
        return out

    def span_text(self, start: int, end: int) -> str:
        return "".join(t + w for t, w in zip(self.text[start:end], self.ws[start:end])).strip()


_LOCK = threading.Lock()
_LOADED: dict[str, object] = {}
_WARNED: set[str] = set()


def _load(lang: str):
    # spaCy is imported here only (heavy). thinc, under spaCy, imports torch when it is installed (1-2 s) though
    # the CPU pipeline never uses it: hide it during the import unless something has imported it already.
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy as sp  # noqa: PLC0415

        return sp.load(MODELS[lang], exclude=list(_EXCLUDE))
    finally:
        if hide and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


def pipeline(lang: str):
    """The spaCy pipeline for lang, loaded on first use; None (after one RuntimeWarning) where spaCy or the
    model is not installed, or the language has none."""
    if lang not in MODELS:
        return None
    with _LOCK:
        if lang in _LOADED:
            return _LOADED[lang]
        try:
            nlp = _load(lang)
        except Exception as exc:  # noqa: BLE001 - not installed, or installed broken: the rules stand in
            nlp = None
            if lang not in _WARNED:
                _WARNED.add(lang)
                warnings.warn(f"spaCy pipeline {MODELS[lang]} unavailable ({type(exc).__name__}: {exc}); the rules "
                              "stand in (compression, and names in the neural engine's faithfulness check)",
                              RuntimeWarning, stacklevel=3)
        _LOADED[lang] = nlp
        return nlp


def available(lang: str) -> bool:
    """Whether a parser for lang can be loaded (loads it)."""
    return pipeline(lang) is not None


def from_doc(doc) -> Parsed:
    """A spaCy Doc (one sentence) as a Parsed."""
    toks = list(doc)
    return Parsed(
        text=[t.text for t in toks], ws=[t.whitespace_ for t in toks], pos=[t.pos_ for t in toks],
        dep=[t.dep_ if t.head.i != t.i else "ROOT" for t in toks], head=[t.head.i for t in toks],
        lemma=[t.lemma_ for t in toks], ent=[t.ent_type_ for t in toks],
        finite=[t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm") for t in toks],
        number=[t.like_num or t.pos_ == "NUM" for t in toks],
    )


def parse(texts: Sequence[str], lang: str, batch_size: int = 64) -> list[Parsed] | None:
    """Each text parsed as one sentence (the pipeline's own sentence splits are ignored), or None when no
    parser is available for lang."""
    nlp = pipeline(lang)
    if nlp is None:
        return None
    return [from_doc(d) for d in nlp.pipe(list(texts), batch_size=batch_size)]
