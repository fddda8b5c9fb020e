"""The web page in a real headless Chromium (Debian's chromium + chromium-driver, driven by selenium).

Set BRIEFSUM_SCREENSHOT=PATH to also save a screenshot of the page with the example article's result.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

import pytest

httpx = pytest.importorskip("httpx", reason="the test extra (httpx) is not installed")
pytest.importorskip("starlette", reason="the serve extra is not installed")
webdriver = pytest.importorskip("selenium.webdriver", reason="the test extra (selenium) is not installed")

from conftest import EXAMPLE, needs_apertium  # noqa: E402
from service_helpers import Server  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                reason="Debian's chromium and chromium-driver are not installed "
                                       "(apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("browser"), {"engine": {"default": "offline"}}, warm=True)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="briefsum-chromium-")
    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1000"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _wait(drv, condition, timeout=180):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(drv, timeout, poll_frequency=0.2).until(condition)


def _submit(drv, server, text=None, file=None, target="en", keep_page=False):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    if not keep_page:
        drv.get(server.url + "/")
        _wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=grade]"), 30)
    if text is not None:  # what pasting does: the text box holds the article
        drv.execute_script("document.getElementById('text').value = arguments[0];", text)
    if file is not None:
        drv.find_element(By.ID, "file").send_keys(str(file))
    Select(drv.find_element(By.ID, "target")).select_by_value(target)
    drv.find_element(By.ID, "go").click()
    _wait(drv, lambda d: d.find_element(By.ID, "status").text.startswith(("Done", "Error")))
    return drv.find_element(By.ID, "status").text


def _chosen(drv, cls="chosen"):
    from selenium.webdriver.common.by import By

    return [int(e.get_attribute("data-index")) for e in drv.find_elements(By.CSS_SELECTOR, f".s.{cls}")]


@needs_apertium
def test_page_shows_every_grade_traced_to_its_sentences(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    text = EXAMPLE.read_text(encoding="utf-8")
    status = _submit(browser, server, text=text)
    assert status == "Done: 4 grades.", status
    expected = httpx.post(server.url + "/v1/summarise", json={"text": text, "engine": "offline", "trace": True},
                          timeout=300).json()
    tabs = browser.find_elements(By.CSS_SELECTOR, "[role=tab]")
    labels = [t.text.replace("\n", " ") for t in tabs]
    assert labels == [f"{n.capitalize()} {g['words']}/{g['max_words']} words" for n, g in expected["grades"].items()]
    # the article, sentence by sentence, with the headline's sentences highlighted
    shown = browser.find_elements(By.CSS_SELECTOR, "#article .s")
    assert len(shown) == expected["stats"]["sentences"]
    assert shown[0].text.endswith(expected["trace"]["sentences"][0]["text"])
    assert _chosen(browser) == expected["grades"]["headline"]["source_indices"]
    panel = browser.find_element(By.ID, "panel")
    assert expected["grades"]["headline"]["text"] in panel.text
    # another grade by click, then by keyboard
    tabs[2].click()
    assert _chosen(browser) == expected["grades"]["summary"]["source_indices"]
    assert tabs[2].get_attribute("aria-selected") == "true"
    tabs[2].send_keys(Keys.ARROW_LEFT)
    assert browser.switch_to.active_element.get_attribute("id") == "tab-brief"
    assert _chosen(browser) == expected["grades"]["brief"]["source_indices"]
    # a summary sentence leads to its source sentence
    pieces = browser.find_elements(By.CSS_SELECTOR, "#panel .piece")
    want = expected["trace"]["grades"]["brief"]
    assert [p.text for p in pieces] == [w["text"] for w in want]
    pieces[-1].click()
    assert _chosen(browser, "focus") == want[-1]["sources"]
    assert browser.switch_to.active_element.get_attribute("id") == f"s-{want[-1]['sources'][0]}"
    # warnings in plain words; the Markdown the page offers is the command line's
    warnings = browser.find_element(By.ID, "warnings")
    assert warnings.is_displayed() == bool(expected["warnings"])
    md = httpx.post(server.url + "/v1/summarise", json={"text": text, "engine": "offline", "format": "markdown"},
                    timeout=300).text
    assert browser.execute_script("return window.briefsumPage.markdown();") == md
    page_json = json.loads(browser.execute_script("return window.briefsumPage.json();"))
    assert page_json == {k: v for k, v in expected.items() if k != "trace"}
    assert not browser.find_element(By.ID, "key-row").is_displayed()  # no API keys on this server
    unlabelled = browser.execute_script(
        "return Array.from(document.querySelectorAll('input, select, textarea'))"
        ".filter(e => !e.labels || e.labels.length === 0).map(e => e.id || e.name);")
    assert unlabelled == []  # every control has a label
    browser.set_window_size(390, 844)  # a phone: one column, nothing wider than the screen
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")
    panel_box, article_box = panel.rect, browser.find_element(By.ID, "article").rect
    assert article_box["y"] > panel_box["y"] and abs(article_box["x"] - panel_box["x"]) < 5
    browser.set_window_size(1280, 1000)
    if os.environ.get("BRIEFSUM_SCREENSHOT"):
        browser.set_window_size(1280, 1400)
        browser.execute_script("document.getElementById('text').rows = 4; window.scrollTo(0, 0);")
        browser.save_screenshot(os.environ["BRIEFSUM_SCREENSHOT"])
        browser.set_window_size(1280, 1000)


def test_dropped_file_is_decoded_by_the_service_and_its_text_never_parsed_as_html(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    article = tmp_path / "article.html"
    article.write_text("<html><body><article><p>Le maire a présenté le budget de la ville jeudi. "
                       "Il prévoit <b>deux</b> nouvelles écoles.</p><p>Les travaux commenceront en mai. "
                       "&lt;img src=x id=pwn onerror=alert(1)&gt; Le conseil votera lundi.</p></article>"
                       "</body></html>", encoding="utf-8")
    status = _submit(browser, server, file=article, target="none")
    assert "article.html" in browser.find_element(By.ID, "file-note").text
    assert status == "Done: 4 grades."
    article_text = browser.find_element(By.ID, "article").text
    assert "Le maire a présenté le budget" in article_text and "<img src=x id=pwn" in article_text
    assert "<b>" not in article_text  # the page's article text, extracted by the service as the CLI does
    assert not browser.find_elements(By.ID, "pwn")  # shown as text, never parsed as HTML
    assert not browser.find_element(By.ID, "translation-sec").is_displayed()  # not asked for


@needs_apertium
def test_aligned_translation_when_asked(server, browser):
    from selenium.webdriver.common.by import By

    text = EXAMPLE.read_text(encoding="utf-8")
    browser.get(server.url + "/")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=grade]"), 30)
    browser.find_element(By.ID, "translation").click()
    status = _submit(browser, server, text=text, keep_page=True)
    assert status == "Done: 4 grades."
    expected = httpx.post(server.url + "/v1/summarise", timeout=300,
                          json={"text": text, "engine": "offline", "translation": True}).json()
    rows = browser.find_elements(By.CSS_SELECTOR, "#translation-list li")
    assert browser.find_element(By.ID, "translation-sec").is_displayed()
    assert len(rows) == len(expected["translation"]["sentences"]) == expected["stats"]["sentences"]
    first = expected["translation"]["sentences"][0]
    assert rows[0].text == first["target"] + "\n" + first["source"]


def test_errors_are_shown_as_one_line(server, browser):
    from selenium.webdriver.common.by import By

    status = _submit(browser, server, text="!!! ??? ...", target="none")
    assert status == "Error 422: input holds no words (only digits, punctuation or symbols)"
    assert browser.find_element(By.ID, "status").get_attribute("role") == "alert"
    assert not browser.find_element(By.ID, "result").is_displayed()
