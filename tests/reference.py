"""A plain Whoosh index of a generation's articles, the oracle the docsets are checked against.

kartoteka indexes the articles' words in its docsets only; Whoosh keeps the
articles. Here the same articles, read back from a generation's stored fields
in document order, are indexed by Whoosh itself with the same analyzers
(``schema.text_fields``), positions and BM25 lengths included, and the facet
keys as the build gives them. Document numbers are the generation's: a
deleted document is added and deleted again.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import TEXT

from indexer.engine.schema import _keywords, make_schema, text_fields
from indexer.engine.store import open_whoosh_index
from indexer.text.regions import group_of


def reference_schema():
    """The generation's schema with the text fields indexed by Whoosh (title and body stored)."""
    schema = make_schema()
    for name, field in text_fields().items():
        if name in schema:
            schema.remove(name)
        if name in ("title", "body"):
            field = TEXT(analyzer=field.analyzer, stored=True)
        schema.add(name, field)
    return schema


def _document(stored: dict) -> dict:
    title, body = stored.get("title") or "", stored.get("body") or ""
    authors, regions = stored.get("authors") or [], stored.get("regions") or []
    fields = dict(
        id=stored["id"], lang=stored.get("lang"), title=title, body=body,
        author=" ".join(authors), exact=f"{title}\n{body}",
        author_facet=_keywords(authors), region=_keywords(regions),
        region_group=_keywords(dict.fromkeys(g for g in map(group_of, regions) if g)),
        topic=_keywords(stored.get("topics") or []), url=stored.get("url"),
        undated=0 if stored.get("published") else 1)
    if stored.get("outlet"):
        fields["outlet"] = stored["outlet"]
    if stored.get("published"):
        import datetime as dt
        date = dt.date.fromisoformat(stored["published"])
        fields["date"] = dt.datetime.combine(date, dt.time())
        fields["year"] = str(date.year)
    return {k: v for k, v in fields.items() if v is not None}


def reference_index(generation: Path, folder: Path):
    """Build the oracle index of ``generation`` in ``folder``; the open Whoosh index."""
    folder.mkdir(parents=True, exist_ok=True)
    source = open_whoosh_index(Path(generation))
    ix = whoosh_index.create_in(str(folder), reference_schema())
    with source.reader() as reader:
        total = reader.doc_count_all()
        live = set(reader.all_doc_ids())
        writer = ix.writer()
        for docnum in range(total):
            writer.add_document(**_document(reader.stored_fields(docnum)))
        for docnum in range(total):
            if docnum not in live:
                writer.delete_document(docnum)
        writer.commit(merge=False)
    source.close()
    return ix
