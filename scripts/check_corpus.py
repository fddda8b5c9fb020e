"""Check a `briefsum batch` output against briefsum.summarise(): one record per input row, and on a random
sample of rows the record's Brief part (grades with their source indices, language, warnings, engine, models)
equals what summarise() gives for that row's text.

    .venv/bin/python scripts/check_corpus.py --input ../shared/data/orangesum/valid.jsonl.gz \
        --text-field article --id-field id --output out.jsonl --sample 200
"""

from __future__ import annotations

import argparse
import json
import random
import sys

import briefsum
from briefsum.batch.readers import ReadOptions, expand_inputs, iter_articles


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True, nargs="+")
    ap.add_argument("--output", required=True)
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--id-field")
    ap.add_argument("--sample", type=int, default=200, help="rows to re-summarise (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--engine")
    ap.add_argument("--partial", action="store_true", help="the output may be a prefix of the input (a run going on)")
    args = ap.parse_args()
    with open(args.output, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    articles = list(iter_articles(expand_inputs(args.input), ReadOptions(args.text_field, args.id_field)))
    if args.partial:
        articles = articles[:len(records)]
    problems = []
    if [r["id"] for r in records] != [a.id for a in articles]:
        problems.append(f"ids differ: {len(records)} records for {len(articles)} rows, or not in input order")
    picked = range(len(articles)) if args.sample <= 0 else \
        sorted(random.Random(args.seed).sample(range(len(articles)), min(args.sample, len(articles))))
    equal = 0
    for i in picked:
        a, rec = articles[i], records[i] if i < len(records) else {}
        try:
            want = briefsum.summarise(a.text, engine=args.engine).to_dict()
            want_error = None
        except briefsum.BriefsumError as exc:
            want, want_error = None, str(exc)
        got = {k: v for k, v in rec.items() if k not in ("id", "source", "error", "error_type")}
        if (want_error is None and rec.get("error") is None and got == want) or \
                (want_error is not None and rec.get("error") == want_error):
            equal += 1
        else:
            problems.append(f"row {i} (id {a.id}): record differs from summarise()")
    failed = sum(r.get("error") is not None for r in records)
    print(json.dumps({"records": len(records), "rows": len(articles), "failed_records": failed,
                      "checked": len(picked), "equal_to_summarise": equal, "problems": problems[:20]}, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
