"""Write every output briefsum gives on a fixed set of articles, or compare two such files.

A change meant to keep behaviour (a refactor) must leave these files byte-identical:

    .venv/bin/python scripts/compare_outputs.py write before.jsonl          # on the old code
    .venv/bin/python scripts/compare_outputs.py write after.jsonl           # on the new code
    .venv/bin/python scripts/compare_outputs.py diff before.jsonl after.jsonl

The set: the seed article and the example under several configurations (both scorers, both compressions,
no translation, the translation itself), then the first N OrangeSum valid articles (default 200) with the
default configuration, summarised in French (no translation) and, for the first M of them (default 20),
translated to English. Each line is one call's whole Brief as JSON (every grade, warning, stat and model name),
or the error it raised. The data folder is $BRIEFSUM_DATA, else ../shared/data.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIGS = {
    "default": {},
    "centrality": {"engine": {"offline": {"scorer": "centrality"}}},
    "learned-compression": {"engine": {"offline": {"compression": "learned"}}},
    "no-label": {"engine": {"offline": {"headline_label": None}}},
}


def _data_root() -> Path:
    from briefsum.paths import data_root

    return data_root()


def _cases(n_valid: int, n_translated: int):
    root = _data_root()
    seed = (root / "seed" / "astana-cica-2022-11.fr.txt").read_text(encoding="utf-8")
    example = (REPO / "examples" / "sommet-fr.txt").read_text(encoding="utf-8")
    for name, text in (("seed", seed), ("example", example)):
        for cname, cfg in CONFIGS.items():
            yield f"{name}/{cname}", "summarise", text, {"config": cfg, "translation": True}
        yield f"{name}/french", "summarise", text, {"target": None}
        yield f"{name}/translate", "translate", text, {}
    with gzip.open(root / "orangesum" / "valid.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= n_valid:
                break
            text = json.loads(line)["article"]
            yield f"valid-{i}/french", "summarise", text, {"lang": "fr", "target": None}
            if i < n_translated:
                yield f"valid-{i}/en", "summarise", text, {"lang": "fr"}


def _run(kind: str, text: str, kwargs: dict) -> dict:
    import briefsum
    from briefsum.errors import BriefsumError

    kwargs = dict(kwargs)
    try:
        if kind == "translate":
            return briefsum.translate(text, "fr", "en", engine="offline").to_dict()
        cfg = kwargs.pop("config", {})
        return briefsum.summarise(text, engine="offline", config=cfg, **kwargs).to_dict()
    except BriefsumError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def write(out: Path, n_valid: int, n_translated: int) -> None:
    from tqdm import tqdm

    cases = list(_cases(n_valid, n_translated))
    with out.open("w", encoding="utf-8") as fh:
        for key, kind, text, kwargs in tqdm(cases, desc="outputs", unit="call", file=sys.stderr):
            fh.write(json.dumps({"case": key, "out": _run(kind, text, kwargs)}, ensure_ascii=False,
                                sort_keys=True) + "\n")


def diff(a: Path, b: Path) -> int:
    left = [json.loads(x) for x in a.read_text(encoding="utf-8").splitlines()]
    right = [json.loads(x) for x in b.read_text(encoding="utf-8").splitlines()]
    if [x["case"] for x in left] != [x["case"] for x in right]:
        print(f"the two files hold different cases ({len(left)} and {len(right)} lines)")
        return 1
    bad = [(x["case"], x["out"], y["out"]) for x, y in zip(left, right) if x != y]
    for case, x, y in bad[:10]:
        keys = sorted({*x, *y})
        changed = [k for k in keys if x.get(k) != y.get(k)]
        print(f"{case}: differs in {', '.join(changed)}")
        for k in changed[:3]:
            print(f"  before {k}: {json.dumps(x.get(k), ensure_ascii=False)[:300]}")
            print(f"  after  {k}: {json.dumps(y.get(k), ensure_ascii=False)[:300]}")
    print(f"{len(left) - len(bad)} of {len(left)} outputs identical")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write the outputs of the current code")
    w.add_argument("out", type=Path)
    w.add_argument("--valid", type=int, default=200, help="OrangeSum valid articles (default 200)")
    w.add_argument("--translated", type=int, default=20, help="of which also translated (default 20)")
    d = sub.add_parser("diff", help="compare two output files")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = p.parse_args(argv)
    if args.cmd == "write":
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        write(args.out, args.valid, args.translated)
        return 0
    return diff(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
