"""The researcher's tools in headless Chromium: the timeline chart and the concordance.

Uses the server, browser and page fixtures of test_browser.py (the sample corpus).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from test_browser import browser, page, server, shot  # noqa: F401  (fixtures)


def test_compare_two_queries_by_month_as_shares(server, page):  # noqa: F811
    page.goto(server + "timeline")
    inputs = page.locator(".timeline-form input[name=q]")
    inputs.nth(0).fill("выборы")
    inputs.nth(1).fill("trade")
    page.select_option("select[name=by]", "month")
    page.select_option("select[name=norm]", "share")
    page.click(".timeline-form button[type=submit]")
    chart = page.locator("svg.timeline-chart[data-layout=wide]")
    chart.wait_for()
    assert not page.locator("svg.timeline-chart[data-layout=narrow]").is_visible()
    # Few months hold articles: points alone, no line zigzagging between 0 and 100 %.
    assert chart.locator("path.series").count() == 0
    assert chart.locator("a.point").count() > 2
    legend = page.locator("ul.legend li").all_inner_texts()
    assert legend == ["выборы", "trade"]
    # The y axis is in percent, the x axis in months, each with its title.
    assert chart.locator(".y-tick").last.text_content().endswith("%")
    assert "-" in chart.locator(".x-label").first.text_content()
    assert chart.locator(".x-title").text_content() == "Month"
    assert chart.locator(".y-title").text_content() == "Share of all the period's articles"
    # A point with articles says its values on hover and links to them.
    titles = chart.locator("a.point[data-series='0'] title").all_text_contents()
    hits = [p for p in titles if not p.split(": ")[1].startswith("0 ")]
    assert hits, "some month has articles on выборы"
    shot(page, "timeline-two-queries-by-month-share")
    month = hits[0].split(" — ")[1].split(":")[0]
    chart.locator(f"a.point[data-series='0'][data-period='{month}']").click()
    page.wait_for_selector("li.hit")
    args = parse_qs(urlsplit(page.url).query)
    assert args["q"] == ["выборы"] and args["from"] == [month] and args["to"] == [month]


RENDERED_FONT_PX = """svg => [...svg.querySelectorAll('text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a)"""


def test_on_a_phone_the_timelines_labels_are_legible(server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "timeline?q=выборы&q=trade&by=month&norm=share")
    chart = page.locator("svg.timeline-chart[data-layout=narrow]")
    assert chart.is_visible()
    assert not page.locator("svg.timeline-chart[data-layout=wide]").is_visible()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    sizes = chart.evaluate(RENDERED_FONT_PX)
    assert len(sizes) > 8 and min(sizes) >= 10, sizes
    # The labels do not run into each other.
    labels = [chart.locator(".x-label").nth(i).bounding_box()
              for i in range(chart.locator(".x-label").count())]
    assert all(a["x"] + a["width"] < b["x"] for a, b in zip(labels, labels[1:]))
    shot(page, "timeline-phone")
    context.close()


def test_the_concordance_lists_every_occurrence_and_sorts_by_neighbours(server, page):  # noqa: F811
    page.goto(server + "kwic?q=выборы&ui=ru")
    rows = page.locator("table.kwic tbody tr")
    assert rows.count() > 3
    matches = page.locator("table.kwic td.match").all_inner_texts()
    assert any(m.lower() != "выборы" for m in matches)  # inflected forms, as written
    page.click("a.order-right")
    page.wait_for_url("**order=right**")
    rights = [r.split() for r in page.locator("table.kwic td.right").all_inner_texts()]
    firsts = [words[0].casefold() for words in rights if words]
    assert firsts == sorted(firsts)
    shot(page, "concordance-ru")


def test_on_a_phone_the_whole_match_and_the_link_to_its_article_stay_in_view(server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + 'kwic?q="на выборах мэра" OR выборы&ui=ru')
    marks = page.locator("table.kwic td.match mark")
    assert marks.count() > 3
    assert "на выборах мэра" in marks.all_inner_texts()
    for i in range(marks.count()):
        mark = marks.nth(i)
        box = mark.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, mark.inner_text()
        # Not cut by its cell: all of its text is drawn.
        assert mark.evaluate("m => m.closest('td').scrollWidth <= m.closest('td').clientWidth")
    link = page.locator("table.kwic a.article-link").first
    assert link.is_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(page, "concordance-phone")
    link.click()
    page.wait_for_selector("article mark, main mark")
    assert "q=" in page.url
    context.close()
