"""Reports of an evaluation: results.json, results.md (Markdown tables: scores, comparison, diagnostics) and a
PNG plot. The HTML page is briefsum.evaluation.html_report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .rouge import ROUGE_TYPES

LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum"}


def system_label(results: dict) -> str:
    s = results["system"]
    if s["kind"] == "baseline":
        ks = s.get("k", {})
        k = "/".join(f"{g}:{v}" for g, v in ks.items())
        return f"{s['name'].upper()} baseline ({k})"
    return f"{s['kind']} {s['name']}"


def _cell_text(text: str) -> str:
    """Text safe inside a Markdown table cell (pipes escaped)."""
    return text.replace("|", "\\|")


def _cell(entry: dict) -> str:
    ci = entry.get("ci95")
    return f"{entry['f']:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else f"{entry['f']:.2f}"


def markdown(results: dict) -> str:
    """A Markdown report: one table row per grade (scores with 95% CIs, output vs reference lengths)."""
    lines = [f"### {results['dataset']} — {system_label(results)}", ""]
    lines.append(f"{results['examples']} of {results['dataset_size']} examples. {results.get('description', '')}")
    lines.append("")
    if results["task"] == "translation":
        sc = results["scores"]
        lines += ["| metric | score | 95% CI | signature |", "|---|---:|---|---|"]
        names = {"bleu": "BLEU", "chrf": "chrF", "chrf++": "chrF++", "ter": "TER"}
        for name in (n for n in names if n in sc):
            e = sc[name]
            ci = f"[{e['ci95'][0]:.2f}, {e['ci95'][1]:.2f}]" if e.get("ci95") else "–"
            lines.append(f"| {names[name]} | {e['score']:.2f} | {ci} | `{_cell_text(e['signature'])}` |")
        ln = results["lengths"]
        lines += ["", f"Words per line: output mean {ln['prediction']['mean']} / median {ln['prediction']['median']}, "
                      f"reference mean {ln['reference']['mean']} / median {ln['reference']['median']}."]
    else:
        head = "| grade | n | " + " | ".join(LABELS[t] for t in ROUGE_TYPES) + \
               " | words out (mean / median) | words ref (mean / median) |"
        lines += [head, "|---|---:|" + "---:|" * len(ROUGE_TYPES) + "---:|---:|"]
        for g, d in results["grades"].items():
            lp, lr = d["lengths"]["prediction"], d["lengths"]["reference"]
            cells = " | ".join(_cell(d["scores"][t]) for t in ROUGE_TYPES)
            lines.append(f"| {g} | {d['n']} | {cells} | {lp['mean']} / {lp['median']} | {lr['mean']} / {lr['median']} |")
        for g, st in results.get("unscored_output_lengths", {}).items():
            lines.append(f"| {g} (no reference) | {st['n']} | " + " | ".join("–" for _ in ROUGE_TYPES)
                         + f" | {st['mean']} / {st['median']} | – |")
        lines += ["", f"ROUGE F1 ×100, 95% CI in brackets. Signature: `{results['signature']}`"]
    if results.get("comparison"):
        lines += ["", *comparison_markdown(results)]
    if results.get("diagnostics") or results.get("systems"):
        lines += ["", *diagnostics_markdown(results)]
    t = results["timing_s"]
    lines += ["", f"Time: load {t['load']} s, system {t['system']} s, scoring {t['scoring']} s."]
    for w in results.get("warnings", []):
        lines.append(f"\nWarning: {w}")
    if results.get("command"):
        lines += ["", f"Command: `{results['command']}`"]
    return "\n".join(lines) + "\n"


def _p(value) -> str:
    return "–" if value is None else (f"{value:.4f}" if value >= 0.0001 else f"{value:.1e}")


def comparison_markdown(results: dict) -> list[str]:
    """The comparison table: every metric of every system, its difference to the first and paired p-values."""
    c = results["comparison"]
    t = c["tests"]
    lines = [f"#### Systems compared with {_cell_text(c['baseline'])}", "",
             f"Paired bootstrap ({t['paired_bootstrap']} resamples) and approximate randomisation "
             f"({t['approximate_randomisation']} trials) over {t['unit']}s, seed {t['seed']} ({t['implementation']}); "
             f"* = both p < {c['alpha']}.", ""]
    rouge = results["task"] != "translation"
    lines += ["| " + ("grade | " if rouge else "") + "metric | system | score [95% CI] | Δ vs first | p (bootstrap) "
              "| p (randomisation) |", "|" + ("---|" if rouge else "") + "---|---|---:|---:|---:|---:|"]
    for r in c["rows"]:
        score = r["f"] if rouge else r["score"]
        ci = r.get("ci95")
        cell = f"{score:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else f"{score:.2f}"
        delta = "–" if r["delta"] is None else f"{r['delta']:+.2f}" + (" *" if r.get("significant") else "")
        metric = LABELS.get(r["metric"], r["metric"]) if rouge else {"bleu": "BLEU", "chrf": "chrF",
                                                                     "chrf++": "chrF++", "ter": "TER"}[r["metric"]]
        lines.append("| " + (f"{r['grade']} | " if rouge else "") + f"{metric} | {_cell_text(r['system'])} | {cell} | "
                     f"{delta} | {_p(r['p_bootstrap'])} | {_p(r['p_randomisation'])} |")
    return lines


def diagnostics_markdown(results: dict) -> list[str]:
    """Model-free diagnostics per system and grade: lengths, fragment coverage/density/compression, novel and
    repeated n-grams, faithfulness-check rate."""
    systems = results.get("systems") or [{"label": system_label(results), "diagnostics": results.get("diagnostics")}]
    lines = ["#### Diagnostics (no model)", "",
             "| system | grade | tokens out (mean / median) | ref tokens | coverage | density | compression | novel 1-/2-grams "
             "| repeated 3-grams | faithfulness fired |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in systems:
        for g, d in (s.get("diagnostics") or {}).items():
            def num(key, fmt="{:.2f}"):
                v = d.get(key)
                return "–" if v is None else fmt.format(v)
            w = d.get("words") or {}
            rw = (d.get("reference_words") or {}).get("mean")
            ff = d.get("faithfulness_fired")
            lines.append(f"| {_cell_text(s['label'])} | {g} | {w.get('mean')} / {w.get('median')} | "
                         f"{'–' if rw is None else rw} | {num('coverage')} | {num('density')} | "
                         f"{num('compression')} | {num('novel_1', '{:.1%}')} / {num('novel_2', '{:.1%}')} | "
                         f"{num('repeated_3', '{:.1%}')} | "
                         f"{'–' if not ff else str(ff['documents']) + ' (' + format(ff['rate'], '.1%') + ')'} |")
    lines += ["", "Tokens: Unicode word tokens (\"l'été\" is two), so they run above the word counts of the score "
              "table, which count words as briefsum's length budgets do. "
              "Coverage, density, compression: extractive fragments (Grusky et al., 2018) over these tokens; "
              "novel n-grams are not in the article; repeated 3-grams occur earlier in the same output; "
              "faithfulness fired: results whose warnings say the neural engine's check flagged this grade."]
    return lines


def plot(results: dict, lengths: dict[str, dict[str, list[int]]], path: Path) -> None:
    """Save a PNG: scores per grade with 95% CIs, and output vs reference length distributions."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    if results["task"] == "translation":
        names = ["bleu", "chrf"]
        vals = [results["scores"][n]["score"] for n in names]
        err = [[v - results["scores"][n]["ci95"][0] if results["scores"][n].get("ci95") else 0 for n, v in zip(names, vals)],
               [results["scores"][n]["ci95"][1] - v if results["scores"][n].get("ci95") else 0 for n, v in zip(names, vals)]]
        ax1.bar(["BLEU", "chrF"], vals, yerr=err, capsize=4, color=["#4c72b0", "#dd8452"])
        ax1.set_ylabel("score")
    else:
        grades = list(results["grades"])
        width = 0.8 / len(ROUGE_TYPES)
        x = np.arange(len(grades))
        for j, t in enumerate(ROUGE_TYPES):
            vals = [results["grades"][g]["scores"][t]["f"] for g in grades]
            cis = [results["grades"][g]["scores"][t].get("ci95") for g in grades]
            err = None
            if all(cis):
                err = [[v - c[0] for v, c in zip(vals, cis)], [c[1] - v for v, c in zip(vals, cis)]]
            ax1.bar(x + (j - (len(ROUGE_TYPES) - 1) / 2) * width, vals, width, yerr=err, capsize=3, label=LABELS[t])
        ax1.set_xticks(x, grades)
        ax1.set_ylabel("ROUGE F1 ×100 (95% CI)")
        ax1.legend(fontsize=8)
    ax1.set_title(f"{results['dataset']}: {system_label(results)}", fontsize=9)
    data, labels = [], []
    for g, d in lengths.items():
        data += [d["prediction"] or [0], d["reference"] or [0]]
        labels += [f"{g}\noutput", f"{g}\nreference"]
    if data:
        ax2.boxplot(data, showfliers=False)
        ax2.set_xticks(range(1, len(labels) + 1), labels, fontsize=8)
    ax2.set_ylabel("words")
    ax2.set_title("lengths: outputs vs references", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_reports(run_result: Any, out_dir: Path, make_plot: bool = True) -> list[Path]:
    """Write results.json, results.md, outputs.jsonl, per_doc.jsonl and plot.png into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    res = run_result.results
    written = []
    p = out_dir / "results.json"
    p.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(p)
    p = out_dir / "results.md"
    p.write_text(markdown(res), encoding="utf-8")
    written.append(p)
    ids: dict[str, None] = {}
    for per in run_result.outputs.values():
        ids.update(dict.fromkeys(per))
    p = out_dir / "outputs.jsonl"
    with p.open("w", encoding="utf-8") as f:
        for i in ids:
            row = {"id": i, **{g: per[i] for g, per in run_result.outputs.items() if i in per}}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    written.append(p)
    if len(getattr(run_result, "systems", []) or []) > 1:   # every compared system's outputs, in order
        for n, system in enumerate(run_result.systems, 1):
            slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in system["label"])
            p = out_dir / f"outputs-{n}-{slug}.jsonl"
            with p.open("w", encoding="utf-8") as f:
                for i in ids:
                    row = {"id": i, **{g: per[i] for g, per in system["outputs"].items() if i in per}}
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
            written.append(p)
    if run_result.per_doc:
        p = out_dir / "per_doc.jsonl"
        with p.open("w", encoding="utf-8") as f:
            for row in run_result.per_doc:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        written.append(p)
    if make_plot:
        p = out_dir / "plot.png"
        plot(res, run_result.lengths, p)
        written.append(p)
    return written
