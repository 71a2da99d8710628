"""``python -m benchmarks differential --docs N``: both engines on random searches.

Run it after ``cluster --docs N`` with the same ``--work``: it opens that run's
Whoosh index, starts its cluster folder's ``searchd``s again, sends the same
seeded random searches to both through ``SearchService`` — words, pairs, ``OR``,
``-word``, phrases, prefixes, ``title:``, ``=form``, with region, date and
language filters, cross-language search on and off, by relevance and by date,
first and second pages — and lists every search whose total, facet counts,
order of dates, "did you mean" or cross-language additions differ. Relevance
order is compared by ``cluster``'s top-ten agreement, not here. Every
``searchd`` it started is stopped again.
"""

from __future__ import annotations

import random
from pathlib import Path

from indexer import SearchRequest, SearchService
from indexer.errors import QueryError

from .synthetic import build_vocabularies

REGIONS = ("georgia", "armenia", "central-asia", "caucasus", "ukraine", "kazakhstan")
COMPARED = ("total", "facets", "dates", "suggestion", "expansions")


def random_searches(seed: int, count: int) -> list[SearchRequest]:
    """``count`` seeded searches of every kind, over the generator's vocabularies."""
    vocab = build_vocabularies(seed)
    words = [w for lang in ("en", "ru") for w in vocab[lang].forms[:3000] if w.isalpha()]
    rng = random.Random(seed)
    searches = []
    for _ in range(count):
        a, b = rng.sample(words, 2)
        text = rng.choice([a, f"{a} {b}", f"{a} OR {b}", f"{a} -{b}", f'"{a} {b}"',
                           a[:4] + "*", f"title:{a}", f"={a}"])
        filters = {}
        if rng.random() < 0.4:
            filters["regions"] = (rng.choice(REGIONS),)
        if rng.random() < 0.3:
            filters["date_from"], filters["date_to"] = "2012", "2018"
        if rng.random() < 0.2:
            filters["langs"] = (rng.choice(("en", "ru")),)
        searches.append(SearchRequest(query=text, cross=rng.random() < 0.5,
                                      sort=rng.choice(("relevance", "newest", "oldest")),
                                      page=rng.choice((1, 1, 2)), **filters))
    return searches


def answer(service: SearchService, request: SearchRequest) -> dict:
    """What is compared of one search (the message of a refused one)."""
    try:
        found = service.search(request)
    except QueryError as error:
        return {"refused": str(error)}
    return {"total": found["total"], "facets": found["facets"],
            "dates": [h["date"] for h in found["hits"]] if request.sort != "relevance"
            else len(found["hits"]),
            "suggestion": found["suggestion"],
            "expansions": [e["added"] for e in found["expansions"]]}


def run_differential(docs: int, work: Path, shards: int, count: int, seed: int) -> dict:
    """The random searches on ``cluster``'s two indexes of ``docs`` articles."""
    from indexer.engine.sphinx.config import read_cluster

    from .cluster import Searchds

    whoosh_dir, folder = work / f"index-{docs}-engine-whoosh", work / f"cluster-{docs}-{shards}"
    if not whoosh_dir.exists() or not folder.exists():
        raise RuntimeError(f"no indexes of {docs} articles in {work}: run "
                           f"`python -m benchmarks cluster --docs {docs}` first")
    searchds = Searchds(read_cluster(folder))
    differences = []
    try:
        searchds.start_all()
        engines = [SearchService(whoosh_dir), SearchService(folder)]
        try:
            for request in random_searches(seed, count):
                ours, theirs = (answer(s, request) for s in engines)
                if ours != theirs:
                    differences.append({"request": repr(request), "differ": sorted(
                        k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))})
        finally:
            for service in engines:
                service.close()
    finally:
        searchds.stop_all()
    return {"docs": docs, "seed": seed, "searches": count, "differences": differences}


def format_differential(report: dict) -> str:
    head = (f"{report['searches']} random searches on both engines ({report['docs']} "
            f"articles): {len(report['differences'])} differ")
    lines = [head]
    lines += [f"  {d['request']}: {', '.join(d['differ'])}" for d in report["differences"]]
    return "\n".join(lines)
