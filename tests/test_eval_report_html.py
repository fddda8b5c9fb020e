"""report.html in a real headless browser (Debian's chromium): the corpus table as rendered, one document's
highlighted sentences, a screenshot; and untrusted text stays text."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

import pytest

from briefsum.evaluation.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=120)


class Dom(HTMLParser):
    """Rendered DOM: the corpus table's cell texts, the highlighted sentences, every element's tag."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.corpus_rows: list[list[str]] = []
        self.highlighted: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._cell: list[str] | None = None
        self._hl: list[str] | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self.stack.append((tag, a))
        in_corpus = any(t == "table" and x.get("id") == "corpus" for t, x in self.stack)
        if in_corpus and tag == "tr":
            self.corpus_rows.append([])
        if in_corpus and tag in ("td", "th"):
            self._cell = []
        if tag == "span" and "hl" in (a.get("class") or "").split():
            self._hl = []
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.corpus_rows:
            self.corpus_rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "span" and self._hl is not None:
            self.highlighted.append("".join(self._hl))
            self._hl = None
        if tag == "title":
            self._in_title = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._hl is not None:
            self._hl.append(data)
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def osv_report(data_root, tmp_path_factory):
    if not (data_root / "orangesum" / "valid.jsonl.gz").is_file():
        pytest.skip("OrangeSum valid not in the shared data")
    out = tmp_path_factory.mktemp("html") / "run"
    assert main(["--dataset", "orangesum-valid", "--limit", "30", "--baseline", "lead", "--engine", "offline",
                 "--bootstrap", "100", "--paired-ar", "1000", "--quiet", "--data-root", str(data_root),
                 "--out", str(out)]) == 0
    return out


def test_report_is_one_self_contained_file(osv_report):
    page = (osv_report / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for needle in ("<link", "src='http", 'src="http', "@import", "url(http"):
        assert needle not in page
    assert "data:image/png;base64," in page


@needs_chromium
def test_report_renders_the_corpus_table_and_a_documents_highlights_in_chromium(osv_report):
    res = json.loads((osv_report / "results.json").read_text(encoding="utf-8"))
    proc = chromium("--virtual-time-budget=10000", "--dump-dom", (osv_report / "report.html").as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = Dom()
    dom.feed(proc.stdout)
    header, *rows = dom.corpus_rows
    assert header[:4] == ["system", "grade", "n", "R-1"]
    lead_headline = next(r for r in rows if r[0] == "LEAD-1/2" and r[1] == "headline")
    f = res["systems"][0]["grades"]["headline"]["scores"]["rouge1"]["f"]
    assert lead_headline[3].startswith(f"{f:.2f} [")
    engine_headline = next(r for r in rows if r[0] == "engine offline" and r[1] == "headline")
    assert "Δ" in engine_headline[3] and "p" in engine_headline[3]
    # The viewer (built by the page's script) shows the worst LEAD headline first, its one sentence highlighted.
    assert len(dom.highlighted) == 1
    per = [json.loads(x) for x in (osv_report / "per_doc.jsonl").read_text(encoding="utf-8").splitlines()]
    worst = min((r for r in per if r["grade"] == "headline"), key=lambda r: r["rouge1"])
    outputs = {json.loads(x)["id"]: json.loads(x) for x in
               (osv_report / "outputs.jsonl").read_text(encoding="utf-8").splitlines()}
    assert dom.highlighted[0].strip() == outputs[worst["id"]]["headline"].strip()


@needs_chromium
def test_report_screenshot(osv_report):
    shot = osv_report / "report.png"
    proc = chromium("--virtual-time-budget=10000", f"--screenshot={shot}", "--window-size=1400,1800",
                    (osv_report / "report.html").as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


@needs_chromium
def test_untrusted_text_is_shown_as_text(tmp_path):
    evil = ["<img src=x onerror=\"document.title='pwned'\"> Un article. Deuxième phrase.",
            "</script><script>document.title='pwned'</script> Autre article. Fin."]
    (tmp_path / "src.txt").write_text("\n".join(evil) + "\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("<b onmouseover=x>résumé</b>\n</script>résumé\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("<img src=y onerror=\"document.title='pwned'\">\n<!-- x\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["--refs", str(tmp_path / "ref.txt"), "--hyps", str(tmp_path / "hyp.txt"), "--src",
                 str(tmp_path / "src.txt"), "--baseline", "lead", "--k", "1", "--lang", "fr", "--bootstrap", "0",
                 "--quiet", "--no-plot", "--out", str(out)]) == 0
    proc = chromium("--virtual-time-budget=5000", "--dump-dom", (out / "report.html").as_uri())
    dom = Dom()
    dom.feed(proc.stdout)
    assert "pwned" not in dom.title
    assert not [a for t, a in dom.tags if t == "img" and a.get("id") != "plot"]
    assert not [a for t, a in dom.tags if t == "b" and "onmouseover" in a]
    assert "&lt;img src=x onerror=" in proc.stdout   # the article's text, shown as text


def test_viewer_holds_at_most_html_docs_documents(tmp_path):
    (tmp_path / "ref.txt").write_text("un deux\ntrois quatre\ncinq six\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("un\ntrois\ncinq\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["--refs", str(tmp_path / "ref.txt"), "--hyps", str(tmp_path / "hyp.txt"), "--bootstrap", "0",
                 "--quiet", "--no-plot", "--html-docs", "2", "--out", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    data = json.loads(page.split("<script type=application/json id=data>")[1].split("</script>")[0])
    assert [d["id"] for d in data["docs"]] == ["1", "2"] and data["total"] == 3
    assert "first 2 of 3 documents" in page
