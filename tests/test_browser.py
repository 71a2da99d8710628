"""A researcher's session in headless Chromium against ``kartoteka serve``.

Needs Debian's Chromium at /usr/bin/chromium (or $KARTOTEKA_CHROMIUM). Without it the
tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KARTOTEKA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_index):
    """``kartoteka serve`` on a free local port, stopped after the module."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from indexer.cli import cli; cli()", "serve",
         "--index", str(sample_index), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"kartoteka serve did not start: {process.stdout.read().decode()}")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


def total(page) -> int:
    return int(page.locator(".summary .total").get_attribute("data-total"))


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_in_russian_filter_by_region_and_remove_the_chip(server, page):
    page.goto(server)
    page.fill("input[name=q]", "Кыргызстан")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("li.hit")
    everything = total(page)
    assert everything == page.locator("li.hit").count() > 1
    assert page.locator("li.hit .snippet mark").count() > 0
    shot(page, "search-kyrgyzstan")

    tajikistan = page.locator('#facet-region a.value[data-value="tajikistan"]')
    expected = int(tajikistan.locator(".count").inner_text())
    assert 0 < expected < everything
    tajikistan.click()
    page.wait_for_url("**region=tajikistan**")
    assert total(page) == expected
    assert page.locator(".chips a.chip").count() == 1
    assert "Tajikistan" in page.locator(".chips a.chip").inner_text()
    shot(page, "search-kyrgyzstan-tajikistan")

    page.locator(".chips a.chip").click()
    page.wait_for_load_state()
    assert "region=" not in page.url
    assert total(page) == everything

    page.go_back()
    page.wait_for_url("**region=tajikistan**")
    assert total(page) == expected


def test_follow_a_hit_to_the_article_and_its_translation(server, page):
    page.goto(server + "?q=Issyk-Kul&lang=en")
    title = page.locator("li.hit h2 a").first.inner_text()
    page.locator("li.hit h2 a").first.click()
    page.wait_for_selector("article h1")
    assert page.locator("article h1").inner_text() == title
    assert page.locator(".body mark").count() > 0
    shot(page, "article")
    page.locator(".translation a").click()
    page.wait_for_selector("article[lang=ru]")
    page.locator(".back a").click()
    page.wait_for_selector("li.hit")
    assert "q=Issyk-Kul" in page.url


def test_download_the_csv_of_all_hits(server, page):
    page.goto(server + "?lang=ru&per_page=5")
    expected = total(page)
    with page.expect_download() as download_info:
        page.locator(".export a", has_text="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("kartoteka-all-")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert len(rows) == expected > 5
    assert {row["lang"] for row in rows} == {"ru"}


def test_year_bar_click_and_russian_interface(server, page):
    page.goto(server + "?ui=ru")
    bar = page.locator("#facet-year a.bar:not(.zero)").first
    year = bar.get_attribute("data-year")
    bar.click()
    page.wait_for_url(f"**from={year}&to={year}**")
    dates = page.locator("li.hit .date").all_inner_texts()
    assert dates and all(d.endswith(year) for d in dates)
    assert page.locator("#facet-region h3").inner_text().upper() == "РЕГИОН"
    shot(page, "year-filter-ru")
