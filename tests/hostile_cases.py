"""The hostile-input corpus: each case, how it is fed, and the behaviour expected of briefsum.

Every case is written here (no third-party text) except the real HTML pages, read from the shared data.
`expect` is either the name of a briefsum exception (API) / "exit 2" (CLI), or "ok" plus, where the
result is degraded, a fragment that one of the result's warnings must contain.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable

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
