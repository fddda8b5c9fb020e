"""The learned scorer's features: per sentence (position, layout, length, similarity, lexical signals, the
compressed headline form), per distinct word of a document (for the word models), and the names of each row."""

from __future__ import annotations

import math
import re
from typing import Sequence

import numpy as np

from ...text.segment import Document, count_words
from ...text.words import STOP_WORDS as _STOP
from ...text.words import WORD
from ...text.words import content_tokens as tokens
from .scoring import cosine_matrix


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


def rank01(x: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1] (1 = highest), ties broken by position."""
    n = x.size
    if n <= 1:
        return np.ones(n)
    order = np.argsort(-x, kind="stable")
    r = np.empty(n)
    r[order] = np.arange(n)
    return 1.0 - r / (n - 1)


def centrality_of(sim: np.ndarray) -> np.ndarray:
    """Each sentence's mean cosine similarity to the others."""
    off = sim.copy()
    np.fill_diagonal(off, 0.0)
    return off.sum(axis=1) / max(1, sim.shape[0] - 1)


def _layout(sents) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Each sentence's paragraph, its position inside the paragraph, the paragraph's size; the paragraph count."""
    n = len(sents)
    paras = np.array([s.paragraph for s in sents])
    n_paras = int(paras.max()) + 1 if n else 1
    pos_in_para = np.zeros(n)
    para_len = np.zeros(n)
    start = 0
    for k in range(1, n + 1):
        if k == n or paras[k] != paras[start]:
            pos_in_para[start:k] = np.arange(k - start)
            para_len[start:k] = k - start
            start = k
    return paras, pos_in_para, para_len, n_paras


def _similarities(sim: np.ndarray) -> tuple[np.ndarray, ...]:
    """From the cosine matrix: centrality, similarity to the first sentence, to the rest of the document, the
    highest to another sentence, to the previous and to the next one."""
    n = sim.shape[0]
    off = sim.copy()
    np.fill_diagonal(off, 0.0)
    cent = centrality_of(sim)
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
    return cent, sim_first, sim_doc, sim_max, sim_prev, sim_next


def _keywords(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keyword coverage (the document's most frequent content words, in 2+ sentences), keyword density, and how
    recurrent the sentence's vocabulary is."""
    n = len(texts)
    toks = [tokens(t) for t in texts]
    df: dict[str, int] = {}
    for ts in toks:
        for t in set(ts):
            df[t] = df.get(t, 0) + 1
    top = {t for t, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:10] if c >= 2}
    keyword_cov = np.array([len(top.intersection(ts)) / max(1, len(top)) for ts in toks])
    kw_density = np.array([sum(1 for t in ts if t in top) / max(1, len(ts)) for ts in toks])
    mean_df = np.array([sum((df[t] - 1) for t in ts) / max(1, len(ts)) / max(1, n - 1) for ts in toks])
    return keyword_cov, kw_density, mean_df


def _surface(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capitalised-word and number density, and the share of the characters inside quotation marks."""
    n = len(texts)
    cap = np.zeros(n)
    num = np.zeros(n)
    qfrac = np.zeros(n)
    for i, t in enumerate(texts):
        ws = WORD.findall(t)
        if not ws:
            continue
        cap[i] = sum(1 for w in ws[1:] if _CAP.match(w)) / len(ws)
        num[i] = sum(1 for w in ws if _NUM.search(w)) / len(ws)
        inside, q = 0, False
        for ch in t:
            if ch in "«»\"“”":
                q = (ch == "«" or ch == "“") or (ch == '"' and not q)
                continue
            inside += q
        qfrac[i] = inside / max(1, len(t))
    return cap, num, qfrac


def base_features(doc: Document, with_sim: bool = False):
    """One row of BASE_FEATURES per sentence; also the centrality and each sentence's compressed headline form
    (and, with_sim, the sentences' cosine similarity matrix)."""
    from ...grading.rules import compress

    sents = doc.sentences
    n = len(sents)
    if n == 0:
        return (np.zeros((0, len(BASE_FEATURES))), np.zeros(0), []) + ((np.zeros((0, 0)),) if with_sim else ())
    texts = [s.text for s in sents]
    idx = np.arange(n, dtype=float)
    words = np.array([max(0, s.words) for s in sents], dtype=float)
    paras, pos_in_para, para_len, n_paras = _layout(sents)
    sim = cosine_matrix(texts)
    cent, sim_first, sim_doc, sim_max, sim_prev, sim_next = _similarities(sim)
    keyword_cov, kw_density, mean_df = _keywords(texts)
    cap, num, qfrac = _surface(texts)
    mean_words = float(words.mean()) if n else 1.0
    # What the sentence becomes as a headline (the engine compresses the chosen one the same way).
    head_texts = [compress(t, doc.lang, HEAD_MAX_WORDS, target_words=HEAD_TARGET_WORDS) for t in texts]
    head_words = np.array([count_words(h) for h in head_texts], dtype=float)
    f = np.column_stack([
        idx / max(1, n - 1) if n > 1 else np.zeros(n), 1.0 / (1.0 + idx), idx == 0, idx == 1, idx == 2,
        np.log1p(idx),
        paras / max(1, n_paras - 1) if n_paras > 1 else np.zeros(n), 1.0 / (1.0 + paras), pos_in_para == 0,
        np.log1p(pos_in_para), np.log1p(para_len),
        np.minimum(words, 100.0) / 50.0, np.log1p(words), words / max(1.0, mean_words), words < 8, words > 40,
        cent, rank01(cent), sim_first, sim_doc, sim_max, sim_prev, sim_next,
        keyword_cov, cap, num,
        np.array([bool(_QUOTE.search(t)) for t in texts]), np.array([t[:1] in "«\"“" for t in texts]), qfrac,
        np.array([bool(_PAREN.search(t)) for t in texts]), np.array([":" in t for t in texts]),
        np.array([t.rstrip(" »\"”").endswith("?") for t in texts]),
        np.array([t.rstrip(" »\"”").endswith("!") for t in texts]), np.array([s.heading for s in sents]),
        np.full(n, math.log1p(n)), np.full(n, math.log1p(float(words.sum()))), np.full(n, math.log1p(n_paras)),
        kw_density, mean_df,
        np.minimum(head_words, 60.0) / 20.0, head_words / np.maximum(1.0, words), head_words <= HEAD_MAX_WORDS,
    ]).astype(np.float64)
    return (f, cent, head_texts, sim) if with_sim else (f, cent, head_texts)


def word_features(doc: Document, cent: np.ndarray | None = None,
                  head_texts: Sequence[str] | None = None) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
    """The document's distinct words (lower-case \\w+), one row of WORD_FEATURES per word, and each sentence's
    word ids. `cent` (sentence centrality) and `head_texts` (compressed sentences) are recomputed if absent."""
    sents = doc.sentences
    n = len(sents)
    if cent is None or head_texts is None:
        _, cent, head_texts = base_features(doc)
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
        raw = WORD.findall(s.text)
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
    head0 = {w.lower() for w in WORD.findall(head_texts[0])} if head_texts else set()
    x = np.column_stack([
        np.log1p(tf_a),
        rank01(tf_a),
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


def lexical_features(sent_ids: list[np.ndarray], head_ids: list[np.ndarray], p_title: np.ndarray,
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
    out[:, 6] = rank01(out[:, 5])
    out[:, 11] = rank01(out[:, 10])
    return out
