"""A trained sentence scorer: language-independent sentence features and small numpy-evaluated models.

Two heads score each sentence: one for the headline (trained against human titles) and one for the body
grades (trained against human abstracts through a greedy ROUGE oracle). Features carry across languages:
position, paragraph layout, length, TF-IDF centrality and similarity to the lead, capitalised-word, number
and quotation density. The weights live in a small ``.npz`` file read without pickle; training
(training/train_scorer.py) uses LightGBM, inference needs only numpy.
"""

from __future__ import annotations

import functools
import json
import math
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from typing import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from ...text.segment import Document
from ...text.words import WORD
from ...trees import Head, head_from_arrays
from .features import (ABSTRACT_WORDS, BASE_FEATURES, FEATURE_NAMES, HEAD_MAX_WORDS, HEAD_TARGET_WORDS, SET_FEATURES,
                       TITLE_WORDS, WORD_FEATURES, base_features, centrality_of, lexical_features, word_features)
from .scoring import CentralityScorer, Scores, cosine_matrix

MODEL_FORMAT = "briefsum-learned-scorer"
MODEL_VERSION = 1
DEFAULT_MODEL = "learned-scorer.npz"


@dataclass
class PhraseModel:
    """A linear model of how an abstract words things: from the words and adjacent word pairs a sentence holds
    (lower-case \\w+ tokens, each present or not, the vector scaled to unit length), the share of the sentence's
    word pairs a human abstract shares with it. Unlike the word models it knows words by name, so it is kept
    to the languages it was trained on (langs); other languages get the intercept, as a sentence with no known
    word does."""

    weights: dict[str, float]
    intercept: float
    langs: tuple[str, ...]

    @classmethod
    def from_arrays(cls, z, meta: dict) -> "PhraseModel":
        """Read the phrase list (newline-joined UTF-8 bytes) and its weights from a model file."""
        terms, w = np.asarray(z["phrase/terms"]), np.asarray(z["phrase/weights"])
        if terms.dtype != np.uint8 or terms.ndim != 1 or w.ndim != 1 or w.dtype.kind != "f":
            raise ValueError("phrase/terms must be bytes and phrase/weights one float per term")
        phrases = bytes(terms).decode("utf-8").split("\n")
        weights = dict(zip(phrases, w.astype(np.float64).tolist()))
        if len(phrases) != w.size or len(weights) != w.size or not np.isfinite(w).all():
            raise ValueError("phrase/terms and phrase/weights do not match")
        intercept, langs = float(meta["intercept"]), meta.get("langs")
        if not math.isfinite(intercept):
            raise ValueError("the phrase model's intercept is not a finite number")
        if not isinstance(langs, list) or not langs or not all(isinstance(x, str) and x for x in langs):
            raise ValueError("the phrase model names no languages")
        return cls(weights, intercept, tuple(langs))

    def score(self, texts: Sequence[str], lang: str | None = None) -> np.ndarray:
        """One score per text (the expected share of its word pairs an abstract holds)."""
        out = np.full(len(texts), self.intercept)
        if lang not in self.langs:
            return out
        w = self.weights
        for k, text in enumerate(texts):
            toks = WORD.findall(text.lower())
            hits = [w[g] for g in {*toks, *(f"{a} {b}" for a, b in zip(toks, toks[1:]))} if g in w]
            if hits:
                out[k] += math.fsum(sorted(hits)) / math.sqrt(len(hits))
        return out


@dataclass
class WordModels:
    """The two word models: will the title / the abstract use this word of the article (log-odds out); and
    the phrase model, whose scores the sentence heads and the brief head read."""

    title: "Head"
    abstract: "Head"
    phrases: PhraseModel

    def phrase_scores(self, doc: Document) -> np.ndarray:
        """The phrase model's score of each sentence of doc."""
        return self.phrases.score([s.text for s in doc.sentences], doc.lang)

    def probabilities(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if x.shape[0] == 0:
            return np.zeros(0), np.zeros(0)
        sig = lambda r: 1.0 / (1.0 + np.exp(-r))  # noqa: E731
        return sig(self.title.predict(x)), sig(self.abstract.predict(x))


@dataclass
class DocContext:
    """What the brief head needs of a document besides the sentence scores: each sentence's word ids (into the
    document's distinct words), the word models' probabilities for those words, sentence lengths and the
    sentences' TF-IDF cosine similarities."""

    sent_ids: list[np.ndarray]
    p_title: np.ndarray
    p_abs: np.ndarray
    words: np.ndarray
    sim: np.ndarray
    phrase: np.ndarray  # the phrase model's score of each sentence
    vocab: list[str] | None = None  # the distinct words the ids point at (lower-case)


def analyse(doc: Document, words: WordModels | None = None) -> tuple[np.ndarray, DocContext | None]:
    """Sentence features (as sentence_features) and, when word models are given, the document's DocContext."""
    base, cent, head_texts, sim = base_features(doc, with_sim=True)
    if words is None:
        return base, None
    if base.shape[0] == 0:
        return np.zeros((0, len(FEATURE_NAMES))), None
    vocab, wx, sent_ids = word_features(doc, cent, head_texts)
    p_t, p_a = words.probabilities(wx)
    index = {w: j for j, w in enumerate(vocab)}
    head_ids = [np.array([index[w.lower()] for w in WORD.findall(h) if w.lower() in index], dtype=np.intp)
                for h in head_texts]
    ph = words.phrase_scores(doc)
    ctx = DocContext(sent_ids, p_t, p_a, np.array([max(0, s.words) for s in doc.sentences], dtype=float), sim, ph,
                     list(vocab))
    return np.hstack([base, lexical_features(sent_ids, head_ids, p_t, p_a), ph[:, None],
                      (ph - ph.max())[:, None]]), ctx


def doc_context(doc: Document, words: WordModels) -> DocContext | None:
    """The DocContext alone, as analyse() gives it, without computing the sentence features (the word table
    needs only the first sentence's headline form)."""
    sents = doc.sentences
    if not sents:
        return None
    from ...grading.rules import compress

    sim = cosine_matrix([s.text for s in sents])
    head0 = [compress(sents[0].text, doc.lang, HEAD_MAX_WORDS, target_words=HEAD_TARGET_WORDS)]
    vocab, wx, sent_ids = word_features(doc, centrality_of(sim), head0)
    p_t, p_a = words.probabilities(wx)
    return DocContext(sent_ids, p_t, p_a, np.array([max(0, s.words) for s in sents], dtype=float), sim,
                      words.phrase_scores(doc), list(vocab))


def sentence_features(doc: Document, words: WordModels | None = None) -> np.ndarray:
    """One row per sentence of the document (float64): BASE_FEATURES, then LEXICAL_FEATURES and
    PHRASE_FEATURES when word models are given."""
    return analyse(doc, words)[0]


def set_features(ctx: DocContext, body: np.ndarray, order: Sequence[int], seed: Sequence[int],
                 candidates: Sequence[Sequence[int]]) -> np.ndarray:
    """One row of SET_FEATURES per candidate brief. body: the body head's probabilities; order: the candidate
    sentences ranked by them (best first); seed: the sentences every candidate holds (the headline's)."""
    n = len(ctx.sent_ids)
    pa, pt = ctx.p_abs, ctx.p_title
    rank = {i: r for r, i in enumerate(order)}
    b = np.clip(body, 1e-9, 1 - 1e-9)
    logit = np.log(b / (1 - b))
    tot_a = float(pa.sum()) + 1e-9
    bmax = max((float(body[i]) for i in order), default=0.0)
    doc_words = float(ctx.words.sum())
    seed = list(seed)
    seed_ids = np.concatenate([ctx.sent_ids[i] for i in seed]) if seed else np.zeros(0, dtype=np.intp)
    seed_a = float(pa[np.unique(seed_ids)].sum()) if seed_ids.size else 0.0
    seed_w = float(sum(ctx.words[i] for i in seed))
    ph = ctx.phrase
    out = np.zeros((len(candidates), len(SET_FEATURES)))
    for k, cand in enumerate(candidates):
        cand = sorted(cand)
        added = [i for i in cand if i not in seed]
        seq = np.concatenate([ctx.sent_ids[i] for i in cand]) if cand else np.zeros(0, dtype=np.intp)
        nw = float(sum(ctx.words[i] for i in cand))
        u = np.unique(seq)
        ea, et = float(pa[u].sum()), float(pt[u].sum())
        ba = [float(body[i]) for i in added]
        pair = [float(ctx.sim[a, c]) for j, a in enumerate(cand) for c in cand[j + 1:]]
        bi = float((pa[seq[:-1]] * pa[seq[1:]]).sum()) if seq.size > 1 else 0.0
        ntok = max(1, seq.size)
        out[k] = (
            len(added), len(cand), nw, abs(nw - ABSTRACT_WORDS), float(body[seed[0]]) if seed else -1.0,
            sum(ba), min(ba, default=1.0), max(ba, default=0.0), float(sum(logit[i] for i in cand)), bmax,
            max((rank.get(i, n) for i in added), default=-1), float(np.mean([rank.get(i, n) for i in added]))
            if added else -1.0,
            min((i / n for i in added), default=-1.0), max((i / n for i in added), default=-1.0),
            seed[0] / n if seed else -1.0,
            ea, ea / ntok, 2 * ea / (seq.size + ABSTRACT_WORDS), ea / tot_a,
            et, 2 * et / (seq.size + TITLE_WORDS), u.size / ntok, max(pair, default=0.0),
            math.log1p(n), math.log1p(doc_words), sum(1 for i in added if i < 3), cand[0] if cand else -1,
            2 * bi / (max(1, seq.size - 1) + ABSTRACT_WORDS - 1), bi, 2 * float(pa[seq].sum()) / (seq.size + ABSTRACT_WORDS),
            ea - seed_a, (ea - seed_a) / max(1.0, nw - seed_w),
            float(ph[cand].mean()) if cand else 0.0,
            float((ph[cand] * ctx.words[cand]).sum() / max(1.0, nw)) if cand else 0.0,
            float(ph[added].mean()) if added else 0.0, float(ph[added].min()) if added else 0.0,
        )
    return out



MAX_SENTENCES = 1500


def brief_stop(body: np.ndarray, stop: float | None, margin: float | None) -> float | None:
    """The brief's threshold on body probabilities for one document: the model's absolute `stop`, raised to
    the document's best sentence less `margin` in log-odds (a second sentence must score close to the first)."""
    if margin is None or body.size == 0:
        return stop
    top = float(np.clip(body.max(), 1e-12, 1 - 1e-12))
    rel = 1.0 / (1.0 + math.exp(-(math.log(top / (1 - top)) - margin)))
    return rel if stop is None else max(stop, rel)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return -1.0


@functools.lru_cache(maxsize=8)
def _cached_model(path: str, mtime: float) -> "LearnedScorer":
    """Each model file is read once per process (per modification time); scorers are immutable."""
    return LearnedScorer.from_file(path)


def packaged_model_path() -> Path:
    """Where the model shipped with the package lives."""
    return Path(str(resources.files("briefsum").joinpath("models", DEFAULT_MODEL)))


class LearnedScorer:
    """Scores sentences with trained headline and body heads; see training/train_scorer.py."""

    name = "learned"

    def __init__(self, headline: Head, body: Head, meta: dict, words: WordModels | None = None,
                 brief: Head | None = None):
        self.headline_head = headline
        self.body_head = body
        self.words = words
        self.brief_head = brief  # chooses the brief among candidate sets of sentences (needs the word models)
        self.meta = meta
        self.stop = meta.get("brief_stop")
        self.margin = meta.get("brief_margin")

    @classmethod
    def from_file(cls, path: str | Path) -> "LearnedScorer":
        """Read a model file; raise ValueError/OSError when it is missing or not a valid model."""
        with np.load(Path(path), allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if not isinstance(meta, dict):
                raise ValueError("the model's metadata is not an object")
            if meta.get("format") != MODEL_FORMAT or meta.get("version") != MODEL_VERSION:
                raise ValueError(f"not a {MODEL_FORMAT} v{MODEL_VERSION} file")
            feats = tuple(meta.get("features") or ())
            words = None
            if feats == FEATURE_NAMES:
                if tuple(meta.get("word_features") or ()) != WORD_FEATURES:
                    raise ValueError("the model's word models use a different feature set")
                if not meta.get("phrase_model"):
                    raise ValueError("the model's heads read a phrase model, and the file has none")
                words = WordModels(head_from_arrays(z, "title_words", len(WORD_FEATURES)),
                                   head_from_arrays(z, "abstract_words", len(WORD_FEATURES)),
                                   PhraseModel.from_arrays(z, meta["phrase_model"]))
            elif feats != BASE_FEATURES:
                raise ValueError("the model was trained on a different feature set")
            brief = None
            if meta.get("set_features"):
                if words is None or tuple(meta["set_features"]) != SET_FEATURES:
                    raise ValueError("the model's brief head uses a different feature set")
                brief = head_from_arrays(z, "brief", len(SET_FEATURES))
            return cls(head_from_arrays(z, "headline", len(feats)), head_from_arrays(z, "body", len(feats)), meta,
                       words, brief)

    @classmethod
    def load(cls, path: str | Path | None = None):
        """The model at path (or the packaged one); the centrality scorer, with a warning, when it cannot be read."""
        p = Path(path) if path else packaged_model_path()
        try:
            return _cached_model(str(p.resolve()), _mtime(p))
        except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            msg = (f"learned scorer model {p} could not be loaded ({type(exc).__name__}: {exc}); "
                   "used the centrality scorer")
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
            fallback = CentralityScorer()
            fallback.notices = [msg]  # the engine lists these in the result's warnings
            return fallback

    def score(self, doc: Document) -> Scores:
        """Headline and body scores for every sentence of the document."""
        if len(doc.sentences) > MAX_SENTENCES:
            # The features need an n x n similarity matrix: past this size use the linear-time scorer.
            fallback = CentralityScorer().score(doc)
            fallback.notes.append(f"document of {len(doc.sentences)} sentences: scored by centrality "
                                  f"(the learned scorer takes up to {MAX_SENTENCES})")
            return fallback
        x, ctx = analyse(doc, self.words)
        if x.shape[0] == 0:
            return Scores(np.zeros(0), np.zeros(0))
        raw = self.body_head.predict(x)
        body = 1.0 / (1.0 + np.exp(-raw)) if self.meta.get("body_label", "oracle") == "oracle" else raw
        head = self.headline_head.predict(x)
        sets = None
        if self.brief_head is not None and ctx is not None:
            brief_head = self.brief_head

            def sets(order: Sequence[int], seed: Sequence[int], candidates: Sequence[Sequence[int]]) -> np.ndarray:
                return brief_head.predict(set_features(ctx, body, order, seed, candidates))

        known = ctx is not None and bool(ctx.vocab)
        title_words = dict(zip(ctx.vocab, ctx.p_title.tolist())) if known else None
        abstract_words = dict(zip(ctx.vocab, ctx.p_abs.tolist())) if known else None
        return Scores(head, body, stop=brief_stop(body, self.stop, self.margin), sets=sets, title_words=title_words,
                      abstract_words=abstract_words,
                      sets_budget=int(self.meta.get("brief_budget") or 0))
