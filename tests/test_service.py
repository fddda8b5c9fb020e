"""`briefsum serve` used like a client would: HTTP requests to a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="the test extra (httpx) is not installed")
pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

from conftest import EXAMPLE, SEED, needs_apertium  # noqa: E402
from service_helpers import REPO, Server, slow_apertium  # noqa: E402

import briefsum  # noqa: E402

JSON = {"content-type": "application/json"}
SMALL = {"service": {"max_request_bytes": 100_000, "max_input_chars": 20_000, "max_concurrent": 2, "timeout_s": 60}}


@pytest.fixture(scope="module")
def default_server(tmp_path_factory):
    """A server on the packaged defaults, as `briefsum serve` starts (warm-up included)."""
    srv = Server(tmp_path_factory.mktemp("default"), warm=True)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def small_server(tmp_path_factory):
    """A server with small limits, for the bad-request cases."""
    srv = Server(tmp_path_factory.mktemp("small"), SMALL)
    yield srv
    srv.stop()


def _error(resp, status: int) -> str:
    """The response is status with a one-line JSON error (no traceback); its message."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    err = resp.json()["error"]
    assert err["status"] == status and err["kind"] and err["message"]
    assert "\n" not in err["message"] and "Traceback" not in resp.text
    return err["message"]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefsum", *args], capture_output=True, text=True, timeout=300,
                          cwd=str(cwd) if cwd else None,
                          env={k: v for k, v in __import__("os").environ.items() if k != "BRIEFSUM_CONFIG"})


# -- the same JSON as the command line and the API ---------------------------------------------------------------

@needs_apertium
def test_seed_upload_gives_the_same_json_as_the_command_line(default_server):
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    with SEED.open("rb") as fh:  # what `curl -F file=@SEED .../v1/summarise` sends
        resp = httpx.post(default_server.url + "/v1/summarise", files={"file": (SEED.name, fh, "text/plain")},
                          timeout=300)
    assert resp.status_code == 200, resp.text
    cli = _cli(str(SEED), "--format", "json")
    assert cli.returncode == 0, cli.stderr
    assert resp.text == cli.stdout  # byte for byte, grades, warnings and all
    assert list(resp.json()["grades"]) == ["headline", "brief", "summary", "detailed"]


@needs_apertium
def test_json_text_gives_what_summarise_gives(default_server):
    text = EXAMPLE.read_text(encoding="utf-8")
    resp = httpx.post(default_server.url + "/v1/summarise", timeout=300,
                      json={"text": text, "engine": "offline", "grades": ["headline", "summary"], "translation": True})
    assert resp.status_code == 200, resp.text
    expected = briefsum.summarise(text, engine="offline", grades=["headline", "summary"], translation=True)
    assert resp.text == expected.to_json() + "\n"
    assert resp.json()["translation"]["sentences"][0]["source"].startswith("Réunis à Lyon")


def test_summaries_in_the_source_language_and_markdown(default_server):
    text = EXAMPLE.read_text(encoding="utf-8")
    opts = {"text": text, "engine": "offline", "target": "none", "lang": "fr"}
    resp = httpx.post(default_server.url + "/v1/summarise", json=opts, timeout=120)
    assert resp.status_code == 200
    brief = briefsum.summarise(text, engine="offline", target=None, lang="fr")
    assert resp.json() == json.loads(brief.to_json())
    md = httpx.post(default_server.url + "/v1/summarise", json={**opts, "format": "markdown"}, timeout=120)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    from briefsum.cli import render

    assert md.text == render(brief, "markdown", False)


def test_trace_ties_every_grade_to_the_article_sentences(default_server):
    text = EXAMPLE.read_text(encoding="utf-8")
    resp = httpx.post(default_server.url + "/v1/summarise", timeout=120,
                      json={"text": text, "engine": "offline", "target": "none", "trace": True})
    data = resp.json()
    trace = data.pop("trace")
    brief = briefsum.summarise(text, engine="offline", target=None)
    assert data == json.loads(brief.to_json())  # the Brief itself is unchanged
    assert len(trace["sentences"]) == brief.stats["sentences"]
    assert trace["sentences"][0]["text"].startswith("Réunis à Lyon jeudi 12 mars")
    for name, grade in brief.grades.items():
        pieces = trace["grades"][name]
        assert [i for p in pieces for i in p["sources"]] == grade.source_indices
        if name != "headline":  # uncompressed extractive grades: each piece is its source sentence
            assert [p["text"] for p in pieces] == [trace["sentences"][i]["text"] for i in grade.source_indices]


@needs_apertium
@pytest.mark.parametrize("translation", [True, False])
def test_trace_of_translated_grades(default_server, translation):
    resp = httpx.post(default_server.url + "/v1/summarise", timeout=300,
                      json={"text": EXAMPLE.read_text(encoding="utf-8"), "engine": "offline", "trace": True,
                            "translation": translation})
    data = resp.json()
    for name in ("brief", "summary"):
        grade, pieces = data["grades"][name], data["trace"]["grades"][name]
        assert [p["sources"] for p in pieces] == [[i] for i in grade["source_indices"]]  # one piece a sentence
        assert " ".join(p["text"] for p in pieces).split() == grade["text"].split()
        if translation:  # each piece is that sentence's aligned translation
            targets = {s["index"]: s["target"] for s in data["translation"]["sentences"]}
            assert [p["text"] for p in pieces] == [targets[i] for i in grade["source_indices"]]


@needs_apertium
def test_translate_gives_what_translate_gives(default_server):
    text = "Les maires ont adopté une déclaration commune. Le texte fixe un objectif."
    resp = httpx.post(default_server.url + "/v1/translate", json={"text": text, "source": "fr"}, timeout=120)
    assert resp.status_code == 200, resp.text
    assert resp.text == briefsum.translate(text, source="fr", target="en").to_json() + "\n"


def test_health_info_and_page(small_server):
    health = httpx.get(small_server.url + "/v1/health").json()
    assert health == {"status": "ok", "version": briefsum.__version__, "running": 0, "max_concurrent": 2}
    info = httpx.get(small_server.url + "/v1/info").json()
    assert info["limits"] == {"max_request_bytes": 100_000, "max_input_chars": 20_000, "max_concurrent": 2,
                              "timeout_s": 60.0, "api_key_required": False}
    assert info["grades"]["headline"] == {"max_words": 20} and "offline" in info["engines"]["available"]
    assert info["models"]["neural"]["translation"]["fr-en"] == "Helsinki-NLP/opus-mt-fr-en"
    page = httpx.get(small_server.url + "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp
    assert "http://" not in page.text and "https://" not in page.text  # nothing fetched from elsewhere
    assert ".innerHTML" not in page.text and "insertAdjacentHTML" not in page.text


def test_openapi_description_matches_the_service(small_server):
    from briefsum.service.requests import SUMMARISE_FIELDS, TRANSLATE_FIELDS

    spec = httpx.get(small_server.url + "/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path, ops in spec["paths"].items():
        for method in ops:
            resp = httpx.request(method.upper(), small_server.url + path, json={})
            assert resp.status_code != 404 and resp.status_code != 405, (method, path)
    routes = {"/", "/v1/health", "/v1/info", "/v1/openapi.json", "/v1/summarise", "/v1/translate"}
    assert set(spec["paths"]) == routes
    for path, fields in (("/v1/summarise", SUMMARISE_FIELDS), ("/v1/translate", TRANSLATE_FIELDS)):
        content = spec["paths"][path]["post"]["requestBody"]["content"]
        assert set(content["application/json"]["schema"]["properties"]) == set(fields) - {"encoding"}
        assert set(content["multipart/form-data"]["schema"]["properties"]) == set(fields) | {"file"}
    schemas = spec["components"]["schemas"]
    brief = briefsum.summarise(EXAMPLE.read_text(encoding="utf-8"), engine="offline", target=None, translation=False)
    assert set(schemas["Brief"]["required"]) == set(brief.to_dict())
    assert set(schemas["Grade"]["required"]) == set(brief.grades["brief"].to_dict())
    tr = briefsum.translate("Une phrase.", source="fr", target="fr").to_dict()
    assert set(schemas["Translation"]["required"]) == set(tr)
    assert set(schemas["AlignedSentence"]["required"]) == set(tr["sentences"][0])
    err = httpx.post(small_server.url + "/v1/summarise", json={"text": ""}).json()
    assert set(schemas["Error"]["properties"]["error"]["required"]) == set(err["error"])


# -- bad requests: the right status and one line ---------------------------------------------------------------

def test_oversize_body_is_refused_before_it_is_read(small_server):
    big = b"a " * 60_000  # 120 kB > max_request_bytes
    msg = _error(httpx.post(small_server.url + "/v1/summarise", files={"file": ("big.txt", big, "text/plain")}), 413)
    assert msg == "request body is larger than the service's limit of 100,000 bytes (service.max_request_bytes)"

    def chunks():  # no Content-Length: the limit holds while the body streams in
        for _ in range(200):
            yield b"x" * 1000

    resp = httpx.post(small_server.url + "/v1/summarise", content=chunks(), headers=JSON)
    assert "service.max_request_bytes" in _error(resp, 413)


def test_declared_oversize_is_answered_without_waiting_for_the_body(small_server):
    import socket

    port = int(small_server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:  # a 1 GB body announced, none sent
        sock.sendall(b"POST /v1/summarise HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000000000\r\n\r\n")
        answer = b""
        while b"max_request_bytes" not in answer:
            chunk = sock.recv(65536)  # a server waiting for the body would time out here
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ") and b"(service.max_request_bytes)" in answer


def test_too_many_characters_is_413(small_server):
    text = "Une phrase de plus. " * 1500  # 30,000 characters > max_input_chars, < max_request_bytes
    msg = _error(httpx.post(small_server.url + "/v1/summarise", json={"text": text}), 413)
    assert msg == "input has 30,000 characters, more than the service's limit of 20,000 (service.max_input_chars)"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_wrong_request_type_is_415(small_server, content_type):
    resp = httpx.post(small_server.url + "/v1/summarise", content=b"text=Bonjour",
                      headers={"content-type": content_type})
    assert "send application/json, or multipart/form-data" in _error(resp, 415)


def test_uploaded_file_of_a_non_text_type_is_415(small_server):
    resp = httpx.post(small_server.url + "/v1/summarise", files={"file": ("a.pdf", b"%PDF-1.4 ...", "application/pdf")})
    assert _error(resp, 415) == "a.pdf: unsupported file type application/pdf (send plain text or an HTML page)"


def test_upload_in_an_encoding_whose_codec_fails_is_415(small_server):
    resp = httpx.post(small_server.url + "/v1/summarise", data={"encoding": "punycode", "target": "none"},
                      files={"file": ("a.txt", b"a" * 100 + b"...", "text/plain")})  # UnicodeError, not a decode error
    assert _error(resp, 415) == "a.txt: cannot be decoded as punycode"


@pytest.mark.parametrize(
    "name,data,status",
    [
        ("empty.txt", b"", 422),
        ("blank.txt", b"  \n\t \n", 422),
        ("bin.dat", bytes(range(256)) * 8, 415),
        ("latin1.txt", "Les élèves ont été sérieux à l'école.".encode("latin-1"), 415),
        ("sym.txt", "!!! ??? ... 123".encode(), 422),
    ],
)
def test_unusable_upload_gets_the_command_lines_message(small_server, tmp_path, name, data, status):
    resp = httpx.post(small_server.url + "/v1/summarise", data={"engine": "offline", "target": "none"},
                      files={"file": (name, data, "text/plain")})
    msg = _error(resp, status)
    (tmp_path / name).write_bytes(data)
    cli = _cli(name, "--engine", "offline", "--target", "none", cwd=tmp_path)
    assert cli.returncode == 2
    assert f"briefsum: {msg}\n" == cli.stderr  # the same line, without the CLI's prefix


@pytest.mark.parametrize(
    "body,status,contains",
    [
        ({"text": ""}, 422, "input holds no text"),
        ({"text": "   "}, 422, "input holds no text"),
        ({}, 400, "no article"),
        ({"text": 12}, 400, "field 'text' must be a string"),
        ({"text": "Bonjour.", "grades": ["nope"]}, 400, "unknown grade 'nope'"),
        ({"text": "Bonjour.", "grades": 3}, 400, "field 'grades' must be a list"),
        ({"text": "Bonjour.", "engine": "gpt"}, 400, "field 'engine' must be one of auto, offline, neural"),
        ({"text": "Bonjour.", "lang": "zz"}, 400, "unknown language code 'zz'"),
        ({"text": "Bonjour.", "translation": "yes"}, 400, "field 'translation' must be true or false"),
        ({"text": "Bonjour.", "path": "/etc/passwd"}, 400, "unknown field 'path'"),
        ({"text": "Bonjour.", "file": "/etc/passwd"}, 400, "upload a file with multipart/form-data"),
        ({"text": "Bonjour.", "encoding": "latin-1"}, 400, "applies to an uploaded file only"),
        ({"text": "Bonjour.", "grades": "x" * 5000}, 400, "field 'grades' is too long (at most 200 characters)"),
        ({"text": "Bonjour.", "grades": ["headline"] * 1000}, 400, "field 'grades' is too long"),
    ],
)
def test_bad_json_request(small_server, body, status, contains):
    assert contains in _error(httpx.post(small_server.url + "/v1/summarise", json=body), status)


def test_malformed_bodies_are_400(small_server):
    url = small_server.url + "/v1/summarise"
    assert "not valid JSON" in _error(httpx.post(url, content=b"{oops", headers=JSON), 400)
    assert "must be a JSON object" in _error(httpx.post(url, json=["a"]), 400)
    assert "request body is empty" in _error(httpx.post(url, content=b"", headers=JSON), 400)
    deep = b"[" * 50_000 + b"]" * 50_000
    assert "nesting too deep" in _error(httpx.post(url, content=deep, headers=JSON), 400)
    latin = '{"text": "été"}'.encode("latin-1")
    assert "not usable JSON" in _error(httpx.post(url, content=latin, headers=JSON), 400)
    both = httpx.post(url, data={"text": "Bonjour."}, files={"file": ("a.txt", b"Salut.", "text/plain")})
    assert "not both" in _error(both, 400)
    broken = httpx.post(url, content=b"--x\r\nnonsense", headers={"content-type": "multipart/form-data; boundary=x"})
    assert broken.status_code == 400 and "Traceback" not in broken.text


def test_a_request_naming_another_host_is_refused_on_loopback(small_server):
    for host in ("127.0.0.1", "localhost:8080", "[::1]:8080"):
        assert httpx.get(small_server.url + "/v1/health", headers={"host": host}).status_code == 200
    for host in ("attacker.example", "attacker.example:8080", "127.0.0.1.attacker.example"):  # DNS rebinding
        resp = httpx.post(small_server.url + "/v1/summarise", json={"text": "Bonjour."}, headers={"host": host})
        assert _error(resp, 400).startswith(f"host '{host.rsplit(':', 1)[0]}' is not a loopback address")


def test_unknown_paths_and_methods(small_server):
    assert "no such endpoint" in _error(httpx.get(small_server.url + "/etc/passwd"), 404)
    assert "not allowed" in _error(httpx.get(small_server.url + "/v1/summarise"), 405)


def test_no_route_for_a_translation_is_422(small_server):
    resp = httpx.post(small_server.url + "/v1/translate", json={"text": "Guten Morgen. Wie geht es?", "source": "de",
                                                               "engine": "offline"})
    assert "no Apertium route for de→en" in _error(resp, 422)


# -- concurrency, time budget ------------------------------------------------------------------------------

@needs_apertium
def test_too_many_at_once_is_429_with_retry_after(tmp_path):
    slow = slow_apertium(tmp_path, 3)
    srv = Server(tmp_path, {"service": {"max_concurrent": 1}, "apertium": {"binary": str(slow), "allow_custom_binary": True},
                            "engine": {"default": "offline"}})
    try:
        text = EXAMPLE.read_text(encoding="utf-8")
        first: dict = {}
        worker = threading.Thread(target=lambda: first.update(
            r=httpx.post(srv.url + "/v1/summarise", json={"text": text, "lang": "fr"}, timeout=120)))
        worker.start()
        deadline = time.monotonic() + 30
        while httpx.get(srv.url + "/v1/health").json()["running"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        busy = httpx.post(srv.url + "/v1/summarise", json={"text": text, "lang": "fr"}, timeout=120)
        msg = _error(busy, 429)
        assert msg.startswith("the service is busy: 1 jobs are running (service.max_concurrent); retry in ")
        assert int(busy.headers["retry-after"]) >= 1
        worker.join(120)
        assert first["r"].status_code == 200, first["r"].text
        again = httpx.post(srv.url + "/v1/summarise", json={"text": text, "lang": "fr", "target": "none"}, timeout=120)
        assert again.status_code == 200  # the slot is free again
    finally:
        srv.stop()


@needs_apertium
def test_request_over_the_time_budget_is_504_and_frees_its_slot(tmp_path):
    hung = slow_apertium(tmp_path, 60, then_real=False)
    srv = Server(tmp_path, {"service": {"max_concurrent": 1, "timeout_s": 3}, "apertium": {"binary": str(hung), "allow_custom_binary": True},
                            "engine": {"default": "offline"}})
    try:
        t0 = time.monotonic()
        resp = httpx.post(srv.url + "/v1/summarise", json={"text": EXAMPLE.read_text(encoding="utf-8"), "lang": "fr"},
                          timeout=120)
        assert _error(resp, 504) == "the request took longer than the service's time budget of 3 s (service.timeout_s)"
        assert time.monotonic() - t0 < 30
        deadline = time.monotonic() + 30  # Apertium is stopped within the budget, so the job ends
        while httpx.get(srv.url + "/v1/health").json()["running"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert httpx.get(srv.url + "/v1/health").json()["running"] == 0
        # the slot is free again: the next job is taken (not 429); on a very busy machine it may itself run late
        nxt = httpx.post(srv.url + "/v1/summarise", json={"text": "Une phrase courte.", "target": "none"}, timeout=60)
        assert nxt.status_code in (200, 504), nxt.text
    finally:
        srv.stop()


# -- access: API keys, CORS, hosts --------------------------------------------------------------------------

def test_api_keys(tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("# our newsroom tool\n" + hashlib.sha256(b"s3cret-key").hexdigest() + "\n", encoding="utf-8")
    srv = Server(tmp_path, {"service": {"api_keys_file": str(keys)}})
    body = {"text": "Une phrase courte.", "target": "none", "engine": "offline"}
    try:
        url = srv.url + "/v1/summarise"
        assert "missing or wrong API key" in _error(httpx.post(url, json=body), 401)
        assert "missing or wrong API key" in _error(httpx.post(url, json=body, headers={"x-api-key": "guess"}), 401)
        assert httpx.post(url, json=body, headers={"authorization": "Bearer s3cret-key"}).status_code == 200
        assert httpx.post(url, json=body, headers={"x-api-key": "s3cret-key"}).status_code == 200
        assert httpx.get(srv.url + "/v1/info").json()["limits"]["api_key_required"] is True
        assert httpx.get(srv.url + "/v1/health").status_code == 200
        named = httpx.post(url, json=body, headers={"x-api-key": "s3cret-key", "host": "briefsum.example"})
        assert named.status_code == 200  # with keys, a proxy may forward any host name
    finally:
        srv.stop()


def test_cors_is_off_by_default_and_follows_the_config(small_server, tmp_path):
    origin = {"origin": "https://newsroom.example"}
    plain = httpx.get(small_server.url + "/v1/health", headers=origin)
    assert "access-control-allow-origin" not in plain.headers
    srv = Server(tmp_path, {"service": {"cors_origins": ["https://newsroom.example"]}})
    try:
        allowed = httpx.get(srv.url + "/v1/health", headers=origin)
        assert allowed.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = httpx.get(srv.url + "/v1/health", headers={"origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
    finally:
        srv.stop()


def test_serve_refuses_an_open_host_without_keys_and_a_bad_config(tmp_path):
    refused = _cli("serve", "--host", "0.0.0.0", "--port", "0", "--no-warm")
    assert refused.returncode == 2
    assert refused.stderr == ("briefsum serve: refusing to serve on 0.0.0.0 without API keys: set "
                              "service.api_keys_file in a config, or pass --allow-no-keys\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("service: {max_concurrent: 0}\n", encoding="utf-8")
    out = _cli("serve", "--config", str(bad), "--port", "0")
    assert out.returncode == 2
    assert out.stderr == "briefsum serve: config: service.max_concurrent must be a positive integer, got 0\n"
    bad.write_text("service: {api_keys_file: keys.txt}\n", encoding="utf-8")
    (tmp_path / "keys.txt").write_text("not-a-hash\n", encoding="utf-8")
    out = _cli("serve", "--config", str(bad), "--port", "0")
    assert out.returncode == 2 and "keys.txt, line 1: not a SHA-256 hash" in out.stderr
    assert "usage: briefsum serve" in _cli("serve", "--help").stdout


def test_serve_help_stays_cheap():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefsum", "serve", "--help"],
                          capture_output=True, text=True, timeout=60, cwd=str(REPO))
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "briefsum" in imported and not imported & {"starlette", "uvicorn", "torch", "transformers"}


def test_briefsum_help_names_serve_and_imports_no_web_stack():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefsum", "--help"],
                          capture_output=True, text=True, timeout=60, cwd=str(REPO))
    assert proc.returncode == 0 and "'briefsum serve' runs the REST service" in " ".join(proc.stdout.split())
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "briefsum" in imported and not imported & {"starlette", "uvicorn", "anyio", "multipart"}
