"""The Whoosh schema and the facet fields, declared once."""

from __future__ import annotations

import datetime as dt
import struct

from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ..model import Article
from ..text.analysis import bilingual_analyzer, surface_analyzer
from ..text.analysis import author_analyzer
from ..text.regions import group_of

# Facet name → the indexed field that holds its values.
FACET_FIELDS = {
    "region": "region",
    "region_group": "region_group",
    "author": "author_facet",
    "lang": "lang",
    "year": "year",
    "topic": "topic",
    "outlet": "outlet",
}
# The year facet's value for articles without a date. Not stored: the docsets
# derive it from the documents' dates, so an index needs no rebuild for it.
UNDATED = "undated"
# A bare query word is searched in these fields, weighted title > authors > body.
SEARCH_FIELDS = ("title", "author", "body")
FIELD_BOOSTS = {"title": 2.5, "author": 2.0, "body": 1.0}
# Title and body words as written (lower case, ё folded): what ``=word``
# searches, and what ranks a query word's own form above its other forms.
EXACT_FIELD = "exact"
# Per document, for the docsets writer to read in one pass: the body's word
# count and copy fingerprint ("copy_card"), the URL and the translation's id
# ("links", "url\ntranslation").
COPY_CARD = struct.Struct("<I")
# BM25's constants, Whoosh's BM25F defaults: both engines rank with them.
BM25_B, BM25_K1 = 0.75, 1.2


def text_fields() -> dict[str, TEXT]:
    """The searchable text fields and how their words are analyzed. Their postings
    are the docsets' (``docsets_terms.py``), not Whoosh's: Whoosh keeps the
    articles, and these fields only parse queries (``query_schema``)."""
    return {
        "title": TEXT(analyzer=bilingual_analyzer()),
        "body": TEXT(analyzer=bilingual_analyzer()),
        "author": TEXT(analyzer=author_analyzer()),  # words as written and person keys
        "exact": TEXT(analyzer=surface_analyzer(), phrase=False),
    }


def field_texts(stored: dict) -> dict[str, str]:
    """Each text field's text, from an article's stored fields."""
    title, body = stored.get("title") or "", stored.get("body") or ""
    return {"title": title, "body": body, "author": " ".join(stored.get("authors") or ()),
            "exact": f"{title}\n{body}"}


def query_schema() -> Schema:
    """The index schema with the text fields searchable: what queries are parsed against."""
    schema = make_schema()
    for name, field in text_fields().items():
        if name in schema:
            schema.remove(name)
        schema.add(name, field)
    return schema


def make_schema() -> Schema:
    """The index schema: facet keys, sort columns, stored data (the articles' words
    are indexed in the docsets)."""
    return Schema(
        id=ID(stored=True, unique=True),
        lang=ID(stored=True),
        title=STORED,
        body=STORED,
        # Facet fields: terms only; the docsets hold their bitsets and columns.
        author_facet=KEYWORD(commas=True, scorable=False),
        region=KEYWORD(commas=True, scorable=False),
        region_group=KEYWORD(commas=True, scorable=False),
        topic=KEYWORD(commas=True, scorable=False),
        outlet=KEYWORD(commas=True, scorable=False, stored=True),  # one value, or none
        year=ID,
        date=DATETIME(sortable=True),
        undated=NUMERIC(int, bits=8, sortable=True),
        copy_card=COLUMN(VarBytesColumn()),
        links=COLUMN(VarBytesColumn()),
        url=STORED,
        authors=STORED,
        published=STORED,
        regions=STORED,
        region_source=STORED,
        topics=STORED,
        source=STORED,
        translation=STORED,
    )


def _keywords(values) -> str:
    # Commas separate KEYWORD values; keep them out of the values themselves.
    return ",".join(v.replace(",", " ") for v in values)


def document_fields(article: Article, fingerprint: bytes = b"") -> dict:
    """The fields Whoosh indexes and stores for one article."""
    groups = list(dict.fromkeys(g for g in map(group_of, article.regions) if g))
    fields = dict(
        id=article.id,
        lang=article.lang,
        title=article.title,
        body=article.body,
        author_facet=_keywords(article.authors),
        region=_keywords(article.regions),
        region_group=_keywords(groups),
        topic=_keywords(article.topics),
        outlet=_keywords([article.outlet] if article.outlet else []),
        undated=0 if article.date else 1,
        copy_card=COPY_CARD.pack(len(article.body.split())) + fingerprint,
        links=f"{article.url or ''}\n{article.translation or ''}".encode(),
        url=article.url,
        authors=list(article.authors),
        published=article.date.isoformat() if article.date else None,
        regions=list(article.regions),
        region_source=article.region_source,
        topics=list(article.topics),
        source=article.source,
        translation=article.translation,
    )
    if article.date:
        fields["date"] = dt.datetime.combine(article.date, dt.time())
        fields["year"] = str(article.date.year)
    return fields
