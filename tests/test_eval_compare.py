"""Comparing systems: paired bootstrap and approximate randomisation, plain ref/hyp files like sacrebleu, the
comparison table, and resuming an interrupted engine run."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from briefsum.evaluation.cli import main
from briefsum.evaluation.significance import approximate_randomisation, paired_bootstrap



# -- the tests themselves --------------------------------------------------------------------------------------

def test_a_system_against_itself_has_p_one():
    x = np.random.default_rng(0).random(200) * 50
    assert paired_bootstrap(x, x.copy(), 500, 1) == 1.0
    assert approximate_randomisation(x, x.copy(), 500, 1) == 1.0


def test_a_clear_shift_is_significant_and_noise_is_not():
    rng = np.random.default_rng(1)
    a = rng.normal(30, 10, 300)
    shifted = a + 3 + rng.normal(0, 5, 300)
    noisy = a + rng.normal(0, 5, 300)
    assert paired_bootstrap(a, shifted, 1000, 2) < 0.01 and approximate_randomisation(a, shifted, 2000, 2) < 0.01
    assert paired_bootstrap(a, noisy, 1000, 2) > 0.05 and approximate_randomisation(a, noisy, 2000, 2) > 0.05


def test_p_values_are_plus_one_corrected_and_two_sided():
    rng = np.random.default_rng(4)
    a = rng.random(60) * 40
    # A constant gain: no resample and no swap pattern (short of all 60 signs alike) reaches it, so p = 1/(N+1).
    assert paired_bootstrap(a, a + 10, 200, 5) == pytest.approx(1 / 201)
    assert approximate_randomisation(a, a + 10, 400, 5) == pytest.approx(1 / 401)
    b = a + rng.normal(0.5, 4, 60)
    assert paired_bootstrap(a, b, 500, 6) == pytest.approx(paired_bootstrap(b, a, 500, 6))
    assert approximate_randomisation(a, b, 500, 6) == pytest.approx(approximate_randomisation(b, a, 500, 6))


def test_paired_tests_are_seeded():
    rng = np.random.default_rng(3)
    a, b = rng.random(80), rng.random(80) + 0.05
    assert paired_bootstrap(a, b, 300, 7) == paired_bootstrap(a, b, 300, 7)
    assert approximate_randomisation(a, b, 300, 7) == approximate_randomisation(a, b, 300, 7)
    assert approximate_randomisation(a, b, 300, 7) != approximate_randomisation(a, b, 300, 8)


# -- OrangeSum valid: LEAD-2 against the offline engine --------------------------------------------------------

ABSTRACTS = 90   # OrangeSum valid documents of the abstract task: enough to separate LEAD-2 and the engine


def _valid(data_root: Path) -> Path:
    path = data_root / "orangesum" / "valid.jsonl.gz"
    if not path.is_file():
        pytest.skip("OrangeSum valid not in the shared data")
    return path


def _abstract_rows(data_root: Path, n: int | None) -> list[dict]:
    rows = []
    with gzip.open(_valid(data_root), "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["in_abstract_task"]:
                rows.append({"id": str(r["id"]), "article": r["article"], "abstract": r["abstract"]})
            if n is not None and len(rows) >= n:
                break
    return rows


@pytest.fixture(scope="module")
def osv_run(data_root, tmp_path_factory):
    """LEAD-2 then the offline engine on the first OrangeSum valid abstract-task documents (a data file the
    test writes from the shared data), with every report written."""
    tmp = tmp_path_factory.mktemp("osv")
    sub = tmp / "valid-abstracts.jsonl"
    sub.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _abstract_rows(data_root, ABSTRACTS)),
                   encoding="utf-8")
    out = tmp / "run"
    code = main(["--data", str(sub), "--text-field", "article", "--ref", "brief=abstract", "--lang", "fr",
                 "--baseline", "lead", "--k", "2", "--engine", "offline", "--jobs", "2", "--bootstrap", "200",
                 "--paired-ar", "2000", "--quiet", "--no-html", "--out", str(out)])
    assert code == 0
    return out


def _rows(out: Path):
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["comparison"]["rows"]


def test_engine_against_lead_is_significant_on_the_brief(osv_run):
    rows = {(r["grade"], r["metric"], r["system"]): r for r in _rows(osv_run)}
    for metric in ("rouge1", "rouge2"):
        r = rows[("brief", metric, "engine offline")]
        assert r["delta"] > 0 and r["p_bootstrap"] < 0.05 and r["p_randomisation"] < 0.05 and r["significant"]
    res = json.loads((osv_run / "results.json").read_text(encoding="utf-8"))
    assert res["comparison"]["baseline"] == res["systems"][0]["label"] == "LEAD-2"
    assert [s["label"] for s in res["systems"]] == ["LEAD-2", "engine offline"]


def _hyps_files(run: Path, tmp: Path, names: dict[str, str], ids: list[str]) -> list[Path]:
    out = []
    for name, target in names.items():
        got = {}
        for line in (run / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            got[row["id"]] = row["brief"]
        h = tmp / target
        h.write_text("".join(got[i].replace("\n", " ") + "\n" for i in ids), encoding="utf-8")
        out.append(h)
    return out


def _refs_file(rows: list[dict], path: Path) -> Path:
    path.write_text("".join(r["abstract"].replace("\n", " ") + "\n" for r in rows), encoding="utf-8")
    return path


def test_plain_files_score_what_the_dataset_with_predictions_scores(data_root, tmp_path):
    lead = tmp_path / "lead"
    common = ["--bootstrap", "200", "--quiet", "--no-plot", "--no-html", "--data-root", str(data_root)]
    assert main(["--dataset", "orangesum-valid", "--baseline", "lead", *common, "--out", str(lead)]) == 0
    assert main(["--dataset", "orangesum-valid", "--predictions", str(lead / "outputs.jsonl"), *common,
                 "--out", str(tmp_path / "pred")]) == 0
    rows = _abstract_rows(data_root, None)
    ref = _refs_file(rows, tmp_path / "abstracts.txt")
    (hyp,) = _hyps_files(lead, tmp_path, {"outputs.jsonl": "lead2.txt"}, [r["id"] for r in rows])
    assert main(["--refs", str(ref), "--hyps", str(hyp), "--lang", "fr", "--grade", "brief", *common,
                 "--out", str(tmp_path / "plain")]) == 0
    plain = json.loads((tmp_path / "plain" / "results.json").read_text(encoding="utf-8"))
    pred = json.loads((tmp_path / "pred" / "results.json").read_text(encoding="utf-8"))
    assert plain["grades"]["brief"]["n"] == pred["grades"]["brief"]["n"] == 1500
    assert plain["grades"]["brief"]["scores"] == pred["grades"]["brief"]["scores"]
    assert plain["signature"] == pred["signature"]


def test_refs_hyps_prints_a_table_with_p_values(osv_run, data_root, tmp_path, capsys):
    rows = _abstract_rows(data_root, ABSTRACTS)
    ref = _refs_file(rows, tmp_path / "abstracts.txt")
    lead, engine = _hyps_files(osv_run, tmp_path, {"outputs-1-LEAD-2.jsonl": "lead2.txt",
                                                   "outputs-2-engine-offline.jsonl": "engine.txt"},
                               [r["id"] for r in rows])
    assert main(["--refs", str(ref), "--hyps", str(lead), str(engine), "--lang", "fr", "--bootstrap", "200",
                 "--paired-ar", "2000", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "#### Systems compared with lead2.txt" in out and "p (bootstrap)" in out and "p (randomisation)" in out
    line = next(x for x in out.splitlines() if x.startswith("| summary | R-1 | engine.txt |"))
    assert " * |" in line   # significant
    # The same system twice: no difference, p = 1, not significant.
    assert main(["--refs", str(ref), "--hyps", str(lead), str(lead), "--lang", "fr", "--bootstrap", "0",
                 "--paired-ar", "2000", "--quiet"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("| summary | R-1 | lead2.txt (2) |"))
    assert line.endswith("| +0.00 | 1.0000 | 1.0000 |")


# -- plain files: errors, several references, translation --------------------------------------------------------

def test_line_count_mismatch_is_an_error_not_a_truncation(tmp_path, capsys):
    (tmp_path / "r.txt").write_text("a b\nc d\n", encoding="utf-8")
    (tmp_path / "h.txt").write_text("a b\n", encoding="utf-8")
    assert main(["--refs", str(tmp_path / "r.txt"), "--hyps", str(tmp_path / "h.txt"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "h.txt: has 1 lines but the references have 2" in err and err.count("\n") == 1


def test_limit_keeps_the_first_lines_of_hypotheses_files(tmp_path):
    (tmp_path / "r.txt").write_text("le chat dort\nil pleut fort\nla maison\n", encoding="utf-8")
    (tmp_path / "h.txt").write_text("le chat dort\nil neige\nune maison\n", encoding="utf-8")
    assert main(["--refs", str(tmp_path / "r.txt"), "--hyps", str(tmp_path / "h.txt"), "--limit", "1",
                 "--lang", "fr", "--bootstrap", "0", "--quiet", "--no-plot", "--out", str(tmp_path / "o")]) == 0
    res = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert res["examples"] == 1 and res["grades"]["summary"]["scores"]["rouge1"]["f"] == 100


def test_empty_reference_line_names_its_row(tmp_path, capsys):
    (tmp_path / "r.txt").write_text("a b\n\n", encoding="utf-8")
    (tmp_path / "h.txt").write_text("a b\nc\n", encoding="utf-8")
    assert main(["--refs", str(tmp_path / "r.txt"), "--hyps", str(tmp_path / "h.txt"), "--quiet"]) == 2
    assert "r.txt: row 2 is an empty reference" in capsys.readouterr().err


def test_several_reference_files_take_the_best_reference_per_document(tmp_path):
    (tmp_path / "r1.txt").write_text("le chat dort\nil pleut fort\n", encoding="utf-8")
    (tmp_path / "r2.txt").write_text("un chien court\nle soleil brille\n", encoding="utf-8")
    (tmp_path / "h.txt").write_text("un chien court vite\nil pleut fort\n", encoding="utf-8")
    assert main(["--refs", str(tmp_path / "r1.txt"), str(tmp_path / "r2.txt"), "--hyps", str(tmp_path / "h.txt"),
                 "--lang", "fr", "--bootstrap", "0", "--quiet", "--no-plot", "--out", str(tmp_path / "o")]) == 0
    res = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert "|refs:2|multiref:max-f1-per-doc|" in res["signature"]
    per = [json.loads(x) for x in (tmp_path / "o" / "per_doc.jsonl").read_text(encoding="utf-8").splitlines()]
    assert per[0]["rouge1"] == pytest.approx(100 * 2 * 0.75 * 1.0 / 1.75, abs=1e-3)   # against r2
    assert per[1]["rouge1"] == pytest.approx(100)                                     # against r1


def test_translation_plain_files_score_with_sacrebleu_and_compare(tmp_path, capsys):
    import sacrebleu

    src = ["le chat est sur le tapis", "il pleut beaucoup aujourd'hui", "la maison est grande"] * 10
    ref = ["the cat is on the mat", "it is raining a lot today", "the house is big"] * 10
    good = ["the cat is on the mat", "it rains a lot today", "the house is large"] * 10
    bad = ["cat mat", "rain", "house"] * 10
    for name, lines in (("src", src), ("ref", ref), ("good", good), ("bad", bad)):
        (tmp_path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["--task", "translation", "--src", str(tmp_path / "src.txt"), "--refs", str(tmp_path / "ref.txt"),
                 "--hyps", str(tmp_path / "good.txt"), str(tmp_path / "bad.txt"), str(tmp_path / "good.txt"),
                 "--bootstrap", "100", "--paired-bs", "200", "--paired-ar", "500", "--quiet", "--no-plot",
                 "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    res = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert res["scores"]["bleu"]["score"] == round(sacrebleu.corpus_bleu(good, [ref]).score, 2)
    assert res["scores"]["chrf++"]["signature"].startswith("nrefs:1|") and "nw:2" in res["scores"]["chrf++"]["signature"]
    assert {"bleu", "chrf", "chrf++", "ter"} <= set(res["scores"])
    rows = {(r["metric"], r["system"]): r for r in res["comparison"]["rows"]}
    assert rows[("bleu", "bad.txt")]["significant"] and rows[("ter", "bad.txt")]["delta"] > 0
    assert rows[("bleu", "good.txt (2)")]["p_bootstrap"] == 1.0 and not rows[("bleu", "good.txt (2)")]["significant"]
    assert "| BLEU | bad.txt |" in out


def test_translation_needs_the_source(tmp_path, capsys):
    (tmp_path / "r.txt").write_text("a\n", encoding="utf-8")
    assert main(["--task", "translation", "--refs", str(tmp_path / "r.txt"), "--hyps", str(tmp_path / "r.txt"),
                 "--quiet"]) == 2
    assert "--src" in capsys.readouterr().err


# -- resuming ----------------------------------------------------------------------------------------------------

def test_resumed_run_gives_the_numbers_of_an_uninterrupted_one(data_root, tmp_path):
    _valid(data_root)
    args = ["--dataset", "orangesum-valid", "--limit", "10", "--bootstrap", "100", "--quiet", "--no-plot",
            "--no-html", "--data-root", str(data_root)]
    full = tmp_path / "full"
    assert main([*args, "--out", str(full)]) == 0
    journal = full / "journal-engine-offline.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 11   # settings + one row a document
    cut = tmp_path / "cut"
    cut.mkdir()
    # An interrupted run: the settings, four finished documents and half of the fifth line.
    (cut / journal.name).write_text("\n".join(lines[:5]) + "\n" + lines[5][: len(lines[5]) // 2], encoding="utf-8")
    assert main([*args, "--out", str(cut), "--resume"]) == 0
    a = json.loads((full / "results.json").read_text(encoding="utf-8"))
    b = json.loads((cut / "results.json").read_text(encoding="utf-8"))
    assert b["system"]["resumed"] == 4 and "resumed" not in a["system"]
    assert a["grades"] == b["grades"]
    assert (full / "outputs.jsonl").read_text(encoding="utf-8") == (cut / "outputs.jsonl").read_text(encoding="utf-8")
    # The resumed journal is whole again: the settings and one readable row a document, none glued to the torn one.
    resumed = (cut / journal.name).read_text(encoding="utf-8").splitlines()
    assert len(resumed) == 11 and sorted(json.loads(x)["id"] for x in resumed[1:]) == sorted(
        json.loads(x)["id"] for x in lines[1:])


def test_resume_refuses_a_journal_of_other_settings(data_root, tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "journal-engine-offline.jsonl").write_text(json.dumps({"journal": 1, "dataset": "other"}) + "\n",
                                                      encoding="utf-8")
    assert main(["--dataset", "orangesum-valid", "--limit", "2", "--quiet", "--data-root", str(data_root),
                 "--out", str(out), "--resume"]) == 2
    assert "written by a run with other settings" in capsys.readouterr().err


def test_resume_needs_an_output_folder(capsys):
    assert main(["--dataset", "orangesum-valid", "--resume", "--quiet"]) == 2
    assert "--resume needs --out" in capsys.readouterr().err


def test_shipped_systems_and_predictions_files_are_compared_in_command_line_order(data_root, tmp_path):
    if not (data_root / "frank" / "cnndm_xsum_test.jsonl").is_file():
        pytest.skip("FRANK not in the shared data")
    base = ["--dataset", "frank-xsum", "--limit", "40", "--mode", "paper", "--bootstrap", "0", "--paired-ar",
            "1000", "--quiet", "--no-plot", "--no-html", "--data-root", str(data_root)]
    out = tmp_path / "shipped"
    assert main([*base, "--system", "PtGen", "--system", "BERTS2S", "--out", str(out)]) == 0
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [s["label"] for s in res["systems"]] == ["PtGen", "BERTS2S"] and res["comparison"]["baseline"] == "PtGen"
    r1 = next(r for r in res["comparison"]["rows"] if r["system"] == "BERTS2S" and r["metric"] == "rouge1")
    assert r1["delta"] == pytest.approx(res["systems"][1]["grades"]["headline"]["scores"]["rouge1"]["f"]
                                        - res["systems"][0]["grades"]["headline"]["scores"]["rouge1"]["f"], abs=1e-3)
    assert 0 < r1["p_bootstrap"] <= 1 and 0 < r1["p_randomisation"] <= 1
    # Two predictions files with the same outputs: no difference.
    preds = out / "outputs-2-BERTS2S.jsonl"
    assert main([*base, "--predictions", str(preds), str(preds), "--out", str(tmp_path / "p")]) == 0
    rows = json.loads((tmp_path / "p" / "results.json").read_text(encoding="utf-8"))["comparison"]["rows"]
    assert all(r["p_randomisation"] == 1.0 and r["p_bootstrap"] == 1.0 for r in rows if r["delta"] is not None)
