"""Train the learned sentence scorer on OrangeSum train and export it to a numpy-only model file.

Labels come from ROUGE against the human references: the body head learns which sentences a greedy
ROUGE oracle picks against the abstract; the headline head learns which sentence, once compressed as the
engine compresses it, scores best against the title. Both heads are gradient-boosted trees (scikit-learn) exported as flat arrays. The brief's
length decision (a stop threshold on the body score) is tuned on held-out training documents, never on valid.

    python eval/train_scorer.py                                  # ../shared/data/orangesum -> packaged model
    python eval/train_scorer.py --docs 4000 --out /tmp/m.npz     # a quick run on a subsample
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "orangesum"
DEFAULT_OUT = HERE.parent / "src" / "briefsum" / "models" / "learned-scorer.npz"
_WORD = re.compile(r"\w+", re.UNICODE)


# ---- fast ROUGE for labels (same tokenisation as the evaluation: lower-case \w+, no stemming) -------------

def grams(text: str) -> tuple[Counter, Counter]:
    """Unigram and bigram counts of a text."""
    t = _WORD.findall(text.lower())
    return Counter(t), Counter(zip(t, t[1:]))


def f1(cand: Counter, ref: Counter) -> float:
    """ROUGE-N F1 of two n-gram multisets."""
    nc, nr = sum(cand.values()), sum(ref.values())
    if not nc or not nr:
        return 0.0
    ov = sum((cand & ref).values())
    return 0.0 if not ov else 2 * ov / (nc + nr)


def greedy_oracle(sent_grams: list[tuple[Counter, Counter]], ref: tuple[Counter, Counter], k: int = 3) -> list[int]:
    """Sentences a greedy search adds (at most k) while R1+R2 F1 against the reference keeps rising."""
    chosen: list[int] = []
    cur1, cur2 = Counter(), Counter()
    best = 0.0
    while len(chosen) < k:
        cand_best, cand_i = best, -1
        for i, (u, b) in enumerate(sent_grams):
            if i in chosen:
                continue
            s = f1(cur1 + u, ref[0]) + f1(cur2 + b, ref[1])
            if s > cand_best + 1e-9:
                cand_best, cand_i = s, i
        if cand_i < 0:
            break
        chosen.append(cand_i)
        cur1 += sent_grams[cand_i][0]
        cur2 += sent_grams[cand_i][1]
        best = cand_best
    return chosen


# ---- data -------------------------------------------------------------------------------------------------

def read_rows(path: Path) -> list[dict]:
    """OrangeSum rows from a .jsonl.gz file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def featurise(rows: list[dict], lang: str = "fr", head_words: int = 20, head_target: int = 12):
    """Features and labels per sentence: (docs, X, body labels, headline targets, doc ids per row, candidate masks)."""
    from briefsum.compress import compress
    from briefsum.grades import truncate_to_words
    from briefsum.engines.learned import sentence_features
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    docs, xs, yb, yh, gid, has_abs, has_title = [], [], [], [], [], [], []
    for d, r in enumerate(rows):
        doc = segment(clean(r["article"]).text, lang)
        docs.append(doc)
        n = len(doc.sentences)
        if n == 0:
            continue
        xs.append(sentence_features(doc))
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
        yb.append(body)
        yh.append(head)
        gid.append(np.full(n, d))
        has_abs.append(np.full(n, bool(r.get("abstract", "").strip())))
        has_title.append(np.full(n, bool(r.get("title", "").strip())))
    return (docs, np.vstack(xs), np.concatenate(yb), np.concatenate(yh), np.concatenate(gid),
            np.concatenate(has_abs), np.concatenate(has_title))


# ---- export -------------------------------------------------------------------------------------------------

def export_hgb(model, prefix: str) -> dict[str, np.ndarray]:
    """Flatten a fitted single-output HistGradientBoosting model into arrays for TreeEnsemble."""
    feats, thr, left, right, val, leaf, roots = [], [], [], [], [], [], []
    offset, depth = 0, 0
    for it in model._predictors:
        nodes = it[0].nodes
        roots.append(offset)
        feats.append(nodes["feature_idx"].astype(np.int32))
        thr.append(nodes["num_threshold"].astype(np.float64))
        lf = nodes["is_leaf"].astype(bool)
        left.append(np.where(lf, 0, nodes["left"].astype(np.int64) + offset).astype(np.int32))
        right.append(np.where(lf, 0, nodes["right"].astype(np.int64) + offset).astype(np.int32))
        val.append(np.where(lf, nodes["value"], 0.0).astype(np.float64))
        leaf.append(lf)
        depth = max(depth, int(nodes["depth"].max()))
        offset += len(nodes)
    if np.isnan(np.concatenate(thr)[~np.concatenate(leaf)]).any():
        raise ValueError("unexpected missing-value split in the exported trees")
    base = float(np.ravel(model._baseline_prediction)[0])
    arrays = {"feature": np.concatenate(feats), "threshold": np.concatenate(thr), "left": np.concatenate(left),
              "right": np.concatenate(right), "value": np.concatenate(val), "leaf": np.concatenate(leaf),
              "roots": np.array(roots, dtype=np.int32), "depth": np.array(depth + 1), "base": np.array(base)}
    return {f"{prefix}/{k}": v for k, v in arrays.items()}


# ---- tuning the brief's length decision on held-out documents -------------------------------------------------

class _Fixed:
    """A scorer that returns precomputed scores (for tuning the stop threshold through the real engine)."""

    name = "fixed"

    def __init__(self, head: np.ndarray, body: np.ndarray, stop: float | None):
        from briefsum.engines.extractive import Scores

        self.scores = Scores(head, body, stop)

    def score(self, doc):
        return self.scores


def brief_rouge(docs, rows, heads, bodies, stop, specs) -> tuple[float, float, float]:
    """Mean R1, R2 (F1 x100) of the brief against abstracts, and mean brief length, at one stop threshold."""
    from briefsum.engines.extractive import ExtractiveEngine

    r1 = r2 = words = 0.0
    n = 0
    for doc, r, h, b in zip(docs, rows, heads, bodies):
        if not r.get("abstract", "").strip() or not doc.sentences:
            continue
        res = ExtractiveEngine(_Fixed(h, b, stop), headline_target=12).run(doc, specs, None, None, False)
        text = res.grades["brief"].text
        u, bi = grams(text)
        ref = grams(r["abstract"])
        r1 += f1(u, ref[0])
        r2 += f1(bi, ref[1])
        words += res.grades["brief"].words
        n += 1
    n = max(1, n)
    return 100 * r1 / n, 100 * r2 / n, words / n


def main(argv: list[str] | None = None) -> int:
    """Train, tune, export."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(DEFAULT_DATA), help="OrangeSum folder holding train.jsonl.gz")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="model file to write (.npz)")
    p.add_argument("--docs", type=int, default=8000, help="training documents sampled from train (0 = all)")
    p.add_argument("--heldout", type=int, default=1500, help="further train documents for tuning the brief's stop")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--iters", type=int, default=200, help="boosting iterations per head")
    p.add_argument("--leaves", type=int, default=31)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--body-label", choices=("oracle", "soft"), default="oracle",
                   help="body head: classify greedy-oracle sentences, or regress each sentence's ROUGE")
    p.add_argument("--head-label", choices=("rouge", "best"), default="best",
                   help="headline head: regress each compressed sentence's ROUGE, or classify the best one")
    args = p.parse_args(argv)

    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    from briefsum.config import load_config
    from briefsum.engines.learned import FEATURE_NAMES, MODEL_FORMAT, MODEL_VERSION, LearnedScorer
    from briefsum.grades import grade_specs

    t0 = time.time()
    rows = read_rows(Path(args.data) / "train.jsonl.gz")
    rng = np.random.default_rng(args.seed)
    perm = rng.permutation(len(rows))
    n_train = len(rows) - args.heldout if args.docs == 0 else min(args.docs, len(rows) - args.heldout)
    train_rows = [rows[i] for i in perm[:n_train]]
    held_rows = [rows[i] for i in perm[n_train:n_train + args.heldout]]
    print(f"train docs {len(train_rows)}, held-out docs {len(held_rows)} (seed {args.seed})", flush=True)

    _, x, yb, yh, gid, has_abs, has_title = featurise(train_rows)
    print(f"features: {x.shape} in {time.time() - t0:.0f}s; oracle positives {int((yb >= 1).sum())}", flush=True)

    oracle = (yb >= 1.0).astype(int)
    soft = yb - oracle
    if args.head_label == "best":
        # 1 for the document's best sentence(s) as a headline, 0 otherwise.
        best = np.zeros_like(yh)
        for g in np.unique(gid):
            m = gid == g
            best[m] = (yh[m] >= yh[m].max() - 1e-12) & (yh[m] > 0)
        yh_fit = best
    else:
        yh_fit = yh
    common = dict(max_iter=args.iters, learning_rate=args.lr, max_leaf_nodes=args.leaves, min_samples_leaf=40,
                  l2_regularization=1.0, early_stopping=False, random_state=args.seed)
    if args.body_label == "soft":
        body = HistGradientBoostingRegressor(**common).fit(x[has_abs], soft[has_abs])
    else:
        body = HistGradientBoostingClassifier(**common).fit(x[has_abs], oracle[has_abs])
    if args.head_label == "best":
        head = HistGradientBoostingClassifier(**common).fit(x[has_title], yh_fit[has_title].astype(int))
    else:
        head = HistGradientBoostingRegressor(**common).fit(x[has_title], yh_fit[has_title])
    print(f"fitted in {time.time() - t0:.0f}s", flush=True)

    arrays = {**export_hgb(body, "body"), **export_hgb(head, "headline")}
    meta = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "features": list(FEATURE_NAMES),
            "trained_on": "OrangeSum train", "train_docs": len(train_rows), "seed": args.seed,
            "params": {k: v for k, v in common.items() if k != "random_state"}, "brief_stop": None,
            "body_label": args.body_label, "head_label": args.head_label}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)

    def save(meta: dict) -> None:
        np.savez_compressed(out, meta=np.array(json.dumps(meta)), **arrays)

    save(meta)
    # Check that the numpy evaluator reproduces scikit-learn's scores before tuning anything.
    scorer = LearnedScorer.from_file(out)
    sample = x[: min(5000, len(x))]
    raw = lambda m: m.decision_function(sample) if hasattr(m, "decision_function") else m.predict(sample)  # noqa: E731
    gap_b = np.abs(scorer.body_head.predict(sample) - raw(body)).max()
    gap_h = np.abs(scorer.headline_head.predict(sample) - raw(head)).max()
    print(f"export check: max |numpy - sklearn| body {gap_b:.2e}, headline {gap_h:.2e}", flush=True)
    if gap_b > 1e-6 or gap_h > 1e-6:
        raise SystemExit("exported trees do not reproduce the fitted model")

    docs_h, *_ = featurise(held_rows)
    specs = grade_specs(load_config())
    heads, bodies = [], []
    for d in docs_h:
        s = scorer.score(d)
        heads.append(s.headline)
        bodies.append(s.body)
    hr1, hn = 0.0, 0
    for d, r, h in zip(docs_h, held_rows, heads):
        if r.get("title", "").strip() and d.sentences:
            from briefsum.engines.extractive import ExtractiveEngine

            res = ExtractiveEngine(_Fixed(h, np.zeros(len(h)), None), headline_target=12).run(d, specs[:1], None,
                                                                                               None, False)
            hr1 += f1(grams(res.grades["headline"].text)[0], grams(r["title"])[0])
            hn += 1
    print(f"  held-out headline R1 {100 * hr1 / max(1, hn):.2f} (n={hn})", flush=True)
    results = {}
    grid = np.quantile(np.concatenate(bodies), [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.96]).round(4)
    for stop in (None, *map(float, grid)):
        r1, r2, w = brief_rouge(docs_h, held_rows, heads, bodies, stop, specs)
        results[stop] = (r1, r2, w)
        print(f"  stop {stop}: brief R1 {r1:.2f} R2 {r2:.2f} words {w:.1f}", flush=True)
    best = max(results, key=lambda k: results[k][0] + results[k][1])
    meta["brief_stop"] = best
    meta["heldout"] = {"docs": len(held_rows), "headline_r1": round(100 * hr1 / max(1, hn), 2), "brief_r1": round(results[best][0], 2),
                       "brief_r2": round(results[best][1], 2), "brief_words": round(results[best][2], 1)}
    meta["train_seconds"] = round(time.time() - t0)
    save(meta)
    print(f"chose stop {best}; wrote {out} ({out.stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
