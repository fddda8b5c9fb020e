"""The evaluation harness end to end: datasets, baselines, predictions files, the command and its errors."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefsum.errors import EvalDataError
from briefsum.evaluation import baselines as bl
from briefsum.evaluation.cli import main
from briefsum.evaluation.data import Example, dataset_specs, get_spec, load_examples
from briefsum.paths import data_root
from briefsum.evaluation.predictions import read_predictions

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shared_data(data_root):
    """The shared data folder with the evaluation sets; skipped, with the reason, when they are absent."""
    if not (data_root / "frank").is_dir() or not (data_root / "orangesum").is_dir():
        pytest.skip(f"evaluation data (frank/, orangesum/) not found under {data_root}")
    return data_root


def _examples(n=3):
    return [Example(str(i), f"Article {i}.", {"headline": f"Titre {i}", "brief": f"Résumé {i}."}) for i in range(n)]


# -- datasets --------------------------------------------------------------------------------------------------

def test_every_required_dataset_is_declared():
    names = set(dataset_specs())
    assert {"orangesum-valid", "orangesum-train", "frank-cnndm", "frank-xsum", "wmt-newstest2012",
            "wmt-newstest2013", "flores-devtest", "tatoeba-test", "seed-astana"} <= names


def test_orangesum_compares_french_summaries_in_french():
    spec = get_spec("orangesum-valid")
    assert spec.language == "fr" and spec.target is None
    assert spec.references["headline"]["field"] == "title" and spec.references["brief"]["field"] == "abstract"


def test_missing_data_file_is_one_line_error_naming_it(tmp_path):
    with pytest.raises(EvalDataError) as err:
        load_examples(get_spec("orangesum-valid"), tmp_path)
    msg = str(err.value)
    assert "valid.jsonl.gz" in msg and "\n" not in msg


def test_data_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFSUM_DATA", str(tmp_path))
    assert data_root() == tmp_path
    assert data_root(tmp_path / "x") == tmp_path / "x"


def test_jsonl_dataset_reads_grade_splits_from_flags(tmp_path):
    rows = [{"id": "a", "article": "Un. Deux.", "title": "T", "abstract": "", "in_title_task": True,
             "in_abstract_task": False},
            {"id": "b", "article": "Trois.", "title": "T2", "abstract": "R", "in_title_task": False,
             "in_abstract_task": True}]
    (tmp_path / "orangesum").mkdir()
    with gzip.open(tmp_path / "orangesum" / "valid.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(r) for r in rows) + "\n")
    exs = load_examples(get_spec("orangesum-valid"), tmp_path)
    assert [e.references for e in exs] == [{"headline": "T"}, {"brief": "R"}]


def test_misaligned_parallel_files_are_an_error(tmp_path):
    (tmp_path / "flores").mkdir()
    (tmp_path / "flores" / "devtest.fr").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "flores" / "devtest.en").write_text("a\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="line-aligned"):
        load_examples(get_spec("flores-devtest"), tmp_path)


def test_seed_article_standfirst_is_the_brief_reference(shared_data):
    (ex,) = load_examples(get_spec("seed-astana"), shared_data)
    assert set(ex.references) == {"brief"}
    assert ex.references["brief"] not in ex.text and len(ex.text) > 3 * len(ex.references["brief"])
    assert not ex.references["brief"].lower().startswith("date")


# -- baselines --------------------------------------------------------------------------------------------------

SENTS = ["Le président est arrivé à Astana.", "Il a rencontré son homologue.", "La météo était clémente.",
         "Le sommet a duré deux jours."]


def test_lead_takes_the_first_k_sentences():
    assert bl.lead(SENTS, 2) == "Le président est arrivé à Astana. Il a rencontré son homologue."


def test_random_k_is_seeded_and_keeps_reading_order():
    a = bl.random_k(SENTS, 2, seed=1, doc_index=0)
    assert a == bl.random_k(SENTS, 2, seed=1, doc_index=0)
    picked = [SENTS.index(s + ".") for s in a.rstrip(".").split(". ")]
    assert picked == sorted(picked) and len(picked) == 2
    draws = {bl.random_k(SENTS, 2, seed=s, doc_index=0) for s in range(20)}
    assert len(draws) > 1


def test_oracle_finds_the_sentences_that_match_the_reference():
    from briefsum.evaluation.tokenize import unicode_words

    ref = "Le sommet a duré deux jours à Astana."
    out = bl.greedy_oracle(SENTS, ref, unicode_words, max_sentences=3)
    assert "Le sommet a duré deux jours." in out and "météo" not in out


def test_oracle_respects_its_sentence_limit():
    from briefsum.evaluation.tokenize import unicode_words

    out = bl.greedy_oracle(SENTS, " ".join(SENTS), unicode_words, max_sentences=2)
    assert sum(out.count(s) for s in SENTS) == 2


# -- predictions files ------------------------------------------------------------------------------------------

def test_jsonl_predictions_are_read_per_grade(tmp_path):
    p = tmp_path / "p.jsonl"
    p.write_text("\n".join(json.dumps({"id": str(i), "headline": f"h{i}", "grades": None}) for i in range(3)),
                 encoding="utf-8")
    preds = read_predictions(p, _examples(), ["headline", "brief"])
    assert preds == {"headline": {"0": "h0", "1": "h1", "2": "h2"}}


@pytest.mark.parametrize("content, needle", [
    ('{"id": "0", "headline": "a"}\n{"id": "0", "headline": "b"}\n{"id": "2", "headline": "c"}\n', "row 2 repeats id '0'"),
    ('{"id": "0", "headline": "a"}\n{"id": "1", "headline": "b"}\n', "no 'headline' prediction, e.g. id '2'"),
    ('{"id": "0", "headline": "a"}\n{"id": "1", "headline": "  "}\n{"id": "2", "headline": "c"}\n', "row 2 has an empty"),
    ('{"id": "0", "headline": "a"}\n{"id": "9", "headline": "b"}\n', "row 2 has id '9'"),
    ('{"id": "0", "headline": "a"}\n{"id": "1", "headline": \n', "row 2 is not valid JSON"),
])
def test_bad_jsonl_predictions_name_file_and_row(tmp_path, content, needle):
    p = tmp_path / "preds.jsonl"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(EvalDataError) as err:
        read_predictions(p, _examples(), ["headline", "brief"])
    assert needle in str(err.value) and "preds.jsonl" in str(err.value)


def test_line_predictions_must_match_the_dataset_size(tmp_path):
    p = tmp_path / "preds.txt"
    p.write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="has 2 lines but the dataset needs 3"):
        read_predictions(p, _examples(), ["headline"], "headline")


def test_empty_line_prediction_names_its_row(tmp_path):
    p = tmp_path / "preds.txt"
    p.write_text("a\n\nc\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="row 2 is an empty prediction"):
        read_predictions(p, _examples(), ["headline"], "headline")


def test_badly_encoded_predictions_name_the_row(tmp_path):
    p = tmp_path / "preds.txt"
    p.write_bytes("a\nb\n".encode() + "été\n".encode("latin-1"))
    with pytest.raises(EvalDataError, match="row 3 is not valid UTF-8"):
        read_predictions(p, _examples(), ["headline"], "headline")


def test_line_predictions_need_a_grade_when_the_dataset_has_several(tmp_path):
    p = tmp_path / "preds.txt"
    p.write_text("a\nb\nc\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="--grade"):
        read_predictions(p, _examples(), ["headline", "brief"])


# -- the command -------------------------------------------------------------------------------------------------

def test_cli_error_is_one_line_with_exit_2(tmp_path, capsys):
    code = main(["--dataset", "orangesum-valid", "--data-root", str(tmp_path), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err and "valid.jsonl.gz" in err


def test_cli_unknown_dataset_lists_the_known_ones(capsys):
    assert main(["--dataset", "nope"]) == 2
    assert "orangesum-valid" in capsys.readouterr().err


def test_cli_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--bootstrap", "-3"])
    assert exc.value.code == 2 and capsys.readouterr().err.count("\n") == 1


def test_cli_baseline_writes_reports(shared_data, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["--dataset", "orangesum-valid", "--baseline", "lead", "--limit", "30", "--bootstrap", "200",
                 "--out", str(out), "--quiet", "--data-root", str(shared_data)])
    assert code == 0
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert res["signature"].startswith("rouge|tok:unicode|stem:none|lsum:briefsum-seg|lang:fr")
    assert res["system"]["k"] == {"headline": 1, "brief": 2}
    for g in ("headline", "brief"):
        s = res["grades"][g]["scores"]["rouge1"]
        assert s["ci95"][0] <= s["f"] <= s["ci95"][1]
        assert res["grades"][g]["lengths"]["reference"]["mean"] > 0
    assert (out / "plot.png").stat().st_size > 1000
    assert "| headline |" in (out / "results.md").read_text(encoding="utf-8")
    # The outputs file can be scored again as predictions, with the same numbers.
    again = tmp_path / "again"
    assert main(["--dataset", "orangesum-valid", "--predictions", str(out / "outputs.jsonl"), "--limit", "30",
                 "--bootstrap", "200", "--out", str(again), "--quiet", "--no-plot",
                 "--data-root", str(shared_data)]) == 0
    res2 = json.loads((again / "results.json").read_text(encoding="utf-8"))
    assert res2["grades"]["brief"]["scores"] == res["grades"]["brief"]["scores"]


def test_cli_scores_shipped_system_outputs(shared_data, capsys):
    assert main(["--dataset", "frank-xsum", "--system", "BERTS2S", "--limit", "20", "--bootstrap", "0",
                 "--quiet", "--data-root", str(shared_data)]) == 0
    assert "| headline | 20 |" in capsys.readouterr().out


def test_eval_run_script_is_the_same_command(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "eval" / "run.py"), "--dataset", "orangesum-valid",
                           "--data-root", str(tmp_path), "--quiet"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.startswith("briefsum-eval: error:")
    assert "Traceback" not in proc.stderr


def test_importing_the_harness_loads_nothing_heavy():
    code = ("import sys, briefsum, briefsum.evaluation, briefsum.evaluation.cli; "
            "print(sorted(m for m in ('torch', 'transformers', 'datasets', 'matplotlib', 'sacrebleu', 'rouge_score')"
            " if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]"


def test_evaluation_modules_import_each_other_without_cycles():
    """Every `from .x import` between evaluation modules, at any depth of a function, forms no cycle."""
    import ast

    import briefsum.evaluation as ev

    base = Path(ev.__file__).parent
    graph: dict[str, set[str]] = {}
    for f in base.glob("*.py"):
        deps = graph.setdefault(f.stem, set())
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
    assert "translation" in graph["translation_run"] and "results" in graph["runner"]   # the graph was read

    def reach(start: str) -> set[str]:
        seen, todo = set(), list(graph.get(start, ()))
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(graph.get(m, ()))
        return seen

    assert [m for m in graph if m in reach(m)] == []
