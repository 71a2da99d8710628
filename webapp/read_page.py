""""How this page was read": an indexed article's file read again, as plain data.

One function builds the data; the view renders it as a page or returns it as
JSON (``/read/<id>``, ``/api/read/<id>``). The reader is the build's own
(``indexer.inspect_stored``), loaded only when such a page is asked for, so a
search never loads the write path.
"""

from __future__ import annotations

from flask import current_app

from indexer import SearchService, region_label

from .i18n import TEXT

FIELD_WORDS = {"id": "read_field_id", "lang": "lang", "title": "read_field_title",
               "authors": "authors", "date": "date", "outlet": "read_field_outlet",
               "url": "read_field_url", "regions": "regions", "topics": "topics",
               "translation": "read_field_translation"}


def reading(service: SearchService, article_id: str) -> tuple[dict, int]:
    """What the reader makes of an indexed article's file now, and the HTTP status:
    200; 404 for an unknown id; 410 when the file is gone or no longer holds the
    article (``error`` is ``"gone"`` or ``"changed"``, ``source`` the file)."""
    stored = service.article(article_id)
    if stored is None:
        return {"id": article_id, "error": "not-found"}, 404
    from indexer import SourceGone, inspect_stored  # the write path: loaded only here

    try:
        data = inspect_stored(article_id, stored["source"], service.info())
    except SourceGone as error:
        current_app.logger.warning("%s", error)  # it names the server's folders: log only
        return {"id": article_id, "title": stored["title"], "source": stored["source"],
                "error": error.kind}, 410
    del data["path"]  # a path on the server
    body = "\n\n".join(data["article"]["paragraphs"]) if data["article"] else None
    data.update(id=article_id, title=stored["title"], source=stored["source"],
                same_as_indexed=body == stored.get("body"), error=None)
    return data, 200


def read_page(data: dict, ui: str) -> dict:
    """The template's data: the reading, with the field names in the interface language."""
    t = TEXT[ui]
    if data.get("article"):
        for field in data["article"]["fields"]:
            field["label"] = t[FIELD_WORDS.get(field["name"], "read_field_id")]
            if field["name"] == "regions":
                field["value"] = [region_label(slug, ui) for slug in field["value"]]
    return {"ui": ui, "t": t, "reading": data, "other_ui_url": f"?ui={'ru' if ui == 'en' else 'en'}"}
