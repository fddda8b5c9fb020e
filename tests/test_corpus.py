"""Corpus mode (briefsum batch): records equal summarise(), failures recorded, resumable, --jobs keeps order."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import briefsum
from briefsum.cli import main
from conftest import needs_apertium
from corpus_cases import ARTICLES, EMPTY_ID, read_records, write_jsonl

OFFLINE = ["--engine", "offline"]
NO_TRANSLATION = OFFLINE + ["--target", "none"]


def batch(*args: str) -> int:
    return main(["batch", *map(str, args)])


@needs_apertium
def test_each_record_equals_summarise_of_its_article(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl")
    out = tmp_path / "out.jsonl"
    assert batch(src, "--text-field", "article", "--id-field", "id", "--output", out, *OFFLINE) == 3
    recs = read_records(out)
    assert [r["id"] for r in recs] == ["velo", "port", EMPTY_ID, "orchard", "musee"]
    for rec in recs:
        if rec["id"] == EMPTY_ID:
            continue
        expected = briefsum.summarise(ARTICLES[rec["id"]], engine="offline").to_dict()
        assert rec["error"] is None
        assert {k: v for k, v in rec.items() if k not in ("id", "source", "error")} == expected
    assert recs[0]["source"] == f"{src}#0" and recs[3]["source"] == f"{src}#3"
    assert recs[0]["grades"]["brief"]["source_indices"] == expected_indices(ARTICLES["velo"])


def expected_indices(text: str) -> list[int]:
    return briefsum.summarise(text, engine="offline").grades["brief"].source_indices


def test_failed_article_records_its_error_and_the_run_goes_on(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", ids=["velo", "port"])
    out = tmp_path / "out.jsonl"
    code = batch(src, "--text-field", "article", "--id-field", "id", "--output", out, *NO_TRANSLATION)
    recs = read_records(out)
    assert code == 3  # some article failed
    assert [r["id"] for r in recs] == ["velo", "port", EMPTY_ID]
    bad = recs[2]
    assert bad["error"].startswith("input holds no words") and bad["error_type"] == "EmptyInputError"
    assert all(r["error"] is None and set(r["grades"]) == {"headline", "brief", "summary", "detailed"}
               for r in recs[:2])
    assert "3 records" in capsys.readouterr().err


def test_all_articles_summarised_exits_zero(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ids=["orchard"], with_empty=False)
    assert batch(src, "--text-field", "article", "--output", tmp_path / "o.jsonl", *NO_TRANSLATION) == 0
    (rec,) = read_records(tmp_path / "o.jsonl")
    assert rec["id"] == f"{src}#0"  # no --id-field: the id is the row's source


def test_existing_output_needs_resume_or_force(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", ids=["orchard"], with_empty=False)
    out = tmp_path / "o.jsonl"
    out.write_text("keep me\n")
    assert batch(src, "--text-field", "article", "--output", out, *NO_TRANSLATION) == 2
    assert "already exists" in capsys.readouterr().err and out.read_text() == "keep me\n"
    assert batch(src, "--text-field", "article", "--output", out, "--resume", *NO_TRANSLATION) == 2
    assert "line 1 is not a briefsum record" in capsys.readouterr().err
    assert batch(src, "--text-field", "article", "--output", out, "--force", *NO_TRANSLATION) == 0
    assert len(read_records(out)) == 1


def test_resume_drops_a_torn_last_line_and_ends_byte_identical(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl")
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    args = [src, "--text-field", "article", "--id-field", "id", *NO_TRANSLATION]
    batch(*args, "--output", full)
    lines = full.read_bytes().splitlines(keepends=True)
    part.write_bytes(b"".join(lines[:2]) + lines[2][:17])  # two whole records and a cut third
    assert batch(*args, "--output", part, "--resume") == 3
    assert part.read_bytes() == full.read_bytes()


def _wait_for_lines(path: Path, n: int, proc: subprocess.Popen, timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and path.read_bytes().count(b"\n") >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"run ended (rc {proc.returncode}) before writing {n} records")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"no {n} records after {timeout} s")


def _many(tmp_path: Path, copies: int) -> Path:
    rows = [{"id": f"{k}-{i}", "article": ARTICLES[k]} for i in range(copies) for k in ARTICLES]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_run_resumed_is_byte_identical_to_an_uninterrupted_run(tmp_path, sig):
    src = _many(tmp_path, 40)  # 160 articles
    args = [str(src), "--text-field", "article", "--id-field", "id", *NO_TRANSLATION, "--chunk-size", "1"]
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    assert batch(*args, "--output", full) == 0
    cmd = [sys.executable, "-m", "briefsum", "batch", *args, "--output", str(part)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    _wait_for_lines(part, 3, proc)
    proc.send_signal(sig)
    err = proc.communicate(timeout=60)[1]
    got = part.read_bytes()
    assert 0 < got.count(b"\n") < 160  # stopped part-way
    if sig == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM and "--resume" in err
        assert got.endswith(b"\n")  # a terminated run leaves only whole records
    assert full.read_bytes().startswith(got.rsplit(b"\n", 1)[0])
    assert batch(*args, "--output", part, "--resume") == 0
    assert part.read_bytes() == full.read_bytes()


def test_jobs_two_gives_the_same_file_as_jobs_one(tmp_path):
    src = _many(tmp_path, 2)
    args = [src, "--text-field", "article", "--id-field", "id", *NO_TRANSLATION, "--chunk-size", "1"]
    assert batch(*args, "--output", tmp_path / "one.jsonl") == 0
    assert batch(*args, "--output", tmp_path / "two.jsonl", "--jobs", "2") == 0
    one = (tmp_path / "one.jsonl").read_bytes()
    assert one.count(b"\n") == 8 and (tmp_path / "two.jsonl").read_bytes() == one


def test_duplicate_id_is_an_error_record(tmp_path):
    src = tmp_path / "dup.jsonl"
    src.write_text("".join(json.dumps({"id": "a", "article": ARTICLES[k]}) + "\n" for k in ("velo", "port")))
    assert batch(src, "--text-field", "article", "--id-field", "id", "--output", tmp_path / "o.jsonl",
                 *NO_TRANSLATION) == 3
    first, second = read_records(tmp_path / "o.jsonl")
    assert first["error"] is None and "duplicate id 'a'" in second["error"]


def test_directories_globs_csv_and_parquet_give_the_same_articles(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from briefsum.batch.readers import ReadOptions, expand_inputs, iter_articles

    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text(ARTICLES["velo"], encoding="utf-8")
    (docs / "sub" / "b.html").write_text(f"<html><body><article><p>{ARTICLES['port']}</p></article></body></html>")
    (docs / "notes.md").write_text("not an article")
    (docs / "empty.txt").write_text("  \n")
    ids = ["velo", "port"]
    with open(tmp_path / "t.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "body"])
        w.writerows([[k, ARTICLES[k]] for k in ids])
    pq.write_table(pa.table({"id": ids, "body": [ARTICLES[k] for k in ids]}), tmp_path / "t.parquet")
    write_jsonl(tmp_path / "t.jsonl", ids=ids, with_empty=False)

    files = expand_inputs([str(docs)])
    assert [Path(f).name for f in files] == ["a.txt", "empty.txt", "b.html"]
    got = list(iter_articles(files, ReadOptions()))
    assert got[0].text == ARTICLES["velo"] and got[0].id == str(docs / "a.txt")
    assert got[1].error.endswith("is empty") and got[2].text.startswith("<html>")
    assert expand_inputs([str(tmp_path / "t.*")]) == [str(tmp_path / f"t.{x}") for x in ("csv", "jsonl", "parquet")]
    for name, field in (("t.csv", "body"), ("t.parquet", "body"), ("t.jsonl", "article")):
        rows = list(iter_articles([str(tmp_path / name)], ReadOptions(text_field=field, id_field="id")))
        assert [(a.id, a.text) for a in rows] == [(k, ARTICLES[k]) for k in ids], name
        assert rows[1].source == f"{tmp_path / name}#1"


def test_gzip_jsonl_is_streamed_and_bad_rows_are_recorded(tmp_path):
    import gzip

    from briefsum.batch.readers import ReadOptions, iter_articles

    path = tmp_path / "t.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": 1, "article": ARTICLES["velo"]}) + "\n")
        fh.write("{not json\n\n")
        fh.write(json.dumps({"id": 3, "title": "no text"}) + "\n")
        fh.write(json.dumps({"id": 4, "article": "x" * 5000}) + "\n")
    rows = list(iter_articles([str(path)], ReadOptions(text_field="article", id_field="id", max_chars=100)))
    assert [r.id for r in rows] == ["1", f"{path}#1", "3", f"{path}#3"]
    assert rows[0].text == ARTICLES["velo"]
    assert "not valid JSON" in rows[1].error and "no field 'article'" in rows[2].error
    assert "larger than the input limit" in rows[3].error


def test_parquet_output_holds_the_jsonl_records(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    src = write_jsonl(tmp_path / "in.jsonl", ids=["velo", "orchard"])
    args = [src, "--text-field", "article", "--id-field", "id", *NO_TRANSLATION]
    batch(*args, "--output", tmp_path / "o.jsonl")
    assert batch(*args, "--output", tmp_path / "o.parquet") == 3
    assert not (tmp_path / "o.parquet.partial.jsonl").exists()
    rows = pq.read_table(tmp_path / "o.parquet").to_pylist()
    recs = read_records(tmp_path / "o.jsonl")
    assert [r["id"] for r in rows] == [r["id"] for r in recs] == \
        ["velo", "orchard", EMPTY_ID]
    for row, rec in zip(rows, recs):
        assert row["error"] == rec["error"]
        if rec["error"] is None:
            assert [g["text"] for g in row["grades"]] == [g["text"] for g in rec["grades"].values()]
            assert [g["source_indices"] for g in row["grades"]] == [g["source_indices"] for g in rec["grades"].values()]
            assert dict(row["models"]) == rec["models"] and row["warnings"] == rec["warnings"]


def test_usage_errors_are_one_line(tmp_path, capsys):
    assert batch(tmp_path / "missing.jsonl", "--output", tmp_path / "o.jsonl") == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    src = write_jsonl(tmp_path / "in.jsonl", ids=["velo"], with_empty=False)
    assert batch(src, "--output", tmp_path / "o.jsonl", "--grades", "nope") == 2
    err = capsys.readouterr().err
    assert "nope" in err and err.count("\n") == 1
    assert not (tmp_path / "o.jsonl").exists()


def test_a_file_named_batch_is_still_summarised(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("batch").write_text(ARTICLES["orchard"], encoding="utf-8")
    assert main(["batch"]) == 0  # the only argument, and a file of that name exists: the file
    assert "HEADLINE" in capsys.readouterr().out
    assert main(["./batch", "--engine", "offline", "--target", "none"]) == 0
    assert "Kent" in capsys.readouterr().out


def test_batch_help_does_not_import_heavy_libraries():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefsum", "batch", "--help"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0 and "--resume" in proc.stdout
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert not loaded & {"torch", "transformers", "ray", "pyarrow", "datasets", "tqdm"}


def test_a_damaged_gzip_table_keeps_its_readable_rows_and_records_the_damage(tmp_path):
    import gzip

    from briefsum.batch.readers import ReadOptions, iter_articles

    whole = gzip.compress("".join(json.dumps({"id": f"r{i}", "article": f"{ARTICLES['velo']} {i * 7919}"}) + "\n"
                                  for i in range(3000)).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    rows = list(iter_articles([str(path)], ReadOptions(text_field="article", id_field="id")))
    assert len(rows) > 100 and rows[0].id == "r0" and rows[0].text == f"{ARTICLES['velo']} 0"
    assert rows[-1].id == str(path) and "cannot be read" in rows[-1].error
    assert all(r.error is None for r in rows[:-1])
