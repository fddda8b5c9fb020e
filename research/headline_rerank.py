"""A learned reranker of headline candidates against the expected-ROUGE choice (held-out training documents).

Candidates as the engine makes them (the shipped choice's best sentences by headline score among those that fit
the shorter grades, each whole, as the rules cut it, and along its learned deletion path), without the topic
label. The word probabilities are the choice's (the word models refined by the word prior). The reranker
(LightGBM LambdaRank, relevance graded from each candidate's mean ROUGE F1 against the title) is trained on the
candidates of the training-pool documents after the word models' (the scorer's `word_docs`) and before the word
prior's counts (its `fit_docs`), where neither the word models nor the prior's counts saw the document; it
picks one candidate per held-out document, the expected-ROUGE choice (grading.choice) with its four numbers.
Both are scored against the titles (Unicode tokenizer, no stemming). Never valid.

    python research/headline_rerank.py [--train-docs 3000] [--test-docs 1500] [--jobs 2] [--cache DIR]
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
from train_compressor import split  # noqa: E402
from train_scorer import DEFAULT_DATA, map_docs, read_rows  # noqa: E402

_STATE: dict = {}


def setup() -> None:
    from briefsum.config import load_config
    from briefsum.engines.offline.learned import LearnedScorer
    from briefsum.evaluation.rouge import Rouge
    from briefsum.grading.budgets import grade_specs
    from briefsum.grading.compressor import load

    cfg = load_config()
    specs = grade_specs(cfg.settings.grades)
    _STATE.update(scorer=LearnedScorer.load(), comp=load(), specs=specs, target=cfg.settings.offline.headline_target,
                  rouge=Rouge(mode="unicode", stem=False, lang="fr", bootstrap=0))


def candidates(row: dict):
    """(feature rows, ROUGE (R-1, R-2, R-L) F1 against the title per candidate, shipped choice's pick), or None."""
    from briefsum.grading.choice import choose_headline
    from briefsum.grading.deletion import doc_counts
    from briefsum.grading.rules import compress, no_stop
    from briefsum.text.normalise import clean
    from briefsum.text.segment import count_words, segment
    from briefsum.text.words import lower_tokens

    title = (row.get("title") or "").strip()
    doc = segment(clean(row["article"]).text, "fr")
    if not title or not doc.sentences:
        return None
    scorer, comp, rouge, specs = _STATE["scorer"], _STATE["comp"], _STATE["rouge"], _STATE["specs"]
    ch = comp.choice
    sc = scorer.score(doc)
    if not sc.title_words:
        return None
    raw = sc.title_words
    tw = comp.word_probabilities(raw, "title", "fr")
    head = next(g for g in specs if g.name == "headline")
    room = min(g.max_words for g in specs if g.name != "headline")
    cands = [s.index for s in doc.sentences if not s.heading and s.words > 0]
    pool = [i for i in cands if doc.sentences[i].words <= room] or cands
    ranked = sorted(pool, key=lambda i: (-sc.headline[i], i))
    tf, kw = doc_counts([s.text for s in doc.sentences])
    top = float(sc.headline[ranked[0]])
    items = []
    for rank, i in enumerate(ranked[:ch.sentences]):
        s = doc.sentences[i]
        base = compress(s.text, "fr", head.max_words, target_words=head.max_words)
        forms = [no_stop(s.text), compress(s.text, "fr", head.max_words, target_words=_STATE["target"]), base]
        forms += comp.deletion_forms(base, "fr", "title", tf, kw, ch.floor)
        for k, f in enumerate(dict.fromkeys(forms)):
            if f and count_words(f) <= head.max_words:
                items.append((i, f, top - float(sc.headline[i]), rank, k, s.words))
    if not items:
        return None
    pick = choose_headline([(i, f, g) for i, f, g, *_ in items], tw, ch)
    x, y, chosen = [], [], 0
    n_sent = len(doc.sentences)
    for j, (i, f, g, rank, k, sw) in enumerate(items):
        t = lower_tokens(f)
        x.append(candidate_features(f, t, tw, raw, g, rank, k, i, n_sent, sw, float(sc.headline[i]),
                                    float(sc.body[i])))
        r = rouge.score_pair(title, f)
        y.append([r["rouge1"][2], r["rouge2"][2], r["rougeL"][2]])
        if pick is not None and (i, f) == pick and not chosen:
            chosen = j
    return np.array(x, float), np.array(y, float), chosen


def candidate_features(form, toks, tw, raw, gap, rank, kind, index, n_sent, source_words, head, body):
    from briefsum.grading.choice import expected_f1

    uniq = list(dict.fromkeys(toks))
    p = np.array([tw.get(w, 0.0) for w in uniq]) if uniq else np.zeros(1)
    top = sorted(tw.values(), reverse=True)[:10]
    n = len(toks)
    seq = [tw.get(w, 0.0) for w in toks]
    words = form.split()
    return [head, rank, gap, body, index / max(1, n_sent), min(index, 10), source_words, n, n / max(1, source_words),
            kind, expected_f1(toks, tw, 7, 2), expected_f1(toks, raw, 7, 2), expected_f1(toks, tw, 3, 0),
            expected_f1(toks, tw, 12, 4), p.sum(), p.mean(), p.max(), p.min(), int((p > 0.3).sum()),
            p.sum() / max(1e-9, sum(top)), sum(a * b for a, b in zip(seq, seq[1:])),
            sum(w[:1].isupper() for w in words[1:]), sum(c.isdigit() for c in form),
            int(any(c in form for c in "«»\"")), int(":" in form), int(form.rstrip()[-1:] in "?!"),
            form.count(","), seq[0] if seq else 0.0, n - len(uniq)]


def mean_pick(docs, scores) -> np.ndarray:
    return np.mean([y[int(np.argmax(s))] for (x, y, _), s in zip(docs, scores)], axis=0)


def cached(name: str, rows: list[dict], args):
    path = Path(args.cache) / f"rerank-{name}-{len(rows)}.pkl" if args.cache else None
    if path is not None and path.exists():
        return pickle.loads(path.read_bytes())
    out = [d for d in map_docs(candidates, rows, args.jobs, 16) if d]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(out))
    return out


def grades(y: np.ndarray, levels: int) -> np.ndarray:
    m = y.mean(1)
    return np.zeros(len(m), int) if m.max() <= 0 else np.clip(np.floor(m * levels / m.max()), 0, levels).astype(int)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train-docs", type=int, default=3000)
    p.add_argument("--test-docs", type=int, default=1500)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--cache", default=None, help="a folder keeping the candidates between runs")
    p.add_argument("--iters", type=int, nargs="+", default=[100, 200, 400])
    p.add_argument("--leaves", type=int, nargs="+", default=[7, 15])
    p.add_argument("--levels", type=int, default=8)
    args = p.parse_args()
    import lightgbm as lgb

    rows = read_rows(Path(DEFAULT_DATA) / "train.jsonl.gz")
    pool, held = split(rows)
    setup()
    start = int(_STATE["scorer"].meta["word_docs"])
    train = cached("train", [rows[i] for i in pool[start:start + args.train_docs]], args)
    test = cached("test", [rows[i] for i in held[:args.test_docs]], args)
    print(f"{len(train)} training documents, {len(test)} held-out documents (R-1 / R-2 / R-L, no topic label)")
    print("  expected-ROUGE choice (shipped): ", np.round(mean_pick(test, [np.eye(len(d[1]))[d[2]] for d in test]), 2))
    print("  oracle over the candidates:      ", np.round(np.mean([d[1][int(np.argmax(d[1].sum(1)))] for d in test], 0), 2))
    x = np.vstack([d[0] for d in train])
    rel = np.concatenate([grades(d[1], args.levels) for d in train])
    group = [len(d[1]) for d in train]
    for leaves in args.leaves:
        params = dict(objective="lambdarank", learning_rate=0.05, num_leaves=leaves, min_data_in_leaf=50,
                      lambdarank_truncation_level=3, label_gain=list(range(args.levels + 1)), verbose=-1, seed=1,
                      deterministic=True, num_threads=args.jobs, force_row_wise=True)
        booster = lgb.train(params, lgb.Dataset(x, rel, group=group), num_boost_round=max(args.iters))
        for it in args.iters:
            print(f"  reranker, {leaves} leaves, {it} trees:", np.round(
                mean_pick(test, [booster.predict(d[0], num_iteration=it) for d in test]), 2), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
