"""A trained sentence scorer: language-independent sentence features and small numpy-evaluated models.

Two heads score each sentence: one for the headline (trained against human titles) and one for the body
grades (trained against human abstracts through a greedy ROUGE oracle). Features carry across languages:
position, paragraph layout, length, TF-IDF centrality and similarity to the lead, capitalised-word, number
and quotation density. The weights live in a small ``.npz`` file read without pickle; training
(eval/train_scorer.py) uses LightGBM, inference needs only numpy.
"""

from __future__ import annotations

import functools
import json
import math
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from typing import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from ..text.segment import Document, count_words
from .extractive import _STOP, CentralityScorer, Scores, cosine_matrix, tokens

MODEL_FORMAT = "briefsum-learned-scorer"
MODEL_VERSION = 1
DEFAULT_MODEL = "learned-scorer.npz"

_WORD = re.compile(r"\w+", re.UNICODE)
_CAP = re.compile(r"^[A-ZÀ-ÖØ-Þ]")
_NUM = re.compile(r"\d")
_QUOTE = re.compile(r"[«»\"“”]")
_PAREN = re.compile(r"[()]")

BASE_FEATURES: tuple[str, ...] = (
    "pos_frac", "pos_inv", "is_first", "is_second", "is_third", "log_pos",
    "para_frac", "para_inv", "first_in_para", "pos_in_para", "para_len",
    "words", "log_words", "words_rel", "short", "long",
    "cent", "cent_rank", "sim_first", "sim_doc", "sim_max", "sim_prev", "sim_next",
    "keyword_cov", "cap_density", "num_density", "has_quote", "starts_quote", "quote_frac",
    "has_paren", "has_colon", "ends_question", "ends_excl", "heading",
    "doc_log_sents", "doc_log_words", "doc_log_paras",
    "kw_density", "mean_df", "head_words", "head_ratio", "head_fits",
)

# Sentence features from the word models: how many of the words a title / an abstract would use the sentence
# (or, for the title, its compressed form) holds, as expected counts, precision and F1 against a typical length.
LEXICAL_FEATURES: tuple[str, ...] = (
    "lex_t_sum", "lex_t_prec", "lex_t_max", "lex_tc_sum", "lex_tc_prec", "lex_tc_f1", "lex_tc_rank", "lex_tc_cov",
    "lex_a_sum", "lex_a_prec", "lex_a_f1", "lex_a_rank", "lex_a_cov", "lex_tc_bi",
)
# Sentence features from the phrase model: its score of the sentence (how much of its wording an abstract would
# share) and that score less the document's best.
PHRASE_FEATURES: tuple[str, ...] = ("phrase", "phrase_gap")
FEATURE_NAMES: tuple[str, ...] = BASE_FEATURES + LEXICAL_FEATURES + PHRASE_FEATURES

# One row per distinct word (lower-case \w+ token, as ROUGE counts them) of a document, for the word models
# that predict whether the human title / abstract will use the word.
WORD_FEATURES: tuple[str, ...] = (
    "w_log_tf", "w_tf_rank", "w_sent_frac", "w_first_frac", "w_log_first", "w_in_first", "w_in_second",
    "w_in_lead3", "w_cap", "w_num", "w_log_chars", "w_stop", "w_cent_max", "w_cent_mean", "w_first_para",
    "w_in_head0", "w_log_sents", "w_log_vocab",
)
# One row per candidate brief (a set of sentences: the headline's sentence plus a few of the best body
# sentences), for the brief head that chooses among them: what the set holds by the body head's account, its
# length against a typical abstract, how many words an abstract would use it covers (the abstract word model,
# over the union of its words), how much its sentences repeat each other, and where they stand.
SET_FEATURES: tuple[str, ...] = (
    "set_added", "set_sents", "set_words", "set_len_gap", "set_seed_body", "set_body_sum", "set_body_min",
    "set_body_max", "set_logit_sum", "doc_body_max", "set_rank_max", "set_rank_mean", "set_pos_min", "set_pos_max",
    "set_seed_pos", "set_abs_sum", "set_abs_prec", "set_abs_f1", "set_abs_cov", "set_title_sum", "set_title_f1",
    "set_distinct", "set_sim_max", "doc_log_sents", "doc_log_words", "set_lead3", "set_first", "set_abs_bi_f1",
    "set_abs_bi", "set_abs_tok_f1", "set_abs_gain", "set_abs_gain_rate",
    "set_phrase_mean", "set_phrase_wmean", "set_phrase_added_mean", "set_phrase_added_min",
)

# Typical reference lengths (words) the F1-like lexical features assume: OrangeSum titles and abstracts.
TITLE_WORDS = 12.0
ABSTRACT_WORDS = 35.0

# The headline shape the head_* features assume (the default headline grade: 20 words, compressed towards 12).
HEAD_MAX_WORDS = 20
HEAD_TARGET_WORDS = 12


def _rank01(x: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1] (1 = highest), ties broken by position."""
    n = x.size
    if n <= 1:
        return np.ones(n)
    order = np.argsort(-x, kind="stable")
    r = np.empty(n)
    r[order] = np.arange(n)
    return 1.0 - r / (n - 1)


def _centrality(sim: np.ndarray) -> np.ndarray:
    """Each sentence's mean cosine similarity to the others."""
    off = sim.copy()
    np.fill_diagonal(off, 0.0)
    return off.sum(axis=1) / max(1, sim.shape[0] - 1)


def _base_features(doc: Document, with_sim: bool = False):
    """One row of BASE_FEATURES per sentence; also the centrality and each sentence's compressed headline form
    (and, with_sim, the sentences' cosine similarity matrix)."""
    sents = doc.sentences
    n = len(sents)
    if n == 0:
        return (np.zeros((0, len(BASE_FEATURES))), np.zeros(0), []) + ((np.zeros((0, 0)),) if with_sim else ())
    texts = [s.text for s in sents]
    idx = np.arange(n, dtype=float)
    words = np.array([max(0, s.words) for s in sents], dtype=float)
    paras = np.array([s.paragraph for s in sents])
    n_paras = int(paras.max()) + 1 if n else 1
    # Position inside the paragraph, and the paragraph's size.
    pos_in_para = np.zeros(n)
    para_len = np.zeros(n)
    start = 0
    for k in range(1, n + 1):
        if k == n or paras[k] != paras[start]:
            pos_in_para[start:k] = np.arange(k - start)
            para_len[start:k] = k - start
            start = k
    sim = cosine_matrix(texts)
    off = sim.copy()
    np.fill_diagonal(off, 0.0)
    cent = _centrality(sim)
    sim_first = sim[:, 0].copy()
    sim_first[0] = 1.0 if n == 1 else (off[0, 1:].max() if n > 1 else 1.0)
    doc_vec = sim.sum(axis=0)
    sim_doc = np.zeros(n)
    for i in range(n):
        rest = doc_vec - sim[i]
        nr = np.linalg.norm(rest)
        sim_doc[i] = float(sim[i] @ rest / nr) if nr > 0 else 0.0
    sim_max = off.max(axis=1) if n > 1 else np.zeros(1)
    sim_prev = np.r_[0.0, np.diag(sim, -1)] if n > 1 else np.zeros(1)
    sim_next = np.r_[np.diag(sim, 1), 0.0] if n > 1 else np.zeros(1)
    # Keywords: the document's most frequent content words (that appear in 2+ sentences).
    toks = [tokens(t) for t in texts]
    df: dict[str, int] = {}
    for ts in toks:
        for t in set(ts):
            df[t] = df.get(t, 0) + 1
    top = {t for t, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:10] if c >= 2}
    keyword_cov = np.array([len(top.intersection(ts)) / max(1, len(top)) for ts in toks])
    cap = np.zeros(n)
    num = np.zeros(n)
    qfrac = np.zeros(n)
    for i, t in enumerate(texts):
        ws = _WORD.findall(t)
        if not ws:
            continue
        cap[i] = sum(1 for w in ws[1:] if _CAP.match(w)) / len(ws)
        num[i] = sum(1 for w in ws if _NUM.search(w)) / len(ws)
        # Share of the sentence's characters inside quotation marks.
        inside, q = 0, False
        for ch in t:
            if ch in "«»\"“”":
                q = (ch == "«" or ch == "“") or (ch == '"' and not q)
                continue
            inside += q
        qfrac[i] = inside / max(1, len(t))
    mean_words = float(words.mean()) if n else 1.0
    # Precision-like lexical signals: how much of the sentence is the document's recurring vocabulary.
    kw_density = np.array([sum(1 for t in ts if t in top) / max(1, len(ts)) for ts in toks])
    mean_df = np.array([sum((df[t] - 1) for t in ts) / max(1, len(ts)) / max(1, n - 1) for ts in toks])
    # What the sentence becomes as a headline (the engine compresses the chosen one the same way).
    from ..compress import compress

    head_texts = [compress(t, doc.lang, HEAD_MAX_WORDS, target_words=HEAD_TARGET_WORDS) for t in texts]
    head_words = np.array([count_words(h) for h in head_texts], dtype=float)
    f = np.column_stack([
        idx / max(1, n - 1) if n > 1 else np.zeros(n),
        1.0 / (1.0 + idx),
        idx == 0, idx == 1, idx == 2,
        np.log1p(idx),
        paras / max(1, n_paras - 1) if n_paras > 1 else np.zeros(n),
        1.0 / (1.0 + paras),
        pos_in_para == 0,
        np.log1p(pos_in_para),
        np.log1p(para_len),
        np.minimum(words, 100.0) / 50.0,
        np.log1p(words),
        words / max(1.0, mean_words),
        words < 8,
        words > 40,
        cent,
        _rank01(cent),
        sim_first,
        sim_doc,
        sim_max,
        sim_prev,
        sim_next,
        keyword_cov,
        cap,
        num,
        np.array([bool(_QUOTE.search(t)) for t in texts]),
        np.array([t[:1] in "«\"“" for t in texts]),
        qfrac,
        np.array([bool(_PAREN.search(t)) for t in texts]),
        np.array([":" in t for t in texts]),
        np.array([t.rstrip(" »\"”").endswith("?") for t in texts]),
        np.array([t.rstrip(" »\"”").endswith("!") for t in texts]),
        np.array([s.heading for s in sents]),
        np.full(n, math.log1p(n)),
        np.full(n, math.log1p(float(words.sum()))),
        np.full(n, math.log1p(n_paras)),
        kw_density,
        mean_df,
        np.minimum(head_words, 60.0) / 20.0,
        head_words / np.maximum(1.0, words),
        head_words <= HEAD_MAX_WORDS,
    ]).astype(np.float64)
    return (f, cent, head_texts, sim) if with_sim else (f, cent, head_texts)



def word_features(doc: Document, cent: np.ndarray | None = None,
                  head_texts: Sequence[str] | None = None) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
    """The document's distinct words (lower-case \\w+), one row of WORD_FEATURES per word, and each sentence's
    word ids. `cent` (sentence centrality) and `head_texts` (compressed sentences) are recomputed if absent."""
    sents = doc.sentences
    n = len(sents)
    if cent is None or head_texts is None:
        _, cent, head_texts = _base_features(doc)
    index: dict[str, int] = {}
    tf: list[int] = []
    first: list[int] = []
    nsent: list[int] = []
    cap: list[int] = []
    noninit: list[int] = []
    cmax: list[float] = []
    csum: list[float] = []
    in_second: list[bool] = []
    first_para: list[bool] = []
    sent_ids: list[np.ndarray] = []
    for i, s in enumerate(sents):
        raw = _WORD.findall(s.text)
        ids = []
        seen: set[int] = set()
        for k, w in enumerate(raw):
            key = w.lower()
            j = index.get(key)
            if j is None:
                j = index[key] = len(tf)
                tf.append(0); first.append(i); nsent.append(0); cap.append(0); noninit.append(0)
                cmax.append(0.0); csum.append(0.0); in_second.append(False); first_para.append(False)
            tf[j] += 1
            if k > 0:
                noninit[j] += 1
                cap[j] += bool(_CAP.match(w))
            if j not in seen:
                seen.add(j)
                nsent[j] += 1
                c = float(cent[i]) if i < len(cent) else 0.0
                cmax[j] = max(cmax[j], c)
                csum[j] += c
                in_second[j] = in_second[j] or i == 1
                first_para[j] = first_para[j] or s.paragraph == 0
            ids.append(j)
        sent_ids.append(np.array(ids, dtype=np.intp))
    vocab = list(index)
    v = len(vocab)
    if v == 0:
        return vocab, np.zeros((0, len(WORD_FEATURES))), sent_ids
    tf_a = np.array(tf, dtype=float)
    first_a = np.array(first, dtype=float)
    nsent_a = np.array(nsent, dtype=float)
    head0 = {w.lower() for w in _WORD.findall(head_texts[0])} if head_texts else set()
    x = np.column_stack([
        np.log1p(tf_a),
        _rank01(tf_a),
        nsent_a / max(1, n),
        first_a / max(1, n - 1),
        np.log1p(first_a),
        first_a == 0,
        np.array(in_second),
        first_a <= 2,
        np.array(cap, dtype=float) / np.maximum(1.0, np.array(noninit, dtype=float)),
        np.array([any(ch.isdigit() for ch in w) for w in vocab]),
        np.log1p(np.array([len(w) for w in vocab], dtype=float)),
        np.array([w in _STOP for w in vocab]),
        np.array(cmax),
        np.array(csum) / np.maximum(1.0, nsent_a),
        np.array(first_para),
        np.array([w in head0 for w in vocab]),
        np.full(v, math.log1p(n)),
        np.full(v, math.log1p(v)),
    ]).astype(np.float64)
    return vocab, x, sent_ids


def _lexical_features(sent_ids: list[np.ndarray], head_ids: list[np.ndarray], p_title: np.ndarray,
                      p_abs: np.ndarray) -> np.ndarray:
    """LEXICAL_FEATURES per sentence from the word models' probabilities."""
    n = len(sent_ids)
    out = np.zeros((n, len(LEXICAL_FEATURES)))
    tot_t = max(1e-9, float(p_title.sum()))
    tot_a = max(1e-9, float(p_abs.sum()))
    for i in range(n):
        ids, hid = sent_ids[i], head_ids[i]
        if ids.size == 0:
            continue
        u = np.unique(ids)
        hu = np.unique(hid) if hid.size else hid
        t_sum = float(p_title[u].sum())
        tc_sum = float(p_title[hu].sum()) if hu.size else 0.0
        a_sum = float(p_abs[u].sum())
        out[i, 0] = t_sum
        out[i, 1] = t_sum / ids.size
        out[i, 2] = float(p_title[u].max())
        out[i, 3] = tc_sum
        out[i, 4] = tc_sum / max(1, hid.size)
        out[i, 5] = 2 * tc_sum / (hid.size + TITLE_WORDS)
        out[i, 7] = tc_sum / tot_t
        out[i, 8] = a_sum
        out[i, 9] = a_sum / ids.size
        out[i, 10] = 2 * a_sum / (ids.size + ABSTRACT_WORDS)
        out[i, 12] = a_sum / tot_a
        if hid.size > 1:  # adjacent word pairs both likely in the title: a proxy for shared bigrams
            out[i, 13] = 2 * float((p_title[hid[:-1]] * p_title[hid[1:]]).sum()) / (hid.size - 1 + TITLE_WORDS - 1)
    out[:, 6] = _rank01(out[:, 5])
    out[:, 11] = _rank01(out[:, 10])
    return out


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
            toks = _WORD.findall(text.lower())
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
    base, cent, head_texts, sim = _base_features(doc, with_sim=True)
    if words is None:
        return base, None
    if base.shape[0] == 0:
        return np.zeros((0, len(FEATURE_NAMES))), None
    vocab, wx, sent_ids = word_features(doc, cent, head_texts)
    p_t, p_a = words.probabilities(wx)
    index = {w: j for j, w in enumerate(vocab)}
    head_ids = [np.array([index[w.lower()] for w in _WORD.findall(h) if w.lower() in index], dtype=np.intp)
                for h in head_texts]
    ph = words.phrase_scores(doc)
    ctx = DocContext(sent_ids, p_t, p_a, np.array([max(0, s.words) for s in doc.sentences], dtype=float), sim, ph,
                     list(vocab))
    return np.hstack([base, _lexical_features(sent_ids, head_ids, p_t, p_a), ph[:, None],
                      (ph - ph.max())[:, None]]), ctx


def doc_context(doc: Document, words: WordModels) -> DocContext | None:
    """The DocContext alone, as analyse() gives it, without computing the sentence features (the word table
    needs only the first sentence's headline form)."""
    sents = doc.sentences
    if not sents:
        return None
    from ..compress import compress

    sim = cosine_matrix([s.text for s in sents])
    head0 = [compress(sents[0].text, doc.lang, HEAD_MAX_WORDS, target_words=HEAD_TARGET_WORDS)]
    vocab, wx, sent_ids = word_features(doc, _centrality(sim), head0)
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


# ---- numpy evaluators for the exported models ----------------------------------------------------------------

@dataclass
class TreeEnsemble:
    """Gradient-boosted regression trees as flat arrays: prediction = base + sum of leaf values."""

    feature: np.ndarray     # (nodes,) int: feature index of each split node
    threshold: np.ndarray   # (nodes,) float: go left when x <= threshold
    left: np.ndarray        # (nodes,) int: left child (absolute index)
    right: np.ndarray       # (nodes,) int: right child (absolute index)
    value: np.ndarray       # (nodes,) float: leaf value
    leaf: np.ndarray        # (nodes,) bool
    roots: np.ndarray       # (trees,) int: root node of each tree
    depth: int
    base: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds for a classifier) for rows of x."""
        if x.shape[0] == 0:
            return np.zeros(0)
        node = np.broadcast_to(self.roots, (x.shape[0], self.roots.size)).copy()
        rows = np.arange(x.shape[0])[:, None]
        for _ in range(self.depth):
            is_leaf = self.leaf[node]
            if is_leaf.all():
                break
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            nxt = np.where(go_left, self.left[node], self.right[node])
            node = np.where(is_leaf, node, nxt)
        return self.base + self.value[node].sum(axis=1)


@dataclass
class Head:
    """One scoring head: a tree ensemble over standardised-or-raw features."""

    trees: TreeEnsemble

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores for rows of x (higher is better)."""
        return self.trees.predict(x)


def head_from_arrays(z, prefix: str, n_features: int = len(FEATURE_NAMES)) -> Head:
    """A tree ensemble exported under `prefix/` in a model file (arrays as eval/train_scorer.py's export_lgb writes
    them), its indices checked."""
    g = lambda k: z[f"{prefix}/{k}"]  # noqa: E731
    t = TreeEnsemble(
        feature=g("feature").astype(np.intp), threshold=g("threshold").astype(np.float64),
        left=g("left").astype(np.intp), right=g("right").astype(np.intp), value=g("value").astype(np.float64),
        leaf=g("leaf").astype(bool), roots=g("roots").astype(np.intp), depth=int(g("depth")), base=float(g("base")),
    )
    n = t.feature.size
    if not (t.threshold.size == t.left.size == t.right.size == t.value.size == t.leaf.size == n):
        raise ValueError(f"{prefix}: tree arrays differ in length")
    t.feature[t.leaf] = 0  # leaves are never split on; keep their index in range for the vectorised walk
    if t.feature.size and t.feature.min() < 0:
        raise ValueError(f"{prefix}/feature holds a negative index")
    for name, arr in (("left", t.left), ("right", t.right), ("roots", t.roots)):
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            raise ValueError(f"{prefix}/{name} points outside the tree arrays")
    if t.feature[~t.leaf].size and t.feature[~t.leaf].max() >= n_features:
        raise ValueError(f"{prefix}/feature refers to an unknown feature")
    return Head(t)


_head_from_arrays = head_from_arrays  # the name the training script uses

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
    """Scores sentences with trained headline and body heads; see eval/train_scorer.py."""

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
                words = WordModels(_head_from_arrays(z, "title_words", len(WORD_FEATURES)),
                                   _head_from_arrays(z, "abstract_words", len(WORD_FEATURES)),
                                   PhraseModel.from_arrays(z, meta["phrase_model"]))
            elif feats != BASE_FEATURES:
                raise ValueError("the model was trained on a different feature set")
            brief = None
            if meta.get("set_features"):
                if words is None or tuple(meta["set_features"]) != SET_FEATURES:
                    raise ValueError("the model's brief head uses a different feature set")
                brief = _head_from_arrays(z, "brief", len(SET_FEATURES))
            return cls(_head_from_arrays(z, "headline", len(feats)), _head_from_arrays(z, "body", len(feats)), meta,
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

        title_words = dict(zip(ctx.vocab, ctx.p_title.tolist())) if ctx is not None and ctx.vocab else None
        return Scores(head, body, stop=brief_stop(body, self.stop, self.margin), sets=sets, title_words=title_words,
                      sets_budget=int(self.meta.get("brief_budget") or 0))
