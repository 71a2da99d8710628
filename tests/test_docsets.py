"""Docsets and the query evaluator agree with Whoosh, and rank exactly."""

import pytest

from indexer.engine.embedded.docsets import DENSE_FRACTION, TEXT_FIELDS, bits_from_ids, ids_of
from indexer import SearchService, current_generation
from indexer.engine.embedded.settings import EngineSettings
from indexer.engine.embedded.generation import WhooshDocsetsEngine
from indexer.search.service import SearchRequest

from reference import reference_index

QUERIES = [
    "Кыргызстан", "выборы мэра", '"выборы мэра"', "border OR граница", "Iran -Turkey",
    "Iran NOT Turkey", "Kyrgyz*", "Нагорный Карабах", "Nagorno-Karabakh", "title:Georgia",
    "author:Beridze", "(gas OR oil) pipeline", "стали", "Azerbaijan's",
]


@pytest.fixture(scope="module")
def state(sample_service):
    return sample_service._current().generation


@pytest.fixture(scope="module")
def oracle(state, tmp_path_factory):
    """Whoosh's own searcher over the same articles, words indexed by Whoosh."""
    ix = reference_index(state.key, tmp_path_factory.mktemp("oracle"))
    with ix.searcher() as searcher:
        yield searcher


@pytest.fixture
def tuned(sample_index):
    """A generation of the sample index opened with other engine settings."""
    opened = []

    def open_with(**settings):
        engine = WhooshDocsetsEngine(EngineSettings(**settings))
        opened.append(engine.open(sample_index, current_generation(sample_index)))
        return opened[-1]

    yield open_with
    for generation in opened:
        generation.close()


def test_bitset_helpers_round_trip():
    ids = [0, 3, 8, 9, 64, 1000]
    assert ids_of(bits_from_ids(ids)) == ids
    assert ids_of(bits_from_ids(ids), limit=3) == [0, 3, 8]
    assert bits_from_ids([]) == 0


@pytest.mark.parametrize("text", QUERIES)
def test_matching_sets_equal_whooshs_own(state, oracle, text):
    q = state.parse(text).query
    expected = sorted(oracle.docs_for_query(q))
    assert ids_of(state.evaluator.matches(q)) == expected
    assert expected or text in ("Iran NOT Turkey",)  # the oracle is not vacuous


@pytest.mark.parametrize("text", ["Кыргызстан", "border OR граница", "(gas OR oil) pipeline",
                                  "выборы мэра", "Kyrgyz*", "Kyrgyz* OR Georgia",
                                  "Kyrgyz* OR Кыргыз*", "author:Beridze"])
@pytest.mark.parametrize("lookup_df", [1024, 1])  # 1: every word through its impact table
def test_top_hits_are_the_best_by_brute_force(tuned, text, lookup_df):
    state = tuned(lookup_df=lookup_df)
    q = state.parse(text).query
    bits = state.evaluator.matches(q)
    ranked, constants = state.evaluator.rankers(q)
    constants += state.evaluator.tier_constants(q)

    def score(d):
        return (sum(p.impact(d) * b for _, _, p, b in ranked)
                + sum(w for c, w in constants if c >> d & 1))

    every = sorted(((d, score(d)) for d in ids_of(bits)), key=lambda item: (-item[1], item[0]))
    assert every
    for count in (1, 3, 10, len(every) + 5):
        top = state.evaluator.top(q, bits, count)
        assert [d for d, _ in top] == [d for d, _ in every[:count]]
        assert [s for _, s in top] == pytest.approx([s for _, s in every[:count]])


def test_prefixes_score_as_constants_and_words_rank_above_them(state):
    q = state.parse("Kyrgyz* OR Georgia", cross=False).query
    ranked, constants = state.evaluator.rankers(q)
    assert {text for _, text, _, _ in ranked} == {"georgia"}
    assert len(constants) == 3  # title, author and body


@pytest.mark.parametrize("by_years", [False, True])
def test_date_ranges_and_date_order(tuned, by_years):
    # With by_years, whole years come from their bitsets even in this small index.
    docsets = tuned(by_years_from=0 if by_years else 2000).docsets
    dates = docsets.dates
    import datetime as dt
    start, end = dt.date(2012, 1, 1).toordinal(), dt.date(2016, 12, 31).toordinal()
    for start, end in [(start, end), (start + 40, end - 100), (None, end), (start, None),
                       (None, None), (end, start)]:
        in_range = ids_of(docsets.date_range_bits(start, end))
        assert in_range == [d for d in range(docsets.total)
                            if dates[d] and (start or 0) <= dates[d] <= (end or 10**7)]
    newest = docsets.in_date_order(docsets.all, newest=True, skip=0, count=docsets.total)
    dated = [dates[d] for d in newest if dates[d]]
    assert dated == sorted(dated, reverse=True) and not dates[newest[-1]]
    assert docsets.in_date_order(docsets.all, newest=True, skip=2, count=3) == newest[2:5]


def test_search_totals_match_whoosh_for_every_query(state, oracle, sample_service):
    for text in QUERIES:
        expected = len(list(oracle.docs_for_query(state.parse(text).query)))
        assert sample_service.search(SearchRequest(text))["total"] == expected, text


@pytest.mark.parametrize("text,regions", [("", ("caucasus",)), ("Кыргызстан", ()),
                                          ("border OR граница", ("caucasus",)), ("Iran", ())])
def test_facet_counts_by_walking_documents_equal_bitset_counts(sample_index, text, regions):
    request = SearchRequest(text, regions=regions, langs=("ru", "en"), per_page=5)

    def facets(walk_ratio):
        engine = WhooshDocsetsEngine(EngineSettings(walk_ratio=walk_ratio))
        service = SearchService(sample_index, engine=engine)
        try:
            return service.search(request)["facets"]
        finally:
            service.close()

    by_bits = facets(0)  # one AND per value
    by_walking = facets(10**9)  # walk the documents
    assert by_walking == by_bits
    assert any(entry["count"] for entry in by_bits["author"])


def test_a_long_list_of_words_ranks_by_its_most_distinctive_ones(state, tuned):
    text = "Кыргызстан OR election OR Georgia OR граница OR wine"
    everything, _ = state.evaluator.rankers(state.parse(text).query)
    most = sorted(everything, key=lambda r: -r[2].scale * r[3])[:2]  # the highest possible adds
    state = tuned(max_ranked=2)
    q = state.parse(text).query
    ranked, _ = state.evaluator.rankers(q)
    assert len(everything) > 2 and {r[:2] for r in ranked} == {r[:2] for r in most}
    bits = state.evaluator.matches(q)
    top = state.evaluator.top(q, bits, 100)
    assert sorted(d for d, _ in top) == ids_of(bits)  # every match is still listed


def test_the_term_tables_hold_every_term_whoosh_has(state, oracle):
    """The directory round trip: each term of each text field is found, with
    Whoosh's own documents, and positions kept for every word of a field with
    positions."""
    reader = oracle.reader()
    docsets = state.docsets
    for fieldname in TEXT_FIELDS:
        texts = [btext.decode("utf-8") for btext in reader.lexicon(fieldname)]
        assert any(not text.isascii() for text in texts)  # Cyrillic terms too
        for text in texts:
            postings = docsets.term(fieldname, text)
            matcher = reader.postings(fieldname, text)
            assert list(postings.ids) == list(matcher.all_ids()), text
            dense = len(postings.ids) * DENSE_FRACTION >= docsets.total
            bits_at, keys_at = docsets._entry(fieldname, text)[3:]
            assert (bits_at is not None) == dense
            # The exact forms keep no positions; every other word does, Whoosh's.
            assert (keys_at is not None) == postings.has_positions == (fieldname != "exact")
            if postings.has_positions:
                matcher = reader.postings(fieldname, text)
                expected = []
                while matcher.is_active():
                    expected += [matcher.id() << docsets.place_bits | p
                                 for p in matcher.value_as("positions")]
                    matcher.next()
                assert list(postings.keys) == expected, text
        assert docsets.term(fieldname, texts[0] + "\0") is None
    assert docsets.term("nofield", "kyrgyzstan") is None
