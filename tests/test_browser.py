"""A researcher's session in headless Chromium against ``kartoteka serve``.

Needs Debian's Chromium at /usr/bin/chromium (or $KARTOTEKA_CHROMIUM). Without it the
tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import exported_csv

CHROMIUM = os.environ.get("KARTOTEKA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_index):
    """``kartoteka serve`` on the sample corpus, stopped after the module."""
    yield from _serve(sample_index)


@pytest.fixture(scope="module")
def bilingual_server(tmp_path_factory):
    """``kartoteka serve`` on the bilingual test corpus (names, copies, ambiguous words)."""
    from indexer import build_index

    index_dir = tmp_path_factory.mktemp("bilingual") / "ix"
    build_index([Path(__file__).parent / "fixtures" / "bilingual"], index_dir, workers=1)
    yield from _serve(index_dir)


def _serve(index_dir):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from indexer.cli import cli; cli()", "serve",
         "--index", str(index_dir), "--port", str(port)],
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
    page.press("input[type=search][name=q]", "Enter")
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
    rows = exported_csv(Path(download.path()).read_bytes())[1]
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


def test_cross_language_search_says_what_it_added_and_switches_off(server, page):
    page.goto(server)
    page.fill("input[type=search][name=q]", "Kirghizia")
    page.press("input[type=search][name=q]", "Enter")
    page.wait_for_selector("li.hit")
    expansion = page.locator(".expansions .expansion").first
    assert "Кыргызстан" in expansion.inner_text() and "region names" in expansion.inner_text()
    assert set(page.locator("li.hit .badge").all_inner_texts()) == {"EN", "RU"}
    shot(page, "cross-language-on")
    page.click("a.cross-off")
    page.wait_for_url("**cross=0**")
    assert page.locator(".expansions .expansion").count() == 0
    assert page.locator("li.hit").count() == 0
    assert page.locator(".expansions a.cross-on").is_visible()


def test_an_ambiguous_word_shows_its_readings_and_offers_the_exact_form(server, page):
    page.goto(server + "?q=выборы&ui=ru")
    readings = page.locator("p.readings")
    assert "выборы, выбор" in readings.inner_text()
    shot(page, "readings-ru")
    everything = total(page)
    readings.locator("a.exact-form").click()
    page.wait_for_url("**q=%3D%D0%B2**")
    assert 0 < total(page) < everything
    assert page.locator("input[type=search][name=q]").input_value() == "=выборы"


def test_copies_are_one_hit_and_names_cross_scripts(bilingual_server, page):
    page.goto(bilingual_server + "?q=Naryn+shepherds")
    assert page.locator("li.hit").count() == 1
    copies = page.locator("li.hit p.copies")
    assert "naryn-shepherds/amp" in copies.inner_text()
    shot(page, "copies")
    page.locator("li.hit h2 a").click()
    page.wait_for_selector("dd.copies")
    assert page.locator("dd.copies li").count() == 2
    page.goto(bilingual_server + "?q=Tokayev")
    assert {"EN", "RU"} == set(page.locator("li.hit .badge").all_inner_texts())
    assert "Токаев" in page.locator(".expansions").inner_text()
    shot(page, "names-across-scripts")


def test_a_facets_more_view_filters_and_sorts_and_toggles_back_into_the_search(server, page):
    page.goto(server + "?q=election")
    page.locator("#facet-author .all-values a").click()
    page.wait_for_url("**/facet/author?q=election**")
    everything = page.locator("ul.values a.value").count()
    page.fill("form.find-values input[name=find]", "OSMON")
    page.press("form.find-values input[name=find]", "Enter")
    page.wait_for_url("**find=OSMON**")
    labels = page.locator("ul.values a.value .label").all_inner_texts()
    assert labels and len(labels) < everything and all("osmon" in x.casefold() for x in labels)
    page.fill("form.find-values input[name=find]", "")
    page.press("form.find-values input[name=find]", "Enter")
    page.locator('.listing a[data-order="az"]').click()
    page.wait_for_url("**order=az**")
    labels = page.locator("ul.values a.value .label").all_inner_texts()
    assert len(labels) == everything and labels == sorted(labels, key=str.casefold)
    shot(page, "facet-more-authors")
    chosen = page.locator("ul.values a.value:not(.zero)").first
    name, expected = chosen.get_attribute("data-value"), int(chosen.locator(".count").inner_text())
    chosen.click()
    page.wait_for_selector("li.hit")
    assert "q=election" in page.url and "author=" in page.url and total(page) == expected
    assert page.locator(f'#facet-author a.value.selected[data-value="{name}"]').count() == 1


def test_phone_layout_puts_the_first_hit_in_view_and_folds_the_facets(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "?q=Кыргызстан")
    first = page.locator("li.hit").first.bounding_box()
    assert first["y"] >= 0 and first["y"] + first["height"] <= 844
    assert not page.locator("#facet-author").is_visible()
    filters = page.locator("details.filters > summary")
    assert filters.is_visible() and filters.bounding_box()["y"] < first["y"]
    shot(page, "phone-results")
    page.screenshot(path=str(ARTIFACTS / "phone-first-screen.png"))  # what a phone shows at once
    filters.click()
    assert page.locator("#facet-author").is_visible()
    assert page.locator("#facet-region details.more").count() == 1
    page.goto(server + "facet/region?q=Кыргызстан&ui=ru")
    assert page.locator("ul.values a.value").count() == 25
    shot(page, "phone-facet-more-ru")
    context.close()


def test_desktop_layout_keeps_author_language_and_year_above_the_fold(server, page):
    page.goto(server + "?q=Кыргызстан")
    assert not page.locator("details.filters > summary").is_visible()
    for facet in ("author", "lang", "year"):
        heading = page.locator(f"#facet-{facet} h3")
        assert heading.is_visible() and heading.bounding_box()["y"] < 900, facet
    assert not page.locator('#facet-region a.value[data-value="armenia"]').is_visible()
    page.locator("#facet-region details.more summary").click()
    assert page.locator('#facet-region a.value[data-value="armenia"]').is_visible()
    page.locator("#facet-region details.more summary").click()
    shot(page, "desktop-results")
    hits = total(page)
    page.locator("li.hit h2 a").nth(1).click()
    page.wait_for_selector("nav.hit-nav")
    assert page.locator("nav.hit-nav .position").inner_text() == f"2 of {hits}"
    page.locator('nav.hit-nav a[rel="next"]').click()
    page.wait_for_url("**hit=3**")
    assert page.locator("nav.hit-nav .position").inner_text() == f"3 of {hits}"
    shot(page, "article-hit-nav")


def test_the_total_says_what_it_counted_and_each_part_narrows_to_it(server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "?q=выборы&ui=ru")
    parts = page.locator("p.counted a.counted-part")
    assert parts.count() >= 2 and parts.first.is_visible()
    counts = [int(parts.nth(i).get_attribute("data-count")) for i in range(parts.count())]
    assert sum(counts) == total(page)
    shot(page, "counted-ru-phone")
    readings = page.locator('p.counted a[data-kind="readings"]')
    expected = int(readings.get_attribute("data-count"))
    readings.click()
    page.wait_for_url("**match=readings**")
    assert total(page) == expected == page.locator("li.hit").count()
    page.locator("p.counted a.counted-all").click()
    page.wait_for_load_state()
    assert "match=" not in page.url and total(page) == sum(counts)
