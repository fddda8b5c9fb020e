import pytest
from hypothesis import given, settings, strategies as st

import briefsum
from briefsum.config import load_config
from briefsum.errors import UnknownGradeError
from briefsum.grading.budgets import effective_budgets, fill_nested, grade_specs, truncate_to_words
from briefsum.text.segment import count_words

from conftest import GRADE_ORDER as ORDER, assert_well_formed


def test_default_grades_and_budgets():
    specs = grade_specs(load_config().settings.grades)
    assert [(s.name, s.max_words) for s in specs] == [("headline", 20), ("brief", 60), ("summary", 150), ("detailed", 300)]
    assert specs[0].max_sentences == 1


def test_detailed_never_exceeds_a_third_and_shorter_grades_follow():
    specs = grade_specs(load_config().settings.grades)
    assert effective_budgets(specs, 3000) == [20, 60, 150, 300]
    assert effective_budgets(specs, 600) == [20, 60, 150, 204]
    assert effective_budgets(specs, 300) == [20, 60, 102, 102]
    # A very short article is not cut to a third: the floor keeps the brief's 60 words.
    assert effective_budgets(specs, 15) == [20, 60, 60, 60]


def test_unknown_grade_is_an_error_naming_it():
    with pytest.raises(UnknownGradeError, match="'tweet'"):
        grade_specs(load_config().settings.grades, ["brief", "tweet"])


def test_fill_nested_keeps_shorter_grades_inside_longer():
    lengths = {0: 10, 1: 30, 2: 25, 3: 50, 4: 5}
    plan = fill_nested([3, 1, 2, 0, 4], lengths, [40, 80, 200])
    assert plan[0] == [0, 1]  # 3 and 2 do not fit after 1; 0 does
    assert set(plan[0]) <= set(plan[1]) <= set(plan[2])
    assert all(sum(lengths[i] for i in p) <= b for p, b in zip(plan, [40, 80, 200]))


def test_truncate_marks_the_cut():
    text, cut = truncate_to_words("un deux trois, quatre cinq six sept huit", 5)
    assert cut and text.endswith("…") and count_words(text) <= 5
    assert truncate_to_words("court", 5) == ("court", False)


def test_seed_article_grades_are_nested_and_within_budget(seed_text):
    b = briefsum.summarise(seed_text, lang="fr", target=None, engine="offline")
    assert list(b.grades) == ORDER
    assert_well_formed(b)
    assert b.grades["headline"].words >= 4
    assert b.grades["detailed"].words > b.grades["brief"].words


def test_example_article_in_english_output_is_nested(example_text):
    b = briefsum.summarise(example_text, engine="offline", target=None)
    assert_well_formed(b)


def test_headline_sentence_is_in_the_brief(example_text):
    b = briefsum.summarise(example_text, engine="offline", target=None)
    assert b.grades["headline"].source_indices[0] in b.grades["brief"].source_indices


_words = st.text(alphabet="abcdefghijklmnopéèàç", min_size=1, max_size=9)
_sentence = st.lists(_words, min_size=1, max_size=40).map(lambda ws: " ".join(ws).capitalize() + ".")
_article = st.lists(_sentence, min_size=1, max_size=40).map(lambda ss: "\n\n".join(" ".join(ss[i:i + 3]) for i in range(0, len(ss), 3)))


@settings(max_examples=40, deadline=None)
@given(_article)
def test_budgets_and_nesting_hold_for_any_article(article):
    b = briefsum.summarise(article, lang="fr", target=None, engine="offline")
    assert_well_formed(b)
    assert set(b.grades) == set(ORDER)
    assert all(g.words > 0 for g in b.grades.values())
