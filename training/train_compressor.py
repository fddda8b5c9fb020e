"""Train the learned deletion model (briefsum.grading.deletion) on OrangeSum train and export it without pickle.

Alignment: each title is paired with the article sentence that holds the largest share of its content words
(at least `--min-recall`); each abstract sentence likewise. The pair's source sentence is parsed (spaCy
fr_core_news_sm) and every deletable subtree is labelled deleted when fewer than half its content words are in
the human text. Two LightGBM classifiers (title, abstract) are exported as flat arrays. A linear fit of the
title's length on the source sentence's length gives the headline's target length.

The documents are those of the scorer's training permutation (seed 13): the compressor trains on documents
`--skip` onward of it and never on the scorer's last 1,500 held-out ones (nor on valid), which
training/tune_compressor.py uses for every choice.

    python training/train_compressor.py --docs 12000 --out src/briefsum/models/compressor.npz
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from briefsum.text.words import WORD

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from train_scorer import DEFAULT_DATA, export_checked, map_docs, read_rows  # noqa: E402

DEFAULT_OUT = HERE.parent / "src" / "briefsum" / "models" / "compressor.npz"
HELDOUT = 1500  # the scorer's held-out slice at the end of its permutation


def split(rows: list[dict], seed: int = 13, heldout: int = HELDOUT):
    """The scorer's permutation of train: (pool of training indices, held-out indices)."""
    perm = np.random.default_rng(seed).permutation(len(rows))
    n_pool = len(rows) - heldout
    return perm[:n_pool], perm[n_pool:]


def set_meta(model: str | Path, key: str, value) -> None:
    """Write `value` under `key` into a compressor file's meta, its arrays unchanged."""
    with np.load(model, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"]))
    meta[key] = value
    np.savez_compressed(model, meta=np.array(json.dumps(meta)), **arrays)


def _content(text: str) -> set[str]:
    from briefsum.grading.deletion import LABEL_STOP_WORDS  # the same stop list the labels use

    return {w.lower() for w in WORD.findall(text) if w.lower() not in LABEL_STOP_WORDS}


def align_row(r: dict, min_recall: float = 0.5):
    """(sentence, reference, task, article sentences) pairs for one document."""
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    doc = segment(clean(r["article"]).text, "fr")
    sents = [s.text for s in doc.sentences if s.words > 3 and not s.heading]
    if not sents:
        return []
    words = [_content(s) for s in sents]
    out = []
    refs = [("title", r.get("title", ""))]
    refs += [("abstract", s.text) for s in segment(clean(r.get("abstract", "")).text, "fr").sentences
             if r.get("abstract", "").strip()]
    for task, ref in refs:
        rw = _content(ref)
        if len(rw) < 3:
            continue
        rec = [len(rw & w) / len(rw) for w in words]
        k = int(np.argmax(rec))
        if rec[k] >= min_recall:
            out.append((sents[k], ref, task, k))
    return [(s, ref, task, k, sents) for s, ref, task, k in out]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--out", default=str(DEFAULT_OUT))
    p.add_argument("--docs", type=int, default=12000, help="training documents (from the scorer's training pool)")
    p.add_argument("--min-recall", type=float, default=0.5)
    p.add_argument("--iters", type=int, default=300)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--parse-cache", default=None, help="a JSON file of the parsed sentences (reused on reruns)")
    args = p.parse_args(argv)

    import lightgbm as lgb

    from briefsum.text import parse
    from briefsum.grading.compressor import MODEL_FORMAT, MODEL_VERSION
    from briefsum.grading.deletion import doc_counts
    from briefsum.grading.deletion import FEATURES, candidates, deletion_labels, features
    from briefsum.text.segment import count_words

    t0 = time.time()
    rows = read_rows(Path(args.data) / "train.jsonl.gz")
    pool, held = split(rows, args.seed)
    train = [rows[i] for i in pool[: args.docs]]
    assert not set(pool[: args.docs]) & set(held)
    pairs = [pr for prs in map_docs(align_row, train, args.jobs) for pr in prs]
    print(f"{len(train)} documents, {len(pairs)} aligned pairs "
          f"({sum(p[2] == 'title' for p in pairs)} titles) in {time.time() - t0:.0f}s", flush=True)
    texts = list(dict.fromkeys(p[0] for p in pairs))
    parsed = {}
    cache = Path(args.parse_cache) if args.parse_cache else None
    if cache and cache.exists():  # parses are the slow part: a JSON cache of them, keyed by sentence
        parsed = {t: parse.Parsed(**v) for t, v in json.loads(cache.read_text()).items()}
    todo = [t for t in texts if t not in parsed]
    if todo:
        nlp = parse.pipeline("fr")
        for t, d in zip(todo, nlp.pipe(todo, batch_size=128, n_process=1)):
            parsed[t] = parse.from_doc(d)
        if cache:
            cache.write_text(json.dumps({t: vars(v) for t, v in parsed.items()}))
    print(f"parsed {len(texts)} sentences in {time.time() - t0:.0f}s", flush=True)

    # Learned word rates for the lexical features: how often a candidate opening with / governed by / headed by
    # a word is deleted (any task), smoothed towards the overall rate; from the training pairs themselves.
    cands = {t: candidates(parsed[t]) for t in texts}
    counts: dict[str, Counter] = defaultdict(Counter)
    dels: dict[str, Counter] = defaultdict(Counter)
    ys_all = []
    for s, ref, task, k, sents in pairs:
        pr = parsed[s]
        y = deletion_labels(pr, cands[s], ref)
        ys_all.append(y)
        for c, yy in zip(cands[s], y):
            first = next((pr.text[i] for i in sorted(c.tokens) if WORD.search(pr.text[i])), "").lower()
            for fam, w in (("first", first), ("gov", pr.lemma[pr.head[c.head]].lower()),
                           ("head", pr.lemma[c.head].lower())):
                counts[fam][w] += 1
                dels[fam][w] += yy
    ally = np.concatenate(ys_all) if ys_all else np.zeros(0)
    prior = float(ally.mean()) if ally.size else 0.5
    m = 20.0
    lexicon: dict = {"prior": {"": [prior, 0.0]}}
    for fam in counts:
        lexicon[fam] = {w: [round((dels[fam][w] + m * prior) / (c + m), 4), round(float(np.log1p(c)), 3)]
                        for w, c in counts[fam].most_common(600) if c >= 10}
    lex_t = {fam: {w: tuple(v) for w, v in tab.items()} for fam, tab in lexicon.items()}

    data = {"title": ([], []), "abstract": ([], [])}
    lengths = []
    for (s, ref, task, k, sents), y in zip(pairs, ys_all):
        if not cands[s]:
            continue
        tf, keys = doc_counts(sents)
        data[task][0].append(features(parsed[s], cands[s], lex_t, tf, keys))
        data[task][1].append(y)
        if task == "title":
            lengths.append((count_words(s), count_words(ref)))
    L = np.array(lengths, dtype=float)
    b, a = np.polyfit(L[:, 0], L[:, 1], 1)
    print(f"title length = {a:.2f} + {b:.3f} x source words (n={len(L)}); features in {time.time() - t0:.0f}s",
          flush=True)
    params = dict(objective="binary", learning_rate=0.05, num_leaves=31, min_data_in_leaf=40, lambda_l2=1.0,
                  seed=args.seed, num_threads=args.jobs, deterministic=True, force_row_wise=True, verbose=-1)
    arrays = {}
    stats = {}
    for task, (xs, ys) in data.items():
        x, y = np.vstack(xs), np.concatenate(ys)
        bst = lgb.train(params, lgb.Dataset(x, y), args.iters)
        arrays.update(export_checked(bst, task, x))
        stats[task] = {"candidates": int(len(y)), "deleted_rate": round(float(y.mean()), 4)}
        print(f"  {task}: {len(y)} candidates, deletion rate {y.mean():.3f}, export checked", flush=True)
    meta = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "features": list(FEATURES), "langs": ["fr"],
            "lexicon": lexicon, "length_fit": [round(float(a), 4), round(float(b), 4)], "trained_on": "OrangeSum train",
            "train_docs": len(train), "pairs": len(pairs), "stats": stats, "iters": args.iters, "seed": args.seed,
            "parser": parse.MODELS["fr"], "min_recall": args.min_recall,
            "tuned": {"headline_floor": 0.3, "headline_threshold": 0.9, "brief_threshold": 0.7, "brief_refill": True},
            "train_seconds": round(time.time() - t0)}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, meta=np.array(json.dumps(meta)), **arrays)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
