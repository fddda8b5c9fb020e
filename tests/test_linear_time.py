"""Every scan of user text does a fixed amount of work per character: on adversarial input of 10^4 and 10^5
characters, the larger takes about ten times as long, never the hundred times a quadratic (backtracking) scan
would. Nothing is timed against a clock limit; only the ratio between the two sizes is checked, best of five
runs each, with room for a loaded machine (a linear scan gives about 10, a quadratic one about 100; the bound is 60)."""

import time

import pytest

from briefsum.translation.unknown_words import UnknownWords, restore_pivot_unknowns
from briefsum.render import markdown_escape, safe_text
from briefsum.text.normalise import clean, is_html, page_text
from briefsum.text.segment import segment

SMALL, LARGE = 10_000, 100_000
MAX_RATIO = 60.0
FLOOR_S = 0.005  # below this a run is noise: the small size counts as taking at least this long

ADVERSARIAL = {
    "empty-comments": lambda n: "<!---->" * (n // 7) + "x",
    "comments-then-page": lambda n: "<!---->" * (n // 7) + "<html><body><p>Le chat dort.</p></body></html>",
    "unclosed-comment": lambda n: "<!--" + "-" * n,
    "titles": lambda n: "M. " * (n // 3),
    "initials": lambda n: "A.-" * (n // 3) + " x",
    "initials-spaced": lambda n: "A. " * (n // 3) + "x",
    "at-signs": lambda n: "a@" * (n // 2),
    "cjk-at-signs": lambda n: "中@" * (n // 2),
    "cjk-run": lambda n: "中" * n,
    "cjk-sentences": lambda n: "中文句子。" * (n // 5),
    "spaces": lambda n: " " * n + "x",
    "punctuation-runs": lambda n: "!!! " * (n // 4) + "Le chat.",
    "dots": lambda n: "a." * (n // 2),
    "glued": lambda n: "ab.Cd" * (n // 5),
    "guillemets": lambda n: "« " * (n // 2) + "x",
    "newlines": lambda n: "a\n" * (n // 2),
    "less-than": lambda n: "<" * n,
    "open-divs": lambda n: "<div>" * (n // 5),
    "url-dots": lambda n: "http://" + "a." * (n // 2),
    "date-header": lambda n: "date " * (n // 5),
}


def _seconds(fn, text) -> float:
    t0 = time.perf_counter()
    fn(text)
    return time.perf_counter() - t0


def _ratio(fn, make) -> float:
    """Best time on 10^5 characters over best time on 10^4, the two sizes run in turn (a burst of load on a
    shared machine then hits both alike)."""
    small, large = make(SMALL), make(LARGE)
    fn(small)  # warm-up: imports, compiled patterns
    best_small = best_large = float("inf")
    for _ in range(5):
        best_small = min(best_small, _seconds(fn, small))
        best_large = min(best_large, _seconds(fn, large))
    return best_large / max(best_small, FLOOR_S)


def _pipeline(text: str) -> None:
    cleaned = clean(text)
    segment(cleaned.text, "fr")


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_cleaning_and_segmenting_do_fixed_work_per_character(name):
    assert _ratio(_pipeline, ADVERSARIAL[name]) < MAX_RATIO


@pytest.mark.parametrize("name", ["empty-comments", "unclosed-comment", "less-than", "spaces"])
def test_html_detection_does_fixed_work_per_character(name):
    assert _ratio(is_html, ADVERSARIAL[name]) < MAX_RATIO


def test_html_text_walk_does_fixed_work_per_character():
    assert _ratio(page_text, lambda n: "<div>" * (n // 10) + "<p>mot</p>" + "</div>" * (n // 10)) < MAX_RATIO


@pytest.mark.parametrize("name", ["guillemets", "less-than", "newlines", "punctuation-runs"])
def test_output_escaping_does_fixed_work_per_character(name):
    assert _ratio(lambda t: markdown_escape(safe_text(t)), ADVERSARIAL[name]) < MAX_RATIO


@pytest.mark.parametrize("line", [lambda n: "*" * n + "mot", lambda n: "**mot " * (n // 6), lambda n: "#@*" * (n // 3)])
def test_unknown_word_marks_are_read_in_fixed_work_per_character(line):
    assert _ratio(lambda t: restore_pivot_unknowns(t, "source", None, True, True, UnknownWords()), line) < MAX_RATIO
