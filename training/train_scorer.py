"""Train the learned sentence scorer on OrangeSum train and export it to a numpy-only model file.

Labels come from ROUGE against the human references: the body head learns which sentences a greedy
ROUGE oracle picks against the abstract; the headline head learns which sentence, once compressed as the
engine compresses it, scores best against the title. Both heads are gradient-boosted trees (LightGBM: a binary
classifier for the body, a per-document LambdaRank ranker for the headline) exported as flat arrays. Their inputs
include two word models (trees: will the title / the abstract use this word of the article) and a phrase model
(scikit-learn ridge regression over a sentence's words and word pairs: how much of its wording an abstract
shares), fitted on documents of their own. A third head ranks candidate briefs. The brief's fallback length
rule (a threshold on the body score, absolute and relative to the document's best sentence) is tuned on
held-out training documents, never on valid.

    python training/train_scorer.py                                  # ../shared/data/orangesum -> packaged model
    python training/train_scorer.py --docs 4000 --out /tmp/m.npz     # a quick run on a subsample
    python training/train_scorer.py --cache /tmp/feats.npz           # featurise once, reuse on reruns
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np

from briefsum.paths import data_root
from briefsum.text.words import WORD

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from labels import f1, grams, greedy_oracle  # noqa: E402  (the harness's tokenizer and ROUGE-N F1)

DEFAULT_DATA = data_root() / "orangesum"
DEFAULT_OUT = HERE.parent / "src" / "briefsum" / "models" / "learned-scorer.npz"


# ---- data -------------------------------------------------------------------------------------------------

def map_docs(fn, items: list, jobs: int = 1, chunksize: int = 64) -> list:
    """[fn(x) for x in items], in `jobs` forked worker processes when jobs > 1 (same results, same order)."""
    if jobs <= 1:
        return list(map(fn, items))
    import multiprocessing as mp

    with mp.get_context("fork").Pool(jobs) as pool:
        return pool.map(fn, items, chunksize=chunksize)


def read_rows(path: Path) -> list[dict]:
    """OrangeSum rows from a .jsonl.gz file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def featurise_row(r: dict, lang: str = "fr", head_words: int = 20, head_target: int = 12):
    """One document: (Document, features, body labels, headline targets); labels as in featurise()."""
    from briefsum.grading.rules import compress
    from briefsum.engines.offline.learned import sentence_features
    from briefsum.grading.budgets import truncate_to_words
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    doc = segment(clean(r["article"]).text, lang)
    n = len(doc.sentences)
    if n == 0:
        return doc, None, None, None
    x = sentence_features(doc, _WORDS)
    sg = [grams(s.text) for s in doc.sentences]
    body = np.zeros(n)
    if r.get("abstract", "").strip():
        ref_a = grams(r["abstract"])
        for i in greedy_oracle(sg, ref_a):
            body[i] = 1.0
        # Each sentence's own ROUGE against the abstract (a graded target), stored as 1 + F for oracle picks.
        body = body + np.array([0.5 * (f1(u, ref_a[0]) + f1(b, ref_a[1])) for u, b in sg])
    head = np.zeros(n)
    if r.get("title", "").strip():
        ref = grams(r["title"])
        for i, s in enumerate(doc.sentences):
            if s.words == 0 or s.heading:
                continue
            text = compress(s.text, lang, head_words, target_words=head_target)
            text, _ = truncate_to_words(text, head_words)  # as the engine would show it
            u, b = grams(text)
            head[i] = 0.5 * (f1(u, ref[0]) + f1(b, ref[1]))
    return doc, x, body, head


# The word models the lexical features use while featurising (set before worker processes fork).
_WORDS = None


def word_rows(r: dict, lang: str = "fr"):
    """One document's word table and its labels: does the title / the abstract use the
    word; None for an empty document."""
    from briefsum.engines.offline.features import word_features
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    doc = segment(clean(r["article"]).text, lang)
    if not doc.sentences:
        return None
    vocab, x, _ = word_features(doc)
    # Lower-cased as the vocabulary is (word by word), so that no title word is missed.
    title = {w.lower() for w in WORD.findall(r.get("title", ""))}
    abstract = {w.lower() for w in WORD.findall(r.get("abstract", ""))}
    return (vocab, x, np.array([w in title for w in vocab]), np.array([w in abstract for w in vocab]),
            bool(title), bool(abstract))


def fit_word_models(rows: list[dict], params: dict, iters: int, jobs: int = 1) -> dict[str, np.ndarray]:
    """Fit the title-word and abstract-word classifiers on their own documents; exported arrays."""
    import lightgbm as lgb

    per_doc = [t for t in map_docs(word_rows, rows, jobs) if t is not None]
    out: dict[str, np.ndarray] = {}
    for k, name in ((2, "title_words"), (3, "abstract_words")):
        keep = [t for t in per_doc if t[k + 2]]
        x = np.vstack([t[1] for t in keep])
        y = np.concatenate([t[k] for t in keep]).astype(int)
        booster = lgb.train({**params, "objective": "binary"}, lgb.Dataset(x, y), iters)
        print(f"  {name}: {x.shape[0]} words of {len(keep)} documents, positive rate {y.mean():.3f}", flush=True)
        out.update(export_checked(booster, name, x))
    return out


PHRASE_LANGS = ("fr",)


def phrase_rows(r: dict, lang: str = "fr") -> tuple[list[str], list[float]]:
    """A document's sentences and, for each, the share of its word pairs the abstract holds (none without an
    abstract)."""
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    if not r.get("abstract", "").strip():
        return [], []
    ref = grams(r["abstract"])[1]
    texts, ys = [], []
    for s in segment(clean(r["article"]).text, lang).sentences:
        b = grams(s.text)[1]
        n = sum(b.values())
        texts.append(s.text)
        ys.append(sum((b & ref).values()) / n if n else 0.0)
    return texts, ys


def fit_phrase_model(rows: list[dict], jobs: int = 1, min_docs: int = 5, alpha: float = 3.0
                     ) -> tuple[dict[str, np.ndarray], dict]:
    """The phrase model, fitted on its own documents: ridge regression of each sentence's abstract bigram
    precision on the words and word pairs it holds (present or not, unit length); exported arrays and metadata."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import normalize

    per_doc = map_docs(phrase_rows, rows, jobs)
    texts = [t for d in per_doc for t in d[0]]
    y = np.array([v for d in per_doc for v in d[1]])
    vec = CountVectorizer(lowercase=True, token_pattern=r"(?u)\w+", ngram_range=(1, 2), min_df=min_docs,
                          binary=True, dtype=np.float64)
    x = normalize(vec.fit_transform(texts))
    model = Ridge(alpha=alpha).fit(x, y)
    terms = vec.get_feature_names_out()
    if any("\n" in t for t in terms):
        raise SystemExit("a phrase holds a line break")
    print(f"  phrase model: {x.shape[0]} sentences, {len(terms)} words and word pairs", flush=True)
    arrays = {"phrase/terms": np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8),
              "phrase/weights": model.coef_.astype(np.float64)}
    meta = {"intercept": float(model.intercept_), "langs": list(PHRASE_LANGS), "alpha": alpha, "min_docs": min_docs,
            "label": "share of the sentence's word pairs in the abstract"}
    # The exported model must give what the fitted one gives.
    from briefsum.engines.offline.learned import PhraseModel

    sample = texts[:: max(1, len(texts) // 5000)]
    gap = np.abs(PhraseModel.from_arrays(arrays, meta).score(sample, "fr")
                 - model.predict(normalize(vec.transform(sample)))).max()
    if gap > 1e-9:
        raise SystemExit(f"the exported phrase model does not reproduce the fitted one ({gap:.2e})")
    return arrays, meta


def _row_arrays(r: dict):
    _, x, body, head = featurise_row(r)
    return x, body, head


def featurise(rows: list[dict], jobs: int = 1, keep_docs: bool = True):
    """Features and labels per sentence: (docs, X, body labels, headline targets, doc ids per row, abstract
    and title masks). jobs > 1 featurises in worker processes (same result, same order)."""
    if jobs > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(jobs) as pool:
            per_doc = pool.map(_row_arrays, rows, chunksize=64)
        docs = None
    else:
        per_doc, docs = [], []
        for r in rows:
            doc, x, body, head = featurise_row(r)
            per_doc.append((x, body, head))
            if keep_docs:
                docs.append(doc)
    xs, yb, yh, gid, has_abs, has_title = [], [], [], [], [], []
    for d, (r, (x, body, head)) in enumerate(zip(rows, per_doc)):
        if x is None:
            continue
        n = x.shape[0]
        xs.append(x)
        yb.append(body)
        yh.append(head)
        gid.append(np.full(n, d))
        has_abs.append(np.full(n, bool(r.get("abstract", "").strip())))
        has_title.append(np.full(n, bool(r.get("title", "").strip())))
    return (docs, np.vstack(xs), np.concatenate(yb), np.concatenate(yh), np.concatenate(gid),
            np.concatenate(has_abs), np.concatenate(has_title))


def featurise_cached(rows: list[dict], cache: str | None, jobs: int = 1):
    """featurise() without the documents, read from / written to an .npz cache keyed by ids and feature names."""
    from briefsum.engines.offline.features import FEATURE_NAMES

    import hashlib

    words = "none"
    if _WORDS is not None:
        h = hashlib.sha256()
        for head in (_WORDS.title, _WORDS.abstract):
            for a in (head.trees.feature, head.trees.threshold, head.trees.value):
                h.update(np.ascontiguousarray(a).tobytes())
        h.update(json.dumps(sorted(_WORDS.phrases.weights.items())).encode("utf-8"))
        h.update(repr(_WORDS.phrases.intercept).encode("utf-8"))
        words = h.hexdigest()
    import briefsum.grading.rules

    # The compression rules shape the head_* features and the headline labels: a change to them invalidates.
    rules = hashlib.sha256(Path(briefsum.grading.rules.__file__).read_bytes()).hexdigest()
    key = json.dumps({"ids": [r.get("id") for r in rows], "features": list(FEATURE_NAMES), "words": words,
                      "compress": rules})
    if cache and Path(cache).exists():
        with np.load(cache, allow_pickle=False) as z:
            if str(z["key"]) == key:
                return (None, z["x"], z["yb"], z["yh"], z["gid"], z["has_abs"], z["has_title"])
    _, x, yb, yh, gid, has_abs, has_title = featurise(rows, jobs=jobs, keep_docs=False)
    if cache:
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, key=np.array(key), x=x, yb=yb, yh=yh, gid=gid, has_abs=has_abs, has_title=has_title)
    return (None, x, yb, yh, gid, has_abs, has_title)


# ---- export -------------------------------------------------------------------------------------------------

def export_lgb(booster, prefix: str) -> dict[str, np.ndarray]:
    """Flatten a LightGBM booster (numerical splits, `x <= threshold` goes left) into arrays for TreeEnsemble."""
    feats, thr, left, right, val, leaf, roots = [], [], [], [], [], [], []
    depth = 0

    def add(node: dict, d: int) -> int:
        nonlocal depth
        k = len(feats)
        feats.append(0); thr.append(0.0); left.append(0); right.append(0); val.append(0.0); leaf.append(True)
        depth = max(depth, d)
        if "leaf_value" in node:
            val[k] = float(node["leaf_value"])
            return k
        if node.get("decision_type") != "<=":
            raise ValueError(f"unsupported split {node.get('decision_type')!r} in the LightGBM trees")
        feats[k], thr[k], leaf[k] = int(node["split_feature"]), float(node["threshold"]), False
        left[k] = add(node["left_child"], d + 1)
        right[k] = add(node["right_child"], d + 1)
        return k

    for tree in booster.dump_model()["tree_info"]:
        roots.append(add(tree["tree_structure"], 0))
    arrays = {"feature": np.array(feats, dtype=np.int32), "threshold": np.array(thr, dtype=np.float64),
              "left": np.array(left, dtype=np.int32), "right": np.array(right, dtype=np.int32),
              "value": np.array(val, dtype=np.float64), "leaf": np.array(leaf, dtype=bool),
              "roots": np.array(roots, dtype=np.int32), "depth": np.array(depth + 1), "base": np.array(0.0)}
    return {f"{prefix}/{k}": v for k, v in arrays.items()}


def export_checked(booster, prefix: str, x: np.ndarray) -> dict[str, np.ndarray]:
    """export_lgb, then check that numpy's walk of the exported trees gives LightGBM's raw scores on a sample
    of the training rows x (stops the run when it does not)."""
    from briefsum.trees import head_from_arrays

    arrays = export_lgb(booster, prefix)
    sample = x[:: max(1, len(x) // 20000)]
    gap = np.abs(head_from_arrays(arrays, prefix, x.shape[1]).predict(sample)
                 - booster.predict(sample, raw_score=True)).max()
    if gap > 1e-9:
        raise SystemExit(f"exported {prefix} trees do not reproduce the fitted model ({gap:.2e})")
    return arrays


def doc_groups(gid: np.ndarray) -> np.ndarray:
    """Sizes of the runs of equal document ids (rows are grouped by document)."""
    starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    return np.diff(np.r_[starts, len(gid)])


# The headline ranker's objective: LambdaRank on 0..31 graded relevance with linear gains.
LEVELS = 31
RANK_PARAMS = {"objective": "lambdarank", "label_gain": [float(i) for i in range(LEVELS + 1)],
               "lambdarank_truncation_level": 10}


def headline_grades(yh: np.ndarray, gid: np.ndarray, levels: int = 31) -> np.ndarray:
    """Graded relevance for the headline ranker: each sentence's compressed ROUGE against the title, relative to
    the document's best sentence, in 0..levels (the best sentence gets `levels`)."""
    out = np.zeros(len(yh), dtype=int)
    start = 0
    for k in doc_groups(gid):
        y = yh[start:start + k]
        if y.max() > 0:
            out[start:start + k] = np.clip(np.floor(y * levels / y.max()), 0, levels)
        start += k
    return out


# ---- tuning the brief's length decision on held-out documents -------------------------------------------------

class _Fixed:
    """A scorer that returns precomputed scores (for tuning through the real engine). It stands in for the learned
    scorer, so the engine applies the learned scorer's settings (the headline fit margin)."""

    name = "learned"

    def __init__(self, scores):
        self.scores = scores

    def score(self, doc):
        return self.scores


def brief_rouge(docs, rows, scores, specs, fit_margin: float = 0.0) -> tuple[float, float, float]:
    """Mean R1, R2 (F1 x100) of the brief against abstracts, and mean brief length, with the given Scores per
    document run through the engine."""
    from briefsum.engines.offline.engine import ExtractiveEngine

    r1 = r2 = words = 0.0
    n = 0
    for doc, r, sc in zip(docs, rows, scores):
        if not r.get("abstract", "").strip() or not doc.sentences:
            continue
        res = ExtractiveEngine(_Fixed(sc), headline_target=12, headline_fit_margin=fit_margin).run(
            doc, specs, None, None, False)
        text = res.grades["brief"].text
        u, bi = grams(text)
        ref = grams(r["abstract"])
        r1 += f1(u, ref[0])
        r2 += f1(bi, ref[1])
        words += res.grades["brief"].words
        n += 1
    n = max(1, n)
    return 100 * r1 / n, 100 * r2 / n, words / n


# ---- the brief head: which candidate brief (set of sentences) to print ----------------------------------------

def out_of_fold(x, oracle, grades_h, gid, has_abs, has_title, params: dict, iters: int, folds: int = 2):
    """Body probabilities and headline scores for the training sentences from heads fitted on the other folds
    (documents split by id), so the brief head learns from scores like those of unseen articles. grades_h: the
    headline ranker's graded relevance per sentence (0 where the document has no title)."""
    import lightgbm as lgb

    body, head = np.zeros(len(x)), np.zeros(len(x))
    fold = gid % folds
    for f in range(folds):
        fit, out = fold != f, fold == f
        m = fit & has_abs
        bst = lgb.train({**params, "objective": "binary"}, lgb.Dataset(x[m], oracle[m]), iters)
        body[out] = bst.predict(x[out])
        m = fit & has_title
        bst = lgb.train({**params, **RANK_PARAMS}, lgb.Dataset(x[m], grades_h[m], group=doc_groups(gid[m])), iters)
        head[out] = bst.predict(x[out], raw_score=True)
    return body, head


class _Recorder:
    """Stands in for the learned scorer with given scores; records the candidate briefs the engine offers."""

    name = "learned"

    def __init__(self, head: np.ndarray, body: np.ndarray):
        self.head, self.body, self.seen = head, body, None

    def score(self, doc):
        from briefsum.engines.offline.scoring import Scores

        def sets(order, seed, candidates):
            self.seen = (list(order), list(seed), list(candidates))
            return np.zeros(len(candidates))

        return Scores(self.head, self.body, None, sets=sets, sets_budget=10**9)


_ENGINE: dict = {}  # grade specs and engine settings for set_rows (set before worker processes fork)


def set_rows(job):
    """One document's candidate briefs, as the engine offers them: SET_FEATURES rows and each candidate's
    R1+R2 F1 against the abstract; None when there is nothing to choose from."""
    from briefsum.engines.offline.engine import ExtractiveEngine
    from briefsum.engines.offline.learned import doc_context, set_features
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    r, head, body = job
    doc = segment(clean(r["article"]).text, "fr")
    if not doc.sentences or not r.get("abstract", "").strip() or len(head) != len(doc.sentences):
        return None
    ctx = doc_context(doc, _WORDS)
    rec = _Recorder(head, body)
    ExtractiveEngine(rec, redundancy=_ENGINE["redundancy"], headline_target=_ENGINE["target"],
                     headline_fit_margin=_ENGINE["fit_margin"]).run(doc, _ENGINE["specs"], None, None, False)
    if ctx is None or rec.seen is None or len(rec.seen[2]) < 2:
        return None
    order, seed, cands = rec.seen
    ref = grams(r["abstract"])
    y = []
    for c in cands:
        u, b = grams(" ".join(doc.sentences[i].text for i in c))
        y.append(f1(u, ref[0]) + f1(b, ref[1]))
    return set_features(ctx, body, order, seed, cands), np.array(y)


def main(argv: list[str] | None = None) -> int:
    """Train, tune, export."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(DEFAULT_DATA), help="OrangeSum folder holding train.jsonl.gz")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="model file to write (.npz)")
    p.add_argument("--docs", type=int, default=0, help="training documents sampled from train (0 = all but held-out)")
    p.add_argument("--heldout", type=int, default=1500, help="further train documents for tuning the brief's stop")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--iters", type=int, default=300, help="boosting iterations per head")
    p.add_argument("--leaves", type=int, default=31)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--jobs", type=int, default=2, help="processes for featurising, threads for fitting")
    p.add_argument("--word-docs", type=int, default=6000,
                   help="train documents set apart for the word models behind the lexical features")
    p.add_argument("--no-lexical", action="store_true", help="train on the base features only (no word models)")
    p.add_argument("--brief-docs", type=int, default=16000,
                   help="at most this many training documents' candidate briefs train the brief head (0: none)")
    p.add_argument("--cache", default=None, help="an .npz file caching the training features (reused when it matches)")
    args = p.parse_args(argv)

    import lightgbm as lgb

    from briefsum.config import load_config
    from briefsum.engines.offline.engine import ExtractiveEngine
    from briefsum.engines.offline.scoring import Scores
    from briefsum.engines.offline.features import BASE_FEATURES, FEATURE_NAMES, WORD_FEATURES
    from briefsum.engines.offline.learned import MODEL_FORMAT, MODEL_VERSION, LearnedScorer, PhraseModel, WordModels, brief_stop
    from briefsum.trees import head_from_arrays as _head_from_arrays
    from briefsum.grading.budgets import grade_specs

    t0 = time.time()
    rows = read_rows(Path(args.data) / "train.jsonl.gz")
    rng = np.random.default_rng(args.seed)
    perm = rng.permutation(len(rows))
    n_pool = len(rows) - args.heldout
    n_words = 0 if args.no_lexical else min(args.word_docs, n_pool // 2)
    n_train = n_pool if args.docs == 0 else min(n_pool, n_words + args.docs)
    word_rows_ = [rows[i] for i in perm[:n_words]]
    train_rows = [rows[i] for i in perm[n_words:n_train]]
    held_rows = [rows[i] for i in perm[n_pool:n_pool + args.heldout]]
    print(f"word-model docs {len(word_rows_)}, train docs {len(train_rows)}, held-out docs {len(held_rows)} "
          f"(seed {args.seed})", flush=True)

    params = dict(learning_rate=args.lr, num_leaves=args.leaves, min_data_in_leaf=40, lambda_l2=1.0, seed=args.seed,
                  num_threads=args.jobs, deterministic=True, force_row_wise=True, verbose=-1)
    global _WORDS
    _WORDS = None
    word_arrays: dict[str, np.ndarray] = {}
    phrase_meta: dict | None = None
    if n_words:
        word_arrays = fit_word_models(word_rows_, params, args.iters, jobs=args.jobs)
        phrase_arrays, phrase_meta = fit_phrase_model(word_rows_, jobs=args.jobs)
        word_arrays.update(phrase_arrays)
        _WORDS = WordModels(_head_from_arrays(word_arrays, "title_words", len(WORD_FEATURES)),
                            _head_from_arrays(word_arrays, "abstract_words", len(WORD_FEATURES)),
                            PhraseModel.from_arrays(phrase_arrays, phrase_meta))
        print(f"word and phrase models fitted in {time.time() - t0:.0f}s", flush=True)
    features = FEATURE_NAMES if n_words else BASE_FEATURES

    _, x, yb, yh, gid, has_abs, has_title = featurise_cached(train_rows, args.cache, jobs=args.jobs)
    print(f"features: {x.shape} in {time.time() - t0:.0f}s; oracle positives {int((yb >= 1).sum())}", flush=True)

    oracle = (yb >= 1.0).astype(int)
    # Body head: which sentences the greedy oracle picks against the abstract (binary, log-odds out).
    body = lgb.train({**params, "objective": "binary"}, lgb.Dataset(x[has_abs], oracle[has_abs]), args.iters)
    # Headline head: a per-document ranker (LambdaRank) whose top sentence should be the one that, compressed
    # as the engine prints it, scores best against the title; graded relevance rewards the near-best too.
    grades_h = np.zeros(len(x), dtype=int)
    grades_h[has_title] = headline_grades(yh[has_title], gid[has_title], LEVELS)
    head = lgb.train({**params, **RANK_PARAMS},
                     lgb.Dataset(x[has_title], grades_h[has_title], group=doc_groups(gid[has_title])), args.iters)
    print(f"fitted in {time.time() - t0:.0f}s", flush=True)

    cfg = load_config()
    specs = grade_specs(cfg.settings.grades)
    offline = cfg.settings.offline
    # Tune and label as the engine will run: the packaged config's headline settings included.
    fit_margin = offline.headline_fit_margin
    brief_arrays: dict[str, np.ndarray] = {}
    brief_meta: dict = {}
    if n_words and args.brief_docs:
        # The brief head: among the candidate briefs the engine offers (the headline's sentence plus a few of the
        # best body sentences), which scores best against the abstract. Its inputs use out-of-fold scores.
        from briefsum.engines.offline.planning import BRIEF_MAX_SENTENCES, BRIEF_POOL
        from briefsum.engines.offline.features import SET_FEATURES

        body_oof, head_oof = out_of_fold(x, oracle, grades_h, gid, has_abs, has_title, params, args.iters)
        starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
        span = {int(gid[a]): (a, b) for a, b in zip(starts, np.r_[starts[1:], len(gid)])}
        jobs = [(train_rows[d], head_oof[a:b].copy(), body_oof[a:b].copy()) for d, (a, b) in sorted(span.items())
                if train_rows[d].get("abstract", "").strip()][:args.brief_docs]
        _ENGINE.update(specs=specs, redundancy=offline.redundancy,
                       target=offline.headline_target, fit_margin=fit_margin)
        per_doc = map_docs(set_rows, jobs, args.jobs, chunksize=32)
        per_doc = [t for t in per_doc if t is not None]
        xs = np.vstack([t[0] for t in per_doc])
        rel = np.concatenate([np.clip(np.floor(t[1] * LEVELS / t[1].max()), 0, LEVELS) if t[1].max() > 0
                              else np.zeros(len(t[1])) for t in per_doc]).astype(int)
        brief = lgb.train({**params, **RANK_PARAMS, "lambdarank_truncation_level": 5},
                          lgb.Dataset(xs, rel, group=[len(t[1]) for t in per_doc]), args.iters)
        brief_arrays = export_checked(brief, "brief", xs)
        budget = next((g.max_words for g in specs if g.name == "brief"), 60)
        brief_meta = {"set_features": list(SET_FEATURES), "brief_budget": budget, "brief_docs": len(per_doc),
                      "brief_pool": BRIEF_POOL, "brief_max_sentences": BRIEF_MAX_SENTENCES}
        print(f"brief head: {len(per_doc)} documents, {len(xs)} candidate briefs; {time.time() - t0:.0f}s",
              flush=True)

    arrays = {**export_lgb(body, "body"), **export_lgb(head, "headline"), **word_arrays, **brief_arrays}
    meta = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "features": list(features),
            "word_features": list(WORD_FEATURES) if n_words else [], "phrase_model": phrase_meta,
            "trained_on": "OrangeSum train", "train_docs": len(train_rows), "word_docs": len(word_rows_),
            "seed": args.seed,
            "params": {k: v for k, v in params.items() if k not in ("seed", "num_threads", "verbose")},
            "iters": args.iters, "brief_stop": None, "brief_margin": None, "body_label": "oracle",
            "head_label": "lambdarank", **brief_meta}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)

    def save(meta: dict) -> None:
        np.savez_compressed(out, meta=np.array(json.dumps(meta)), **arrays)

    save(meta)
    # Check that the numpy evaluator reproduces LightGBM's scores before tuning anything.
    scorer = LearnedScorer.from_file(out)
    sample = x[:: max(1, len(x) // 20000)]
    gap_b = np.abs(scorer.body_head.predict(sample) - body.predict(sample, raw_score=True)).max()
    gap_h = np.abs(scorer.headline_head.predict(sample) - head.predict(sample, raw_score=True)).max()
    print(f"export check: max |numpy - lightgbm| body {gap_b:.2e}, headline {gap_h:.2e}", flush=True)
    if gap_b > 1e-9 or gap_h > 1e-9:
        raise SystemExit("exported trees do not reproduce the fitted model")

    docs_h, *_ = featurise(held_rows)
    # Tune as the engine will run: the packaged config's headline fit margin included.
    scored = [scorer.score(d) for d in docs_h]
    heads = [sc.headline for sc in scored]
    bodies = [sc.body for sc in scored]
    hr1, hn = 0.0, 0
    for d, r, h in zip(docs_h, held_rows, heads):
        if r.get("title", "").strip() and d.sentences:
            res = ExtractiveEngine(_Fixed(Scores(h, np.zeros(len(h)))), headline_target=12,
                                   headline_fit_margin=fit_margin).run(d, specs[:1], None,
                                                                                               None, False)
            hr1 += f1(grams(res.grades["headline"].text)[0], grams(r["title"])[0])
            hn += 1
    print(f"  held-out headline R1 {100 * hr1 / max(1, hn):.2f} (n={hn})", flush=True)
    # The brief's length decision: an absolute threshold on the body probability and/or a margin below the
    # document's best sentence (log-odds), chosen by brief R1+R2 on the held-out documents.
    results = {}
    grid = np.quantile(np.concatenate(bodies), [0.7, 0.8]).round(4)
    for stop in (None, *map(float, grid)):
        for margin in (None, 0.75, 1.0, 1.5):
            rule = [Scores(h, b, brief_stop(b, stop, margin)) for h, b in zip(heads, bodies)]
            r1, r2, w = brief_rouge(docs_h, held_rows, rule, specs, fit_margin)
            results[(stop, margin)] = (r1, r2, w)
            print(f"  stop {stop} margin {margin}: brief R1 {r1:.2f} R2 {r2:.2f} words {w:.1f}", flush=True)
    best = max(results, key=lambda k: results[k][0] + results[k][1])
    meta["brief_stop"], meta["brief_margin"] = best
    meta["heldout"] = {"docs": len(held_rows), "headline_r1": round(100 * hr1 / max(1, hn), 2),
                       "brief_r1": round(results[best][0], 2), "brief_r2": round(results[best][1], 2),
                       "brief_words": round(results[best][2], 1)}
    if brief_arrays:
        # What ships: the brief head's choice (the stop rule above stays as the fallback for other grade sets).
        rule = results[best]
        r1, r2, w = brief_rouge(docs_h, held_rows, scored, specs, fit_margin)
        print(f"  brief head: brief R1 {r1:.2f} R2 {r2:.2f} words {w:.1f}", flush=True)
        meta["heldout"].update(brief_r1=round(r1, 2), brief_r2=round(r2, 2), brief_words=round(w, 1),
                               stop_rule_r1=round(rule[0], 2), stop_rule_r2=round(rule[1], 2),
                               stop_rule_words=round(rule[2], 1))
    meta["train_seconds"] = round(time.time() - t0)
    save(meta)
    print(f"chose stop {best[0]} margin {best[1]}; wrote {out} ({out.stat().st_size / 1e6:.2f} MB) "
          f"in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
