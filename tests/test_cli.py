import json
import subprocess
import sys

import pytest

from conftest import EXAMPLE, needs_apertium


def run(*args, stdin: bytes | None = None, env=None):
    proc = subprocess.run([sys.executable, "-m", "briefsum", *map(str, args)], input=stdin,
                          capture_output=True, env=env, timeout=120)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def assert_one_line_error(code, err, expected_code=2, contains=""):
    assert code == expected_code
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("briefsum: "), err
    assert "Traceback" not in err
    assert contains in lines[0]


@needs_apertium
def test_main_job_prints_four_english_grades(seed_text):
    from conftest import SEED

    code, out, err = run(SEED)
    assert code == 0, err
    for title in ("HEADLINE", "BRIEF", "SUMMARY", "DETAILED"):
        assert title in out
    assert "fr → en" in out and "apertium" in out


def test_json_output_is_identical_across_runs():
    a = run(EXAMPLE, "--format", "json", "--target", "none")
    b = run(EXAMPLE, "--format", "json", "--target", "none")
    assert a[0] == 0 and a[1] == b[1]
    assert json.loads(a[1])["output_lang"] == "fr"


def test_markdown_output_and_grade_selection():
    code, out, _ = run(EXAMPLE, "--format", "markdown", "--grades", "headline,brief", "--target", "none")
    assert code == 0
    assert "## Headline" in out and "## Brief" in out and "## Summary" not in out


def test_stdin_input():
    code, out, _ = run("-", "--target", "none", stdin=EXAMPLE.read_bytes())
    assert code == 0 and "HEADLINE" in out


def test_utf8_bom_is_accepted(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    code, out, _ = run(f, "--target", "none")
    assert code == 0 and "\ufeff" not in out


def test_help_does_not_import_torch_transformers_or_spacy():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefsum", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and "usage: briefsum" in proc.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "torch" not in imported and "transformers" not in imported
    assert "spacy" not in imported and "thinc" not in imported  # the parse layer loads on first use only
    assert "briefsum" in imported  # the check sees the package's own imports


@pytest.mark.parametrize(
    "make,contains",
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: _write(p / "empty.txt", b""), "is empty"),
        (lambda p: _write(p / "blank.txt", b"  \n\t \n"), "is empty"),
        (lambda p: _write(p / "bin.dat", bytes(range(256)) * 8), "binary"),
        (lambda p: _write(p / "latin1.txt", "Les élèves ont été sérieux à l'école.".encode("latin-1")), "not valid UTF-8"),
        (lambda p: _write(p / "sym.txt", "!!! ??? ... 123".encode()), "no words"),
    ],
)
def test_input_errors_are_one_line_with_exit_2(tmp_path, make, contains):
    code, out, err = run(make(tmp_path))
    assert out == ""
    assert_one_line_error(code, err, 2, contains)


def test_unreadable_file(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    f = _write(tmp_path / "secret.txt", b"Bonjour le monde.")
    f.chmod(0)
    code, _, err = run(f)
    assert_one_line_error(code, err, 2, "permission denied")


@pytest.mark.parametrize(
    "args,contains",
    [
        (["--lang", "xx"], "unknown source language code 'xx'"),
        (["--target", "zz"], "unknown target language code 'zz'"),
        (["--grades", "headline,tweet"], "unknown grade 'tweet'"),
        (["--format", "pdf"], "invalid choice"),
        (["--encoding", "no-such-codec"], "unknown encoding"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(args, contains):
    code, out, err = run(EXAMPLE, *args)
    assert_one_line_error(code, err, 2, contains)


def test_output_file_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "out.json"
    code, stdout, _ = run(EXAMPLE, "--format", "json", "--target", "none", "-o", out)
    assert code == 0 and stdout == "" and json.loads(out.read_text())["grades"]
    code, _, err = run(EXAMPLE, "--target", "none", "-o", out)
    assert_one_line_error(code, err, 2, "already exists")
    code, _, _ = run(EXAMPLE, "--target", "none", "-o", out, "--force")
    assert code == 0 and "HEADLINE" in out.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_bad_config_file_is_one_line(tmp_path):
    cfg = _write(tmp_path / "c.yaml", b"grades: [oops\n")
    code, _, err = run(EXAMPLE, "--config", cfg)
    assert_one_line_error(code, err, 2, "not valid YAML")


def _write(path, data: bytes):
    path.write_bytes(data)
    return path
