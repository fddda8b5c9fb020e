"""Hostile input: each case of the corpus gives a documented error or a result whose warnings say what degraded."""

import os
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import briefsum
from briefsum import errors

from hostile_cases import CASES, DATA, EN, FR, apertium_ready, call_api, run_cli

from conftest import assert_well_formed


def test_corpus_is_large_enough():
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.family for c in CASES} == {"files", "text", "html", "loss", "output", "configs", "cli", "api"}


def _skip_unless_ready(case):
    if case.needs == "apertium" and not apertium_ready():
        pytest.skip("Apertium with fr-es and spa-eng is not installed")
    if case.needs == "data" and not DATA.is_dir():
        pytest.skip(f"shared data folder not found at {DATA} (set BRIEFSUM_DATA)")


@pytest.mark.parametrize("case", [c for c in CASES if c.via == "api"], ids=lambda c: c.id)
def test_api_case(case):
    _skip_unless_ready(case)
    if case.expect == "ok":
        b = call_api(case)
        assert_well_formed(b)
        assert all(g.text.strip() for g in b.grades.values())
        if case.warning:
            assert any(case.warning in w for w in b.warnings), b.warnings
        b.to_json()  # serialisable, surrogates included
        if case.check is not None:
            assert case.check(b) is None, case.check(b)
    else:
        exc = getattr(errors, case.expect)
        with pytest.raises(exc) as info:
            call_api(case)
        assert "\n" not in str(info.value) and str(info.value)


@pytest.mark.parametrize("case", [c for c in CASES if c.via == "cli"], ids=lambda c: c.id)
def test_cli_case(case, tmp_path):
    _skip_unless_ready(case)
    run = run_cli(case, tmp_path)
    assert not run.timed_out
    if case.expect == "ok":
        assert run.code == 0, run.err
        assert "HEADLINE" in run.out or "## Headline" in run.out or '"grades"' in run.out or "## Detailed" in run.out
    else:
        assert run.code == 2, run.err
        err = run.err
        assert len(err.strip().splitlines()) == 1 and err.startswith("briefsum: ") and "Traceback" not in err, err
    if case.check is not None:
        problem = case.check(run.out, run.err, tmp_path)
        assert problem is None, problem


def test_unbounded_inputs_stay_within_twice_the_input_limit(tmp_path):
    """/dev/zero and friends are refused after at most the byte limit: the process's peak memory grows by less
    than twice that limit over an ordinary run's."""
    from briefsum.cli import input_byte_limit

    limit_mib = input_byte_limit(2_000_000) / 2**20
    base = run_cli(next(c for c in CASES if c.id == "cli-empty-file"), tmp_path / "base" if (tmp_path / "base").mkdir() is None else None)
    for cid in ("cli-dev-zero", "cli-dev-urandom", "cli-stdin-zero", "cli-config-dev-zero"):
        folder = tmp_path / cid
        folder.mkdir()
        run = run_cli(next(c for c in CASES if c.id == cid), folder)
        assert run.code == 2
        assert run.max_rss_mib - base.max_rss_mib < 2 * limit_mib, (cid, run.max_rss_mib, base.max_rss_mib)


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


def _leaf_paths(node, prefix=()):
    if isinstance(node, dict) and node:
        for k, v in node.items():
            yield from _leaf_paths(v, prefix + (k,))
    else:
        yield prefix


def _known_leaves():
    from briefsum.config import load_config

    data = load_config().data
    return sorted(p for p in _leaf_paths({k: v for k, v in data.items() if k != "models"}) if p)


_odd_values = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


@settings(max_examples=min(EXAMPLES, 40) if "BRIEFSUM_FUZZ_EXAMPLES" not in os.environ else EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_known_leaves()), _odd_values)
def test_any_value_for_any_config_key_is_accepted_or_a_config_error(path, value):
    """A config value of any type for any known key: load_config accepts it or raises ConfigError, and an accepted
    one runs the offline engine to a result or a documented error (never TypeError or ValueError from inside)."""
    from briefsum.config import load_config

    cfg: dict = {}
    node = cfg
    for k in path[:-1]:
        node = node.setdefault(k, {})
    node[path[-1]] = value
    try:
        load_config(cfg)
    except errors.ConfigError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("config")
        return
    try:
        briefsum.summarise(FR, engine="offline", target=None, config=cfg)
    except DOCUMENTED:
        pass
