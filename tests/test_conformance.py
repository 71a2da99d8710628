"""Conformance: kartoteka's own engine against Whoosh's matching, scoring and counting.

A generated bilingual corpus (3,200 articles, half of them Russian, every
eleventh undated; words Zipf-drawn from ``benchmarks.synthetic``'s
vocabularies with a fixed seed) is indexed once, with
``build_index(..., workers=2)``. That runs the parallel docsets writer
(``docsets_terms`` analyzes one run of documents per worker process from
``PARALLEL_MIN_DOCS`` = 2,000 documents on). Nothing in the generation records
which writer ran, so a spy wrapped around the analysis of a run notes the
process it runs in.

The oracle is plain Whoosh: the same articles, read back from the
generation, indexed by Whoosh itself with the same analyzers
(``tests/reference.py``; the generation keeps its words in the docsets
only), weighted with ``BM25F(B=BM25_B, K1=BM25_K1)`` (the constants the
docsets compute their impacts with, Whoosh's defaults), and queries made deterministically from the
index's own lexicon are parsed once with kartoteka's parser (``parse_query``)
and answered both ways. The words come from bands of document frequency in
each language (in 1,024 or more documents, ranked through impact tables;
dense, with bitsets; middling; rare; in one document), plus
inflected Russian forms with several dictionary forms. Kinds: single words,
AND, OR, NOT (``NOT`` and ``-``), phrases (of dense words, and with a rarer
one; all answered from position keys), prefixes
(``xx*``), ``title:``/``author:`` queries, and requests with region, author,
language, date-range and undated filters.

(a) Match sets and totals: the evaluator's matching set equals Whoosh's
    ``search(q, limit=None)``; the service's total, and for filtered requests
    the ids it exports, equal Whoosh's with the filters as Whoosh queries
    (a region group as the ``region_group`` term, a date range as a
    ``DateRange``, undated as ``undated == 1``). ``a NOT b`` is Whoosh's
    matches of ``a`` less its matches of ``b``: Whoosh's own ``AndNotMatcher``
    (whoosh-reloaded 2.7.5) keeps the first document of ``a`` in each segment
    when ``b`` lies before it (``_find_first`` compares only ``b``'s current
    document), so ``workshop -said`` found an article holding both words.
(b) Ranking, for word queries (single words, AND, OR, NOT, ``title:``, and
    filtered ones): the service's top 10 is Whoosh's exhaustive BM25F top 10
    up to the impact quantization, defined so:

    A term's impact in a document is its BM25 contribution quantized to a
    byte: ``round(score / scale)``, where ``scale`` (the term's *step*) is the
    term's highest contribution in the index divided by 255; an impact that
    rounds to 0 is stored as 1. The query's step ``Q`` is the sum of its
    ranked terms' steps, each times the term's boost (title 2.5, author 2,
    body 1, a word's own form 0.25 more, a less probable reading half). A
    document's score is then within ``Q / 2`` of its exact BM25F score (within
    ``Q`` when an impact was raised from 0 to 1), so the service may order two
    documents against Whoosh only when their Whoosh scores differ by at most
    ``Q``. The check: as many hits as ``min(10, total)``, and every hit's Whoosh
    score is at least every other matching document's Whoosh score minus ``Q``.
(c) Facet counts: region, region group, author, language and year, each over
    the matches with every filter but its own (the year facet ignores the
    date filter), equal Whoosh's ``groupedby`` counts (``FieldFacet`` with
    ``sorting.Count``); the year facet's ``undated`` value, which the docsets
    derive from their date order, equals the number of matches Whoosh holds
    with ``undated == 1``; unfiltered, the year counts add up to the total.
(d) Deviations from Whoosh by design, tested as what they are:

    - A query word's tiers rank strictly (its own form and most probable
      reading, then its other readings): each tier but the last adds a
      constant, the most the later tiers could add, to the documents matching
      it or an earlier one. The reference score is Whoosh's BM25F plus the
      constants the document earns (``Evaluator.tier_constants``).

    - Prefixes and wildcards score as constants: each pattern part adds its
      boost (title 2.5, author 2, body 1, times any enclosing boost) to every document it
      matches, instead of scoring its expansions (Whoosh scores a pattern
      with one expansion as that word, and one with several as a constant of
      its own). The top hits are the best by those sums, ties by document
      number; the match set is Whoosh's.
    - A phrase scores what the AND of its words scores in its fields (the
      words' BM25F impacts, every form at the field's weight), not Whoosh's
      phrase scoring: on the phrase's matches, the evaluator gives the two
      queries the same scores, and the top 10 is Whoosh's BM25F top 10 of
      the AND up to ``Q``. Its match set is Whoosh's.

What this suite found:

- Scores come from the average of the one-byte lengths Whoosh keeps per
  document, over the live documents, while Whoosh's ``BM25FScorer`` divides
  its exact token total by the document count: about 1-2 % apart. Kept by
  design (an update then scores exactly as a rebuild of the same articles,
  which Whoosh's totals, deleted documents included, would not) and tested
  as such: scores within 2 % plus the quantization, top 10 within ``Q``.
- Exporting a relevance-sorted search without hits raised ``IndexError``
  (``Evaluator.top`` asked for 0 documents read ``best[-1]`` of an empty
  list once a ranked word had more than 64 documents): fixed, tested below.
- Whoosh scores "a NOT b" as ``And(a, Not(b))``, the ``Not`` adding a
  constant 1.0 to every hit; kartoteka scores it as "a -b". Same order.

Workload (from seed 20261201): 24 single words (20 by band, 4 ambiguous
Russian forms), 13 AND, 10 OR, 8 NOT, 16 phrases, 14 prefixes, 16 field
queries (8 ``title:``, 8 ``author:``), 16 filtered requests (8 filter sets,
each with the empty query and with a word query).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import random
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query, scoring, sorting

from benchmarks.synthetic import FIRST_NAMES, SYLLABLES, build_vocabularies
from indexer import (
    GROUPS,
    REGIONS,
    BuildSummary,
    QueryError,
    SearchRequest,
    SearchService,
    build_index,
)
from indexer.engine.embedded import docsets_terms
from indexer.engine.embedded.docsets import (
    DENSE_FRACTION,
    PARALLEL_MIN_DOCS,
    Docsets,
    ids_of,
)
from indexer.engine.embedded.evaluate import Evaluator
from indexer.engine.schema import BM25_B, BM25_K1
from indexer.engine.query import KartotekaParser, parse_query
from indexer.engine.schema import FACET_FIELDS, FIELD_BOOSTS, SEARCH_FIELDS, UNDATED, query_schema

from reference import reference_index

SEED = 20261201
ARTICLES = 3200
WORKERS = 2
RECORDS_PER_FILE = 400
BODY_WORDS = (120, 300)
TITLE_WORDS = (4, 9)
UNDATED_EVERY = 11
AUTHORS_PER_LANGUAGE = 40
FIRST_YEAR, LAST_YEAR = 2005, 2024
TOP = 10
IMPACT_TABLE_DF = 1024  # the engine's default: words this frequent rank through impact tables
SCORE_DIGITS = 1e-4  # the service rounds scores to 4 decimals
GROUP_SLUGS = {group.slug for group in GROUPS}
CYRILLIC = re.compile("[а-яё]")
WORD = re.compile(r"[^\W\d_]+")

# Kinds of query, and those whose top hits are compared with Whoosh's BM25F.
KINDS = ("term", "and", "or", "not", "phrase", "prefix", "field", "filtered")
RANKED_KINDS = ("term", "and", "or", "not", "field", "filtered")
# At least this many queries of each kind (what the workload is built to make).
PLANNED = {"term": 24, "and": 12, "or": 10, "not": 8, "phrase": 16, "prefix": 12,
           "field": 16, "filtered": 16}


# The corpus --------------------------------------------------------------


def _text(words: list[str], rng: random.Random) -> str:
    """Words as sentences of 8 to 20 words, three sentences a paragraph."""
    sentences, i = [], 0
    while i < len(words):
        n = rng.randint(8, 20)
        chunk = words[i:i + n]
        sentences.append(" ".join(chunk).capitalize() + ".")
        i += n
    return "\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3))


def write_corpus(folder: Path) -> None:
    """ARTICLES seeded articles as JSON Lines: both languages, authors, regions, dates."""
    vocab = build_vocabularies(SEED)
    rng = random.Random(SEED)
    authors = {}
    for lang in ("en", "ru"):
        names = [f"{rng.choice(FIRST_NAMES[lang])} "
                 f"{''.join(rng.choices(SYLLABLES[lang], k=3)).capitalize()}"
                 for _ in range(AUTHORS_PER_LANGUAGE)]
        authors[lang] = list(dict.fromkeys(names))
    region_slugs = [region.slug for region in REGIONS]
    region_weights = [1 / (rank ** 0.7) for rank in range(1, len(region_slugs) + 1)]
    first = dt.date(FIRST_YEAR, 1, 1).toordinal()
    last = dt.date(LAST_YEAR, 12, 31).toordinal()
    records = []
    for i in range(ARTICLES):
        lang = "ru" if i % 2 else "en"
        people = authors[lang]
        record = {
            "id": f"conformance/{i:05}",
            "lang": lang,
            "title": " ".join(vocab[lang].words(rng.randint(*TITLE_WORDS))).capitalize(),
            "authors": list(dict.fromkeys(rng.choices(
                people, weights=[1 / rank for rank in range(1, len(people) + 1)],
                k=rng.choice((1, 1, 1, 2))))),
            "regions": list(dict.fromkeys(rng.choices(region_slugs, weights=region_weights,
                                                      k=rng.choice((1, 1, 2, 3))))),
            "topics": ["Politics"],
            "body": _text(vocab[lang].words(rng.randint(*BODY_WORDS)), rng),
        }
        if i % UNDATED_EVERY:
            record["date"] = dt.date.fromordinal(rng.randint(first, last)).isoformat()
        records.append(record)
    folder.mkdir(parents=True)
    for start in range(0, len(records), RECORDS_PER_FILE):
        lines = [json.dumps(r, ensure_ascii=False) + "\n"
                 for r in records[start:start + RECORDS_PER_FILE]]
        (folder / f"part-{start // RECORDS_PER_FILE:02}.jsonl").write_text(
            "".join(lines), encoding="utf-8")


# A spy on the docsets' part writer: the parallel writer runs it in worker
# processes (forked, so they see these globals), each leaving a note.
_PART_WRITER = None
_PART_NOTES: Path | None = None


def _noting_part_writer(*args, **kwargs):
    """The docsets' analysis of a run of documents, noting the process it ran in."""
    result = _PART_WRITER(*args, **kwargs)
    handle, _ = tempfile.mkstemp(dir=_PART_NOTES, prefix=f"{os.getpid()}-")
    os.close(handle)
    return result


@dataclass
class Built:
    generation: Path
    index_dir: Path
    summary: BuildSummary
    part_processes: list[int]  # the process each docsets part was written in
    builder: int  # the test's own process


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """The corpus, indexed once with two workers."""
    global _PART_WRITER, _PART_NOTES
    root = tmp_path_factory.mktemp("conformance")
    write_corpus(root / "corpus")
    _PART_NOTES = root / "part-notes"
    _PART_NOTES.mkdir()
    _PART_WRITER = docsets_terms._analyze_run
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(docsets_terms, "_analyze_run", _noting_part_writer)
        summary = build_index([root / "corpus"], root / "index", workers=WORKERS)
    notes = sorted(p.name for p in _PART_NOTES.iterdir())
    return Built(Path(summary.path), root / "index", summary,
                 [int(name.split("-")[0]) for name in notes], os.getpid())


# Both engines over the one generation ---------------------------------------


@dataclass
class Engines:
    """kartoteka (its service and its evaluator) and plain Whoosh, on one generation."""

    service: SearchService
    searcher: object
    docsets: Docsets
    evaluator: Evaluator
    parser: KartotekaParser
    docnum_of: dict[str, int]
    total: int

    def parse(self, text: str):
        """kartoteka's parse of ``text`` (``None`` for an empty query): both engines use it."""
        return parse_query(self.searcher.schema, text, self.parser) if text.strip() else None

    def whoosh_docs(self, q) -> set[int]:
        """The documents Whoosh matches for a query (a set is taken as it is)."""
        return set(q) if isinstance(q, set) else set(self.searcher.docs_for_query(q))

    def whoosh_scores(self, q, where=None) -> dict[int, float]:
        """Whoosh's exhaustive BM25F: every matching document's score.

        ``a AND NOT b`` is matched as Whoosh's matches of ``a`` less those of
        ``b`` and scored as ``a`` (as Whoosh scores it): Whoosh's own
        ``AndNotMatcher`` keeps the first document of ``a`` when ``b`` has not
        yet reached it (``_find_first`` only looks at ``b``'s current document).
        """
        if q is None:
            q = query.Every()
        assert not any(isinstance(part, query.AndNot) for part in _descendants(q)), q
        if isinstance(q, query.AndNot):
            allowed = self.whoosh_docs(q.a) - self.whoosh_docs(q.b)
            if where is not None:
                allowed &= self.whoosh_docs(where)
            q, where = q.a, allowed
        scores = dict(self.searcher.search(q, filter=where, limit=None).items())
        for bits, weight in self.evaluator.tier_constants(q):
            for docnum in scores:
                if bits >> docnum & 1:
                    scores[docnum] += weight
        return scores

    def words_of_phrase(self, fieldname: str | None, text: str):
        """The AND of a phrase's words in its fields, each form at the field's weight."""
        fields = (fieldname,) if fieldname else SEARCH_FIELDS
        positions = {f: self.parser._positions(f, text) for f in fields}
        count = len(positions[fields[0]])
        return query.And([query.Or([query.Term(f, form, boost=FIELD_BOOSTS[f])
                                    for f in fields for form in positions[f][i]])
                          for i in range(count)])

    def step(self, q) -> float:
        """The query's quantization step Q: its ranked terms' steps times their boosts."""
        ranked, _ = self.evaluator.rankers(q)
        return sum(postings.scale * boost for _, _, postings, boost in ranked)

    def error_bound(self, q, docnum: int) -> float:
        """How far quantization can have moved a document's score: half a step for
        each of its ranked terms, a whole one where the impact is 1 (maybe raised from 0)."""
        bound = 0.0
        for _, _, postings, boost in self.evaluator.rankers(q)[0]:
            impact = round(postings.impact(docnum) / postings.scale)
            if impact:
                bound += postings.scale * boost * (1.0 if impact == 1 else 0.5)
        return bound

    def answer(self, case: "Case", per_page: int = TOP) -> dict:
        return self.service.search(case.request(per_page))

    def docnums(self, hits) -> list[int]:
        return [self.docnum_of[hit["id"]] for hit in hits]


@pytest.fixture(scope="module")
def engines(built, tmp_path_factory) -> Engines:
    # Plain Whoosh over the same articles, their words indexed by Whoosh itself.
    ix = reference_index(built.generation, tmp_path_factory.mktemp("oracle"))
    searcher = ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
    own = whoosh_index.open_dir(str(built.generation)).searcher()
    docsets = Docsets(built.generation)
    service = SearchService(built.index_dir)
    total = searcher.doc_count_all()
    docnum_of = {searcher.stored_fields(d)["id"]: d for d in range(total)}
    yield Engines(service, searcher, docsets, Evaluator(docsets, own),
                  KartotekaParser(query_schema()), docnum_of, total)
    own.close()
    if hasattr(service, "close"):
        service.close()
    docsets.close()
    searcher.close()


def _descendants(q):
    """Every query below ``q``."""
    for child in q.children():
        yield child
        yield from _descendants(child)


# Requests ---------------------------------------------------------------------


def _bound(text: str, end: bool) -> dt.date:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as its first day, or with ``end`` its last."""
    parts = [int(p) for p in text.split("-")]
    year, month, day = (parts + [0, 0])[:3]
    if not end:
        return dt.date(year, month or 1, day or 1)
    month = month or 12
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Filters:
    """A request's filters, and the same filters written as Whoosh queries."""

    regions: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    undated: bool = False

    def whoosh(self, without: str | None = None):
        """The filters but one dimension (``region``, ``author``, ``lang``, ``date``)."""
        dimensions = {}
        if self.regions:
            dimensions["region"] = query.Or([
                query.Term("region_group" if v in GROUP_SLUGS else "region", v)
                for v in self.regions])
        if self.authors:
            dimensions["author"] = query.Or([query.Term(FACET_FIELDS["author"], a)
                                             for a in self.authors])
        if self.langs:
            dimensions["lang"] = query.Or([query.Term("lang", code) for code in self.langs])
        dates = []
        if self.date_from or self.date_to:
            start = _bound(self.date_from, False) if self.date_from else None
            end = _bound(self.date_to, True) if self.date_to else None
            dates.append(query.DateRange(
                "date", start and dt.datetime.combine(start, dt.time()),
                end and dt.datetime.combine(end, dt.time(23, 59, 59))))
        if self.undated:
            dates.append(query.NumericRange("undated", 1, 1))
        if dates:
            dimensions["date"] = query.Or(dates)
        kept = [q for name, q in dimensions.items() if name != without]
        return query.And(kept) if kept else None


@dataclass(frozen=True)
class Case:
    kind: str
    text: str
    filters: Filters = field(default_factory=Filters)

    def request(self, per_page: int = TOP) -> SearchRequest:
        f = self.filters
        return SearchRequest(query=self.text, regions=f.regions, authors=f.authors,
                             langs=f.langs, date_from=f.date_from, date_to=f.date_to,
                             undated=f.undated, per_page=per_page,
                             cross=False)  # Whoosh has the words as typed only

    def __str__(self) -> str:
        shown = {k: v for k, v in vars(self.filters).items() if v}
        return f"{self.text!r}" + (f" with {shown}" if shown else "")


# The workload: queries made from the index's own lexicon ---------------------


def _lang(term: str) -> str:
    return "ru" if CYRILLIC.search(term) else "en"


def _band(df: int, total: int) -> str | None:
    """A word's band by document frequency, which decides how the docsets answer it."""
    if df >= IMPACT_TABLE_DF:
        return "impact-table"
    if df * DENSE_FRACTION >= total:
        return "dense"
    if df >= 10:
        return "middle"
    if df >= 2:
        return "rare"
    return "single" if df == 1 else None


BANDS = ("impact-table", "dense", "middle", "rare", "single")


class Workload:
    """Deterministic queries of every kind, drawn from the index's lexicon.

    Words are drawn by band of document frequency; words ANDed together and
    phrases come from one article, so that they find something. Articles are
    drawn in id order (document numbers depend on which writer process took
    which article).
    """

    def __init__(self, engines: Engines):
        self.engines = engines
        self.rng = random.Random(SEED)
        self.reader = reader = engines.searcher.reader()
        self.articles = [engines.docnum_of[i] for i in sorted(engines.docnum_of)]
        self.terms: dict[str, dict[tuple[str, str], list[str]]] = {}
        for fieldname in ("title", "body"):
            bands: dict[tuple[str, str], list[str]] = {}
            for btext in reader.lexicon(fieldname):
                term = btext.decode("utf-8")
                if term.isalpha():
                    band = _band(reader.doc_frequency(fieldname, btext), engines.total)
                    if band:
                        bands.setdefault((_lang(term), band), []).append(term)
            self.terms[fieldname] = bands
        self.cases: dict[str, list[Case]] = {kind: [] for kind in KINDS}
        self._parsed: dict[str, object] = {}
        self._words()
        self._booleans()
        self._phrases()
        self._prefixes()
        self._fields()
        self._filtered()

    def add(self, kind: str, text: str, filters: Filters = Filters()) -> None:
        self.cases[kind].append(Case(kind, text, filters))

    def parse(self, text: str):
        """The parsed query, or ``None`` when kartoteka refuses the text."""
        if text not in self._parsed:
            try:
                self._parsed[text] = self.engines.parse(text)
            except QueryError:
                self._parsed[text] = None
        return self._parsed[text]

    def evaluable(self, text: str) -> bool:
        """Whether kartoteka answers ``text`` (a prefix of too many words is refused)."""
        q = self.parse(text)
        try:
            return q is not None and self.engines.evaluator.matches(q) >= 0
        except QueryError:
            return False

    def drawn_articles(self, lang: str | None = None):
        """Articles (document numbers) in a seeded order, of one language if given."""
        for docnum in self.rng.sample(self.articles, len(self.articles)):
            stored = self.engines.searcher.stored_fields(docnum)
            if lang is None or stored["lang"] == lang:
                yield docnum, stored

    # Words -----------------------------------------------------------------

    def word_terms(self, text: str, fieldname: str = "body") -> set[str]:
        """The index terms of ``text`` in ``fieldname`` when it is one word, else none."""
        q = self.parse(text)
        if q is None or any(isinstance(part, (query.Phrase, query.Sequence))
                            for part in [q, *_descendants(q)]):
            return set()
        return {t for f, t in q.iter_all_terms() if f == fieldname}

    def draw(self, lang: str, band: str, k: int, fieldname: str = "body") -> list[str]:
        """Up to ``k`` words of a band that parse back to themselves, drawn with the
        seed (the band of the most frequent words may hold fewer)."""
        candidates = self.terms[fieldname].get((lang, band), [])
        chosen = []
        for term in self.rng.sample(candidates, len(candidates)):
            if term in self.word_terms(term, fieldname):
                chosen.append(term)
                if len(chosen) == k:
                    break
        assert len(chosen) >= min(k, 2), f"too few {lang} {band} words in {fieldname}"
        return chosen

    def article_words(self, body: str) -> dict[str, list[str]]:
        """An article's words by band (of their one index term), in text order."""
        bands: dict[str, list[str]] = {}
        for word in dict.fromkeys(w.lower() for w in WORD.findall(body)):
            terms = self.word_terms(word)
            if len(terms) == 1:
                df = self.reader.doc_frequency("body", next(iter(terms)))
                bands.setdefault(_band(df, self.engines.total), []).append(word)
        return bands

    def words_together(self, lang: str, bands: tuple[str, ...]) -> list[str]:
        """Words of the given bands that one article holds together."""
        for _, stored in self.drawn_articles(lang):
            words = self.article_words(stored["body"])
            if all(len(words.get(b, ())) >= bands.count(b) for b in bands):
                return [words[b][bands[:i].count(b)] for i, b in enumerate(bands)]
        raise AssertionError(f"no {lang} article holds words of {bands}")

    # Kinds -----------------------------------------------------------------

    def _words(self) -> None:
        drawn = {(lang, band): self.draw(lang, band, 6) for lang in ("en", "ru")
                 for band in BANDS}
        # Six words a band, the few most frequent ones repeated round.
        self.pool = {key: [words[i % len(words)] for i in range(6)] for key, words in drawn.items()}
        for words in drawn.values():
            for word in words[:2]:
                self.add("term", word)
        # Inflected Russian forms with several dictionary forms ("стали").
        ambiguous = []
        for _, stored in self.drawn_articles("ru"):
            ambiguous += [w for w in dict.fromkeys(x.lower() for x in WORD.findall(stored["body"]))
                          if len(self.word_terms(w)) > 1][:1]
            if len(ambiguous) == 4:
                break
        for word in ambiguous:
            self.add("term", word)

    def _booleans(self) -> None:
        p = self.pool
        for lang in ("en", "ru"):
            for bands in (("impact-table", "rare"), ("dense", "dense"), ("middle", "single"),
                          ("impact-table", "dense", "middle"), ("dense", "middle", "rare"),
                          ("impact-table", "impact-table")):
                self.add("and", " ".join(self.words_together(lang, bands)))
            # Long impact lists on both sides: the threshold algorithm reads several rounds.
            self.add("or", f"{p[lang, 'impact-table'][1]} OR {p[lang, 'dense'][1]}")
            self.add("or", f"{p[lang, 'dense'][2]} OR {p[lang, 'rare'][4]}")
            self.add("or", f"{p[lang, 'middle'][5]} OR {p[lang, 'single'][3]}")
            self.add("or", f"({p[lang, 'middle'][2]} OR {p[lang, 'rare'][2]}) "
                           f"{p[lang, 'impact-table'][4]}")
            self.add("not", f"{p[lang, 'impact-table'][2]} NOT {p[lang, 'dense'][2]}")
            self.add("not", f"{p[lang, 'dense'][3]} -{p[lang, 'impact-table'][3]}")
            self.add("not", f"{p[lang, 'middle'][4]} NOT {p[lang, 'dense'][4]}")
            self.add("not", f"({p[lang, 'dense'][5]} OR {p[lang, 'middle'][5]}) "
                            f"NOT {p[lang, 'impact-table'][5]}")
        # Across the languages: a query in one language finds text in that language,
        # so an English word ANDed with a Russian one finds nothing.
        self.add("or", f"{p['en', 'dense'][0]} OR {p['ru', 'dense'][0]}")
        self.add("or", f"{p['en', 'rare'][5]} OR {p['ru', 'middle'][0]}")
        self.add("and", f"{p['en', 'impact-table'][0]} {p['ru', 'impact-table'][0]}")

    def _phrases(self) -> None:
        """Phrases cut from stored articles: of dense words (each in 1/32 of the
        documents or more) and with a rarer one, in both languages."""
        wanted = {(lang, band, fieldname): n for lang in ("en", "ru")
                  for band, fieldname, n in (("dense", "body", 4), ("rarer", "body", 3),
                                             ("any", "title", 1))}
        for _, stored in self.drawn_articles():
            if not any(wanted.values()):
                break
            for fieldname in ("body", "title"):
                words = WORD.findall(stored[fieldname])
                if len(words) < 3:
                    continue
                start = self.rng.randrange(len(words) - 2)
                text = " ".join(words[start:start + self.rng.choice((2, 2, 3))])
                q = self.parse(f'"{text}"')
                if q is None or not any(isinstance(part, (query.Phrase, query.Sequence))
                                        for part in [q, *_descendants(q)]):
                    continue
                if fieldname == "title":
                    key, text = (stored["lang"], "any", "title"), f'title:"{text}"'
                else:
                    terms = [t for f, t in q.iter_all_terms() if f == "body"]
                    dense = all(self.engines.docsets.term("body", t) is not None
                                and len(self.engines.docsets.term("body", t).ids)
                                * DENSE_FRACTION >= self.engines.total for t in terms)
                    key = (stored["lang"], "dense" if dense else "rarer", "body")
                    text = f'"{text}"'
                if wanted.get(key):
                    wanted[key] -= 1
                    self.add("phrase", text)
        assert not any(wanted.values()), f"phrases missing: {wanted}"

    def _prefixes(self) -> None:
        for lang in ("en", "ru"):
            for band, letters in (("impact-table", 3), ("dense", 3), ("middle", 4),
                                  ("rare", 5), ("single", 4), ("dense", 2)):
                for word in self.pool[lang, band]:
                    if len(word) > letters and self.evaluable(f"{word[:letters]}*"):
                        self.add("prefix", f"{word[:letters]}*")
                        break
            self.add("prefix", f"title:{self.pool[lang, 'dense'][1][:3]}*")

    def _fields(self) -> None:
        for lang in ("en", "ru"):
            titled = {band: self.draw(lang, band, 1, "title")[0]
                      for band in ("dense", "middle", "rare")}
            for word in titled.values():
                self.add("field", f"title:{word}")
            self.add("field", f"title:{titled['dense']} {self.pool[lang, 'middle'][0]}")
        names = sorted((self.reader.doc_frequency("author", btext), btext.decode("utf-8"))
                       for btext in self.reader.lexicon("author"))
        usable = [name for _, name in names
                  if name.isalpha() and name in self.word_terms(f"author:{name}", "author")]
        for name in usable[-3:] + self.rng.sample(usable[:-3], 3):
            self.add("field", f"author:{name}")
        for lang in ("en", "ru"):
            name = next(n for n in reversed(usable) if _lang(n) == lang)
            self.add("field", f"author:{name} {self.pool[lang, 'dense'][1]}")

    def _filtered(self) -> None:
        authors = self.engines.docsets.facets["author"]
        by_articles = sorted(authors, key=lambda name: (-authors[name].bit_count(), name))
        cases = [
            Filters(regions=("central-asia",)),
            Filters(regions=("georgia", "armenia"), langs=("ru",)),
            Filters(date_from="2010", date_to="2015-06-30"),
            Filters(date_from="2006-03-15", date_to="2023"),  # wide: built from year bitsets
            Filters(undated=True),
            Filters(date_from="2019", date_to="2019", undated=True),
            Filters(authors=(by_articles[0], by_articles[5]), langs=("en", "ru")),
            Filters(regions=("caucasus", "ukraine"), date_from="2012-02",
                    date_to="2020-10-15", langs=("en",)),
        ]
        texts = [self.cases[kind][i].text for kind, i in
                 (("term", 0), ("term", 13), ("and", 1), ("or", 5), ("not", 0),
                  ("term", 4), ("field", 1), ("term", 1))]
        for filters, text in zip(cases, texts):
            self.add("filtered", "", filters)
            self.add("filtered", text, filters)


@pytest.fixture(scope="module")
def workload(engines) -> Workload:
    return Workload(engines)


# The build ---------------------------------------------------------------------


def test_the_corpus_is_indexed_by_both_parallel_writers(built, engines):
    summary = built.summary
    assert summary.total == ARTICLES >= 3000
    assert summary.indexed == {"en": ARTICLES // 2, "ru": ARTICLES // 2}
    assert ARTICLES >= PARALLEL_MIN_DOCS
    # The docsets: the articles' words analyzed in one run per worker, each in a
    # worker process.
    assert len(built.part_processes) == WORKERS
    assert built.builder not in built.part_processes
    undated = engines.service.search(SearchRequest(undated=True, per_page=1))["total"]
    assert undated == len(range(0, ARTICLES, UNDATED_EVERY))


def test_the_workload_has_every_kind_and_is_not_vacuous(engines, workload):
    for kind, planned in PLANNED.items():
        cases = workload.cases[kind]
        assert len(cases) >= planned, kind
        found = [bool(engines.answer(case, per_page=1)["total"]) for case in cases]
        assert sum(found) >= 0.8 * len(cases), (kind, [str(c) for c, f in zip(cases, found)
                                                       if not f])


# (a) Match sets and totals --------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_match_sets_and_totals_equal_whooshs(engines, workload, kind):
    wrong = []
    for case in workload.cases[kind]:
        q = engines.parse(case.text)
        if q is not None:
            expected = sorted(engines.whoosh_scores(q))
            got = ids_of(engines.evaluator.matches(q))
            if got != expected:
                wrong.append(f"{case}: matches {len(got)}, Whoosh {len(expected)}; "
                             f"only kartoteka {sorted(set(got) - set(expected))[:5]}, "
                             f"only Whoosh {sorted(set(expected) - set(got))[:5]}")
        where = case.filters.whoosh()
        expected = engines.whoosh_scores(q, where)
        total = engines.answer(case, per_page=1)["total"]
        if total != len(expected):
            wrong.append(f"{case}: total {total}, Whoosh {len(expected)}")
        if where is not None and expected:  # exporting no hits: see the xfail below
            count, rows = engines.service.export(case.request())
            exported = sorted(engines.docnum_of[row["id"]] for row in rows)
            if exported != sorted(expected):
                wrong.append(f"{case}: exports {count} ids, not Whoosh's {len(expected)}")
    assert not wrong, "\n".join(wrong)


def test_exporting_a_search_without_hits_gives_no_rows(engines, workload):
    # An English and a Russian word together: no article holds both.
    text = f"{workload.pool['en', 'impact-table'][0]} {workload.pool['ru', 'impact-table'][0]}"
    assert engines.service.search(SearchRequest(query=text))["total"] == 0
    count, rows = engines.service.export(SearchRequest(query=text))
    assert (count, list(rows)) == (0, [])


# (b) Ranking -------------------------------------------------------------------------


def _ranking_problems(engines: Engines, case: Case, q, whoosh: dict[int, float],
                      hits: list[int], step: float) -> list[str]:
    """Why ``hits`` are not Whoosh's top up to a quantization step (none when they are)."""
    if len(hits) != min(TOP, len(whoosh)):
        return [f"{case}: {len(hits)} hits of {len(whoosh)}"]
    if not hits:
        return []
    chosen = set(hits)
    weakest = min(hits, key=whoosh.__getitem__)
    others = [d for d in whoosh if d not in chosen]
    if not others:
        return []
    strongest = max(others, key=whoosh.__getitem__)
    if whoosh[weakest] >= whoosh[strongest] - step - 1e-9:
        return []
    return [f"{case}: doc {weakest} (Whoosh {whoosh[weakest]:.4f}) is in the top {TOP}, "
            f"doc {strongest} (Whoosh {whoosh[strongest]:.4f}) is not; step {step:.4f}"]


def _word_cases(workload: Workload, kind: str) -> list[Case]:
    """The cases of a kind that only title and body words rank (no patterns, phrases, authors)."""
    return [case for case in workload.cases[kind]
            if case.text and "*" not in case.text and '"' not in case.text
            and "author:" not in case.text]


@pytest.mark.parametrize("kind", RANKED_KINDS)
def test_top_hits_are_whooshs_bm25f_top_within_quantization(engines, workload, kind):
    cases = _word_cases(workload, kind)
    assert cases
    wrong = []
    for case in cases:
        q = engines.parse(case.text)
        whoosh = engines.whoosh_scores(q, case.filters.whoosh())
        hits = engines.docnums(engines.answer(case)["hits"])
        wrong += _ranking_problems(engines, case, q, whoosh, hits, engines.step(q))
    assert not wrong, "\n".join(wrong)


def test_steps_are_a_255th_of_each_terms_best(engines, workload):
    """What the quantization step is: a term's top BM25F contribution over 255."""
    for lang in ("en", "ru"):
        for band in BANDS:
            term = workload.pool[lang, band][0]
            postings = engines.docsets.term("body", term)
            assert max(postings.impacts) == 255
            best = max(engines.whoosh_scores(query.Term("body", term)).values())
            # Not closer: kartoteka's BM25 is about 1 % off Whoosh's (the xfails below).
            assert postings.scale * 255 == pytest.approx(best, rel=0.02)


# By design: the average field length comes from the per-document lengths
# Whoosh keeps (one lossy byte each), over the live documents, so an update
# scores exactly as a rebuild of the same articles; Whoosh divides its exact
# token total (deleted documents included) instead. Scores stay this close.
LENGTH_ROUNDING = 0.02


def test_a_word_in_one_document_scores_as_in_whoosh_up_to_length_rounding(engines, workload):
    # A body word in one document and in no title: its one impact is exactly
    # 255, so quantization costs its score nothing.
    reader = engines.searcher.reader()
    text = next(t for t in workload.pool["en", "single"] if ("title", t) not in reader)
    q = engines.parse(text)
    (docnum, whoosh_score), = engines.whoosh_scores(q).items()
    (hit,) = engines.answer(Case("term", text))["hits"]
    assert engines.docnum_of[hit["id"]] == docnum
    lengths = [reader.doc_field_length(d, "body", 0) or 0 for d in range(engines.total)]
    assert hit["score"] == pytest.approx(whoosh_score, rel=LENGTH_ROUNDING), (
        f"{text!r}: average body length {engines.searcher.avg_field_length('body'):.3f} "
        f"for Whoosh, {sum(lengths) / len(lengths):.3f} from the stored one-byte lengths")


def test_hit_scores_are_whooshs_within_quantization_and_length_rounding(engines, workload):
    wrong, hits_seen = [], 0
    # Not NOT: Whoosh scores "a NOT b" as And(a, Not(b)), the Not adding a
    # constant 1.0 to every hit (its order is unchanged); kartoteka scores it as
    # "a -b", the words' own scores (checked on the sample index by hand).
    for kind in ("term", "and", "or"):
        for case in _word_cases(workload, kind):
            q = engines.parse(case.text)
            whoosh = engines.whoosh_scores(q)
            for hit in engines.answer(case)["hits"]:
                docnum = engines.docnum_of[hit["id"]]
                bound = (engines.error_bound(q, docnum) + SCORE_DIGITS
                         + LENGTH_ROUNDING * whoosh[docnum])
                hits_seen += 1
                if abs(hit["score"] - whoosh[docnum]) > bound:
                    wrong.append(f"{case}: {hit['id']} scores {hit['score']}, Whoosh "
                                 f"{whoosh[docnum]:.4f}, quantization allows {bound:.4f}")
    assert not wrong, f"{len(wrong)} of {hits_seen} hits off:\n" + "\n".join(wrong[:10])


# (c) Facets ----------------------------------------------------------------------


FACET_DIMENSIONS = {"region": "region", "region_group": "region", "author": "author",
                    "lang": "lang", "year": "date"}  # the filter each facet ignores


def _whoosh_facets(engines: Engines, q, filters: Filters) -> dict[str, dict[str, int]]:
    """Whoosh's ``groupedby`` counts, each facet over the filters but its own."""
    facets = {facet: sorting.FieldFacet(fieldname, allow_overlap=True)
              for facet, fieldname in FACET_FIELDS.items()}
    facets["undated"] = sorting.FieldFacet("undated")
    counted: dict[str, dict[str, int]] = {}
    for facet, dimension in FACET_DIMENSIONS.items():
        results = engines.searcher.search(q if q is not None else query.Every(),
                                          filter=filters.whoosh(without=dimension),
                                          limit=None, groupedby=facets,
                                          maptype=sorting.Count)
        counts = {value: n for value, n in results.groups(facet).items()
                  if value is not None and n}
        if facet == "year":
            undated = results.groups("undated").get(1, 0)
            if undated:
                counts[UNDATED] = undated
        counted[facet] = counts
    return counted


def _facet_cases(workload: Workload) -> list[Case]:
    cases = list(workload.cases["filtered"])
    for kind, i in (("term", 0), ("term", 3), ("or", 0), ("prefix", 0), ("phrase", 0),
                    ("field", 7)):
        cases.append(workload.cases[kind][i])
    return cases + [Case("empty", "")]


def test_facet_counts_equal_whooshs_groupedby(engines, workload):
    wrong = []
    for case in _facet_cases(workload):
        q = engines.parse(case.text)
        answer = engines.service.search(case.request())
        got = {facet: {entry["value"]: entry["count"] for entry in entries if entry["count"]}
               for facet, entries in answer["facets"].items()}
        expected = _whoosh_facets(engines, q, case.filters)
        for facet in FACET_DIMENSIONS:
            if got[facet] != expected[facet]:
                differ = sorted(v for v in set(got[facet]) | set(expected[facet])
                                if got[facet].get(v) != expected[facet].get(v))
                wrong.append(f"{case}: {facet} differs at {differ[:5]}: kartoteka "
                             f"{[got[facet].get(v) for v in differ[:5]]}, Whoosh "
                             f"{[expected[facet].get(v) for v in differ[:5]]}")
        if not any(vars(case.filters).values()) and sum(got["year"].values()) != answer["total"]:
            wrong.append(f"{case}: year counts add up to {sum(got['year'].values())}, "
                         f"not the total {answer['total']}")
    assert not wrong, "\n".join(wrong)


# (d) Deviations by design ----------------------------------------------------------


def _pattern_parts(q, boost: float = 1.0):
    """(pattern query, the boost it carries) of every prefix or wildcard in ``q``."""
    if isinstance(q, query.PatternQuery):
        yield q, boost * q.boost
    else:
        for child in getattr(q, "subqueries", ()):
            yield from _pattern_parts(child, boost * q.boost)


def test_prefixes_score_their_parts_boosts_as_constants(engines, workload):
    wrong = []
    for case in workload.cases["prefix"]:
        q = engines.parse(case.text)
        parts = list(_pattern_parts(q))
        assert parts, case
        constant: dict[int, float] = {}
        for part, boost in parts:
            for docnum in engines.searcher.docs_for_query(part):
                constant[docnum] = constant.get(docnum, 0.0) + boost
        expected = sorted(constant.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        hits = engines.answer(case)["hits"]
        got = [(engines.docnum_of[hit["id"]], hit["score"]) for hit in hits]
        if [d for d, _ in got] != [d for d, _ in expected] or any(
                abs(score - value) > SCORE_DIGITS for (_, score), (_, value) in zip(got, expected)):
            wrong.append(f"{case}: {got[:4]}…, expected {expected[:4]}…")
    assert not wrong, "\n".join(wrong)


def test_phrases_match_as_whoosh_and_score_as_the_and_of_their_words(engines, workload):
    wrong = []
    for case in workload.cases["phrase"]:
        phrase = engines.parse(case.text)
        field, quoted = case.text.rstrip('"').split('"')  # 'title:"a b"' → 'title:', 'a b'
        words = engines.words_of_phrase(field.rstrip(":") or None, quoted)
        bits = engines.evaluator.matches(phrase)
        matched = set(ids_of(bits))
        everything = len(matched)
        # kartoteka: exactly the AND's scores, on the phrase's matches.
        as_phrase = engines.evaluator.top(phrase, bits, everything)
        as_words = engines.evaluator.top(words, bits, everything)
        if [d for d, _ in as_phrase] != [d for d, _ in as_words] or [s for _, s in as_phrase] \
                != pytest.approx([s for _, s in as_words], rel=1e-12):
            wrong.append(f"{case}: phrase scores {as_phrase[:3]}…, its words' {as_words[:3]}…")
        # Whoosh: the AND of the words by BM25F, on the same documents.
        whoosh = engines.whoosh_scores(words, matched) if matched else {}
        hits = engines.docnums(engines.answer(case)["hits"])
        wrong += _ranking_problems(engines, case, words, whoosh, hits, engines.step(words))
    assert not wrong, "\n".join(wrong)


def test_author_parts_rank_by_their_bm25f_like_title_and_body(engines, workload):
    wrong, checked = [], 0
    for case in workload.cases["field"]:
        if "author:" not in case.text:
            continue
        q = engines.parse(case.text)
        hits = engines.docnums(engines.answer(case)["hits"])
        assert hits and all(hit["score"] > 0 for hit in engines.answer(case)["hits"]), case
        wrong += _ranking_problems(engines, case, q, engines.whoosh_scores(q), hits,
                                   engines.step(q))
        checked += 1
    assert checked == 8 and not wrong, "\n".join(wrong)
