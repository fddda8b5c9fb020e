"""Count the word prior (briefsum.grading.prior) on OrangeSum train, fit its combiners and add it to a compressor file.

Documents come from the scorer's seed-13 permutation of train. Its first `word_docs` (the scorer's meta) trained
the word models and are not used here; the next `--fit-docs` are scored by the learned scorer and fit the two
combiners (LightGBM, exported as flat arrays: does the title / the abstract use this word, from the word model's
log-odds, the word's rate and how many articles the rate rests on); the rest of the pool, up to the scorer's
last 1,500 held-out documents, gives the counts. Neither held-out nor valid is read for fitting; the log-loss
and AUC printed at the end are on the held-out slice. Run it after train_compressor.py (which writes the file
anew) and before tune_compressor.py (which chooses the settings that read it).

    python training/train_word_prior.py --model src/briefsum/models/compressor.npz
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from train_compressor import split  # noqa: E402
from train_scorer import DEFAULT_DATA, export_checked, map_docs, read_rows  # noqa: E402

_STATE: dict = {}


def _article_words(r: dict):
    from briefsum.text.normalise import clean
    from briefsum.text.words import lower_words

    a = lower_words(clean(r["article"]).text)
    return a, {"title": a & lower_words(r.get("title") or ""), "abstract": a & lower_words(r.get("abstract") or "")}


def score_row(r: dict):
    """(words, title probabilities, abstract probabilities, title words, abstract words) of one document, or None."""
    from briefsum.engines.offline.learned import LearnedScorer
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment
    from briefsum.text.words import lower_words

    if "scorer" not in _STATE:
        _STATE["scorer"] = LearnedScorer.load()
    doc = segment(clean(r["article"]).text, "fr")
    sc = _STATE["scorer"].score(doc) if doc.sentences else None
    if sc is None or not sc.title_words:
        return None
    words = list(sc.title_words)
    return (words, np.array([sc.title_words[w] for w in words]), np.array([sc.abstract_words[w] for w in words]),
            lower_words(r.get("title") or ""), lower_words(r.get("abstract") or ""))


def count(rows: list[dict], min_docs: int, alpha: float, jobs: int):
    """The WordCounts of these documents (words in fewer than min_docs articles left out)."""
    from briefsum.grading.prior import USES, WordCounts

    docs: Counter = Counter()
    hits = {use: Counter() for use in USES}
    total = 0
    reached = dict.fromkeys(USES, 0)
    for a, used in map_docs(_article_words, rows, jobs):
        docs.update(a)
        total += len(a)
        for use in USES:
            hits[use].update(used[use])
            reached[use] += len(used[use])
    words = sorted(w for w, n in docs.items() if n >= min_docs)
    return WordCounts({w: j for j, w in enumerate(words)}, np.array([docs[w] for w in words], dtype=np.int64),
                      {use: np.array([hits[use][w] for w in words], dtype=np.int64) for use in USES},
                      {use: reached[use] / max(1, total) for use in USES}, alpha)


def table(scored, counts, use: str):
    """Feature rows and labels over every word of the scored documents."""
    xs, ys = [], []
    for item in scored:
        if item is None:
            continue
        words, pt, pa, title, abstract = item
        ref = title if use == "title" else abstract
        if not ref:
            continue
        xs.append(counts.features(words, pt if use == "title" else pa, use))
        ys.append(np.array([w in ref for w in words], dtype=float))
    return np.vstack(xs), np.concatenate(ys)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--model", required=True, help="the compressor file the prior is added to")
    p.add_argument("--fit-docs", type=int, default=3000)
    p.add_argument("--min-docs", type=int, default=2)
    p.add_argument("--alpha", type=float, default=5.0)
    p.add_argument("--iters", type=int, default=300)
    p.add_argument("--report-docs", type=int, default=1500, help="held-out documents for the log-loss and AUC")
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args(argv)
    import lightgbm as lgb
    from sklearn.metrics import log_loss, roc_auc_score

    from briefsum.engines.offline.learned import LearnedScorer
    from briefsum.grading.prior import FEATURES, USES, WordPrior

    t0 = time.time()
    word_docs = int(LearnedScorer.load().meta["word_docs"])
    rows = read_rows(Path(args.data) / "train.jsonl.gz")
    pool, held = split(rows)
    fit = [rows[i] for i in pool[word_docs: word_docs + args.fit_docs]]
    counted = [rows[i] for i in pool[word_docs + args.fit_docs:]]
    counts = count(counted, args.min_docs, args.alpha, args.jobs)
    print(f"{len(counts.index)} words counted on {len(counted)} documents; fitting on {len(fit)}", flush=True)
    scored = map_docs(score_row, fit, args.jobs, chunksize=16)
    report = map_docs(score_row, [rows[i] for i in held[: args.report_docs]], args.jobs, chunksize=16)
    params = dict(objective="binary", learning_rate=0.05, num_leaves=15, min_data_in_leaf=100, lambda_l2=1.0,
                  seed=13, num_threads=args.jobs, deterministic=True, force_row_wise=True, verbose=-1)
    arrays = counts.arrays()
    scores = {}
    for use in USES:
        x, y = table(scored, counts, use)
        booster = lgb.train(params, lgb.Dataset(x, y), args.iters)
        arrays.update(export_checked(booster, f"prior_{use}", x))
        xr, yr = table(report, counts, use)
        p0, p1 = 1 / (1 + np.exp(-xr[:, 0])), booster.predict(xr)
        scores[use] = {"word_model": {"log_loss": round(float(log_loss(yr, p0)), 4),
                                      "auc": round(float(roc_auc_score(yr, p0)), 4)},
                       "with_prior": {"log_loss": round(float(log_loss(yr, p1)), 4),
                                      "auc": round(float(roc_auc_score(yr, p1)), 4)}}
        print(f"  {use}: {x.shape[0]} words; held-out {scores[use]}", flush=True)
    meta_prior = {"langs": ["fr"], "features": list(FEATURES), "alpha": args.alpha, "base": counts.base,
                  "min_docs": args.min_docs, "count_docs": len(counted), "fit_docs": len(fit),
                  "iters": args.iters, "heldout": {"docs": args.report_docs, **scores}}
    with np.load(args.model, allow_pickle=False) as z:
        kept = {k: z[k] for k in z.files if k != "meta" and not k.startswith(("prior/", "prior_"))}
        meta = json.loads(str(z["meta"]))
    meta["word_prior"] = meta_prior
    kept.update(arrays)
    WordPrior.from_arrays(kept, meta_prior)  # what the loader will read
    np.savez_compressed(args.model, meta=np.array(json.dumps(meta)), **kept)
    print(f"wrote the word prior into {args.model} in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
