"""The hostile-input corpus: each case, how it is fed, and the behaviour expected of briefsum.

Every case is written here (no third-party text). `expect` is either the name of a briefsum exception (API) /
"exit 2" (CLI), or "ok" plus, where the result is degraded, a fragment that one of the result's warnings must
contain. `check` states what must also hold (no text lost, no markup copied, the old output file whole...): it
returns None when it holds, else what went wrong. `family` groups the cases in RELIABILITY.md.

CLI cases run `python -m briefsum` through bash (so that a case can close or redirect the standard streams);
run_cli() is shared by the tests and scripts/reliability.py, and measures the child's peak memory.
"""

from __future__ import annotations

import os
import random
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from briefsum.paths import data_root

FR = ("Le conseil municipal a voté le budget mardi soir après un long débat. Les écoles recevront quatre "
      "millions d'euros de plus. L'opposition dénonce une hausse des impôts locaux.\n\nLe maire promet un "
      "second vote au printemps. Les travaux de la gare commenceront en juin, selon la mairie.")
EN = ("The city council approved the budget on Tuesday after a long debate. Schools will receive four million "
      "euros more. The opposition criticised a rise in local taxes.\n\nThe mayor promised a second vote in the "
      "spring. Work on the station will start in June, according to the town hall.")


@dataclass
class Case:
    id: str
    what: str
    make: Callable[[], object]          # the input: str for the API, bytes for the CLI
    expect: str                          # exception class name, "exit 2", or "ok"
    warning: str | None = None           # with "ok": a warning must contain this
    kwargs: dict = field(default_factory=dict)
    via: str = "api"                     # "api" or "cli"
    cli_args: tuple = ()
    family: str = "text"                 # files, text, html, loss, output, configs, cli, api
    check: Callable | None = None        # api: check(brief); cli: check(stdout, stderr, folder) -> None or a problem
    file: str | None = None              # cli: this path (or "-") instead of a file holding make()'s bytes
    redirect: str = ""                   # cli: bash redirections, e.g. "<&-", ">/dev/full"
    env: dict = field(default_factory=dict)
    config: str | None = None            # cli: YAML written to a file and passed with --config
    call: str = "summarise"              # api: summarise or summarise_many
    needs: str | None = None             # "apertium": skipped where Apertium with fr-en is not installed
    setup: Callable | None = None        # cli: setup(folder) prepares files (a FIFO, an old output file)
    prefix: str = ""                     # cli: bash commands before briefsum runs (ulimit -f ...)


def _rand_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def _short_sentences(n: int) -> str:
    words = ["Oui.", "Non.", "Il pleut.", "Le train part.", "Elle rit."]
    return " ".join(words[i % len(words)] for i in range(n))


CASES: list[Case] = [
    Case("empty", "empty string", lambda: "", "EmptyInputError"),
    Case("whitespace", "spaces, tabs and newlines only", lambda: " \t\n \n\r\n ", "EmptyInputError"),
    Case("invisible", "no-break and zero-width spaces only", lambda: "\u00a0\u200b\u202f\ufeff", "EmptyInputError"),
    Case("punctuation", "punctuation only", lambda: "!!! ??? ... ;;; « » — (…)", "EmptyInputError"),
    Case("emoji", "emoji only", lambda: "😀🎉👍🏽 🚀🔥", "EmptyInputError"),
    Case("numbers", "numbers only", lambda: "12 345 678,90 2024 3.14 % 42", "EmptyInputError"),
    Case("not-str", "bytes passed to the API", lambda: FR.encode(), "InputError"),
    Case("none", "None passed to the API", lambda: None, "InputError"),
    Case("control-chars", "control characters and NUL inside French text",
         lambda: FR.replace(" ", " \x00", 3).replace("e", "e\x07", 2) + "\x1b[31m", "ok"),
    Case("lone-surrogate", "a lone UTF-16 surrogate in the string", lambda: FR + " \ud800 fin.", "ok"),
    Case("nfd", "decomposed accents (NFD)", lambda: __import__("unicodedata").normalize("NFD", FR), "ok"),
    Case("crlf", "Windows line endings", lambda: FR.replace("\n", "\r\n"), "ok"),
    Case("too-large", "10 MB of text", lambda: ("Le chat dort. " * 800_000), "InputTooLargeError"),
    Case("one-long-sentence", "one 50,000-character sentence without punctuation",
         lambda: " ".join(f"mot{i % 97}" for i in range(9000))[:50000], "ok", "cut into"),
    Case("many-short", "3,000 very short sentences", lambda: _short_sentences(3000), "ok"),
    Case("repeated", "the same sentence 500 times", lambda: "Le maire a démissionné hier soir. " * 500, "ok"),
    Case("long-token", "a 10,000-character token", lambda: FR + " " + "x" * 10000 + " fin.", "ok", "shortened"),
    Case("long-url", "a very long URL", lambda: FR + " Voir https://example.org/" + "a/b.C" * 400 + " pour plus.",
         "ok", "shortened"),
    Case("url-dots", "URLs and e-mail addresses with dots and capitals",
         lambda: "Consultez www.Exemple.fr/Page.Html ou écrivez à Marie.Dupont@Exemple.fr pour le dossier. " + FR,
         "ok"),
    Case("headings-only", "lines without punctuation only", lambda: "Un titre\n\nUn autre titre\n\nEncore un", "ok"),
    Case("one-sentence", "a single short sentence", lambda: "Le maire a démissionné hier soir.", "ok",
         "shorter than the budget"),
    Case("one-long-headline", "a single 40-word sentence (headline must be cut or compressed)",
         lambda: "Le conseil " + " ".join(["municipal réuni en séance extraordinaire"] * 9) + " a voté.", "ok"),
    Case("mixed-fr-en", "French and English paragraphs mixed", lambda: FR + "\n\n" + EN, "ok"),
    Case("english-declared-fr", "English text declared lang='fr'", lambda: EN, "ok", "looks like en",
         kwargs={"lang": "fr", "target": None}),
    Case("japanese", "Japanese (no translation route)",
         lambda: "東京は日本の首都です。人口は約千四百万人です。多くの観光客が訪れます。経済の中心地でもあります。", "ok",
         "no Apertium route for ja→en"),
    Case("arabic-rtl", "Arabic, right to left (no translation route)",
         lambda: "عقد المجلس البلدي اجتماعا يوم الثلاثاء. وافق الأعضاء على الميزانية الجديدة. سيبدأ العمل في الربيع.",
         "ok", "no Apertium route for ar→en"),
    Case("hebrew-bidi", "Hebrew with bidirectional control characters",
         lambda: "\u202bהמועצה אישרה את התקציב ביום שלישי.\u202c הבחירות יתקיימו באביב.", "ok", "no Apertium route"),
    Case("gibberish", "random letters", lambda: "qzx vbnm rtyp lkjh gfds wert yuio pasd fghj klzx cvbn", "ok"),
    Case("unknown-grade", "a grade that does not exist", lambda: FR, "UnknownGradeError", kwargs={"grades": ["tweet"]}),
    Case("no-grade", "an empty grade list", lambda: FR, "UnknownGradeError", kwargs={"grades": []}),
    Case("unknown-lang", "an unknown source language code", lambda: FR, "UnsupportedLanguageError",
         kwargs={"lang": "xx"}),
    Case("unknown-target", "an unknown target language code", lambda: FR, "UnsupportedLanguageError",
         kwargs={"target": "klingon"}),
    Case("zero-budget", "a zero word budget", lambda: FR, "ConfigError",
         kwargs={"config": {"grades": {"brief": {"max_words": 0}}}}),
    Case("negative-budget", "a negative word budget", lambda: FR, "ConfigError",
         kwargs={"config": {"grades": {"summary": {"max_words": -5}}}}),
    Case("huge-budget", "a budget of a billion words", lambda: FR, "ok",
         kwargs={"config": {"grades": {"detailed": {"max_words": 10**9, "max_fraction": 1.0}}}, "target": None}),
    Case("bad-engine", "an unknown engine", lambda: FR, "InputError", kwargs={"engine": "quantum"}),
    Case("html-fragment", "an HTML fragment", lambda: "<div><p>" + FR.replace("\n\n", "</p><p>") + "</p></div>", "ok"),
    Case("html-empty", "an HTML page with no article text",
         lambda: "<!DOCTYPE html><html><head><script>var a=1;</script></head><body></body></html>", "EmptyInputError"),
    # CLI cases: the input is bytes written to a file.
    Case("cli-random-bytes", "random bytes", lambda: _rand_bytes(5000), "exit 2", via="cli"),
    Case("cli-invalid-utf8", "invalid UTF-8 in French text", lambda: FR.encode() + b"\xff\xfe\xc3(" + FR.encode(),
         "exit 2", via="cli"),
    Case("cli-latin1", "a Latin-1 file", lambda: FR.encode("latin-1"), "exit 2", via="cli"),
    Case("cli-latin1-declared", "a Latin-1 file with --encoding latin-1", lambda: FR.encode("latin-1"), "ok",
         via="cli", cli_args=("--encoding", "latin-1", "--target", "none")),
    Case("cli-utf16-bom", "UTF-16 with BOM", lambda: FR.encode("utf-16"), "ok", via="cli",
         cli_args=("--target", "none")),
    Case("cli-utf8-bom", "UTF-8 with BOM", lambda: b"\xef\xbb\xbf" + FR.encode(), "ok", via="cli",
         cli_args=("--target", "none")),
    Case("cli-empty-file", "an empty file", lambda: b"", "exit 2", via="cli"),
    Case("cli-nul-file", "a file of NUL bytes", lambda: b"\x00" * 1000, "exit 2", via="cli"),
    Case("cli-huge-file", "a 10 MB file", lambda: b"Le chat dort. " * 800_000, "exit 2", via="cli"),
]

# -- round two: hangs, unbounded reads, silent loss, output that can hurt, config reach, wrong kinds of error --

DE = ("Der Stadtrat hat am Dienstag nach einer langen Debatte den Haushalt verabschiedet. Die Schulen erhalten "
      "vier Millionen Euro mehr. Die Opposition kritisiert eine Erhöhung der Steuern in der Stadt.")
# Four paragraphs of 270 Chinese characters each, sentences ended by 。 and clauses by ，, no spaces.
_ZH_SENTENCE = "市议会周二晚上经过长时间的辩论通过了预算，学校将多获得四百万欧元。"
ZH = "\n\n".join((_ZH_SENTENCE * 8)[:270] for _ in range(4))
_SENTS = [s.strip() + "." for s in FR.replace("\n\n", " ").split(".") if s.strip()]
DATA = data_root()


def _words(text: str) -> int:
    from briefsum.text.segment import count_words

    return count_words(text)


def _page(body: str, head: str = "<head><title>Budget</title><style>p{color:red}</style>"
          "<script>var tracker = 1;</script></head>") -> str:
    return f"<!DOCTYPE html><html>{head}<body>{body}</body></html>"


def _keeps(fraction: float, source_words: int) -> Callable:
    """The document holds at least this share of the article's words (nothing dropped silently)."""
    def check(b) -> str | None:
        if b.stats["words"] < fraction * source_words:
            return f"only {b.stats['words']} of {source_words} words reached the summariser"
        return None
    return check


def _no_markup(b) -> str | None:
    text = " ".join(g.text for g in b.grades.values())
    bad = [t for t in ("<", "{", "tracker", "color:") if t in text]
    return f"markup summarised as prose: {bad}" if bad else None


def _no(*fragments: str) -> Callable:
    """None of the fragments is in the summaries' texts."""
    def check(b) -> str | None:
        text = " ".join(g.text for g in b.grades.values())
        found = [f for f in fragments if f in text]
        return f"found {found}" if found else None
    return check


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "fifo")


def _old_output(folder: Path) -> None:
    (folder / "old.txt").write_text("the previous good output\n")


def _old_output_intact(out: str, err: str, folder: Path) -> str | None:
    if (folder / "old.txt").read_text() != "the previous good output\n":
        return "the previous output file was changed"
    left = sorted(p.name for p in folder.iterdir() if p.name not in ("old.txt", "input.txt", "config.yaml"))
    return f"files left behind: {left}" if left else None


def _cli_out_lacks(*fragments: str) -> Callable:
    def check(out: str, err: str, folder: Path) -> str | None:
        found = [f for f in fragments if f in out]
        return f"output holds {found}" if found else None
    return check


def _err_has(fragment: str) -> Callable:
    def check(out: str, err: str, folder: Path) -> str | None:
        return None if fragment in err else f"the error does not say {fragment!r}: {err.strip()!r}"
    return check


def _clean_stderr_and_warning(fragment: str) -> Callable:
    def check(out: str, err: str, folder: Path) -> str | None:
        if err.strip():
            return f"stderr is not empty: {err.strip()[:120]!r}"
        return None if fragment in out else f"no warning saying {fragment!r}"
    return check


_BOMB = "\n".join(["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                  + [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]) + "\n"
_HOSTILE_MD = ("Le maire a publié <script>alert('x')</script> un communiqué. Voir [le détail](javascript:alert(1)) "
               "sur <b onclick=\"steal()\">le site</b>. " + FR)
_LONG_FR = " ".join([FR] * 40)

CASES += [
    # files, devices, pipes: bounded reads
    Case("cli-dev-zero", "/dev/zero as the input file", lambda: b"", "exit 2", via="cli", file="/dev/zero",
         family="files", check=_err_has("larger than the input limit")),
    Case("cli-dev-urandom", "/dev/urandom as the input file", lambda: b"", "exit 2", via="cli", file="/dev/urandom",
         family="files", check=_err_has("larger than the input limit")),
    Case("cli-stdin-zero", "standard input from /dev/zero", lambda: b"", "exit 2", via="cli", file="-",
         redirect="</dev/zero", family="files", check=_err_has("larger than the input limit")),
    Case("cli-fifo-silent", "a FIFO nobody writes to (timeout_s: 2)", lambda: b"", "exit 2", via="cli",
         file="{folder}/fifo", setup=_fifo, config="limits: {timeout_s: 2}\n", family="files",
         check=_err_has("nothing more arrived")),
    Case("cli-config-dev-zero", "BRIEFSUM_CONFIG=/dev/zero", lambda: FR.encode(), "exit 2", via="cli",
         env={"BRIEFSUM_CONFIG": "/dev/zero"}, family="files", check=_err_has("larger than a config file may be")),
    Case("cli-config-alias-bomb", "a YAML alias bomb (9 levels of 9 aliases) as the config", lambda: FR.encode(),
         "exit 2", via="cli", config=_BOMB, family="files", check=_err_has("aliases")),
    # hangs: patterns that backtracked
    Case("comments-40", "a text starting with 40 empty HTML comments", lambda: "<!---->" * 40 + FR, "ok",
         family="text"),
    Case("cli-comments-40", "a 2.7 KB file starting with 40 empty HTML comments",
         lambda: ("<!---->" * 40 + " ".join([FR] * 5)).encode(), "ok", via="cli", family="text",
         cli_args=("--target", "none")),
    Case("comment-lines-meta", "an HTML page with 28 comment lines before <meta>",
         lambda: "\n".join(["<!-- generated -->"] * 28) + "\n<meta charset=utf-8><title>Budget</title><style>p{color:red}"
         "</style><p>" + FR.replace("\n\n", "</p><p>") + "</p>", "ok", family="html", check=_no_markup),
    Case("long-paragraph-fr", "one paragraph of 40 repeated French articles (13,000 words)",
         lambda: _LONG_FR, "ok", family="text", kwargs={"target": None}),
    Case("time-budget", "a long article under a 1 µs time budget", lambda: _LONG_FR, "TimeLimitError",
         kwargs={"config": {"limits": {"timeout_s": 1e-6}}}, family="text"),
    # HTML as people write it
    Case("html-nested-260", "an article inside 260 nested <div>s",
         lambda: _page("<div>" * 260 + "<p>" + " ".join(_SENTS * 3) + "</p>" + "</div>" * 260), "ok",
         family="html", check=_keeps(0.9, _words(" ".join(_SENTS * 3)))),
    Case("html-nested-10000", "an article inside 10,000 nested <div>s",
         lambda: _page("<div>" * 10000 + "<p>" + " ".join(_SENTS * 3) + "</p>" + "</div>" * 10000), "ok",
         family="html", check=_keeps(0.9, _words(" ".join(_SENTS * 3)))),
    Case("html-nested-links", "an article inside 260 nested <div>s whose sentences hold links",
         lambda: _page("<nav><a href='/'>Accueil</a> <a href='/m'>Menu</a></nav>" + "<div>" * 260 + "".join(
             f"<div>{s[:-1]} <a href='/x'>selon la mairie</a>.</div>" for s in _SENTS * 3) + "</div>" * 260),
         "ok", family="html",
         check=_keeps(1.0, _words(" ".join(f"{s[:-1]} selon la mairie." for s in _SENTS * 3)))),
    Case("html-after-title-line", "a title line in plain text above an HTML fragment with a script",
         lambda: "Budget municipal\n<p>" + FR.replace("\n\n", "</p><script>var tracker = 1;</script><p>") + "</p>",
         "ok", family="html",
         check=lambda b: _no_markup(b) or _keeps(1.0, _words("Budget municipal " + FR))(b)),
    Case("html-table", "article sentences in a <table>",
         lambda: _page("<table>" + "".join(f"<tr><td>{s}</td></tr>" for s in _SENTS * 2) + "</table>"), "ok",
         family="html", check=_keeps(0.9, _words(" ".join(_SENTS * 2)))),
    Case("html-list", "article sentences in a <ul>",
         lambda: _page("<ul>" + "".join(f"<li>{s}</li>" for s in _SENTS * 2) + "</ul>"), "ok",
         family="html", check=_keeps(0.9, _words(" ".join(_SENTS * 2)))),
    Case("html-bare-divs", "article sentences in bare <div>s",
         lambda: _page("".join(f"<div>{s}</div>" for s in _SENTS * 2)), "ok",
         family="html", check=_keeps(0.9, _words(" ".join(_SENTS * 2)))),
    Case("html-xhtml", "an XHTML page with an <?xml?> prolog",
         lambda: '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
         '<title>Budget</title><style>p{color:red}</style><script>var tracker = 1;</script></head><body><p>'
         + FR.replace("\n\n", "</p><p>") + "</p></body></html>", "ok", family="html", check=_no_markup),
    Case("html-no-skeleton", "HTML without <html>/<head>/<body>",
         lambda: "<title>Budget</title><style>p{color:red}</style><script>var tracker = 1;</script><p>"
         + FR.replace("\n\n", "</p><p>") + "</p>", "ok", family="html", check=_no_markup),
    Case("html-teaser-links", "a short article in a page of 40 teaser links", lambda: _page(
        "<article><h1>Budget</h1><p>" + " ".join(_SENTS[:5]) + "</p></article><div class='related'><ul>" + "".join(
            f"<li><a href='/a{i}'>Un autre article sur un tout autre sujet, numéro {i}, avec quelques mots de "
            "plus</a></li>" for i in range(40)) + "</ul></div>"), "ok", family="html",
         check=lambda b: None if b.stats["words"] < 120 else f"teasers summarised: {b.stats['words']} words"),
    Case("html-reader-comments", "a short article under six reader comments (left out: the warning says how much)",
         lambda: _page("<article><h1>Budget</h1><p>" + " ".join(_SENTS) + "</p></article><div id='comments' "
                       "class='comments'>" + "".join(
                           f"<div class='comment'><p>Commentaire {i} : je ne suis pas du tout d'accord avec cette "
                           "décision du conseil, les impôts vont encore augmenter et personne ne dit rien, comme "
                           "toujours dans cette ville.</p></div>" for i in range(6)) + "</div>"), "ok",
         "words of the page's text", family="html"),
    Case("html-real-page", "a real news page (shared data): its article, no teasers",
         lambda: (DATA / "html" / "orangesum-valid-26240.html").read_text(encoding="utf-8"), "ok",
         family="html", needs="data", check=lambda b: None if b.metadata.get("source_format") == "html"
         and "extraction" not in b.metadata else f"metadata {b.metadata}"),
    # no silent loss
    Case("cjk-long-paragraphs", "a Chinese article of four 270-character paragraphs", lambda: ZH, "ok",
         family="loss", check=_keeps(0.95, _words(ZH)), kwargs={"target": None}),
    Case("surrogateescape", "Latin-1 bytes decoded with surrogateescape",
         lambda: FR.encode("latin-1").decode("utf-8", "surrogateescape"), "ok", "could not be decoded",
         family="loss", kwargs={"lang": "fr", "target": None}),
    Case("replacement-chars", "U+FFFD replacement characters in the text", lambda: FR.replace("é", "\ufffd"), "ok",
         "could not be decoded", family="loss", kwargs={"lang": "fr", "target": None}),
    Case("untranslated-words", "French words Apertium does not know",
         lambda: "Le zorglubisme progresse chez les gnafrons. " + FR, "ok", "could not translate",
         family="loss", needs="apertium", kwargs={"lang": "fr"}),
    Case("pivot-unknowns", "words the Spanish pivot leaves untranslated (seed: resplandor)",
         lambda: "Les équilibres en vigueur dans la région depuis trente ans volent en éclat. " + FR, "ok",
         "pivot", family="loss", needs="apertium", check=_no("resplandor"),
         kwargs={"lang": "fr", "grades": ["detailed"]}),
    Case("german-paragraph", "a German paragraph inside a French article", lambda: FR + "\n\n" + DE, "ok",
         "look like another language", family="loss", kwargs={"lang": "fr", "target": None}),
    # output that can hurt
    Case("bidi-override", "a right-to-left override (U+202E) inside the text",
         lambda: FR.replace("budget", "bud\u202eteg", 1), "ok", family="output", check=_no("\u202e", "\\u202e"),
         kwargs={"target": None}),
    Case("cli-markdown-markup", "<script>, javascript: links and HTML in the article, --format markdown",
         lambda: _HOSTILE_MD.encode(), "ok", via="cli", family="output", cli_args=("--format", "markdown",
         "--target", "none", "--grades", "detailed"),
         check=_cli_out_lacks("<script", "](javascript:", "<b ", "onclick=\"")),
    Case("cli-bidi-json", "a bidi override in the article, --format json",
         lambda: FR.replace("budget", "bud\u202eteg", 1).encode(), "ok", via="cli", family="output",
         cli_args=("--format", "json", "--target", "none"), check=_cli_out_lacks("\u202e", "\\u202e")),
    Case("cli-bidi-text", "a bidi override and an ANSI escape in the article, text output",
         lambda: FR.replace("budget", "bud\u202eteg\x1b[2J", 1).encode(), "ok", via="cli", family="output",
         cli_args=("--target", "none"), check=_cli_out_lacks("\u202e", "\x1b")),
    Case("cli-write-size-limit", "--force over an old file when the write hits a file-size limit",
         lambda: FR.encode(), "exit 2", via="cli", family="output", setup=_old_output, prefix="ulimit -f 1;",
         cli_args=("--target", "none", "--translation", "--format", "json", "--force", "-o", "{folder}/old.txt"),
         check=_old_output_intact),
    Case("cli-write-dev-full", "--output /dev/full --force", lambda: FR.encode(), "exit 2", via="cli",
         family="output", cli_args=("--target", "none", "--force", "-o", "/dev/full"), check=_err_has("cannot write")),
    # CLI plumbing
    Case("cli-stdout-closed", "standard output closed (>&-)", lambda: FR.encode(), "exit 2", via="cli",
         redirect=">&-", family="cli", check=_err_has("standard output is closed")),
    Case("cli-stdin-closed", "standard input closed (- <&-)", lambda: b"", "exit 2", via="cli", file="-",
         redirect="<&-", family="cli", check=_err_has("standard input is closed")),
    Case("cli-stdout-full", "standard output on /dev/full", lambda: FR.encode(), "exit 2", via="cli",
         redirect=">/dev/full", family="cli", cli_args=("--target", "none"), check=_err_has("cannot write")),
    Case("cli-ascii-terminal", "PYTHONIOENCODING=ascii", lambda: FR.encode(), "exit 2", via="cli",
         env={"PYTHONIOENCODING": "ascii"}, family="cli", cli_args=("--target", "none"),
         check=_err_has("PYTHONIOENCODING=utf-8")),
    # configs: one clear error of the right kind, nothing run or read unasked
    Case("cli-config-typo-top", "a misspelt top-level key (grade:)", lambda: FR.encode(), "exit 2", via="cli",
         config="grade:\n  brief: {max_words: 40}\n", family="configs", check=_err_has("did you mean grades")),
    Case("cli-config-typo-field", "a misspelt grade field (max_word:)", lambda: FR.encode(), "exit 2", via="cli",
         config="grades:\n  brief: {max_word: 40}\n", family="configs", check=_err_has("did you mean grades.brief.max_words")),
    Case("cli-config-sample-chars", "language.sample_chars: abc", lambda: FR.encode(), "exit 2", via="cli",
         config="language: {sample_chars: abc}\n", family="configs", check=_err_has("sample_chars")),
    Case("cli-config-redundancy-text", "engine.offline.redundancy: x", lambda: FR.encode(), "exit 2", via="cli",
         config="engine: {offline: {redundancy: x}}\n", family="configs", check=_err_has("redundancy")),
    Case("cli-config-redundancy-negative", "engine.offline.redundancy: -1", lambda: FR.encode(), "exit 2",
         via="cli", config="engine: {offline: {redundancy: -1}}\n", family="configs", check=_err_has("redundancy")),
    Case("cli-config-timeout-inf", "limits.backend_timeout_s: .inf", lambda: FR.encode(), "exit 2", via="cli",
         config="limits: {backend_timeout_s: .inf}\n", family="configs", check=_err_has("backend_timeout_s")),
    Case("cli-config-routes-null", "apertium.routes: null", lambda: FR.encode(), "exit 2", via="cli",
         config="apertium: {routes: null}\n", family="configs", check=_err_has("apertium.routes")),
    Case("cli-config-compress-no", 'grades.headline.compress: "no"', lambda: FR.encode(), "exit 2", via="cli",
         config='grades: {headline: {compress: "no"}}\n', family="configs", check=_err_has("compress")),
    Case("cli-config-binary-path", "apertium.binary naming a program by path", lambda: FR.encode(), "exit 2",
         via="cli", config="apertium: {binary: /bin/echo}\n", family="configs", check=_err_has("allow_custom_binary")),
    Case("cli-config-mode-path", "a route mode name with ../", lambda: FR.encode(), "exit 2", via="cli",
         config="apertium:\n  routes: {fr-en: [../../../tmp/evil]}\n", family="configs", check=_err_has("no paths")),
    Case("cli-config-model-entry-typo", "a misspelt field in a new model registry entry", lambda: FR.encode(),
         "exit 2", via="cli", config="models:\n  translation:\n    it-en: {modle: x/y}\n", family="configs",
         check=_err_has("did you mean models.translation.it-en.model")),
    Case("cli-learned-model-missing", "a learned-model path that does not load", lambda: FR.encode(), "ok",
         via="cli", config="engine: {offline: {model_path: no-such-model.npz}}\n", family="configs",
         cli_args=("--target", "none"), check=_clean_stderr_and_warning("could not be loaded")),
    Case("config-typo-api", "a misspelt key in a config mapping", lambda: FR, "ConfigError",
         kwargs={"config": {"engine": {"ofline": {}}}}, family="configs"),
    Case("config-bool-api", "neural.allow_pickle: 'yes' (a string)", lambda: FR, "ConfigError",
         kwargs={"config": {"neural": {"allow_pickle": "yes"}}}, family="configs"),
    # API misuse
    Case("grades-str", "grades='brief' (a string)", lambda: FR, "InputError", kwargs={"grades": "brief"},
         family="api"),
    Case("grades-ints", "grades=[1]", lambda: FR, "InputError", kwargs={"grades": [1]}, family="api"),
    Case("engine-int", "engine=42", lambda: FR, "InputError", kwargs={"engine": 42}, family="api"),
    Case("lang-int", "lang=5", lambda: FR, "InputError", kwargs={"lang": 5}, family="api"),
    Case("many-none", "summarise_many(None)", lambda: None, "InputError", call="summarise_many", family="api"),
    Case("many-int", "summarise_many(42)", lambda: 42, "InputError", call="summarise_many", family="api"),
]
for _c in CASES:  # the first round's cases, by family
    if _c.family == "text":
        _c.family = ("files" if _c.via == "cli" else "html" if _c.id.startswith("html") else
                     "api" if _c.id in ("not-str", "none", "bad-engine", "unknown-grade", "no-grade", "unknown-lang",
                                        "unknown-target") else
                     "configs" if _c.id.endswith("budget") else _c.family)


def call_api(case: Case):
    """Run an API case: its result (a Brief, or a list of them)."""
    import briefsum

    kwargs = {"engine": "offline", **case.kwargs}
    if case.call == "summarise_many":
        return briefsum.summarise_many(case.make(), **kwargs)
    return briefsum.summarise(case.make(), **kwargs)


@dataclass
class CliRun:
    code: int
    out: str
    err: str
    max_rss_mib: float
    seconds: float
    timed_out: bool


def run_cli(case: Case, folder: Path, timeout: float = 120.0) -> CliRun:
    """Run a CLI case in folder (its input file, config and any setup there) through bash; the peak resident
    memory of the process tree is read from its rusage (wait4)."""
    folder = Path(folder)
    if case.setup is not None:
        case.setup(folder)
    args = [a.replace("{folder}", str(folder)) for a in case.cli_args]
    if case.file is None:
        (folder / "input.txt").write_bytes(case.make())
        target = str(folder / "input.txt")
    else:
        target = case.file.replace("{folder}", str(folder))
    if case.config is not None:
        (folder / "config.yaml").write_text(case.config)
        args += ["--config", str(folder / "config.yaml")]
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFSUM_CONFIG", "PYTHONIOENCODING")}
    env.update(case.env)
    cmd = f"{case.prefix} exec {shlex.quote(sys.executable)} -m briefsum {shlex.quote(target)} " \
          + " ".join(shlex.quote(a) for a in args) + f" {case.redirect}"
    out_f = (folder / ".stdout").open("w+b")
    err_f = (folder / ".stderr").open("w+b")
    t0 = time.perf_counter()
    proc = subprocess.Popen(["bash", "-c", cmd], stdout=out_f, stderr=err_f, stdin=subprocess.DEVNULL, env=env,
                            cwd=folder)
    timed_out = False
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.01)
    proc.returncode = os.waitstatus_to_exitcode(status)
    dt = time.perf_counter() - t0
    out_f.seek(0)
    err_f.seek(0)
    out, err = out_f.read().decode("utf-8", "replace"), err_f.read().decode("utf-8", "replace")
    out_f.close()
    err_f.close()
    for name in (".stdout", ".stderr"):
        (folder / name).unlink()
    return CliRun(proc.returncode, out, err, usage.ru_maxrss / 1024, dt, timed_out)


def apertium_ready() -> bool:
    import shutil

    from briefsum.config import load_config
    from briefsum.translation.apertium import ApertiumTranslator

    ap = load_config().get("apertium")
    return bool(shutil.which("apertium")) and ApertiumTranslator(ap["routes"], ap["packages"]).missing_reason(
        "fr", "en") is None
