"""The timeline as a researcher reads it: a period without articles has no share
(JSON null, an empty CSV cell, "—" on the command line, a gap in the chart); the
chart has axis titles, and lines only where they mean something; more than five
queries is an error everywhere, answered 400 like a bad search."""

from __future__ import annotations


import pytest
from bs4 import BeautifulSoup

from indexer.search.service import SearchRequest
from webapp import create_app
from webapp.chart import line_chart
from webapp.i18n import error_message

from conftest import exported_csv

SIX = ["a1", "b1", "c1", "d1", "e1", "f1"]


@pytest.fixture(scope="module")
def client(sample_index):
    app = create_app({"INDEX_DIR": str(sample_index), "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def empty_month(sample_service):
    """A month inside the sample corpus's span that has no article at all."""
    data = sample_service.timeline(["выборы"], SearchRequest(), by="month")
    return next(p["period"] for p in data["series"][0]["points"] if not p["total"])


def test_a_period_without_articles_has_no_share_but_its_zero_count(sample_service,
                                                                    empty_month):
    data = sample_service.timeline(["выборы"], SearchRequest(), by="month")
    points = {p["period"]: p for p in data["series"][0]["points"]}
    assert points[empty_month] == {"period": empty_month, "count": 0, "total": 0,
                                   "share": None}
    # A month with articles but none found keeps its share of 0.
    assert any(p["share"] == 0 for p in points.values() if p["total"])


def test_the_api_and_the_csv_leave_an_empty_periods_share_blank(client, empty_month):
    data = client.get("/api/timeline?q=выборы&by=month").get_json()
    point = next(p for p in data["series"][0]["points"] if p["period"] == empty_month)
    assert point["share"] is None and point["total"] == 0
    response = client.get("/export.timeline.csv?q=выборы&by=month")
    _, rows = exported_csv(response.data)
    row = next(r for r in rows if r["period"] == empty_month)
    assert row == {"query": "выборы", "lang": "", "period": empty_month, "count": "0",
                   "total": "0", "share": ""}
    assert all(r["share"] for r in rows if r["total"] != "0")


def test_the_command_line_prints_a_dash_for_an_empty_period(sample_index, empty_month):
    from click.testing import CliRunner

    from indexer.cli.main import cli

    runner = CliRunner()
    table = runner.invoke(cli, ["timeline", "выборы", "--by", "month", "--share",
                                "--index", str(sample_index)])
    assert table.exit_code == 0, table.output
    lines = {line.split()[0]: line.split()[1:] for line in table.output.splitlines()[1:-1]}
    assert lines[empty_month] == ["—"]
    counted = next(cells for cells in lines.values() if cells != ["—"])
    assert counted[1] == "/" and counted[3] == "=" and counted[4].endswith("%")  # 0 / 1 = 0.0%
    as_csv = runner.invoke(cli, ["timeline", "выборы", "--by", "month", "--csv",
                                 "--index", str(sample_index)])
    _, rows = exported_csv(as_csv.output)
    assert ["выборы", "", empty_month, "0", "0", ""] in [list(row.values()) for row in rows]


def test_six_queries_are_refused_on_every_surface(client, sample_index):
    from click.testing import CliRunner

    from indexer.cli.main import cli

    args = "&".join(f"q={q}" for q in SIX)
    api = client.get(f"/api/timeline?{args}")
    assert api.status_code == 400
    assert api.get_json()["error"] == "compare 1 to 5 queries at once, not 6"
    assert client.get(f"/export.timeline.csv?{args}").status_code == 400
    page = client.get(f"/timeline?{args}&ui=ru")
    assert page.status_code == 400
    soup = BeautifulSoup(page.data, "lxml")
    assert soup.select_one("p.error").get_text() == ("сравнивать можно от 1 до 5 запросов "
                                                     "сразу, а не 6")
    # The sixth query stays in the form, so the user sees what to remove.
    assert [i["value"] for i in soup.select(".timeline-form input[name=q]")] == SIX
    assert not soup.select("svg")
    cli_run = CliRunner().invoke(cli, ["timeline", *SIX, "--index", str(sample_index)])
    assert cli_run.exit_code == 2 and "not 6" in cli_run.output


@pytest.mark.parametrize("args", ["q=выборы&by=week", "q=выборы&norm=x", 'q="выборы',
                                  "q=выборы&split=x"])
def test_the_page_answers_a_bad_request_400_like_the_search(client, args):
    page = client.get(f"/timeline?{args}")
    assert page.status_code == 400
    assert BeautifulSoup(page.data, "lxml").select_one("p.error").get_text()
    assert client.get(f"/api/timeline?{args}").status_code == 400


def test_the_russian_message_for_too_many_queries():
    assert error_message("compare 1 to 5 queries at once, not 7", "ru") == (
        "сравнивать можно от 1 до 5 запросов сразу, а не 7")


def _drawings(html: str) -> dict:
    soup = BeautifulSoup(html, "lxml")
    return {svg["data-layout"]: svg for svg in soup.select("svg.timeline-chart")}


def test_the_chart_has_axis_titles_in_both_drawings(client):
    page = client.get("/timeline?q=выборы&by=month&norm=share").data.decode()
    drawings = _drawings(page)
    assert set(drawings) == {"wide", "narrow"}
    for svg in drawings.values():
        assert svg.select_one(".x-title").get_text() == "Month"
        assert svg.select_one(".y-title").get_text() == "Share of all the period's articles"
    ru = _drawings(client.get("/timeline?q=выборы&ui=ru").data.decode())
    assert ru["wide"].select_one(".x-title").get_text() == "Год"
    assert ru["wide"].select_one(".y-title").get_text() == "Найдено статей"


def test_the_data_table_shows_count_total_and_share_and_a_dash_for_an_empty_period(
        client, empty_month):
    soup = BeautifulSoup(client.get("/timeline?q=выборы&by=month").data, "lxml")
    rows = {tr.th.get_text(): tr for tr in soup.select(".data-table tbody tr")}
    empty = rows[empty_month]
    assert "empty" in empty["class"]
    assert [td.get_text() for td in empty.select("td")] == ["0", "0", "—"]
    filled = next(tr for tr in rows.values() if "empty" not in tr.get("class", []))
    count, total, share = (td.get_text() for td in filled.select("td"))
    assert int(total) > 0 and share.endswith("%")
    caption = soup.select_one("figure.timeline figcaption").get_text()
    assert "Periods without any article" in caption


def _series(*values):
    """One series over consecutive years; ``None`` is a year without any article."""
    return [{"query": "q", "points": [
        {"period": str(2000 + i), "count": v or 0, "total": 0 if v is None else 4,
         "share": None if v is None else v / 4} for i, v in enumerate(values)]}]


def _chart(series, share=False):
    return _drawings(line_chart(series, share, lambda e, p: f"/?p={p}", lambda e, p: "",
                                lambda e: e["query"], "chart", ("Year", "Articles")))


@pytest.mark.parametrize("share", [False, True])
def test_no_line_crosses_an_empty_period_and_it_has_no_point(share):
    values = (1, 2, 3, None, 2, 1, 3, 2)
    for svg in _chart(_series(*values), share).values():
        moves = svg.select_one("path.series")["d"].split()
        # A new stroke starts after the gap: two runs, 3 points and 4 points.
        assert [m[0] for m in moves] == ["M", "L", "L", "M", "L", "L", "L"]
        periods = [a["data-period"] for a in svg.select("a.point")]
        assert periods == [str(2000 + i) for i, v in enumerate(values) if v is not None]


def test_a_sparse_series_is_drawn_as_points_not_a_zigzag():
    # By month: a few months with articles among many without.
    values = [None] * 40
    for i, v in ((0, 1), (1, 0), (7, 1), (8, 0), (20, 1), (33, 0)):
        values[i] = v
    for svg in _chart(_series(*values), share=True).values():
        assert not svg.select("path.series")
        assert len(svg.select("a.point circle")) == 6


def test_the_narrow_drawing_is_sized_for_a_phone():
    drawings = _chart(_series(*range(1, 30)))
    wide, narrow = (int(drawings[k]["viewbox"].split()[2]) for k in ("wide", "narrow"))
    assert narrow <= 400 < wide
    assert len(drawings["narrow"].select(".x-label")) <= 4
