"""The headline's topic label read from the word prior's probabilities (learned compression; held-out training
documents, never valid).

The label ("Bahreïn : ...") is the brief's proper noun a human title most likely uses among those the headline
lacks, printed when its probability reaches `engine.offline.headline_label`. With the learned compression on,
the engine reads the word models' probabilities refined by the word prior there (as the expected-ROUGE choices
do); this compares that with the word models' own, at several thresholds, and with common nouns of the brief
allowed as labels from a higher threshold ("Coronavirus : ..."). Scored against the titles of the held-out slice
of train (Unicode tokenizer, no stemming).

    python research/label_prior.py [--docs 1500] [--thresholds 0.1 0.2 0.3 0.4] [--nouns 0.1 0.2 0.3] [--any-noun]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
from train_scorer import DEFAULT_DATA  # noqa: E402
from tune_compressor import engine_settings, held_out, run_variant  # noqa: E402


class _Everything:
    """A set that holds every word."""

    def __contains__(self, word: object) -> bool:
        return True


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=1500)
    p.add_argument("--thresholds", type=float, nargs="*", default=[0.1, 0.2, 0.3, 0.4])
    p.add_argument("--nouns", type=float, nargs="*", default=[], help="label thresholds for common nouns")
    p.add_argument("--any-noun", action="store_true", help="any common noun of the brief, not only the words "
                   "titles take as their topic (the file's label_topics)")
    args = p.parse_args()

    from briefsum.engines.offline import call
    from briefsum.grading.compressor import load

    specs, offline, rouge = engine_settings()
    titles, abstracts, _ = held_out(str(DEFAULT_DATA), args.docs, 0)
    items = titles
    comp = load()
    comp.cache_size = 10**6
    comp.label_nouns = None  # proper nouns only, until the rows that say otherwise
    if args.any_noun:
        comp.label_topics = _Everything()
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
