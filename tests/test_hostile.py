"""Hostile input: each case of the corpus gives a documented error or a result whose warnings say what degraded."""

import os
import subprocess
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import briefsum
from briefsum import errors
from briefsum.text.segment import count_words

from hostile_cases import CASES, EN, FR

from conftest import assert_well_formed


def test_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c.via == "api"], ids=lambda c: c.id)
def test_api_case(case):
    kwargs = {"engine": "offline", **case.kwargs}
    text = case.make()
    if case.expect == "ok":
        b = briefsum.summarise(text, **kwargs)
        assert_well_formed(b)
        assert all(g.text.strip() for g in b.grades.values())
        if case.warning:
            assert any(case.warning in w for w in b.warnings), b.warnings
        b.to_json()  # serialisable, surrogates included
    else:
        exc = getattr(errors, case.expect)
        with pytest.raises(exc) as info:
            briefsum.summarise(text, **kwargs)
        assert "\n" not in str(info.value) and str(info.value)


@pytest.mark.parametrize("case", [c for c in CASES if c.via == "cli"], ids=lambda c: c.id)
def test_cli_case(case, tmp_path):
    f = tmp_path / "input.txt"
    f.write_bytes(case.make())
    proc = subprocess.run([sys.executable, "-m", "briefsum", str(f), *case.cli_args], capture_output=True, timeout=120)
    err = proc.stderr.decode()
    if case.expect == "ok":
        assert proc.returncode == 0, err
        assert "HEADLINE" in proc.stdout.decode()
    else:
        assert proc.returncode == 2
        assert len(err.strip().splitlines()) == 1 and err.startswith("briefsum: ") and "Traceback" not in err


DOCUMENTED = (errors.BriefsumError,)
# Raised for a long fuzz run: BRIEFSUM_FUZZ_EXAMPLES=3000 python -m pytest tests/test_hostile.py -k any_unicode
EXAMPLES = int(os.environ.get("BRIEFSUM_FUZZ_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=0, max_size=600))
def test_any_unicode_text_gives_a_result_or_a_documented_error(text):
    try:
        b = briefsum.summarise(text, engine="offline", target=None)
    except DOCUMENTED:
        return
    assert_well_formed(b)
    again = briefsum.summarise(text, engine="offline", target=None)
    assert again.to_json() == b.to_json()


_word = st.sampled_from(["le", "maire", "budget", "Paris", "vote", "école", "3,5", "impôts", "a", "voté", "hier",
                         "«", "»", "(", ")", "M.", "Mme", "etc.", "…", "l'État", "2024", "www.ex.fr"])
_text = st.lists(st.lists(_word, min_size=1, max_size=30).map(" ".join).map(lambda s: s + "."), min_size=1,
                 max_size=30).map(lambda ss: "\n\n".join(" ".join(ss[i:i + 4]) for i in range(0, len(ss), 4)))


@settings(max_examples=EXAMPLES, deadline=None)
@given(_text)
def test_newsy_text_keeps_budgets_nesting_and_determinism(text):
    try:
        b = briefsum.summarise(text, lang="fr", target=None, engine="offline")
    except errors.EmptyInputError:
        return
    assert_well_formed(b)
    assert briefsum.summarise(text, lang="fr", target=None, engine="offline").to_json() == b.to_json()


def test_eight_threads_give_the_same_results_as_serial_calls(example_text):
    texts = [example_text, FR, EN, FR + "\n\n" + EN] * 4
    serial = [briefsum.summarise(t, engine="offline").to_json() for t in texts]
    results: list = [None] * len(texts)

    def work(k):
        for i in range(k, len(texts), 8):
            results[i] = briefsum.summarise(texts[i], engine="offline").to_json()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == serial
