"""report.html: one self-contained page (no network: inline CSS, JavaScript and base64 PNG plots) with the corpus
table (CIs, significance against the first system), the diagnostics, plots, and a per-document viewer: the article
with the sentences each grade used highlighted, the references, every system's output and per-document scores;
sortable (worst first), searchable by id; `#system=1&grade=1&doc=ID` in the address opens one view.

Every text from the data is untrusted: the tables are escaped here, and the viewer's data travels as JSON inside
a <script type="application/json"> element (with <, > and & escaped) and is put on the page with textContent only.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from .report import LABELS, diagnostics_markdown, system_label
from .rouge import ROUGE_TYPES

_TR = {"bleu": "BLEU", "chrf": "chrF", "chrf++": "chrF++", "ter": "TER"}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _json_for_script(data: Any) -> str:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _ci(entry: dict, key: str = "f") -> str:
    ci = entry.get("ci95")
    v = entry[key]
    return f"{v:.2f} <span class=ci>[{ci[0]:.2f}, {ci[1]:.2f}]</span>" if ci else f"{v:.2f}"


def _p(value) -> str:
    return "–" if value is None else (f"{value:.4f}" if value >= 0.0001 else f"{value:.1e}")


def corpus_table(res: dict) -> str:
    """The corpus table: one row per system (and grade), each metric with its CI; Δ and p-values against the
    first system when there are several."""
    comp = {(r.get("grade"), r["metric"], r["system"]): r for r in (res.get("comparison") or {}).get("rows", [])}
    systems = res.get("systems") or [{"label": system_label(res), "grades": res.get("grades"),
                                      "scores": res.get("scores")}]
    out = ['<table id="corpus" class="grid"><thead><tr>']
    if res["task"] == "translation":
        metrics = [m for m in _TR if m in res["scores"]]
        out.append("<th>system</th>" + "".join(f"<th>{_TR[m]}</th>" for m in metrics) + "</tr></thead><tbody>")
        for s in systems:
            cells = []
            for m in metrics:
                e = s["scores"][m]
                cells.append(f"<td>{_ci(e, 'score')}{_sig(comp.get((None, m, s['label'])))}</td>")
            out.append(f"<tr><th scope=row>{_e(s['label'])}</th>{''.join(cells)}</tr>")
    else:
        out.append("<th>system</th><th>grade</th><th>n</th>" + "".join(f"<th>{LABELS[t]}</th>" for t in ROUGE_TYPES)
                   + "<th>words out / ref</th></tr></thead><tbody>")
        for s in systems:
            for g, d in s["grades"].items():
                cells = "".join(f"<td>{_ci(d['scores'][t])}{_sig(comp.get((g, t, s['label'])))}</td>"
                                for t in ROUGE_TYPES)
                ln = d["lengths"]
                out.append(f"<tr><th scope=row>{_e(s['label'])}</th><td>{_e(g)}</td><td>{d['n']}</td>{cells}"
                           f"<td>{ln['prediction']['mean']} / {ln['reference']['mean']}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _sig(row: dict | None) -> str:
    if not row or row.get("delta") is None:
        return ""
    mark = "sig" if row.get("significant") else "nsig"
    return (f"<div class='{mark}'>Δ {row['delta']:+.2f} · p<sub>bs</sub> {_p(row['p_bootstrap'])} · "
            f"p<sub>ar</sub> {_p(row['p_randomisation'])}{' ✱' if row.get('significant') else ''}</div>")


def diagnostics_table(res: dict) -> str:
    """The model-free diagnostics as an HTML table."""
    rows = diagnostics_markdown(res)
    head, body, note = rows[2], rows[4:-2], rows[-1]
    def cells(line, tag):
        parts = [c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | ")]
        return "".join(f"<{tag}>{_e(c)}</{tag}>" for c in parts)
    return (f"<table class=grid id=diagnostics><thead><tr>{cells(head, 'th')}</tr></thead><tbody>"
            + "".join(f"<tr>{cells(r, 'td')}</tr>" for r in body) + f"</tbody></table><p class=note>{_e(note)}</p>")


def _plot_png(run_result: Any) -> str | None:
    """Scores per system (95% CIs) and output lengths against the references, as a base64 PNG."""
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - declared in the eval extra
        return None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import numpy as np

    res = run_result.results
    systems = run_result.systems
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    width = 0.8 / max(len(systems), 1)
    if res["task"] == "translation":
        keys = [m for m in _TR if m in res["scores"]]
        labels = [_TR[m] for m in keys]
        for j, s in enumerate(systems):
            vals = [s["scores"][m]["score"] for m in keys]
            err = [[v - (s["scores"][m].get("ci95") or [v, v])[0] for v, m in zip(vals, keys)],
                   [(s["scores"][m].get("ci95") or [v, v])[1] - v for v, m in zip(vals, keys)]]
            ax1.bar(np.arange(len(keys)) + (j - (len(systems) - 1) / 2) * width, vals, width, yerr=err, capsize=3,
                    label=s["label"])
        ax1.set_xticks(range(len(keys)), labels)
        lengths = [("reference", run_result.lengths["translation"]["reference"])] + \
                  [(s["label"], s["lengths"]) for s in systems]
    else:
        keys = [(g, t) for g in res["grades"] for t in ("rouge1", "rouge2", "rougeL")]
        for j, s in enumerate(systems):
            vals, lo, hi = [], [], []
            for g, t in keys:
                e = s["grades"].get(g, {}).get("scores", {}).get(t, {"f": 0.0})
                ci = e.get("ci95") or [e["f"], e["f"]]
                vals.append(e["f"]); lo.append(e["f"] - ci[0]); hi.append(ci[1] - e["f"])
            ax1.bar(np.arange(len(keys)) + (j - (len(systems) - 1) / 2) * width, vals, width, yerr=[lo, hi],
                    capsize=2, label=s["label"])
        ax1.set_xticks(range(len(keys)), [f"{g}\n{LABELS[t]}" for g, t in keys], fontsize=8)
        lengths = []
        for g in res["grades"]:
            lengths.append((f"{g} ref", run_result.lengths[g]["reference"]))
            for s in systems:
                if g in s["lengths"]:
                    lengths.append((f"{g} {s['label']}", s["lengths"][g]["prediction"]))
    ax1.set_ylabel("score (95% CI)")
    ax1.legend(fontsize=7)
    ax1.set_title("corpus scores", fontsize=9)
    ax2.boxplot([v or [0] for _, v in lengths], showfliers=False)
    ax2.set_xticks(range(1, len(lengths) + 1), [n[:24] for n, _ in lengths], fontsize=7, rotation=30, ha="right")
    ax2.set_ylabel("words")
    ax2.set_title("lengths: outputs vs references", fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


MAX_DOCS = 5000   # documents in the viewer by default: the page stays a size a browser opens


def viewer_data(run_result: Any, max_docs: int = MAX_DOCS) -> dict:
    """Per-document data for the viewer (the first `max_docs` documents): article sentences, references,
    outputs, highlights and scores."""
    from .baselines import article_units

    res = run_result.results
    spec = run_result.spec
    systems = run_result.systems
    translation = res["task"] == "translation"
    scores: list[dict[str, dict[str, dict[str, float]]]] = []
    for s in systems:
        per: dict[str, dict[str, dict[str, float]]] = {}
        for row in s.get("per_doc", []):
            per.setdefault(row["id"], {})[row["grade"]] = {t: row[t] for t in ROUGE_TYPES}
        scores.append(per)
    docs = []
    for ex in run_result.examples[:max_docs]:
        if translation:
            sents = [ex.text]
        else:
            sents = article_units(ex.text, spec.language)[0] if ex.text.strip() else []
        doc = {"id": ex.id, "sentences": sents, "refs": {g: ex.refs(g) for g in ex.references}, "systems": []}
        for k, s in enumerate(systems):
            entry = {"outputs": {g: per[ex.id] for g, per in s["outputs"].items() if ex.id in per},
                     "indices": {g: per[ex.id] for g, per in (s.get("indices") or {}).items() if ex.id in per},
                     "scores": scores[k].get(ex.id, {})}
            if s.get("doc_warnings"):
                entry["warnings"] = s["doc_warnings"].get(ex.id, [])
            doc["systems"].append(entry)
        docs.append(doc)
    metrics = [] if translation else list(ROUGE_TYPES)
    grades = list(res.get("grades", {})) if not translation else ["translation"]
    return {"systems": [s["label"] for s in systems], "grades": grades, "metrics": metrics,
            "labels": {t: LABELS[t] for t in ROUGE_TYPES}, "docs": docs, "total": len(run_result.examples)}


def write_html(run_result: Any, path: Path, max_docs: int = MAX_DOCS) -> None:
    """Write the self-contained report page (its viewer holds the first `max_docs` documents)."""
    res = run_result.results
    png = _plot_png(run_result)
    sig = res.get("signature") or " · ".join(f"{_TR[m]}: {res['scores'][m]['signature']}"
                                             for m in _TR if m in res.get("scores", {}))
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        f"<title>briefsum-eval · {_e(res['dataset'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>briefsum-eval · {_e(res['dataset'])}</h1>",
        f"<p>{res['examples']} of {res['dataset_size']} examples. {_e(res.get('description', ''))}</p>",
        f"<p class=note>Signature: <code>{_e(sig)}</code></p>",
    ]
    if res.get("command"):
        parts.append(f"<p class=note>Command: <code>{_e(res['command'])}</code></p>")
    parts.append("<h2>Corpus scores</h2>" + corpus_table(res))
    if res.get("comparison"):
        c = res["comparison"]
        t = c["tests"]
        parts.append(f"<p class=note>Δ and p-values against <b>{_e(c['baseline'])}</b>: paired bootstrap "
                     f"({t['paired_bootstrap']} resamples) and approximate randomisation "
                     f"({t['approximate_randomisation']} trials) over {_e(t['unit'])}s, seed {t['seed']} "
                     f"({_e(t['implementation'])}); ✱ = both p &lt; {c['alpha']}.</p>")
    if res["task"] != "translation":
        parts.append("<h2>Diagnostics</h2>" + diagnostics_table(res))
    if png:
        parts.append(f"<h2>Plots</h2><img id=plot alt='scores and lengths' src='data:image/png;base64,{png}'>")
    for w in res.get("warnings", []):
        parts.append(f"<p class=warn>Warning: {_e(w)}</p>")
    parts.append(_VIEWER_HTML)
    if len(run_result.examples) > max_docs:
        parts.append(f"<p class=note>The viewer holds the first {max_docs} of {len(run_result.examples)} documents "
                     "(--html-docs); the tables above cover all of them.</p>")
    parts.append("<script type=application/json id=data>"
                 f"{_json_for_script(viewer_data(run_result, max_docs))}</script>")
    parts.append(f"<script>{_JS}</script></body></html>")
    path.write_text("".join(parts), encoding="utf-8")


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222;max-width:1500px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table.grid{border-collapse:collapse;margin:.5em 0}table.grid td,table.grid th{border:1px solid #ccc;padding:3px 7px;
text-align:right;vertical-align:top}table.grid th[scope=row],table.grid td:nth-child(2){text-align:left}
.ci{color:#777;font-size:.85em}.sig{color:#060;font-size:.8em}.nsig{color:#999;font-size:.8em}
.note{color:#555;font-size:.9em}.warn{color:#a40}code{font-size:.85em;word-break:break-all}
#plot{max-width:100%}#viewer{display:flex;gap:1em;align-items:flex-start}
#doclist{max-height:80vh;overflow:auto;min-width:300px}#doclist table{cursor:pointer}
#doclist tr.sel{background:#def}#doclist th{cursor:pointer;position:sticky;top:0;background:#f4f4f4}
#doc{flex:1;min-width:0}.sent{padding:1px 0}.hl{background:#ffe27a}.hl0{background:#ffe27a}
.out{border-left:4px solid #89b;padding:2px 8px;margin:4px 0;white-space:pre-wrap}
.ref{border-left:4px solid #8b8;padding:2px 8px;margin:4px 0}.sc{color:#555;font-size:.85em}
#controls{margin:.5em 0}#controls label{margin-right:1em}
"""

_VIEWER_HTML = """
<h2>Documents</h2>
<div id=controls><label>search id <input id=search type=search placeholder="id"></label>
<label>grade <select id=grade></select></label><label>metric <select id=metric></select></label>
<label>system <select id=system></select></label><span id=count class=note></span></div>
<div id=viewer><div id=doclist><table class=grid id=docs><thead><tr><th data-k=id>id</th>
<th data-k=score>score ▲</th></tr></thead><tbody></tbody></table></div><div id=doc></div></div>
"""

_JS = r"""
(function(){
const D=JSON.parse(document.getElementById('data').textContent);
const $=id=>document.getElementById(id);
const el=(tag,text,cls)=>{const e=document.createElement(tag);if(text!==undefined&&text!==null)e.textContent=text;if(cls)e.className=cls;return e;};
let sortKey='score',asc=true,current=null;
function fill(sel,items,labels){items.forEach((v,i)=>{const o=el('option',labels?labels[i]:v);o.value=String(i);sel.appendChild(o);});}
fill($('grade'),D.grades);fill($('system'),D.systems);
if(D.metrics.length){fill($('metric'),D.metrics,D.metrics.map(m=>D.labels[m]));}else{$('metric').parentNode.style.display='none';}
function score(d){const g=D.grades[+$('grade').value],m=D.metrics[+$('metric').value],s=d.systems[+$('system').value];
 const v=s&&s.scores&&s.scores[g]&&m?s.scores[g][m]:undefined;return v===undefined?null:v;}
function rows(){const q=$('search').value.trim().toLowerCase();
 let list=D.docs.filter(d=>!q||d.id.toLowerCase().includes(q));
 list.sort((a,b)=>{let x,y;if(sortKey==='id'){x=a.id;y=b.id;return (asc?1:-1)*x.localeCompare(y,undefined,{numeric:true});}
  x=score(a);y=score(b);if(x===null&&y===null)return 0;if(x===null)return 1;if(y===null)return -1;return asc?x-y:y-x;});
 return list;}
function renderList(){const tb=document.querySelector('#docs tbody');tb.textContent='';const list=rows();
 $('count').textContent=list.length+' of '+D.docs.length+' documents';
 list.slice(0,2000).forEach(d=>{const tr=el('tr');tr.dataset.id=d.id;tr.appendChild(el('td',d.id));const s=score(d);
  tr.appendChild(el('td',s===null?'–':s.toFixed(2)));if(current===d.id)tr.className='sel';
  tr.addEventListener('click',()=>{current=d.id;renderList();renderDoc(d);});tb.appendChild(tr);});
 if(!current&&list.length){current=list[0].id;renderDoc(list[0]);renderList();}}
function renderDoc(d){const box=$('doc');box.textContent='';const g=D.grades[+$('grade').value],k=+$('system').value;
 box.appendChild(el('h3','document '+d.id));
 const used=new Set(((d.systems[k]||{}).indices||{})[g]||[]);
 const art=el('div',null,'article');art.id='article';
 const note=el('p',used.size?('highlighted: the sentences '+D.systems[k]+' used for '+g+' ('+used.size+')'):
   ('no source sentences recorded for '+D.systems[k]+' / '+g),'note');box.appendChild(note);
 d.sentences.forEach((s,i)=>{const sp=el('span',s,'sent'+(used.has(i)?' hl':''));sp.dataset.index=String(i);art.appendChild(sp);art.appendChild(document.createTextNode(' '));});
 box.appendChild(el('h4','article'));box.appendChild(art);
 box.appendChild(el('h4','references'));
 Object.keys(d.refs).forEach(gr=>d.refs[gr].forEach((r,j)=>{const p=el('div',null,'ref');p.appendChild(el('b',gr+(d.refs[gr].length>1?' #'+(j+1):'')+': '));p.appendChild(document.createTextNode(r));box.appendChild(p);}));
 box.appendChild(el('h4','outputs'));
 d.systems.forEach((s,j)=>{Object.keys(s.outputs).forEach(gr=>{const p=el('div',null,'out');p.appendChild(el('b',D.systems[j]+' · '+gr+': '));
  p.appendChild(document.createTextNode(s.outputs[gr]));const sc=s.scores[gr];
  if(sc){p.appendChild(el('div',D.metrics.map(m=>D.labels[m]+' '+sc[m].toFixed(2)).join(' · '),'sc'));}
  p.classList.add('sys'+j);box.appendChild(p);});
  if(s.warnings&&s.warnings.length){box.appendChild(el('div','warnings ('+D.systems[j]+'): '+s.warnings.join(' | '),'note'));}});}
document.querySelectorAll('#docs th').forEach(th=>th.addEventListener('click',()=>{const k=th.dataset.k;
 if(sortKey===k)asc=!asc;else{sortKey=k;asc=true;}
 document.querySelectorAll('#docs th').forEach(h=>h.textContent=h.dataset.k+(h.dataset.k===sortKey?(asc?' ▲':' ▼'):''));renderList();}));
['search','grade','metric','system'].forEach(id=>$(id).addEventListener('input',()=>{renderList();const d=D.docs.find(x=>x.id===current);if(d)renderDoc(d);}));
const H=new URLSearchParams(location.hash.slice(1));   // e.g. #system=1&grade=1&doc=ID
['system','grade','metric'].forEach(k=>{const v=H.get(k);if(v!==null&&$(k).options[+v])$(k).value=v;});
if(H.get('doc')){const d=D.docs.find(x=>x.id===H.get('doc'));if(d){current=d.id;renderDoc(d);}}
renderList();
})();
"""
