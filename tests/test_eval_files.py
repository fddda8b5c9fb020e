"""briefsum-eval on a user's own data: JSON lines, CSV, Parquet and save_to_disk files, field options, a user
datasets file merged over the packaged one, and the one-line errors for bad rows."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from briefsum.evaluation.cli import main

ROWS = 12


@pytest.fixture(scope="module")
def valid_rows(data_root):
    """A few OrangeSum valid rows that are in the abstract task, read from the shared data (never copied here)."""
    path = data_root / "orangesum" / "valid.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"OrangeSum valid not found at {path}")
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["in_abstract_task"] and r["in_title_task"] is False:
                rows.append({"id": r["id"], "article": r["article"], "abstract": r["abstract"], "title": r["title"]})
            if len(rows) >= ROWS:
                break
    return rows


def _write(rows, tmp: Path, kind: str) -> Path:
    import datasets

    ds = datasets.Dataset.from_list(rows)
    if kind == "jsonl":
        p = tmp / "data.jsonl"
        p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    elif kind == "jsonl.gz":
        p = tmp / "data.jsonl.gz"
        with gzip.open(p, "wt", encoding="utf-8") as f:
            f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    elif kind == "csv":
        p = tmp / "data.csv"
        ds.to_csv(str(p), index=False)
    elif kind == "tsv":
        p = tmp / "data.tsv"
        ds.to_csv(str(p), index=False, sep="\t")
    elif kind == "parquet":
        p = tmp / "data.parquet"
        ds.to_parquet(str(p))
    else:
        p = tmp / "saved"
        ds.save_to_disk(str(p))
    return p


def _scores(out: Path) -> dict:
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {g: d["scores"] for g, d in res["grades"].items()}


FIELDS = ["--text-field", "article", "--id-field", "id", "--ref", "brief=abstract", "--ref", "headline=title",
          "--lang", "fr"]
COMMON = ["--baseline", "lead", "--k", "2", "--bootstrap", "100", "--quiet", "--no-plot", "--no-html"]


@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz", "csv", "tsv", "parquet", "disk"])
def test_data_file_scores_what_the_same_data_declared_in_a_datasets_file_scores(valid_rows, tmp_path, kind):
    path = _write(valid_rows, tmp_path, kind)
    assert main(["--data", str(path), *FIELDS, *COMMON, "--out", str(tmp_path / "a")]) == 0
    decl = {"mine": {"task": "summarisation", "format": "table", "files": {"examples": path.name},
                     "fields": {"id": "id", "text": "article"}, "language": "fr", "target": None,
                     "references": {"brief": {"field": "abstract"}, "headline": {"field": "title"}}}}
    yml = tmp_path / "datasets.yaml"
    yml.write_text(json.dumps(decl), encoding="utf-8")   # JSON is YAML
    assert main(["--datasets-file", str(yml), "--dataset", "mine", *COMMON, "--out", str(tmp_path / "b")]) == 0
    a, b = _scores(tmp_path / "a"), _scores(tmp_path / "b")
    assert a == b and a["brief"]["rouge1"]["f"] > 0


def test_every_file_format_and_the_packaged_declaration_give_the_same_numbers(valid_rows, tmp_path):
    results = []
    for kind in ("jsonl", "csv", "parquet", "disk"):
        sub = tmp_path / kind
        sub.mkdir()
        path = _write(valid_rows, sub, kind)
        assert main(["--data", str(path), *FIELDS, *COMMON, "--out", str(sub / "out")]) == 0
        results.append(_scores(sub / "out"))
    # The same rows as the packaged orangesum-valid declaration reads them (title/abstract task flags).
    root = tmp_path / "root"
    (root / "orangesum").mkdir(parents=True)
    with gzip.open(root / "orangesum" / "valid.jsonl.gz", "wt", encoding="utf-8") as f:
        for r in valid_rows:
            f.write(json.dumps({**r, "in_title_task": True, "in_abstract_task": True}, ensure_ascii=False) + "\n")
    assert main(["--dataset", "orangesum-valid", "--data-root", str(root), *COMMON, "--k", "2",
                 "--out", str(tmp_path / "packaged")]) == 0
    packaged = _scores(tmp_path / "packaged")
    assert all(r == results[0] for r in results)
    assert packaged["brief"] == results[0]["brief"]


def test_list_valued_field_is_several_references_scored_by_the_best(valid_rows, tmp_path):
    rows = [{"id": r["id"], "article": r["article"], "refs": [r["title"], r["abstract"]]} for r in valid_rows]
    path = tmp_path / "multi.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["--data", str(path), "--text-field", "article", "--ref", "brief=refs", "--lang", "fr", *COMMON,
                 "--out", str(tmp_path / "m")]) == 0
    res = json.loads((tmp_path / "m" / "results.json").read_text(encoding="utf-8"))
    assert "|refs:2|multiref:max-f1-per-doc|" in res["signature"]
    single = tmp_path / "single.jsonl"
    single.write_text("".join(json.dumps({"id": r["id"], "article": r["article"], "refs": r["abstract"]},
                                         ensure_ascii=False) + "\n" for r in valid_rows), encoding="utf-8")
    assert main(["--data", str(single), "--text-field", "article", "--ref", "brief=refs", "--lang", "fr", *COMMON,
                 "--out", str(tmp_path / "s")]) == 0
    one = json.loads((tmp_path / "s" / "results.json").read_text(encoding="utf-8"))
    assert "multiref" not in one["signature"]
    # The best of (title, abstract) per document is never below the abstract alone, and above it somewhere.
    per_m = [json.loads(x) for x in (tmp_path / "m" / "per_doc.jsonl").read_text(encoding="utf-8").splitlines()]
    per_s = [json.loads(x) for x in (tmp_path / "s" / "per_doc.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(m["rouge1"] >= s["rouge1"] for m, s in zip(per_m, per_s))
    assert any(m["rouge1"] > s["rouge1"] for m, s in zip(per_m, per_s))


@pytest.mark.parametrize("rows, extra, needle", [
    ([{"id": "a", "article": "Un. Deux.", "resume": "R"}, {"id": "b", "article": "Trois.", "resume": "S"}], [],
     "row 1 has no field 'abstract'"),
    # JSON lines: a key missing from one row reads as null, i.e. an empty reference.
    ([{"id": "a", "article": "Un. Deux.", "abstract": "R"}, {"id": "b", "article": "Trois."}], [],
     "row 2 has an empty reference in field 'abstract'"),
    ([{"id": "a", "article": "Un.", "abstract": "R"}, {"id": "b", "article": "Deux.", "abstract": "  "}], [],
     "row 2 has an empty reference in field 'abstract'"),
    ([{"id": "a", "article": "Un.", "abstract": "R"}, {"id": "a", "article": "Deux.", "abstract": "S"}], [],
     "row 2 repeats id 'a' (first seen in row 1)"),
    ([{"id": "a", "article": "Un.", "abstract": "R", "lang": "fr"},
      {"id": "b", "article": "Two.", "abstract": "S", "lang": "en"}], ["--lang-field", "lang"],
     "row 2 (id b) is in language 'en' but the dataset is 'fr'"),
])
def test_bad_rows_are_one_line_naming_file_and_row(tmp_path, capsys, rows, extra, needle):
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code = main(["--data", str(path), "--text-field", "article", "--ref", "brief=abstract", "--lang", "fr",
                 *extra, "--baseline", "lead", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert needle in err and "bad.jsonl" in err


def test_broken_json_line_is_one_line_naming_its_row(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "a", "text": "Un.", "s": "R"}\n{"id": "b", "text": "Deux." "s": "S"}\n',
                    encoding="utf-8")
    # A real process: the library's own logging of the failure must not reach stderr beside the error line.
    proc = subprocess.run([sys.executable, "-m", "briefsum.evaluation.cli", "--data", str(path), "--ref", "s",
                           "--baseline", "lead", "--k", "1", "--quiet"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [proc.stderr.strip()] and "Traceback" not in proc.stderr
    assert "broken.jsonl: row 2 is not valid JSON" in proc.stderr


def test_csv_row_missing_a_reference_names_its_row(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("id,article,abstract\n007,Un texte.,Résumé\n008,Deux textes.,\n", encoding="utf-8")
    code = main(["--data", str(path), "--text-field", "article", "--ref", "brief=abstract", "--lang", "fr",
                 "--baseline", "lead", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "bad.csv: row 2 has an empty reference" in err


def test_data_needs_a_reference_field_and_a_known_file_type(tmp_path, capsys):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "Un."}\n', encoding="utf-8")
    assert main(["--data", str(path), "--quiet"]) == 2
    assert "--ref GRADE=FIELD" in capsys.readouterr().err
    other = tmp_path / "x.xlsx"
    other.write_text("nope", encoding="utf-8")
    assert main(["--data", str(other), "--ref", "brief=abstract", "--quiet"]) == 2
    assert "unknown data file type" in capsys.readouterr().err


def test_user_datasets_file_is_merged_over_the_packaged_ones(tmp_path, capsys):
    yml = tmp_path / "mine.yaml"
    yml.write_text("my-set:\n  description: my own test set\n  task: summarisation\n  format: table\n"
                   "  files: {examples: data.parquet}\n  references:\n    brief: {field: abstract}\n",
                   encoding="utf-8")
    assert main(["--list", "--datasets-file", str(yml)]) == 0
    out = capsys.readouterr().out
    assert "my-set" in out and "my own test set" in out and "orangesum-valid" in out


def test_bad_datasets_file_is_one_line(tmp_path, capsys):
    yml = tmp_path / "bad.yaml"
    yml.write_text("my-set:\n  task: summarisation\n  format: nope\n  files: {examples: x}\n", encoding="utf-8")
    assert main(["--list", "--datasets-file", str(yml)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.yaml: my-set.format must be one of" in err


def test_save_to_disk_folder_with_several_splits_needs_split(valid_rows, tmp_path, capsys):
    import datasets

    half = len(valid_rows) // 2
    dd = datasets.DatasetDict({"train": datasets.Dataset.from_list(valid_rows[:half]),
                               "test": datasets.Dataset.from_list(valid_rows[half:])})
    dd.save_to_disk(str(tmp_path / "dd"))
    assert main(["--data", str(tmp_path / "dd"), *FIELDS, *COMMON]) == 2
    assert "holds the splits train, test; choose one with --split" in capsys.readouterr().err
    assert main(["--data", str(tmp_path / "dd"), "--split", "test", *FIELDS, *COMMON, "--out", str(tmp_path / "o")]) == 0
    res = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert res["examples"] == len(valid_rows) - half
