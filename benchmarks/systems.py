"""The three systems compared: kartoteka and two baselines, each in its obvious form.

Each system builds its index in a separate process (so its peak memory can be
measured) and answers the query mix with everything a results page needs:
the total, counts for all five facets, and 20 hits with snippets.

- ``PlainWhoosh``: Whoosh's ``StemmingAnalyzer`` (English stemming, no Russian
  morphology) and facets through ``groupedby`` with ``FieldFacet`` (overlapping
  for the multi-valued fields), counts via ``sorting.Count``.
- ``SqliteFts5``: an FTS5 table with ``tokenize='porter unicode61'``; the
  matching rowids go into a temporary table once per search, and the total,
  the facets (``GROUP BY`` over join tables) and the ``bm25``-ranked hits with
  ``snippet()`` join against it.

Where a baseline cannot run a query of the mix as written, it runs the closest
thing it can, and its total says so: an author's surname becomes that author's
bylines (both keep whole bylines only), and FTS5 takes a mid-word pattern's
prefix.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import sys
from pathlib import Path

from indexer import current_generation
from indexer.engine.contract import FACETS
from indexer.search.service import SearchRequest, SearchService
from indexer.text.dates import parse_date_bound
from indexer.text.regions import expand_region_filter, group_of

from .measure import folder_bytes

HITS = 20


def records(corpus: Path):
    """The synthetic corpus's JSON Lines records, in file order."""
    for path in sorted(Path(corpus).glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


def _bounds(query: dict):
    start = parse_date_bound(query["date_from"]) if query.get("date_from") else None
    end = parse_date_bound(query["date_to"], end=True) if query.get("date_to") else None
    return start, end


class Kartoteka:
    name = "kartoteka"
    cross = True  # each word also searched in the other language (issue 11)

    def index_command(self, corpus: Path, index_dir: Path) -> list[str]:
        return [sys.executable, "-c", "from indexer.cli import cli; cli()", "index",
                str(corpus), "--index", str(index_dir)]

    def size(self, index_dir: Path) -> int:
        return folder_bytes(current_generation(index_dir))

    def open(self, index_dir: Path) -> None:
        self.service = SearchService(index_dir)

    def search(self, query: dict) -> int:
        result = self.service.search(SearchRequest(
            query=query["q"], regions=tuple(query.get("regions", ())),
            date_from=query.get("date_from"), date_to=query.get("date_to"), per_page=HITS,
            cross=self.cross))
        assert set(result["facets"]) == set(FACETS)
        return result["total"]


class PlainWhoosh:
    name = "plain Whoosh"

    def index_command(self, corpus: Path, index_dir: Path) -> list[str]:
        return [sys.executable, "-m", "benchmarks", "_index", "whoosh", str(corpus), str(index_dir)]

    @staticmethod
    def build(corpus: Path, index_dir: Path) -> int:
        from whoosh import index
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
        schema = Schema(
            id=ID(stored=True, unique=True),
            title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
            body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
            author=KEYWORD(commas=True, stored=True),
            region=KEYWORD(commas=True, stored=True),
            region_group=KEYWORD(commas=True),
            lang=ID(stored=True), year=ID(stored=True),
            date=DATETIME(stored=True, sortable=True))
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(index_dir), schema)
        writer = ix.writer(limitmb=256)
        count = 0
        for r in records(corpus):
            date = dt.datetime.fromisoformat(r["date"])
            writer.add_document(
                id=r["id"], title=r["title"], body=r["body"], author=",".join(r["authors"]),
                region=",".join(r["regions"]),
                region_group=",".join({group_of(s) for s in r["regions"]}),
                lang=r["lang"], year=str(date.year), date=date)
            count += 1
        writer.commit()
        return count

    def size(self, index_dir: Path) -> int:
        return folder_bytes(index_dir)

    def open(self, index_dir: Path) -> None:
        from whoosh import index
        from whoosh.qparser import MultifieldParser
        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)

    def search(self, query: dict) -> int:
        from whoosh import query as wq
        from whoosh import sorting
        if query.get("bylines"):
            # Its author field holds whole bylines: a surname alone matches none, so
            # it looks up the bylines themselves, in both scripts.
            q = wq.Or([wq.Term("author", byline) for byline in query["bylines"]])
        else:
            q = self.parser.parse(query["q"]) if query["q"] else wq.Every()
        filters = []
        if query.get("regions"):
            filters.append(wq.Or([wq.Term("region", s)
                                  for s in sorted(expand_region_filter(query["regions"]))]))
        start, end = _bounds(query)
        if start or end:
            filters.append(wq.DateRange(
                "date", dt.datetime.combine(start, dt.time()) if start else None,
                dt.datetime.combine(end, dt.time.max) if end else None))
        facets = {
            "region": sorting.FieldFacet("region", allow_overlap=True, maptype=sorting.Count),
            "region_group": sorting.FieldFacet("region_group", allow_overlap=True,
                                               maptype=sorting.Count),
            "author": sorting.FieldFacet("author", allow_overlap=True, maptype=sorting.Count),
            "lang": sorting.FieldFacet("lang", maptype=sorting.Count),
            "year": sorting.FieldFacet("year", maptype=sorting.Count),
        }
        results = self.searcher.search(q, limit=HITS, filter=wq.And(filters) if filters else None,
                                       groupedby=facets, terms=True)
        for name in facets:
            results.groups(name)
        for hit in results[:HITS]:
            hit.fields()
            hit.highlights("body")
        return len(results)


FTS_WORD = re.compile(r'"[^"]*"|\S+')


class SqliteFts5:
    name = "SQLite FTS5"

    def index_command(self, corpus: Path, index_dir: Path) -> list[str]:
        return [sys.executable, "-m", "benchmarks", "_index", "fts5", str(corpus), str(index_dir)]

    @staticmethod
    def build(corpus: Path, index_dir: Path) -> int:
        index_dir.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(index_dir / "fts.db")
        db.executescript("""
            CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, lang TEXT, date TEXT,
                              year INTEGER, url TEXT, title TEXT);
            CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61');
            CREATE TABLE doc_region(docid INTEGER, value TEXT);
            CREATE TABLE doc_group(docid INTEGER, value TEXT);
            CREATE TABLE doc_author(docid INTEGER, value TEXT);
        """)
        count = 0
        with db:
            for count, r in enumerate(records(corpus), start=1):
                db.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?)",
                           (count, r["id"], r["lang"], r["date"], int(r["date"][:4]), r["url"],
                            r["title"]))
                db.execute("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)",
                           (count, r["title"], r["body"]))
                db.executemany("INSERT INTO doc_region VALUES (?,?)",
                               [(count, s) for s in r["regions"]])
                db.executemany("INSERT INTO doc_group VALUES (?,?)",
                               [(count, g) for g in {group_of(s) for s in r["regions"]}])
                db.executemany("INSERT INTO doc_author VALUES (?,?)",
                               [(count, a) for a in r["authors"]])
        db.executescript("""
            CREATE INDEX doc_region_docid ON doc_region(docid, value);
            CREATE INDEX doc_region_value ON doc_region(value, docid);
            CREATE INDEX doc_group_docid ON doc_group(docid, value);
            CREATE INDEX doc_author_docid ON doc_author(docid, value);
            CREATE INDEX docs_date ON docs(date);
            INSERT INTO fts(fts) VALUES ('optimize');
        """)
        db.close()
        return count

    def size(self, index_dir: Path) -> int:
        return folder_bytes(index_dir)

    def open(self, index_dir: Path) -> None:
        self.db = sqlite3.connect(index_dir / "fts.db", check_same_thread=False)

    @staticmethod
    def _match_text(query: dict) -> str:
        """The closest FTS5 query to ``query``'s text: FTS5 has prefixes but no
        mid-word patterns, so a pattern becomes its prefix; authors are not in the
        FTS table, so an author's query has no text (its bylines filter instead)."""
        if query.get("bylines"):
            return ""
        return query.get("prefix") or query["q"]

    def _matching(self, query: dict) -> tuple[str, list]:
        """SQL selecting the matching rowids, and its parameters."""
        clauses, params = [], []
        if self._match_text(query):
            clauses.append("rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(self._match_text(query))
        if query.get("bylines"):
            clauses.append(f"rowid IN (SELECT docid FROM doc_author WHERE value IN "
                           f"({','.join('?' * len(query['bylines']))}))")
            params += query["bylines"]
        if query.get("regions"):
            slugs = sorted(expand_region_filter(query["regions"]))
            clauses.append(f"rowid IN (SELECT docid FROM doc_region WHERE value IN "
                           f"({','.join('?' * len(slugs))}))")
            params += slugs
        start, end = _bounds(query)
        if start:
            clauses.append("date >= ?")
            params.append(start.isoformat())
        if end:
            clauses.append("date <= ?")
            params.append(end.isoformat())
        where = " AND ".join(clauses) or "1"
        return f"SELECT rowid FROM docs WHERE {where}", params

    def search(self, query: dict) -> int:
        # The matching rowids once, into a temporary table that the total,
        # the five GROUP BY facets and the hits all join against.
        matching, params = self._matching(query)
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.m")
        db.execute("CREATE TEMP TABLE m(docid INTEGER PRIMARY KEY)")
        db.execute(f"INSERT INTO m {matching}", params)
        total = db.execute("SELECT count(*) FROM m").fetchone()[0]
        for table in ("doc_region", "doc_group", "doc_author"):
            db.execute(f"SELECT value, count(*) FROM {table} JOIN m USING (docid) "
                       "GROUP BY value").fetchall()
        for column in ("lang", "year"):
            db.execute(f"SELECT {column}, count(*) FROM docs JOIN m ON docs.rowid = m.docid "
                       f"GROUP BY {column}").fetchall()
        text = self._match_text(query)
        if text:
            # Rank inside the FTS query, then filter: "MATCH ... AND rowid IN (...)"
            # makes SQLite run the MATCH once per row.
            top = db.execute(
                "SELECT f.rowid FROM (SELECT rowid, rank FROM fts WHERE fts MATCH ?) AS f "
                f"JOIN m ON m.docid = f.rowid ORDER BY f.rank LIMIT {HITS}",
                [text]).fetchall()
            for (rowid,) in top:
                db.execute("SELECT docs.id, docs.title, snippet(fts, 1, '<mark>', '</mark>', "
                           "'…', 24) FROM fts JOIN docs ON docs.rowid = fts.rowid "
                           "WHERE fts MATCH ? AND fts.rowid = ?", [text, rowid]).fetchall()
        else:
            db.execute(f"SELECT docs.id, docs.title, substr(fts.body, 1, 200) FROM docs "
                       f"JOIN m ON docs.rowid = m.docid JOIN fts ON fts.rowid = docs.rowid "
                       f"ORDER BY docs.date DESC LIMIT {HITS}").fetchall()
        return total


SYSTEMS = (Kartoteka, PlainWhoosh, SqliteFts5)
