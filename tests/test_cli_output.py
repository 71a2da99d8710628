"""What ``kartoteka search`` prints for people: every facet value with hits (or
how many are left out), region names, the query echoed once, and the pages."""

import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.cli.main import cli
from indexer.text.regions import region_label

QUERIES = ["выборы", "", "Кыргызстан", "election", '"на выборах мэра"', "экспорт OR export"]


def run(index, *args):
    result = CliRunner().invoke(cli, ["search", *args, "--index", str(index)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def as_json(index, *args):
    return json.loads(run(index, *args, "--json"))


def facet_line(output, name):
    """The printed line of a facet: its values as {label: count}, and the "… N more"."""
    line = next(line for line in output.splitlines() if line.startswith(f"{name:>12}: "))
    values, _, more = line[14:].partition(" … ")
    pairs = [value.rsplit(" ", 1) for value in values.split(", ")]
    left = int(re.fullmatch(r"(\d+) more", more).group(1)) if more else 0
    return {label: int(count) for label, count in pairs}, left


@pytest.mark.parametrize("query", QUERIES)
def test_every_year_with_hits_is_printed(sample_index, query):
    years = as_json(sample_index, query)["facets"]["year"]
    printed, left = facet_line(run(sample_index, query), "year")
    assert printed == {e["label"]: e["count"] for e in years if e["count"]} and left == 0
    assert sum(printed.values()) == as_json(sample_index, query)["total"]


@pytest.mark.parametrize("query", QUERIES)
def test_other_facets_say_how_many_values_they_leave_out(sample_index, query):
    answer, output = as_json(sample_index, query), run(sample_index, query)
    for name in ("region", "region_group", "author", "lang", "topic"):
        with_hits = [e for e in answer["facets"][name] if e["count"]]
        printed, left = facet_line(output, name)
        assert len(printed) + left == len(with_hits), name
        assert all(answer_count == printed[label] for label, answer_count in
                   ((e["label"], e["count"]) for e in with_hits) if label in printed)


def test_hits_name_their_regions_not_slugs(sample_index):
    answer = as_json(sample_index, "", "--limit", "100")
    output = run(sample_index, "", "--limit", "100")
    blocks = {block.splitlines()[-1].removeprefix("     id: "): block
              for block in output.split("\n\n")[1:-1]}
    with_regions = [hit for hit in answer["hits"] if hit["regions"]]
    assert any("-" in slug for hit in with_regions for slug in hit["regions"])  # united-kingdom
    for hit in with_regions:
        meta = blocks[hit["id"]].splitlines()[1].strip()
        assert meta.endswith(" · " + ", ".join(region_label(r) for r in hit["regions"])), meta


@pytest.mark.parametrize("query, echoed", [
    ('"на выборах мэра"', 'for "на выборах мэра" —'),
    ("выборы", 'for "выборы" —'),
    ('выборы "мэра Оша" OR election', 'for выборы "мэра Оша" OR election —'),
])
def test_the_query_is_echoed_once_as_typed(sample_index, query, echoed):
    heading = run(sample_index, query).splitlines()[0]
    assert echoed in heading and '""' not in heading


def test_a_page_past_the_end_names_it_and_the_last_page(sample_index):
    total = as_json(sample_index, "выборы")["total"]
    pages = -(-total // 3)
    heading = run(sample_index, "выборы", "--limit", "3", "--page", "99").splitlines()[0]
    assert heading.startswith(f"{total} articles for")
    assert f"page 99 is past the end: there are {pages} pages (the last: --page {pages})" in heading
    last = run(sample_index, "выборы", "--limit", "3", "--page", str(pages))
    assert f"page {pages} of {pages}" in last.splitlines()[0]
    assert f"{total:>3}. " in last  # the last hit is on the page named


def test_no_hits_print_no_page_numbers(sample_index):
    heading = run(sample_index, "zzzyxq", "--page", "2").splitlines()[0]
    assert heading == '0 articles for "zzzyxq"'


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=st.integers(1, 40), limit=st.integers(1, 15), query=st.sampled_from(QUERIES))
def test_no_page_past_the_count_is_printed_and_the_last_named_has_hits(sample_index, page, limit,
                                                                       query):
    heading = run(sample_index, query, "--page", str(page), "--limit", str(limit)).splitlines()[0]
    shown = re.search(r"page (\d+) of (\d+)", heading)
    assert shown is None or int(shown[1]) <= int(shown[2])
    past = re.search(r"page (\d+) is past the end: .* \(the last: --page (\d+)\)", heading)
    if past:
        assert int(past[1]) == page > int(past[2])
        assert as_json(sample_index, query, "--page", past[2], "--limit", str(limit))["hits"]
