"""Choose the compressor's thresholds on held-out TRAINING documents (never valid) and write them into its model.

The held-out slice is the scorer's: the last 1,500 documents of its seed-13 permutation of OrangeSum train, which
neither the scorer nor the compressor trained on. Each variant runs the offline engine as configured (headline
fit margin, topic label, redundancy) on the same scores, and is scored as briefsum-eval scores valid: rouge-score
F1 x100, Unicode tokenizer, no stemming; headline vs title on documents with a title, brief vs abstract on
documents with an abstract.

    python training/tune_compressor.py --model src/briefsum/models/compressor.npz --write
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from train_compressor import split  # noqa: E402
from train_scorer import DEFAULT_DATA, read_rows  # noqa: E402


class _Fixed:
    """A scorer that returns the scores it was given (the learned scorer's, computed once)."""

    name = "learned"

    def __init__(self, scores):
        self.scores = scores

    def score(self, doc):
        return self.scores


def run_variant(items, comp, specs, offline, rouge, task: str) -> dict:
    from briefsum.engines.offline.engine import ExtractiveEngine

    sums = np.zeros(3)
    words = 0.0
    n = 0
    for doc, scores, ref in items:
        eng = ExtractiveEngine(_Fixed(scores), offline.redundancy, offline.headline_target,
                               offline.headline_fit_margin, offline.headline_label, offline.headline_label_langs, comp)
        res = eng.run(doc, specs, None, None, False)
        g = res.grades[task]
        s = rouge.score_pair(ref, g.text)  # (P, R, F1) x100 per type
        sums += [s["rouge1"][2] / 100, s["rouge2"][2] / 100, s["rougeL"][2] / 100]
        words += g.words
        n += 1
    r = 100 * sums / max(1, n)
    return {"r1": round(r[0], 2), "r2": round(r[1], 2), "rl": round(r[2], 2), "words": round(words / max(1, n), 1),
            "n": n}


def engine_settings():
    """(the headline and brief grade specs, the offline engine's settings, the ROUGE briefsum-eval reports) as the
    packaged config gives them."""
    from briefsum.config import load_config
    from briefsum.evaluation.rouge import Rouge
    from briefsum.grading.budgets import grade_specs

    cfg = load_config()
    specs = [g for g in grade_specs(cfg.settings.grades) if g.name in ("headline", "brief")]
    return specs, cfg.settings.offline, Rouge(mode="unicode", stem=False, lang="fr", bootstrap=0)


def held_out(data: str, docs: int, start: int = 0):
    """The held-out documents from `start`, scored once by the learned scorer: (titles, abstracts, how many
    documents were read), the first two lists of (document, scores, reference)."""
    from briefsum.engines.offline.learned import LearnedScorer
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    rows = read_rows(Path(data) / "train.jsonl.gz")
    _, held = split(rows)
    scorer = LearnedScorer.load()
    titles, abstracts = [], []
    chosen = held[start: start + docs]
    for r in (rows[i] for i in chosen):
        doc = segment(clean(r["article"]).text, "fr")
        if not doc.sentences:
            continue
        sc = scorer.score(doc)
        if r.get("title", "").strip():
            titles.append((doc, sc, r["title"]))
        if r.get("abstract", "").strip():
            abstracts.append((doc, sc, r["abstract"]))
    return titles, abstracts, len(chosen)


def tune_brief(abstracts, comp, specs, offline, rouge, args, record, results):
    """The brief's variants: the rules, a threshold on the abstract model (with or without refilling), and the
    forms chosen by expected ROUGE; the best ((threshold, refill), choice), compression off where none beats the
    rules."""
    from briefsum.grading.choice import BriefChoice

    record("brief rules", run_variant(abstracts, None, specs, offline, rouge, "brief"))
    base = results["brief rules"]
    best, best_s = ((None, False), None), base["r1"] + base["r2"] + base["rl"]
    for thr, refill in itertools.product(args.brief_thresholds, (True, False)):
        comp.brief_threshold, comp.brief_refill = thr, refill
        res = run_variant(abstracts, comp, specs, offline, rouge, "brief")
        record(f"brief learned threshold {thr} refill {refill}", res)
        if res["r1"] + res["r2"] + res["rl"] > best_s:
            best, best_s = ((thr, refill), None), res["r1"] + res["r2"] + res["rl"]
    comp.brief_threshold, comp.brief_refill = None, False
    for length, bigram, refill, search in itertools.product(args.brief_lengths, args.brief_bigrams, (False, True),
                                                            args.brief_search):
        comp.brief_choice = BriefChoice(length, bigram, args.brief_floor, refill, search == "on")
        res = run_variant(abstracts, comp, specs, offline, rouge, "brief")
        record(f"brief by expected ROUGE: length {length}, bigram {bigram}, refill {refill}"
               + (", search" if search == "on" else ""), res)
        if res["r1"] + res["r2"] + res["rl"] > best_s:
            best, best_s = ((None, False), comp.brief_choice), res["r1"] + res["r2"] + res["rl"]
    comp.brief_choice = None
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--model", required=True)
    p.add_argument("--docs", type=int, default=1500, help="held-out documents used (of the 1,500)")
    p.add_argument("--start", type=int, default=0, help="the first held-out document used (a second slice checks "
                   "a choice made on the first)")
    p.add_argument("--write", action="store_true", help="write the best thresholds into the model file")
    p.add_argument("--out", default=None, help="a JSON file for every variant's scores")
    p.add_argument("--wait", action="store_true", help="score the documents, then wait for the model file")
    p.add_argument("--floors", type=float, nargs="*", default=[0.5, 0.7, 0.85])
    p.add_argument("--thresholds", type=float, nargs="+", default=[1.01])
    p.add_argument("--offsets", type=float, nargs="+", default=[0.0, 3.0])
    p.add_argument("--brief-thresholds", type=float, nargs="*", default=[0.6, 0.8, 0.9])
    p.add_argument("--no-brief", action="store_true", help="tune the headline only (the brief's settings kept)")
    p.add_argument("--brief-lengths", type=float, nargs="*", default=[25.0, 35.0, 50.0],
                   help="brief by expected ROUGE: the abstract's share of the F1 denominator (none: not tried)")
    p.add_argument("--brief-bigrams", type=float, nargs="+", default=[0.0, 2.0, 4.0])
    p.add_argument("--brief-floor", type=float, default=0.3)
    p.add_argument("--after-floors", type=float, nargs="*", default=[0.0, 0.3])
    p.add_argument("--choice-sentences", type=int, nargs="*", default=[5],
                   help="headline by expected ROUGE: how many sentences are candidates (none: not tried)")
    p.add_argument("--choice-lengths", type=float, nargs="+", default=[7.0])
    p.add_argument("--choice-bigrams", type=float, nargs="+", default=[4.0])
    p.add_argument("--choice-gaps", type=float, nargs="+", default=[0.1])
    p.add_argument("--choice-floor", type=float, default=0.15)
    p.add_argument("--choice-search", choices=("off", "on"), nargs="+", default=["off"],
                   help="headline by expected ROUGE: also the deletion path chosen by expected F1 (both: tried)")
    p.add_argument("--brief-search", choices=("off", "on"), nargs="+", default=["off"],
                   help="brief by expected ROUGE: also each sentence's deletion path chosen by expected F1")
    p.add_argument("--label-nouns", type=float, nargs="*", default=[0.2, 0.3],
                   help="the topic label from common nouns of the brief too, from these title probabilities")
    args = p.parse_args(argv)

    from briefsum.grading.choice import HeadlineChoice
    from briefsum.grading.compressor import LearnedCompressor

    t0 = time.time()
    specs, offline, rouge = engine_settings()
    titles, abstracts, n_docs = held_out(args.data, args.docs, args.start)
    print(f"{len(titles)} titles, {len(abstracts)} abstracts scored in {time.time() - t0:.0f}s", flush=True)
    while args.wait and not Path(args.model).exists():  # the model may still be training
        time.sleep(10)
    comp = LearnedCompressor.from_file(args.model)
    results: dict[str, dict] = {}

    def record(name: str, res: dict) -> None:
        results[name] = res
        print(f"  {name}: R1 {res['r1']:.2f} R2 {res['r2']:.2f} RL {res['rl']:.2f} ({res['words']} words)",
              flush=True)

    record("headline rules", run_variant(titles, None, specs, offline, rouge, "headline"))
    kept_brief = ((comp.brief_threshold, comp.brief_refill), comp.brief_choice)  # what --no-brief leaves as it is
    comp.brief_threshold, comp.choice, comp.brief_choice, comp.label_nouns = None, None, None, None
    best_h, best_hs = (comp.head_floor, comp.head_threshold, comp.head_offset), -1.0
    for floor, thr, off in itertools.product(args.floors, args.thresholds, args.offsets):
        comp.head_floor, comp.head_threshold, comp.head_offset = floor, thr, off
        res = run_variant(titles, comp, specs, offline, rouge, "headline")
        record(f"headline learned floor {floor} threshold {thr} offset {off}", res)
        if res["r1"] + res["r2"] + res["rl"] > best_hs:
            best_h, best_hs = (floor, thr, off), res["r1"] + res["r2"] + res["rl"]
    comp.head_floor, comp.head_threshold, comp.head_offset = best_h
    after = False
    for floor in args.after_floors:
        comp.head_after_rules, comp.head_floor = True, floor
        res = run_variant(titles, comp, specs, offline, rouge, "headline")
        record(f"headline rules, then learned deletions while over budget (floor {floor})", res)
        if res["r1"] + res["r2"] + res["rl"] > best_hs:
            best_h, best_hs, after = (floor, best_h[1], best_h[2]), res["r1"] + res["r2"] + res["rl"], True
    comp.head_after_rules = after
    comp.head_floor, comp.head_threshold, comp.head_offset = best_h
    comp.cache_size = 10**6  # every variant reads the same parses
    best_choice = None
    for k, length, bigram, gap, search in itertools.product(args.choice_sentences, args.choice_lengths,
                                                            args.choice_bigrams, args.choice_gaps, args.choice_search):
        comp.choice = HeadlineChoice(k, length, bigram, gap, args.choice_floor, search == "on")
        res = run_variant(titles, comp, specs, offline, rouge, "headline")
        record(f"headline by expected ROUGE: {k} sentences, length {length}, bigram {bigram}, gap {gap}"
               + (", search" if search == "on" else ""), res)
        if res["r1"] + res["r2"] + res["rl"] > best_hs:
            best_choice, best_hs = comp.choice, res["r1"] + res["r2"] + res["rl"]
    comp.choice = best_choice
    comp.label_ner = True
    res = run_variant(titles, comp, specs, offline, rouge, "headline")
    record("headline learned, topic label from NER", res)
    comp.label_ner = bool(res["r1"] + res["r2"] + res["rl"] > best_hs)
    best_hs = max(best_hs, res["r1"] + res["r2"] + res["rl"])
    best_nouns = None
    for floor in args.label_nouns:
        comp.label_nouns = floor
        res = run_variant(titles, comp, specs, offline, rouge, "headline")
        record(f"headline learned, common nouns label it too from {floor}", res)
        if res["r1"] + res["r2"] + res["rl"] > best_hs:
            best_nouns, best_hs = floor, res["r1"] + res["r2"] + res["rl"]
    comp.label_nouns = best_nouns
    if args.no_brief:
        best_b, brief_choice = kept_brief
    else:
        best_b, brief_choice = tune_brief(abstracts, comp, specs, offline, rouge, args, record, results)
    tuned = {"headline_floor": best_h[0], "headline_threshold": best_h[1], "headline_offset": best_h[2],
             "headline_after_rules": after, "brief_threshold": best_b[0],
             "brief_refill": best_b[1], "label_ner": comp.label_ner, "label_nouns": best_nouns,
             "headline_choice": dataclasses.asdict(best_choice) if best_choice else None,
             "brief_choice": dataclasses.asdict(brief_choice) if brief_choice else None}
    print(f"chose {tuned} in {time.time() - t0:.0f}s", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps({"tuned": tuned, "results": results}, indent=1))
    if args.write:
        with np.load(args.model, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files if k != "meta"}
            meta = json.loads(str(z["meta"]))
        meta["tuned"] = tuned
        if args.no_brief:  # the brief's lines stay those of the run that chose its settings
            results = {**{k: v for k, v in (meta.get("heldout") or {}).get("results", {}).items()
                          if k.startswith("brief")}, **results}
        meta["heldout"] = {"docs": n_docs, "results": results}
        np.savez_compressed(args.model, meta=np.array(json.dumps(meta)), **arrays)
        print(f"wrote the thresholds into {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
