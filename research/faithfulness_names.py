"""Names in the faithfulness check, found by the parse layer or as capitalised words (OrangeSum train, never valid).

Two measures on human abstracts of training documents, each checked against its own article:
- false alarms: names flagged in the untouched abstracts that are one common French word (written in lower case
  in at least `--common` of 5,000 other articles) starting a sentence ("Après", "Cela", "L'occasion"), per 100
  abstracts; all flagged names are counted too (many are real: a human abstract may name what its article does
  not);
- swaps: a name of the abstract that the article writes capitalised inside a sentence (a run of capitalised
  words; one inside a sentence of the abstract, one starting it, or one after l' or d') is replaced by such a run from another document's abstract that the article does not hold;
  recall is the share of swapped abstracts where a flagged name shares a word with the inserted one.

    python research/faithfulness_names.py [--docs 2000] [--common 20]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
from train_compressor import split  # noqa: E402
from train_scorer import DEFAULT_DATA, read_rows  # noqa: E402

RUN = re.compile(r"(?<=[\w,;] )((?:[A-ZÀ-ÖØ-Þ][\w-]+)(?: [A-ZÀ-ÖØ-Þ][\w-]+)*)")
ELIDED = re.compile(r"(?<=\b[dlDL]['’])((?:[A-ZÀ-ÖØ-Þ][\w-]+)(?: [A-ZÀ-ÖØ-Þ][\w-]+)*)")
START = re.compile(r"(?:^|(?<=[.!?] ))((?:[A-ZÀ-ÖØ-Þ][\w-]+)(?: [A-ZÀ-ÖØ-Þ][\w-]+)*)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=2000)
    p.add_argument("--common", type=int, default=20)
    args = p.parse_args()
    from briefsum.engines.neural.faithfulness import unsupported_terms
    from briefsum.text.normalise import clean
    from briefsum.text.segment import split_sentences
    from briefsum.text.words import fold

    rows = read_rows(Path(DEFAULT_DATA) / "train.jsonl.gz")
    pool, _ = split(rows)
    docs = [rows[i] for i in pool[:args.docs] if (rows[i].get("abstract") or "").strip()]
    lower: Counter = Counter()
    for r in (rows[i] for i in pool[args.docs:args.docs + 5000]):
        lower.update({fold(w) for w in re.findall(r"\b[a-zà-ÿ][\w'’-]*", r["article"])})
    common = {w for w, n in lower.items() if n >= args.common}
    arts = [clean(r["article"]).text for r in docs]
    words = [{fold(w) for w in re.findall(r"\w+", a)} for a in arts]
    # names the article writes capitalised inside a sentence (a capitalised word starting a sentence is one only
    # if the article writes it so elsewhere)
    inner = [{fold(w) for m in RUN.finditer(a) for w in re.findall(r"\w+", m.group(1))} for a in arts]
    swaps: dict[str, list] = {"inside a sentence": [], "at a sentence start": [], "after an elided article": []}
    for k, r in enumerate(docs):
        a = r["abstract"]
        donor = docs[(k + 1) % len(docs)]["abstract"]
        new = [m.group(1) for m in RUN.finditer(donor)
               if not any(fold(w) in words[k] for w in re.findall(r"\w+", m.group(1)))]
        if not new:
            continue
        for where, pattern in (("inside a sentence", RUN), ("at a sentence start", START),
                               ("after an elided article", ELIDED)):
            own = [m for m in pattern.finditer(a) if all(fold(w) in inner[k] for w in re.findall(r"\w+", m.group(1)))]
            if own:
                m = own[0]
                swaps[where].append((k, a[:m.start(1)] + new[0] + a[m.end(1):], new[0]))
    print(f"{len(docs)} abstracts; a name swapped in: " + ", ".join(f"{len(v)} {w}" for w, v in swaps.items()))
    for names in ("capitals", "auto"):
        t0 = time.perf_counter()
        flagged = common_flags = fired = 0
        for k, r in enumerate(docs):
            terms = [t for t in unsupported_terms(r["abstract"], [arts[k]], "fr", names=names) if not t[:1].isdigit()]
            flagged += len(terms)
            fired += bool(terms)
            starts = {fold(re.findall(r"\w+", x)[0]) for x in split_sentences(r["abstract"], "fr") if re.search(r"\w", x)}
            common_flags += sum(len(re.findall(r"\w+", t)) == 1 and fold(re.findall(r"\w+", t)[0]) in common
                                and fold(re.findall(r"\w+", t)[0]) in starts for t in terms)
        caught = {}
        for where, items in swaps.items():
            hit = 0
            for k, text, name in items:
                inserted = {fold(w) for w in re.findall(r"\w+", name)}
                terms = unsupported_terms(text, [arts[k]], "fr", names=names)
                hit += any(inserted & {fold(w) for w in re.findall(r"\w+", t)} for t in terms)
            caught[where] = 100 * hit / max(1, len(items))
        dt = time.perf_counter() - t0
        print(f"  names {names}: flagged names {100 * flagged / len(docs):.1f} per 100 abstracts "
              f"(a common word starting a sentence {100 * common_flags / len(docs):.1f}); abstracts with a flagged name "
              f"{100 * fired / len(docs):.1f}%; swaps caught: "
              + ", ".join(f"{w} {v:.1f}%" for w, v in caught.items()) + f" "
              f"({dt:.0f} s for both passes)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
