"""One number everywhere: the invariants a researcher relies on when citing a count.

For random queries (words, phrases, OR, NOT, ``=form``, patterns), filters,
cross-language search on or off and each ``match`` mode, on the sample
corpus and the bilingual fixtures, and on both engines:

- the parts of ``counted`` add up to the total, and each mode's total is its part;
- the language facet adds up to the total (its selected values, with a
  language filter, as a facet ignores its own filter); the timeline's periods plus the
  undated articles do too; an export has one row per hit; a concordance
  reads every hit;
- every author of the facet, used as a filter, gives exactly its count, and so
  does every outlet (by its value, and by each of its names and hosts);
- no region count passes the total (without a region filter);
- the cluster gives the same numbers as the Whoosh engine.
"""

from __future__ import annotations

import dataclasses
import re
import shutil

import pytest
from conftest import ROOT, SAMPLE_CORPUS, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx_cluster import sphinx_cluster  # noqa: F401 (a fixture)

from indexer.engine.embedded.build import build_index
from indexer.errors import QueryError
from indexer.search.service import SearchRequest, SearchService

BILINGUAL = ROOT / "tests" / "fixtures" / "bilingual"
# Words typed by researchers of the region; the rest come from the corpora's titles.
TYPED = ["выборы", "выборах", "стали", "мэра", "election", "elections", "Kyrgyzstan",
         "Кыргызстан", "мигранты", "border", "граница"]
EXAMPLES = 40
# A few records of the region's outlets, each named another way: the outlet facet
# must count "Eurasianet", eurasianet.org and «Евразианет» as one.
OUTLET_RECORDS = [
    {"id": "o1", "lang": "en", "outlet": "Eurasianet", "title": "Kyrgyzstan border talks",
     "body": "Kyrgyzstan and Uzbekistan resumed border talks on Tuesday.", "date": "2019-04-02"},
    {"id": "o2", "lang": "en", "url": "https://www.eurasianet.org/kyrgyzstan-election",
     "title": "Kyrgyzstan election", "body": "Kyrgyzstan holds an election in the spring.",
     "date": "2020-10-01"},
    {"id": "o3", "lang": "ru", "outlet": "Азаттык", "title": "Выборы в Кыргызстане",
     "body": "В Кыргызстане прошли выборы мэра.", "date": "2021-04-11"},
    {"id": "o4", "lang": "ru", "url": "https://rus.azattyk.org/a/31000000.html",
     "title": "Мигранты и граница", "body": "Мигранты ждут на границе.", "date": "2022-01-20"},
    {"id": "o5", "lang": "en", "publisher": "Kloop", "title": "Border trade",
     "body": "Border trade in Kyrgyzstan grows.", "date": "2018-06-05"},
    {"id": "o6", "lang": "en", "url": "https://kloop.kg/2018/06/border",
     "title": "Border crossing", "body": "The border crossing reopened.", "date": "2018-06-07"},
]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """The sample corpus and the bilingual fixtures side by side, as one corpus."""
    folder = tmp_path_factory.mktemp("both")
    shutil.copytree(SAMPLE_CORPUS, folder / "sample")
    shutil.copytree(BILINGUAL, folder / "bilingual")
    write_jsonl(folder / "outlets.jsonl", OUTLET_RECORDS)
    return folder


@pytest.fixture(scope="module")
def whoosh_service(corpora, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("whoosh") / "index"
    build_index([corpora], index_dir, workers=1)
    service = SearchService(index_dir)
    yield service
    service.close()


@pytest.fixture(scope="module")
def cluster_service(corpora, sphinx_cluster):  # noqa: F811
    from indexer.engine.sphinx.generation import SphinxEngine

    engine = SphinxEngine()
    engine.build([corpora], sphinx_cluster.folder, batch=16)
    service = SearchService(sphinx_cluster.folder, engine=engine)
    yield service
    service.close()


@pytest.fixture(scope="module")
def words(whoosh_service) -> list[str]:
    titles = [row["title"] for row in whoosh_service.export(SearchRequest())[1]]
    found = {w for title in titles for w in re.findall(r"[^\W\d_]{4,}", title)}
    return TYPED + sorted(found)


def queries(words: list[str]):
    """Query texts of every kind the syntax has, from the corpora's words."""
    word = st.sampled_from(words)
    phrase = st.lists(word, min_size=2, max_size=2).map(lambda ws: '"' + " ".join(ws) + '"')
    exact = word.map(lambda w: "=" + w)
    prefix = word.map(lambda w: w[:4] + "*")
    atom = st.one_of(word, word, phrase, exact, prefix)
    return st.one_of(
        atom,
        st.tuples(atom, atom).map(" ".join),
        st.tuples(atom, atom).map(" OR ".join),
        st.tuples(atom, word).map(lambda p: f"{p[0]} NOT {p[1]}"),
    )


def requests(words: list[str]):
    return st.builds(
        SearchRequest,
        query=queries(words),
        regions=st.sampled_from([(), ("kyrgyzstan",), ("georgia", "central-asia")]),
        langs=st.sampled_from([(), ("ru",), ("en",)]),
        outlets=st.sampled_from([(), (), ("Eurasianet",), ("Азаттык", "kloop.kg")]),
        date_from=st.sampled_from([None, "2012", "2016-03"]),
        undated=st.booleans(),
        cross=st.booleans(),
        match=st.sampled_from(["all", "all", "typed", "readings", "translations"]),
        per_page=st.just(5),
    )


def check_invariants(service: SearchService, request: SearchRequest) -> dict:
    """Every invariant of the module docstring for one request; its numbers."""
    try:
        result = service.search(request)
    except QueryError:
        return {}
    total, counted, facets = result["total"], result["counted"], result["facets"]
    assert sum(counted.values()) == total and min(counted.values()) >= 0
    if request.match != "all":
        assert counted[request.match] == total
    else:  # each part, asked for alone, is the same number
        for kind, n in counted.items():
            assert service.search(dataclasses.replace(request, match=kind))["total"] == n, kind
    # A facet ignores its own filter (multi-select): its selected values add up.
    assert sum(e["count"] for e in facets["lang"]
               if not request.langs or e["value"] in request.langs) == total
    by_year = service.timeline([request.query], request, by="year")
    undated = 0  # undated articles are in the total unless a date range leaves them out
    if request.undated or not (request.date_from or request.date_to):
        alone = dataclasses.replace(request, date_from=None, date_to=None, undated=True)
        undated = service.search(alone)["total"]
    assert sum(p["count"] for p in by_year["series"][0]["points"]) + undated == total
    export_total, rows = service.export(request)
    assert export_total == len(list(rows)) == total
    assert service.concordance(request)["articles"] == total
    for entry in facets["region"]:
        if not request.regions or entry["value"] in request.regions:
            assert entry["count"] <= total
    for entry in facets["author"][:3]:
        narrowed = dataclasses.replace(request, authors=(entry["value"],))
        assert service.search(narrowed)["total"] == entry["count"], entry["value"]
    for entry in facets["outlet"]:
        narrowed = dataclasses.replace(request, outlets=(entry["value"],))
        assert service.search(narrowed)["total"] == entry["count"], entry["value"]
    return {"total": total, "counted": counted,
            "facets": {name: [(e["value"], e["count"]) for e in values]
                       for name, values in facets.items()}}


def test_the_invariants_hold_on_the_whoosh_engine(whoosh_service, words):
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(requests(words))
    def hold(request):
        check_invariants(whoosh_service, request)

    hold()


def test_the_invariants_hold_on_the_sample_corpus_alone(sample_service, words):
    @settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(requests(words))
    def hold(request):
        check_invariants(sample_service, request)

    hold()


def test_both_engines_give_the_same_numbers(whoosh_service, cluster_service, words):
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(requests(words))
    def agree(request):
        ours = check_invariants(whoosh_service, request)
        theirs = check_invariants(cluster_service, request)
        if ours and theirs:
            assert theirs == ours

    agree()


def test_an_ambiguous_word_counts_its_other_reading_apart(whoosh_service):
    """«выборы» is also read as «выбор» (a choice): the articles that hold only that
    reading are counted apart from those with the word as typed, and match=typed
    leaves them out of the total, the facets and the export alike."""
    everything = whoosh_service.search(SearchRequest("выборы", cross=False))
    typed = whoosh_service.search(SearchRequest("выборы", cross=False, match="typed"))
    assert everything["counted"]["readings"] > 0
    assert typed["total"] == everything["counted"]["typed"] < everything["total"]
    _, rows = whoosh_service.export(SearchRequest("выборы", cross=False, match="typed"))
    for row in rows:
        stored = whoosh_service.article(row["id"])
        assert re.search(r"\bвыбор(ы|ов|ам|ами|ах)\b", stored["title"] + " " + stored["body"],
                         re.IGNORECASE), row["id"]


def test_translations_are_counted_apart_and_can_be_left_out(whoosh_service):
    """An English word found in Russian articles only through its equivalents:
    those are the ``translations`` part, and match=typed keeps one language."""
    result = whoosh_service.search(SearchRequest("election"))
    assert result["counted"]["translations"] > 0
    only = whoosh_service.search(SearchRequest("election", match="translations"))
    assert only["total"] == result["counted"]["translations"]
    assert {e["value"] for e in only["facets"]["lang"] if e["count"]} == {"ru"}
    typed = whoosh_service.search(SearchRequest("election", match="typed"))
    assert {e["value"] for e in typed["facets"]["lang"] if e["count"]} == {"en"}


def test_the_page_shows_the_parts_and_each_narrows_to_its_number(client):
    from conftest import page_of

    soup = page_of(client, "/?q=выборы")
    parts = soup.select(".counted a.counted-part")
    assert {a["data-kind"] for a in parts} >= {"typed", "readings"}
    assert sum(int(a["data-count"]) for a in parts) == int(soup.select_one(".total")["data-total"])
    assert "выбор" in soup.select_one('.counted a[data-kind="readings"]').get_text()
    for part in parts:
        narrowed = page_of(client, "/" + part["href"])
        assert int(narrowed.select_one(".total")["data-total"]) == int(part["data-count"])
        assert narrowed.select_one(".counted")["data-match"] == part["data-kind"]
        assert narrowed.select_one(".counted a.counted-all")  # and the way back


def test_an_unknown_match_is_a_clear_error_not_a_500(client):
    response = client.get("/api/search?q=выборы&match=some")
    assert response.status_code == 400
    assert "typed" in response.get_json()["error"]


def test_the_cli_prints_what_it_counted(sample_index):
    import json

    from click.testing import CliRunner

    from indexer.cli.main import cli

    runner = CliRunner()
    index = ["--index", str(sample_index)]
    data = json.loads(runner.invoke(cli, ["search", "выборы", "--json", *index]).output)
    printed = runner.invoke(cli, ["search", "выборы", *index]).output
    line = next(line for line in printed.splitlines() if line.startswith("counted:"))
    assert f"{data['counted']['typed']} as typed" in line
    assert f"{data['counted']['readings']} only as other readings (выбор)" in line
    typed = runner.invoke(cli, ["search", "выборы", "--typed", "--json", *index])
    assert json.loads(typed.output)["total"] == data["counted"]["typed"]
    clash = runner.invoke(cli, ["search", "выборы", "--typed", "--match", "all", *index])
    assert clash.exit_code == 2 and "give one" in clash.output


def test_the_tools_count_the_words_as_typed_and_offer_the_rest(client, sample_service):
    """The concordance and the timeline count the words as typed unless asked, say
    so, and link to the count with every reading and translation."""
    from conftest import page_of

    typed = sample_service.search(SearchRequest("выборы", match="typed"))["total"]
    everything = sample_service.search(SearchRequest("выборы"))["total"]
    assert typed < everything
    kwic = page_of(client, "/kwic?q=выборы")
    assert kwic.select_one(".match-mode")["data-match"] == "typed"
    switched = page_of(client, "/kwic" + kwic.select_one(".match-mode a.match-switch")["href"])
    assert switched.select_one(".match-mode")["data-match"] == "all"
    api = client.get("/api/timeline?q=выборы").get_json()
    assert api["match"] == "typed"
    undated = sample_service.search(SearchRequest("выборы", match="typed", undated=True))["total"]
    assert sum(p["count"] for p in api["series"][0]["points"]) + undated == typed
    api_all = client.get("/api/timeline?q=выборы&match=all").get_json()
    undated = sample_service.search(SearchRequest("выборы", undated=True))["total"]
    assert sum(p["count"] for p in api_all["series"][0]["points"]) + undated == everything
    page = page_of(client, "/timeline?q=выборы")
    assert page.select_one(".match-mode")["data-match"] == "typed"
