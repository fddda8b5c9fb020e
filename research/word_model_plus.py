"""A richer title-word model for the headline's expected-ROUGE choice (held-out training documents, never valid).

The shipped choice reads the word models refined by the word prior (three inputs: the word model's log-odds,
the word's title rate, how many articles the rate rests on). Here one LightGBM model per use reads those plus
the word models' own inputs (WORD_FEATURES), both word models' log-odds, both rates, and where the word stands
among the scorer's sentences (its best headline and body scores, whether the best headline sentence holds it).
The counts are taken on the whole training pool in folds; a document of the pool that trains the model reads the
counts of the other folds. Trained on pool documents after the word models' own; reported on the held-out
slice: log-loss / AUC of the title words, and the headline chosen among the shipped choice's candidates, with
each row's paired difference from the first and its 95% bootstrap interval. With --ner, the parser's reading of
each word joins them (NER_FEATURES: named-entity shares by type, proper-noun tag, subject, root, the lemma's
frequency), alone with the prior's three inputs and with everything else.

    python research/word_model_plus.py [--fit-docs 6000] [--jobs 2] [--cache DIR] [--ner]
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "research"))
from train_compressor import split  # noqa: E402
from train_scorer import DEFAULT_DATA, map_docs, read_rows  # noqa: E402

_STATE: dict = {}

# What the parser says of a word, per distinct word of the document: the share of its occurrences inside a named
# entity, of each type, tagged as a name, as a subject, as a sentence's root; whether it is in an entity of the
# first sentence; how often the words sharing its lemma occur.
NER_FEATURES = ("n_ent", "n_per", "n_org", "n_loc", "n_misc", "n_propn", "n_subj", "n_root", "n_ent_first",
                "n_log_lemma_tf")


def ner_features(doc, vocab: list[str]) -> np.ndarray:
    """One row of NER_FEATURES per word of vocab (lower-case \\w+), from the parse of each sentence."""
    from briefsum.text import parse
    from briefsum.text.words import WORD

    index = {w: j for j, w in enumerate(vocab)}
    acc = np.zeros((len(vocab), len(NER_FEATURES)))
    occ = np.zeros(len(vocab))
    lemma_of: dict[int, str] = {}
    lemma_tf: dict[str, int] = {}
    types = {"PER": 1, "ORG": 2, "LOC": 3, "MISC": 4}
    for i, p in enumerate(parse.parse([s.text for s in doc.sentences], "fr")):
        for k, tok in enumerate(p.text):
            for w in WORD.findall(tok):
                j = index.get(w.lower())
                if j is None:
                    continue
                occ[j] += 1
                lem = (p.lemma[k] or w).lower()
                lemma_of.setdefault(j, lem)
                lemma_tf[lem] = lemma_tf.get(lem, 0) + 1
                if p.ent[k]:
                    acc[j, 0] += 1
                    acc[j, types.get(p.ent[k], 4)] += 1
                    acc[j, 8] = max(acc[j, 8], float(i == 0))
                acc[j, 5] += p.pos[k] == "PROPN"
                acc[j, 6] += p.dep[k].startswith("nsubj")
                acc[j, 7] += p.dep[k] == "ROOT"
    shares = acc[:, :8] / np.maximum(occ, 1)[:, None]
    lt = np.array([np.log1p(lemma_tf.get(lemma_of.get(j, ""), 0)) for j in range(len(vocab))])
    return np.column_stack([shares, acc[:, 8], lt]).astype(np.float32)


def doc_row(r: dict):
    """Per document: vocab, word features, the word models' probabilities, sentence-score features, the article's
    words, the title's and abstract's words; None without sentences."""
    from briefsum.engines.offline.features import word_features
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment
    from briefsum.text.words import lower_words

    scorer = _STATE["scorer"]
    doc = segment(clean(r["article"]).text, "fr")
    if not doc.sentences:
        return None
    sc = scorer.score(doc)
    if not sc.title_words:
        return None
    vocab, wx, sent_ids = word_features(doc)
    pt, pa = scorer.words.probabilities(wx)
    head, body = np.asarray(sc.headline, float), np.asarray(sc.body, float)
    v = len(vocab)
    hmax = np.full(v, -10.0)
    bmax = np.zeros(v)
    top = int(np.argmax(head))
    in_top = np.zeros(v)
    order = np.argsort(-head, kind="stable")
    in_top3 = np.zeros(v)
    for i, ids in enumerate(sent_ids):
        if ids.size:
            hmax[ids] = np.maximum(hmax[ids], head[i] - head[top])
            bmax[ids] = np.maximum(bmax[ids], body[i])
    if sent_ids[top].size:
        in_top[sent_ids[top]] = 1
    for i in order[:3]:
        if sent_ids[i].size:
            in_top3[sent_ids[i]] = 1
    extra = np.column_stack([hmax, bmax, in_top, in_top3])
    if _STATE.get("ner"):
        extra = np.column_stack([extra, ner_features(doc, list(vocab))])
    a = lower_words(clean(r["article"]).text)
    return (list(vocab), wx.astype(np.float32), pt, pa, extra.astype(np.float32), a,
            lower_words(r.get("title") or "") & a, lower_words(r.get("abstract") or "") & a)


def test_row(r: dict):
    """doc_row plus the shipped choice's headline candidates ((tokens, gap) each) and their ROUGE vs the title."""
    import headline_rerank
    from briefsum.grading import choice
    from briefsum.text.words import lower_tokens

    base = doc_row(r)
    if base is None or not base[6]:
        return None
    if "rerank" not in _STATE:
        headline_rerank.setup()
        real = choice.choose_headline

        def capture(cands, tw, ch):
            _STATE["cands"] = [(lower_tokens(f), g) for _, f, g in cands]
            return real(cands, tw, ch)

        choice.choose_headline = capture
        _STATE["rerank"] = True
    got = headline_rerank.candidates(r)
    if got is None:
        return None
    return base, _STATE["cands"], got[1]


def paired_interval(diff: np.ndarray, draws: int = 2000) -> str:
    """Mean per-document difference (R-1 / R-2 / R-L) with a 95% paired bootstrap interval, as text."""
    rng = np.random.default_rng(13)
    means = np.array([diff[rng.integers(0, len(diff), len(diff))].mean(0) for _ in range(draws)])
    lo, hi = np.percentile(means, [2.5, 97.5], axis=0)
    return " / ".join(f"{m:+.2f} [{a:+.2f}, {b:+.2f}]" for m, a, b in zip(diff.mean(0), lo, hi))


def logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def table(items, counts, base, alpha, use):
    """Feature rows and labels over the words of the documents; counts[k] are the counts item k reads."""
    xs, ys = [], []
    for it, (index, docs, hits) in zip(items, counts):
        if it is None:
            continue
        vocab, wx, pt, pa, extra, art, title, abstract = it
        ref = title if use == "title" else abstract
        if not ref:
            continue
        rows = np.array([index.get(w, -1) for w in vocab])
        known = rows >= 0
        r0 = np.maximum(rows, 0)
        n = np.where(known, docs[r0], 0).astype(float)
        rates = [logit((np.where(known, hits[u][r0], 0) + alpha * base[u]) / (n + alpha)) for u in ("title", "abstract")]
        xs.append(np.column_stack([logit(pt), logit(pa), rates[0], rates[1], np.log1p(n), wx, extra]))
        ys.append(np.array([w in ref for w in vocab], float))
    return np.vstack(xs), np.concatenate(ys)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fit-docs", type=int, default=6000)
    p.add_argument("--test-docs", type=int, default=1500)
    p.add_argument("--iters", type=int, nargs="+", default=[300, 600])
    p.add_argument("--alpha", type=float, default=5.0)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--cache", default="/tmp/wmp")
    p.add_argument("--ner", action="store_true", help="add the parser's NER and lemma features (NER_FEATURES)")
    args = p.parse_args()
    import lightgbm as lgb
    from sklearn.metrics import log_loss, roc_auc_score

    from briefsum.engines.offline.learned import LearnedScorer
    from briefsum.grading.choice import expected_f1
    from briefsum.grading.compressor import load
    from briefsum.engines.offline.features import WORD_FEATURES
    from train_word_prior import _article_words

    rows = read_rows(Path(DEFAULT_DATA) / "train.jsonl.gz")
    pool, held = split(rows)
    _STATE["scorer"] = scorer = LearnedScorer.load()
    _STATE["ner"] = args.ner
    if args.ner:
        from briefsum.text import parse
        parse.pipeline("fr")  # loaded once, before the workers fork
    start = int(scorer.meta["word_docs"])
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)

    def cached(name, fn, items, chunk=16):
        f = cache / f"{name}-{len(items)}{'-ner' if args.ner else ''}.pkl"
        if f.exists():
            return pickle.loads(f.read_bytes())
        out = map_docs(fn, items, args.jobs, chunk)
        f.write_bytes(pickle.dumps(out))
        return out

    counted = cached("counted", _article_words, [rows[i] for i in pool], 256)
    # counts per fold of the pool: a fitting document reads the counts of the other folds (out of fold, so a
    # word's rate never holds the document's own title); held-out documents read all folds, scaled to the same
    # number of documents
    words = sorted({w for a, _ in counted for w in a})
    index = {w: j for j, w in enumerate(words)}
    k_folds = args.folds
    fold_docs = np.zeros((k_folds, len(words)))
    fold_hits = {u: np.zeros((k_folds, len(words))) for u in ("title", "abstract")}
    for d, (a, used) in enumerate(counted):
        f = d % k_folds
        fold_docs[f, [index[w] for w in a]] += 1
        for u in fold_hits:
            if used[u]:
                fold_hits[u][f, [index[w] for w in used[u]]] += 1
    all_docs, all_hits = fold_docs.sum(0), {u: h.sum(0) for u, h in fold_hits.items()}
    base = {u: all_hits[u].sum() / all_docs.sum() for u in all_hits}
    out_of = [(index, all_docs - fold_docs[f], {u: all_hits[u] - fold_hits[u][f] for u in all_hits})
              for f in range(k_folds)]
    scale = (k_folds - 1) / k_folds
    full = (index, all_docs * scale, {u: h * scale for u, h in all_hits.items()})
    fit = cached("fit", doc_row, [rows[i] for i in pool[start:start + args.fit_docs]])
    tested = [t for t in cached("test", test_row, [rows[i] for i in held[:args.test_docs]]) if t is not None]
    test = [t[0] for t in tested]
    comp = load()
    print(f"{len(words)} words counted on {len(pool)} pool documents; fit on {len(fit)}, held-out {len(test)}",
          flush=True)
    params = dict(objective="binary", learning_rate=0.05, num_leaves=31, min_data_in_leaf=200, lambda_l2=1.0,
                  seed=13, num_threads=args.jobs, deterministic=True, force_row_wise=True, verbose=-1,
                  feature_fraction=0.8, bagging_fraction=0.8, bagging_freq=1)
    fit_counts = [out_of[(start + d) % k_folds] for d in range(len(fit))]
    x, y = table(fit, fit_counts, base, args.alpha, "title")
    xt, yt = table(test, [full] * len(test), base, args.alpha, "title")
    shipped = []
    for it in test:
        tw = comp.word_probabilities(dict(zip(it[0], it[2].tolist())), "title", "fr")
        shipped.append(np.array([tw[w] for w in it[0]]))
    ps = np.concatenate(shipped)
    print(f"  title, held-out: word models {log_loss(yt, 1 / (1 + np.exp(-xt[:, 0]))):.4f} / "
          f"{roc_auc_score(yt, xt[:, 0]):.4f}; shipped (with the prior) {log_loss(yt, ps):.4f} / "
          f"{roc_auc_score(yt, ps):.4f}", flush=True)
    sets = {"the prior's three inputs": [0, 2, 4], "both word models and both rates": [0, 1, 2, 3, 4],
            "+ the word models' inputs": list(range(5 + len(WORD_FEATURES))),
            "+ sentence scores": list(range(5 + len(WORD_FEATURES) + 4))}
    if args.ner:
        ner = list(range(5 + len(WORD_FEATURES) + 4, x.shape[1]))
        sets.update({"the prior's three inputs + NER and lemmas": [0, 2, 4] + ner,
                     "+ NER and lemmas (all)": list(range(x.shape[1]))})
    ch = comp.choice
    first = None
    for name, cols in sets.items():
        booster = lgb.train(params, lgb.Dataset(x[:, cols], y), max(args.iters))
        for it_n in args.iters:
            pp = booster.predict(xt[:, cols], num_iteration=it_n)
            off = 0
            res, res0 = [], []
            for (it, forms, y_r), sp in zip(tested, shipped):
                v = len(it[0])
                for probs, out in ((dict(zip(it[0], pp[off:off + v].tolist())), res), (dict(zip(it[0], sp.tolist())), res0)):
                    j = max(range(len(forms)), key=lambda q: (expected_f1(forms[q][0], probs, ch.length, ch.bigram)
                                                              - ch.gap * forms[q][1], -q))
                    out.append(y_r[j])
                off += v
            res = np.asarray(res, float)
            first = res if first is None else first
            print(f"  {name}, {it_n} trees: title words {log_loss(yt, pp):.4f} / {roc_auc_score(yt, pp):.4f}; "
                  f"headline {np.round(np.mean(res, 0), 2)} (shipped probabilities {np.round(np.mean(res0, 0), 2)}); "
                  f"against the first row {paired_interval(res - first)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
