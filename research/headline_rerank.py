"""A learned reranker of headline candidates against the expected-ROUGE choice (held-out training documents).

Candidates as the engine makes them (the shipped choice's best sentences by headline score, each whole, as the
rules cut it, and along its learned deletion path; without the engine's filter on sentences too long for the
shorter grades), without the topic label. A LightGBM regressor is trained on the candidates
of training-pool documents (mean ROUGE F1 against the title as the target, centred per document) and picks one
candidate per held-out document; the expected-ROUGE choice (grading.choice) picks with its four numbers. Both
are scored against the titles (Unicode tokenizer, no stemming). Never valid.

    python research/headline_rerank.py --train-docs 8000 --test-docs 800 [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
from train_compressor import split  # noqa: E402
from train_scorer import DEFAULT_DATA, map_docs, read_rows  # noqa: E402

FEATURES = ("head", "rank", "gap", "body", "position", "source_words", "words", "ratio", "deletions",
            "expected_f1", "expected_overlap", "overlap_per_word", "pairs", "kind")
_STATE: dict = {}


def _setup() -> None:
    from briefsum.engines.offline.learned import LearnedScorer
    from briefsum.evaluation.rouge import Rouge
    from briefsum.grading.compressor import load

    _STATE.update(scorer=LearnedScorer.load(), comp=load(), rouge=Rouge(mode="unicode", stem=False, lang="fr",
                                                                       bootstrap=0))


def candidates(row: dict):
    """(features, ROUGE (R-1, R-2, R-L) F1 against the title) per candidate of one document, or None."""
    from briefsum.grading.choice import HeadlineChoice, expected_f1
    from briefsum.text.words import lower_tokens as tokens
    from briefsum.grading.deletion import doc_counts
    from briefsum.grading.rules import compress, no_stop
    from briefsum.text.normalise import clean
    from briefsum.text.segment import count_words, segment

    title = (row.get("title") or "").strip()
    doc = segment(clean(row["article"]).text, "fr")
    if not title or not doc.sentences:
        return None
    scorer, comp, rouge = _STATE["scorer"], _STATE["comp"], _STATE["rouge"]
    ch = comp.choice or HeadlineChoice()
    sc = scorer.score(doc)
    tw = sc.title_words or {}
    tf, kw = doc_counts([s.text for s in doc.sentences])
    pool = [s.index for s in doc.sentences if not s.heading and s.words > 0]
    ranked = sorted(pool, key=lambda i: (-sc.headline[i], i))[:ch.sentences]
    x, y = [], []
    for rank, i in enumerate(ranked):
        s = doc.sentences[i]
        base = compress(s.text, "fr", 20, target_words=20)
        forms = [no_stop(s.text), compress(s.text, "fr", 20, target_words=12), base,
                 *comp.deletion_forms(base, "fr", "title", tf, kw, ch.floor)]
        for k, f in enumerate(dict.fromkeys(forms)):
            n = count_words(f)
            if not f or n > 20:
                continue
            t = tokens(f)
            over = sum(tw.get(w, 0.0) for w in set(t))
            gap = float(sc.headline[ranked[0]] - sc.headline[i])
            x.append([sc.headline[i], rank, gap, sc.body[i], i / len(doc.sentences), s.words, n, n / max(1, s.words),
                      max(0, k - 2), expected_f1(t, tw, ch.length, ch.bigram) - ch.gap * gap, over,
                      over / max(1, len(t)), expected_f1(t, tw, ch.length, ch.bigram) - expected_f1(t, tw, ch.length, 0),
                      min(k, 3)])
            r = rouge.score_pair(title, f)
            y.append([r["rouge1"][2], r["rouge2"][2], r["rougeL"][2]])
    return (np.array(x, float), np.array(y, float)) if x else None


def pick(docs, scores) -> np.ndarray:
    return np.mean([y[int(np.argmax(s))] for (x, y), s in zip(docs, scores)], axis=0)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train-docs", type=int, default=8000)
    p.add_argument("--test-docs", type=int, default=800)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    import lightgbm as lgb

    rows = read_rows(Path(DEFAULT_DATA) / "train.jsonl.gz")
    train_idx, held = split(rows)
    _setup()
    train = [d for d in map_docs(candidates, [rows[i] for i in train_idx[:args.train_docs]], args.jobs, 16) if d]
    test = [d for d in map_docs(candidates, [rows[i] for i in held[:args.test_docs]], args.jobs, 16) if d]
    x = np.vstack([d[0] for d in train])
    target = np.concatenate([d[1].mean(1) - d[1].mean(1).max() for d in train])
    params = dict(objective="regression", learning_rate=0.05, num_leaves=31, min_data_in_leaf=50, verbose=-1,
                  seed=1, deterministic=True, num_threads=args.jobs)
    booster = lgb.train(params, lgb.Dataset(x, target), num_boost_round=100)
    ef = FEATURES.index("expected_f1")
    print(f"{len(train)} training documents, {len(test)} held-out documents (R-1 / R-2 / R-L, no topic label)")
    print("  best sentence, rules' form:", np.round(pick(test, [(d[0][:, 1] == 0) & (d[0][:, -1] == 1) for d in test]), 2))
    print("  expected-ROUGE choice:     ", np.round(pick(test, [d[0][:, ef] for d in test]), 2))
    print("  learned reranker:          ", np.round(pick(test, [booster.predict(d[0]) for d in test]), 2))
    print("  oracle over the candidates:", np.round(np.mean([d[1][int(np.argmax(d[1].sum(1)))] for d in test], 0), 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
