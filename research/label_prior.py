"""The headline's topic label read from the word prior's probabilities (learned compression; held-out training
documents, never valid).

The label ("Bahreïn : ...") is the brief's proper noun a human title most likely uses among those the headline
lacks, printed when its probability reaches `engine.offline.headline_label`. With the learned compression on,
the engine reads the word models' probabilities refined by the word prior there (as the expected-ROUGE choices
do); this compares that with the word models' own, at several thresholds, and with common nouns of the brief
allowed as labels from a higher threshold ("Coronavirus : ..."). Scored against the titles of the held-out slice
of train (Unicode tokenizer, no stemming).

    python research/label_prior.py [--docs 1500] [--thresholds 0.1 0.2 0.3 0.4] [--nouns 0.3 0.4 0.5]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
from train_compressor import split  # noqa: E402
from train_scorer import DEFAULT_DATA, read_rows  # noqa: E402
from tune_compressor import run_variant  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=1500)
    p.add_argument("--thresholds", type=float, nargs="*", default=[0.1, 0.2, 0.3, 0.4])
    p.add_argument("--nouns", type=float, nargs="*", default=[], help="label thresholds for common nouns")
    args = p.parse_args()

    from briefsum.config import load_config
    from briefsum.engines.offline import call
    from briefsum.engines.offline.learned import LearnedScorer
    from briefsum.evaluation.rouge import Rouge
    from briefsum.grading.budgets import grade_specs
    from briefsum.grading.compressor import load
    from briefsum.text.normalise import clean
    from briefsum.text.segment import segment

    rows = read_rows(Path(DEFAULT_DATA) / "train.jsonl.gz")
    _, held = split(rows)
    cfg = load_config()
    specs = [g for g in grade_specs(cfg.settings.grades) if g.name in ("headline", "brief")]
    offline = cfg.settings.offline
    scorer, comp = LearnedScorer.load(), load()
    comp.cache_size = 10**6
    rouge = Rouge(mode="unicode", stem=False, lang="fr", bootstrap=0)
    items = []
    for r in (rows[i] for i in held[:args.docs]):
        doc = segment(clean(r["article"]).text, "fr")
        if doc.sentences and r.get("title", "").strip():
            items.append((doc, scorer.score(doc), r["title"]))
    print(f"{len(items)} titles", flush=True)
    label = offline.headline_label
    print("  no label:", run_variant(items, comp, specs, dataclasses.replace(offline, headline_label=None), rouge,
                                     "headline"), flush=True)
    refined = call.EngineCall.topic_label

    def from_word_models(self, headline, entities):  # the headline's choice has read the refined ones already
        self.title_words = self.scores.title_words
        return refined(self, headline, entities)

    call.EngineCall.topic_label = from_word_models
    print(f"  label from the word models, threshold {label}:",
          run_variant(items, comp, specs, offline, rouge, "headline"), flush=True)
    call.EngineCall.topic_label = refined
    for thr in args.thresholds:
        print(f"  label from the refined probabilities, threshold {thr}:",
              run_variant(items, comp, specs, dataclasses.replace(offline, headline_label=thr), rouge, "headline"),
              flush=True)
    for thr in args.nouns:
        comp.label_nouns = thr
        print(f"  ...threshold {label}, common nouns of the brief too from {thr}:",
              run_variant(items, comp, specs, offline, rouge, "headline"), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
