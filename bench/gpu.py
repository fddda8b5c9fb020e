"""GPU benchmark: the naive loop against briefsum's GPU path on an opus-mt-shaped random-weight model.

Needs only torch, transformers, sentencepiece, pyyaml, numpy and briefsum itself; the input is synthetic
French-like text generated here. Every system generates exactly --out-tokens new tokens per sentence.

    python bench/gpu.py                 # on the GPU machine; writes $OUT/gpu.json and $OUT/gpu.md
    python bench/gpu.py --cpu-smoke     # tiny sizes on CPU: checks the script runs end to end
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import build_model, count_generated_tokens, median, params, synthetic_french  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Dense bf16 tensor-core peaks (TFLOP/s) from NVIDIA's data sheets, by a substring of the device name.
PEAKS = [("H100 PCIe", 756.0), ("H100 NVL", 835.0), ("H100", 989.4), ("H200", 989.4), ("A100", 312.0),
         ("L40S", 362.0), ("L4", 121.0)]
SMOKE = {"d_model": 64, "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2,
         "decoder_attention_heads": 2, "encoder_ffn_dim": 128, "decoder_ffn_dim": 128, "vocab_size": 4000}


def sync(device: str) -> None:
    """Wait for queued GPU work, so wall times are complete."""
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def naive(folder: Path, sents: list[str], L: int, device: str) -> dict:
    """One sentence per generate call, float32, beam 4."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder, dtype=torch.float32).to(device).eval()

    def run(items: list[str], model=model) -> int:
        n = 0
        with torch.inference_mode():
            for s in items:
                enc = {k: v.to(device) for k, v in tok([s], return_tensors="pt").items()}
                seq = model.generate(**enc, num_beams=4, min_new_tokens=L, max_new_tokens=L,
                                     no_repeat_ngram_size=0, length_penalty=1.0)
                n += seq.shape[1] - 1
                tok.decode(seq[0], skip_special_tokens=True)
        sync(device)
        return n

    run(sents[:2])
    t = time.perf_counter()
    n = run(sents)
    secs = time.perf_counter() - t
    del run, model  # free the model before the next system loads
    return {"sentences": len(sents), "tokens": n, "seconds": secs, "beams": 4}


def translator(folder: Path, L: int, device: str, beams: int, backend: str, batch_size: int | str,
               batch_tokens: int | str) -> object:
    """briefsum's neural translator (its public engine class) for the benchmark's settings."""
    from briefsum.config import load_config
    from briefsum.engines.neural import NeuralTranslator

    gen = {"num_beams": beams, "no_repeat_ngram_size": 0, "min_new_tokens": L, "max_new_tokens": L,
           "length_penalty": 1.0}
    cfg = load_config({"neural": {"device": device, "backend": backend, "loop_guard": "off", "max_new_ratio": 1000,
                                  "batch_size": batch_size, "batch_tokens": batch_tokens},
                       "models": {"translation": {"fr-en": {"model": str(folder), "generate": gen}}}})
    return NeuralTranslator.from_config(cfg.settings, "fr", "en")


def through_briefsum(folder: Path, sents: list[str], L: int, device: str, beams: int, backend: str,
                     batch_size: int | str, batch_tokens: int | str, repeats: int, lean: bool = True,
                     one_pass_top_k: bool = False) -> dict:
    """briefsum's translator with the device's default dtype and the given batching; lean=False puts
    transformers' own beam search in place of briefsum's lean one, one_pass_top_k=True makes the lean one take
    its top-k with one torch.topk instead of two passes (both for comparison)."""
    from briefsum.engines.neural import lean_beam as neural

    tr = translator(folder, L, device, beams, backend, batch_size, batch_tokens)
    kinds = set(neural.TOPK_TWO_PASS)
    was = tr.model.lean_beams
    tr.model.lean_beams = lean and was  # the loaded model is shared by every translator: set back below
    if one_pass_top_k:
        neural.TOPK_TWO_PASS.discard(device.split(":")[0])
    try:
        return _timed_runs(tr, sents, device, beams, repeats) | {"lean_beams": lean, "one_pass_top_k": one_pass_top_k}
    finally:
        tr.model.lean_beams = was
        neural.TOPK_TWO_PASS.clear()
        neural.TOPK_TWO_PASS.update(kinds)


def _timed_runs(tr: object, sents: list[str], device: str, beams: int, repeats: int) -> dict:
    """A warm-up on one full batch (every first-call cost of its shapes paid), then the median of repeats timed
    translations of all the sentences."""
    counted = count_generated_tokens(tr)
    tr.translate(sents[: tr.batch_size])  # warm-up
    times = []
    for _ in range(repeats):
        counted[0] = 0
        sync(device)
        t = time.perf_counter()
        tr.translate(sents)
        sync(device)
        times.append(time.perf_counter() - t)
    return {"sentences": len(sents), "tokens": counted[0], "seconds": median(times), "runs_s": times,
            "beams": beams, "dtype": str(tr.model.dtype).replace("torch.", ""), "backend": tr.model.backend,
            "batch_size": tr.batch_size, "batch_tokens": tr.batch_tokens}


def profile(folder: Path, sents: list[str], L: int, device: str, backend: str, out: Path) -> None:
    """Where one batch of 2,048 sentences at beam 4 spends its time: torch.profiler's operator tables (device
    and host) and cProfile's Python table, written to out."""
    import cProfile
    import io
    import pstats

    import torch
    from torch.profiler import ProfilerActivity

    tr = translator(folder, L, device, 4, backend, 2048, 262144)
    batch = sents[:2048]
    tr.translate(batch)  # warm-up
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.startswith("cuda") else [])
    sync(device)
    with torch.profiler.profile(activities=acts) as prof:
        tr.translate(batch)
        sync(device)
    lines = []
    key = "cuda_time_total" if device.startswith("cuda") else "cpu_time_total"
    lines += ["# operators by device time",
              prof.key_averages().table(sort_by=key, row_limit=30, max_name_column_width=60)]
    lines += ["# operators by host self time",
              prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=30, max_name_column_width=60)]
    pr = cProfile.Profile()
    sync(device)
    t = time.perf_counter()
    pr.enable()
    tr.translate(batch)
    sync(device)
    pr.disable()
    lines.append(f"# cProfile of one batch ({time.perf_counter() - t:.2f} s with the profiler on)")
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(pr, stream=buf).sort_stats(order).print_stats(40)
        lines.append(buf.getvalue())
    (out / "gpu-profile.txt").write_text("\n".join(lines), encoding="utf-8")


def attempt(fn, *a, **k) -> dict:
    """fn(*a, **k), or a record of its error (so that one failing system does not lose the others)."""
    import traceback

    try:
        return fn(*a, **k)
    except Exception as exc:  # noqa: BLE001 - a benchmark run reports every failure and goes on
        traceback.print_exc()
        return {"error": f"{type(exc).__name__}: {exc}"}


def main() -> None:
    """Run the GPU benchmark (or its CPU smoke test) and write JSON + Markdown."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpu-smoke", action="store_true", help="tiny model, few sentences, on CPU")
    ap.add_argument("--n", type=int, default=8192, help="sentences for briefsum's batched runs")
    ap.add_argument("--naive-n", type=int, default=32, help="sentences for the naive loop (it is slow)")
    ap.add_argument("--out-tokens", type=int, default=32, help="new tokens forced per sentence")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="also profile one batch (gpu-profile.txt)")
    ap.add_argument("--plain", action="store_true", help="also run transformers' own beam search")
    ap.add_argument("--one-pass", action="store_true", help="also run the lean beam search with one torch.topk "
                    "in place of its two-pass top-k")
    ap.add_argument("--systems", help="comma-separated systems to run instead of the default set")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench-cache")
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("OUT") or ROOT / "bench-out"))
    args = ap.parse_args()
    import torch

    t0 = time.perf_counter()
    device = "cpu" if args.cpu_smoke else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("CUDA is not available here (use --cpu-smoke to check the script on CPU)")
    if args.cpu_smoke:
        args.n, args.naive_n, args.repeats = min(args.n, 40), min(args.naive_n, 4), 1
    corpus = synthetic_french(20000, seed=1)
    sents = synthetic_french(args.n, seed=2)
    folder = build_model("opus-mt-fr-en", corpus, args.cache.resolve(), SMOKE if args.cpu_smoke else None)
    p = params(folder)
    name = torch.cuda.get_device_name(0) if device == "cuda" else platform.processor() or "cpu"
    peak = next((v for k, v in PEAKS if k in name), None)
    backend = "transformers" if args.cpu_smoke else "auto"  # the GPU path; on CPU auto would pick ctranslate2
    L = args.out_tokens
    args.out.mkdir(parents=True, exist_ok=True)
    systems = {
        "a_naive_fp32_beam4_bs1": lambda: naive(folder, sents[: args.naive_n], L, device),
        "b_briefsum_beam4": lambda: through_briefsum(folder, sents, L, device, 4, backend, "auto", "auto",
                                                     args.repeats),
        "briefsum_beam4_bs512": lambda: through_briefsum(folder, sents, L, device, 4, backend, 512, 65536,
                                                         args.repeats),
        "briefsum_greedy": lambda: through_briefsum(folder, sents, L, device, 1, backend, "auto", "auto",
                                                    args.repeats),
        "briefsum_beam4_transformers_beam_search": lambda: through_briefsum(
            folder, sents, L, device, 4, backend, "auto", "auto", args.repeats, lean=False),
        "briefsum_beam4_one_pass_top_k": lambda: through_briefsum(
            folder, sents, L, device, 4, backend, "auto", "auto", args.repeats, one_pass_top_k=True),
    }
    chosen = args.systems.split(",") if args.systems else list(systems)[:4] + \
        (["briefsum_beam4_transformers_beam_search"] if args.plain else []) + \
        (["briefsum_beam4_one_pass_top_k"] if args.one_pass else [])
    unknown = [c for c in chosen if c not in systems]
    if unknown:
        raise SystemExit(f"unknown system(s) {', '.join(unknown)}; known: {', '.join(systems)}")
    results = {name: attempt(systems[name]) for name in chosen}
    src_tokens = None
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    src_tokens = sum(len(x) for x in tok(sents)["input_ids"])
    for k, r in results.items():
        if "error" in r:
            continue
        r["tokens_per_s"] = r["tokens"] / r["seconds"]
        r["sentences_per_s"] = r["sentences"] / r["seconds"]
        src = src_tokens * r["sentences"] / len(sents)
        flops = 2 * p["decoder_with_projection"] * r["tokens"] * r["beams"] + 2 * p["encoder"] * src
        r["tflops_per_s"] = flops / r["seconds"] / 1e12
        r["fraction_of_bf16_peak"] = (r["tflops_per_s"] / peak) if peak else None

    def ratio(name: str) -> float | None:
        a, b = results.get("a_naive_fp32_beam4_bs1", {"error": "not run"}), results.get(name, {"error": "not run"})
        return b["tokens_per_s"] / a["tokens_per_s"] if "error" not in a and "error" not in b else None

    report = {"device": name, "bf16_peak_tflops": peak, "torch": torch.__version__,
              "params": p, "out_tokens": L, "smoke": args.cpu_smoke, "results": results,
              "ratio_b_over_a": ratio("b_briefsum_beam4"), "ratio_greedy_over_a": ratio("briefsum_greedy"),
              "ratios_over_a": {k: ratio(k) for k in results},
              "flops_formula": "2 x decoder params (with the output projection) x generated tokens x beams "
                               "+ 2 x encoder params x source tokens (attention scores not counted)",
              "wall_s": time.perf_counter() - t0}
    (args.out / "gpu.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    md = [f"device: {name} (bf16 dense peak {peak} TFLOP/s); torch {torch.__version__}; model opus-mt-fr-en shape, "
          f"{p['total'] / 1e6:.1f}M params, random weights; {L} new tokens forced per sentence", "",
          "| system | sentences | tokens/s | sentences/s | TFLOP/s | fraction of peak |", "|---|---|---|---|---|---|"]
    for k, r in results.items():
        if "error" in r:
            md.append(f"| {k} | failed: {r['error'][:200]} | | | | |")
            continue
        frac = f"{r['fraction_of_bf16_peak']:.4f}" if r["fraction_of_bf16_peak"] is not None else "n/a"
        md.append(f"| {k} | {r['sentences']} | {r['tokens_per_s']:.1f} | {r['sentences_per_s']:.2f} | "
                  f"{r['tflops_per_s']:.2f} | {frac} |")
    md += ["", "ratio to the naive loop: " + "; ".join(f"{k} {v:.1f}x" for k, v in report["ratios_over_a"].items()
                                                      if v is not None and k != "a_naive_fp32_beam4_bs1"),
           f"FLOPs: {report['flops_formula']}", f"total wall time {report['wall_s']:.0f} s", ""]
    (args.out / "gpu.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md), flush=True)
    if args.profile:
        attempt(profile, folder, sents, L, device, backend, args.out)


if __name__ == "__main__":
    main()
