"""Corpus mode on Ray Data, and the datasets.Dataset.map helper: the same records as a local run."""

from __future__ import annotations

import json

import pytest

from briefsum.cli import main
from corpus_cases import ARTICLES, EMPTY_ID, read_records, write_jsonl

ARGS = ["--text-field", "article", "--id-field", "id", "--engine", "offline"]


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    src = write_jsonl(tmp / "in.jsonl")
    out = tmp / "local.jsonl"
    assert main(["batch", str(src), *ARGS, "--output", str(out)]) == 3  # the empty row fails
    return src, out


def test_ray_run_resumed_gives_the_local_runs_records(local_run, tmp_path):
    ray = pytest.importorskip("ray")
    src, local = local_run
    part = tmp_path / "ray.jsonl"
    part.write_bytes(local.read_bytes().splitlines(keepends=True)[0])  # one article already done
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        code = main(["batch", str(src), *ARGS, "--output", str(part), "--resume", "--ray", "--jobs", "2"])
    finally:
        ray.shutdown()
    assert code == 3
    assert part.read_bytes() == local.read_bytes()
    recs = read_records(part)
    assert [r["id"] for r in recs] == ["velo", "port", EMPTY_ID, "orchard", "musee"]
    assert recs[2]["error"].startswith("input holds no words") and recs[2]["error_type"] == "EmptyInputError"


def test_predictor_called_on_a_batch_gives_the_local_records(local_run):
    pytest.importorskip("ray")
    from briefsum.integrations.ray import BriefsumPredictor

    _src, local = local_run
    expected = {r["id"]: r for r in read_records(local)}
    ids = ["musee", EMPTY_ID]
    texts = [ARTICLES["musee"], "   ...   "]
    out = BriefsumPredictor(engine="offline", text_column="body")({"body": texts, "id": ids, "source": ids})
    got = out.to_pydict()
    assert got["id"] == ids and got["error"][0] is None and got["error"][1].startswith("input holds no words")
    first = json.loads(got["record"][0])
    assert {k: v for k, v in first.items() if k != "source"} == \
        {k: v for k, v in expected["musee"].items() if k != "source"}


def test_dataset_map_helper_adds_the_records(local_run):
    datasets = pytest.importorskip("datasets")
    from briefsum.integrations.hf_datasets import summarise_dataset

    _src, local = local_run
    expected = {r["id"]: r for r in read_records(local)}
    ds = datasets.Dataset.from_dict({"key": ["orchard", EMPTY_ID], "article": [ARTICLES["orchard"], "   ...   "]})
    out = summarise_dataset(ds, text_column="article", id_column="key", engine="offline")
    assert out.column_names == ["key", "article", "briefsum", "briefsum_error"]
    rec = json.loads(out[0]["briefsum"])
    assert out[0]["briefsum_error"] is None and rec["grades"] == expected["orchard"]["grades"]
    assert out[1]["briefsum_error"].startswith("input holds no words")
