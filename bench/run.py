"""CPU benchmark: the naive loop, briefsum's default fast path and CTranslate2 used plainly, in one run.

Models are the real architectures (bench/configs) with random weights, built at bench time into a cache folder
with tokenizers trained on the benchmark's own French text. Every system generates exactly the same number of
tokens (min = max new tokens, beam 4, no n-gram blocking, no forced EOS), so throughput compares the same work.
Each system runs in its own process (peak RSS is its own), systems take turns within each repeat, and the
medians over repeats are reported.

    python bench/run.py --limit 96 --articles 6 --repeats 3        # writes bench-out/cpu.json and cpu.md
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import build_model, count_generated_tokens, median, params, peak_rss_mb, timed  # noqa: E402

from briefsum.paths import data_root  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = data_root()
WMT = DATA / "wmt" / "newstest2013.fr"
ORANGESUM = DATA / "orangesum" / "valid.jsonl.gz"
SEED = DATA / "seed" / "astana-cica-2022-11.fr.txt"
GRADES = ("headline", "brief", "summary", "detailed")


def sentences(limit: int | None) -> list[str]:
    """The WMT newstest2013 French sentences (the first `limit`)."""
    lines = [ln.strip() for ln in WMT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines[:limit] if limit else lines


def articles(limit: int, fit: Path | None = None) -> list[str]:
    """The first `limit` OrangeSum validation articles; with fit (a model folder), the first `limit` that fit
    its tokenizer's input whole (longer ones the naive loop would truncate and briefsum would map-reduce)."""
    tok = None
    if fit is not None:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(fit)
    out = []
    with gzip.open(ORANGESUM, "rt", encoding="utf-8") as f:
        for line in f:
            art = json.loads(line)["article"]
            if tok is None or len(tok(art)["input_ids"]) < tok.model_max_length:
                out.append(art)
            if len(out) >= limit:
                break
    return out


def models(cache: Path) -> dict[str, Path]:
    """Build (once) the benchmark models; tokenizers are trained on all WMT and 500 OrangeSum texts."""
    wmt = sentences(None)
    return {"marian": build_model("opus-mt-fr-en", wmt, cache),
            "bart": build_model("distilbart-cnn-12-6", wmt + articles(500), cache)}


def grade_lengths(arg: str) -> dict[str, int]:
    """'8,16,32,64' -> new tokens forced for headline, brief, summary, detailed."""
    vals = [int(x) for x in arg.split(",")]
    return dict(zip(GRADES, vals))


def briefsum_config(args: argparse.Namespace, backend: str, cache: Path, paths: dict[str, Path]) -> dict:
    """The config a user would pass: the bench models, forced lengths, beam 4; everything else default."""
    forced = {"num_beams": 4, "no_repeat_ngram_size": 0, "min_new_tokens": args.out_tokens,
              "max_new_tokens": args.out_tokens, "length_penalty": 1.0}
    grades = {g: {"num_beams": 4, "no_repeat_ngram_size": 0, "min_new_tokens": n, "max_new_tokens": n,
                  "length_penalty": 1.0} for g, n in grade_lengths(args.grade_tokens).items()}
    grades["chunk"] = {"num_beams": 4, "no_repeat_ngram_size": 0, "min_new_tokens": 64, "max_new_tokens": 64}
    neural = {"loop_guard": "off", "max_new_ratio": 1000, "fast_cache_dir": str(cache / "ct2"), "device": "cpu"}
    if backend != "default":
        neural["backend"] = backend
    neural.update(json.loads(args.neural or "{}"))
    return {"neural": neural,
            "models": {"translation": {"fr-en": {"model": str(paths["marian"]), "generate": forced}},
                       "summarisation": {"fr": {"model": str(paths["bart"])}},
                       "headline": {"fr": {"model": None}}, "grades": grades}}


# -- workers (one process per system and repeat) --------------------------------------------------------

def work_translate(args: argparse.Namespace, paths: dict[str, Path], cache: Path) -> dict:
    """Translate the sentences with one system; returns its timing and token counts."""
    sents = sentences(args.limit)
    if args.system == "naive" and args.naive_limit:
        sents = sents[: args.naive_limit]
    L = args.out_tokens
    if args.system == "naive":
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        torch.set_num_threads(args.naive_threads or os.cpu_count() or 1)
        tok = AutoTokenizer.from_pretrained(paths["marian"])
        model = AutoModelForSeq2SeqLM.from_pretrained(paths["marian"]).eval()

        def run(items: list[str]) -> tuple[list[str], int]:
            outs, n = [], 0
            with torch.inference_mode():
                for s in items:
                    enc = tok([s], return_tensors="pt")
                    seq = model.generate(**enc, num_beams=4, min_new_tokens=L, max_new_tokens=L,
                                         no_repeat_ngram_size=0, length_penalty=1.0)
                    n += seq.shape[1] - 1
                    outs.append(tok.decode(seq[0], skip_special_tokens=True))
            return outs, n
    elif args.system.startswith("ct2-"):
        import ctranslate2
        from transformers import AutoTokenizer

        from briefsum.engines.neural.ct2 import convert

        bs = int(args.system.split("-bs")[1])
        tuned = "-tuned" in args.system
        tok = AutoTokenizer.from_pretrained(paths["marian"])
        folder = convert(paths["marian"], "int8", cache / "ct2")
        kw = {"inter_threads": os.cpu_count() or 1, "intra_threads": 1} if tuned else {}
        tr = ctranslate2.Translator(str(folder), device="cpu", compute_type="int8", **kw)

        def run(items: list[str]) -> tuple[list[str], int]:
            src = [tok.convert_ids_to_tokens(ids) for ids in tok(items)["input_ids"]]
            res = tr.translate_batch(src, max_batch_size=bs, beam_size=4, min_decoding_length=L,
                                     max_decoding_length=L, length_penalty=1.0)
            hyps = [r.hypotheses[0] for r in res]
            return [tok.decode(tok.convert_tokens_to_ids(h), skip_special_tokens=True) for h in hyps], \
                sum(len(h) for h in hyps)
    else:  # briefsum, through its public engine class
        from briefsum.config import load_config
        from briefsum.engines.neural import NeuralTranslator

        backend = "transformers" if args.system.startswith("briefsum-transformers") else "default"
        conf = briefsum_config(args, backend, cache, paths)
        for part in args.system.split("-")[2:]:  # briefsum-transformers-bf16-bs64: bfloat16, 64 a batch
            if part in ("bf16", "fp32"):
                conf["neural"]["dtype"] = {"bf16": "bfloat16", "fp32": "float32"}[part]
            elif part.startswith("bs"):
                conf["neural"]["batch_size"] = int(part[2:])
            elif part == "nofast":  # neural.fast_paths: off (transformers' plain generate)
                conf["neural"]["fast_paths"] = "off"
        cfg = load_config(conf)
        tr = NeuralTranslator.from_config(cfg.settings, "fr", "en")
        counted = count_generated_tokens(tr)

        def run(items: list[str]) -> tuple[list[str], int]:
            counted[0] = 0
            return tr.translate(items).texts, counted[0]
    run(sents[:4])  # warm-up
    load1 = os.getloadavg()[0]
    secs, (outs, tokens) = timed(lambda: run(sents))
    return {"sentences": len(sents), "tokens": tokens, "seconds": secs, "load1": load1,
            "expected_tokens": len(sents) * L, "peak_rss_mb": peak_rss_mb()}


def work_summarise(args: argparse.Namespace, paths: dict[str, Path], cache: Path) -> dict:
    """Summarise the articles, all grades, with one system (the naive loop on the first --naive-articles)."""
    arts = articles(args.articles, paths["bart"])
    if args.system == "naive" and args.naive_articles:
        arts = arts[: args.naive_articles]
    lengths = grade_lengths(args.grade_tokens)
    if args.system == "naive":
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        torch.set_num_threads(args.naive_threads or os.cpu_count() or 1)
        tok = AutoTokenizer.from_pretrained(paths["bart"])
        model = AutoModelForSeq2SeqLM.from_pretrained(paths["bart"]).eval()

        def run(items: list[str]) -> int:
            n = 0
            with torch.inference_mode():
                for a in items:
                    enc = tok([a], return_tensors="pt", truncation=True, max_length=1024)
                    for g in GRADES:
                        L = lengths[g]
                        seq = model.generate(**enc, num_beams=4, min_new_tokens=L, max_new_tokens=L,
                                             no_repeat_ngram_size=0, length_penalty=1.0)
                        n += seq.shape[1] - 1
            return n
    else:  # briefsum's batch API over the whole article set
        import briefsum
        from briefsum.config import load_config

        backend = "transformers" if args.system.startswith("briefsum-transformers") else \
            "ctranslate2" if args.system.startswith("briefsum-ctranslate2") else "default"
        conf = briefsum_config(args, backend, cache, paths)
        if "-bs" in args.system:  # briefsum-bsN: N articles per generation batch
            conf["neural"]["summary_batch_size"] = int(args.system.split("-bs")[1])
        if args.system.startswith("briefsum-transformers"):  # torch threads as the naive loop's
            import torch

            torch.set_num_threads(args.naive_threads or os.cpu_count() or 1)
        if args.system.endswith("-bf16"):  # bfloat16 weights on CPU (AMX/AVX512-BF16 where the CPU has them)
            conf["neural"]["dtype"] = "bfloat16"
        if args.system.endswith("-fp32"):  # float32 weights: the exact path, whatever the CPU
            conf["neural"]["dtype"] = "float32"
        if "-nofast" in args.system:  # neural.fast_paths: off (transformers' plain generate)
            conf["neural"]["fast_paths"] = "off"
        if "-intra" in args.system:  # briefsum-intraN: one ctranslate2 worker of N threads
            conf["neural"].update(inter_threads=1, intra_threads=int(args.system.split("-intra")[1]))
        cfg = load_config(conf)

        def run(items: list[str]) -> int:
            briefs = briefsum.summarise_many(items, lang="fr", target=None, engine="neural", config=cfg)
            return sum(sum(b.stats["generated_tokens"].values()) for b in briefs)
    run(arts[:1])  # warm-up (and model load)
    load1 = os.getloadavg()[0]
    secs, tokens = timed(lambda: run(arts))
    return {"articles": len(arts), "tokens": tokens, "seconds": secs, "load1": load1,
            "expected_tokens": len(arts) * sum(lengths.values()), "peak_rss_mb": peak_rss_mb()}


# -- orchestration --------------------------------------------------------------------------------------

def _child(args: argparse.Namespace, task: str, system: str) -> dict:
    cmd = [sys.executable, __file__, "--worker", task, "--system", system, "--cache", str(args.cache),
           "--limit", str(args.limit), "--naive-limit", str(args.naive_limit), "--articles", str(args.articles),
           "--out-tokens", str(args.out_tokens), "--grade-tokens", args.grade_tokens,
           "--naive-articles", str(args.naive_articles),
           "--neural", args.neural, "--naive-threads", str(args.naive_threads)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{task}/{system} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def _process_wall(cmd: list[str], repeats: int, timeout: float | None = None) -> dict:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"{' '.join(cmd)}: stopped after {timeout} s", file=sys.stderr)
            return {"median_s": float("nan"), "runs_s": [], "timed_out_after_s": timeout}
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
    print(f"{' '.join(cmd)}: {times}", file=sys.stderr)
    return {"median_s": median(times), "runs_s": times}


def _rounds(args, task: str, systems: list[str]) -> dict[str, list[dict]]:
    """Run every system once per repeat, taking turns, each in its own process."""
    runs: dict[str, list[dict]] = {s: [] for s in systems}
    for r in range(args.repeats):
        for s in systems:
            runs[s].append(_child(args, task, s))
            print(f"{task} rep {r} {s}: {runs[s][-1]}", file=sys.stderr)
    return runs


def main() -> None:
    """Run the CPU benchmark (or one worker)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", choices=("translate", "summarise"), help=argparse.SUPPRESS)
    ap.add_argument("--system", help=argparse.SUPPRESS)
    ap.add_argument("--cache", type=Path, default=ROOT / "bench-cache", help="where models are built")
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("OUT") or ROOT / "bench-out"))
    ap.add_argument("--limit", type=int, default=96, help="WMT sentences translated (0: all 3,000)")
    ap.add_argument("--naive-limit", type=int, default=0, help="the naive loop translates only the first N")
    ap.add_argument("--articles", type=int, default=6,
                    help="OrangeSum validation articles summarised (the first that fit the model's input whole)")
    ap.add_argument("--naive-articles", type=int, default=0, help="the naive loop summarises only the first N")
    ap.add_argument("--out-tokens", type=int, default=32, help="new tokens forced per translated sentence")
    ap.add_argument("--grade-tokens", default="8,16,32,64", help="new tokens forced per grade")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--naive-threads", type=int, default=1,
                    help="torch threads of the naive loop (0: one per core); 1 ran faster on the loaded machine")
    ap.add_argument("--neural", default="", help="JSON merged over briefsum's neural settings (e.g. threads)")
    ap.add_argument("--ct2-batches", default="8,16,24,32")
    ap.add_argument("--translate-systems", default="",
                    help="more translation systems, e.g. briefsum-transformers-bf16-bs64 (dtype, batch size)")
    ap.add_argument("--only-systems", default="",
                    help="comma-separated: run only these systems (e.g. naive,briefsum,ct2-bs16) in the translate "
                         "and summarise parts")
    ap.add_argument("--summarise-transformers", action="store_true",
                    help="also summarise with briefsum's float32 transformers backend")
    ap.add_argument("--summary-systems", default="",
                    help="more briefsum summarisation variants, e.g. briefsum-bs1,briefsum-intra2 (articles per "
                         "generation batch; one ctranslate2 worker of N threads), briefsum-transformers-bf16, "
                         "briefsum-ctranslate2 (the int8 backend that was the CPU default before)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: translate,summarise,seed")
    ap.add_argument("--only", default="", help="comma-separated parts to run (the others are skipped)")
    args = ap.parse_args()
    args.cache = args.cache.resolve()
    paths = models(args.cache)
    if args.worker:
        fn = work_translate if args.worker == "translate" else work_summarise
        print(json.dumps(fn(args, paths, args.cache)))
        return

    skip = set(filter(None, args.skip.split(",")))
    if args.only:
        skip |= {"translate", "summarise", "seed"} - set(args.only.split(","))
    report: dict = {"settings": vars(args) | {"cache": str(args.cache), "out": str(args.out)},
                    "cpu_count": os.cpu_count(), "load_before": os.getloadavg(),
                    "params": {k: params(v) for k, v in paths.items()}}
    parts = {
        "translate": ["naive", "briefsum", "briefsum-transformers"] +
        [x for x in args.translate_systems.split(",") if x] +
        [f"ct2-bs{b}" for b in args.ct2_batches.split(",")] + ["ct2-tuned-bs32"],
        "summarise": ["naive", "briefsum"] + (["briefsum-transformers"] if args.summarise_transformers else []) +
        [x for x in args.summary_systems.split(",") if x],
    }
    unknown = {x for x in args.only_systems.split(",") if x} - {s for v in parts.values() for s in v}
    if unknown:
        raise SystemExit(f"--only-systems: no part runs {', '.join(sorted(unknown))}")
    for part, systems in parts.items():
        if part not in skip:
            report[part] = _summary(_rounds(args, part, _keep(args, systems)))
    if "seed" not in skip:
        exe = str(Path(sys.executable).with_name("briefsum"))
        cfg_file = args.cache / "seed-neural.json"
        neural_cfg = briefsum_config(args, "default", args.cache, paths)
        neural_cfg["neural"].pop("max_new_ratio")
        neural_cfg["neural"].pop("loop_guard")
        neural_cfg["models"].pop("grades")
        neural_cfg["models"]["translation"]["fr-en"].pop("generate")
        neural_cfg["models"]["summarisation"] = {"en": {"model": str(paths["bart"])}}
        cfg_file.write_text(json.dumps(neural_cfg), encoding="utf-8")  # YAML is a superset of JSON
        report["seed"] = {
            "help": _process_wall([exe, "--help"], 5),
            "offline": _process_wall([exe, str(SEED), "--engine", "offline"], args.repeats),
            "neural": _process_wall([exe, str(SEED), "--engine", "neural", "--config", str(cfg_file)], 1, 300),
        }
    report["load_after"] = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cpu.json").write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    (args.out / "cpu.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))


def _keep(args: argparse.Namespace, systems: list[str]) -> list[str]:
    """The systems to run: all, or those --only-systems names (in their usual order)."""
    only = [x for x in args.only_systems.split(",") if x]
    return [s for s in systems if s in only] if only else systems


def _summary(runs: dict[str, list[dict]]) -> dict:
    out = {}
    for s, rs in runs.items():
        rates = [r["tokens"] / r["seconds"] for r in rs]
        unit = "sentences" if "sentences" in rs[0] else "articles"
        out[s] = {"tokens_per_s": median(rates), "units_per_s": median([r[unit] / r["seconds"] for r in rs]),
                  "unit": unit, "n": rs[0][unit], "tokens": rs[0]["tokens"], "expected_tokens": rs[0]["expected_tokens"],
                  "seconds": [r["seconds"] for r in rs], "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
                  "load1": [r["load1"] for r in rs]}
    return out


def markdown(rep: dict) -> str:
    """The report as Markdown tables."""
    lines = [f"CPU cores: {rep['cpu_count']}; load average before {rep['load_before'][0]:.2f}, "
             f"after {rep['load_after'][0]:.2f}", ""]
    for task in ("translate", "summarise"):
        if task not in rep:
            continue
        t = rep[task]
        if not t:
            continue
        lines += [f"### {task}", "", "| system | n | tokens/s | units/s | peak RSS MiB | runs (s) | load1 |",
                  "|---|---|---|---|---|---|---|"]
        for s, v in t.items():
            lines.append(f"| {s} | {v['n']} {v['unit']} | {v['tokens_per_s']:.1f} | {v['units_per_s']:.2f} | "
                         f"{v['peak_rss_mb']:.0f} | {', '.join(f'{x:.1f}' for x in v['seconds'])} | "
                         f"{', '.join(f'{x:.1f}' for x in v['load1'])} |")
        lines.append("")
        if "naive" in t:
            lines += [f"- {s} / naive: {v['tokens_per_s'] / t['naive']['tokens_per_s']:.2f}x tokens/s"
                      for s, v in t.items() if s.startswith("briefsum")]
        ct2 = {s: v["tokens_per_s"] for s, v in t.items() if s.startswith("ct2-bs")}
        if ct2 and "briefsum" in t:
            b = t["briefsum"]["tokens_per_s"]
            best = max(ct2, key=ct2.get)
            lines.append(f"- briefsum / best plain CTranslate2 ({best}): {b / ct2[best]:.2f}x")
        lines.append("")
    if "seed" in rep:
        s = rep["seed"]
        lines += ["### process wall time", "", "| command | median s | runs |", "|---|---|---|"]
        for k, v in s.items():
            lines.append(f"| {k} | {v['median_s']:.3f} | {', '.join(f'{x:.2f}' for x in v['runs_s'])} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
