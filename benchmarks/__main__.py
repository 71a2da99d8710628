"""``python -m benchmarks run --docs 10000``: kartoteka against plain Whoosh and SQLite FTS5.
``python -m benchmarks load --docs 10000``: 20 clients against one server, an update midway
(``--workers 2``: two server processes; ``--shards 3``: serving a Sphinx cluster).
``python -m benchmarks cluster --docs 10000``: the Whoosh engine and a 3-shard Sphinx cluster
side by side.
``python -m benchmarks differential --docs 10000``: after ``cluster``, both engines on random
searches, every difference listed.
``python -m benchmarks realworld``: page extraction scored on real pages with gold data.

Prints tables and writes a JSON report. Figures, not tests. ``run`` ends with Markdown
for benchmarks/README.md: p50 / p95 per kind of query at each corpus size, and indexing
rates beside plain Whoosh's.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from .cluster import format_cluster, run_cluster
from .differential import format_differential, run_differential
from .load import format_load, run_load
from .measure import (
    free_port,
    latency_figures,
    machine,
    peak_rss_mb,
    run_measured,
    start_server,
    time_queries,
    wait_until_answered,
)
from .queries import KINDS, query_mix, search_params
from .realworld import DEFAULT_SET, run_realworld
from .synthetic import SEED, build_vocabularies, ensure_corpus
from .systems import SYSTEMS, Kartoteka, PlainWhoosh, SqliteFts5


def _api_url(base: str, query: dict) -> str:
    return f"{base}/api/search?{urllib.parse.urlencode(search_params(query))}"


def measure_server(index_dir: Path, mix: list[dict]) -> dict:
    """Seconds from ``kartoteka serve`` start to its first answered search; peak memory."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = start_server(index_dir, port)
    try:
        wait_until_answered(_api_url(base, mix[0]), process)
        first = time.perf_counter() - started
        for query in mix * 3:
            urllib.request.urlopen(_api_url(base, query), timeout=60).read()
        return {"first_search_s": round(first, 2), "peak_mb": round(peak_rss_mb(process.pid), 1)}
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure_system(system, corpus: Path, index_dir: Path, docs: int, mix: list[dict],
                   repeat: int) -> dict:
    """Build, size and query one system."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    build = run_measured(system.index_command(corpus, index_dir))
    if build["returncode"]:
        raise RuntimeError(f"{system.name} failed to index:\n{build['output']}")
    system.open(index_dir)
    totals = {q["name"]: system.search(q) for q in mix}  # warm-up, and what each finds
    measured = _latency(mix, time_queries(system, mix, repeat))
    if getattr(system, "cross", False):
        # The same searches with the words as typed only: what expansion costs.
        system.cross = False
        measured |= _latency(mix, time_queries(system, mix, repeat), "_no_cross")
        system.cross = True
    return {
        "index_s": round(build["seconds"], 2),
        "docs_per_s": round(docs / build["seconds"], 1),
        "index_peak_mb": build["peak_mb"],
        "index_mb": round(system.size(index_dir) / 2 ** 20, 1),
        "totals": totals,
        **measured,
    }


def _latency(mix: list[dict], by_query: dict[str, list[float]], suffix: str = "") -> dict:
    """The report's latency keys: all searches, per query and per kind of query."""
    figures = latency_figures(mix, by_query)
    return {f"search_ms{suffix}": figures["all"], f"per_query_ms{suffix}": figures["per_query"],
            f"per_kind_ms{suffix}": figures["per_kind"]}


def run_size(docs: int, work: Path, repeat: int, baselines: bool) -> dict:
    """All measurements for one corpus size."""
    corpus = ensure_corpus(work, docs, SEED)
    mix = query_mix(build_vocabularies(SEED))
    systems = SYSTEMS if baselines else (Kartoteka,)
    report = {"docs": docs, "repeat": repeat, "queries": mix, "systems": {}}
    for cls in systems:
        system = cls()
        print(f"{system.name}: indexing and searching {docs} articles …", file=sys.stderr)
        report["systems"][system.name] = measure_system(
            system, corpus, work / f"index-{docs}-{cls.__name__.lower()}", docs, mix, repeat)
    report["server"] = measure_server(work / f"index-{docs}-kartoteka", mix)
    report["ratios"] = _ratios(report["systems"])
    return report


def _ratios(systems: dict) -> dict:
    mine = systems["kartoteka"]
    ratios = {}
    for name, other in systems.items():
        if name == "kartoteka":
            continue
        ratios[name] = {
            "indexing_rate": round(mine["docs_per_s"] / other["docs_per_s"], 2),
            "index_size": round(mine["index_mb"] / other["index_mb"], 2),
            **{f"search_{p}_speedup": round(other["search_ms"][p] / mine["search_ms"][p], 1)
               for p in ("p50", "p95", "p99")},
        }
    return ratios


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as fixed-width lines: the first column left, the others right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
            for r in rows]


def _p50_p95(figures: dict | None) -> str:
    return f"{figures['p50']:.1f} / {figures['p95']:.1f}" if figures else "–"


def _latency_columns(report: dict) -> list[tuple[str, str, str]]:
    """(heading, system, key suffix) of each latency column: every system, and
    kartoteka without cross-language expansion where it was measured."""
    columns = []
    for name, figures in report["systems"].items():
        columns.append((name, name, ""))
        if "search_ms_no_cross" in figures:
            columns.append((f"{name}, no cross", name, "_no_cross"))
    return columns


def format_table(report: dict) -> str:
    """The report of one corpus size as fixed-width tables: the overall figures,
    p50 / p95 per kind of query and per query."""
    names = list(report["systems"])
    rows = [("", *names)]
    metric = lambda label, fn: rows.append((label, *(fn(report["systems"][n]) for n in names)))
    metric("index wall time (s)", lambda s: f"{s['index_s']:.1f}")
    metric("indexing rate (docs/s)", lambda s: f"{s['docs_per_s']:.0f}")
    metric("index peak memory (MB)", lambda s: f"{s['index_peak_mb']:.0f}")
    metric("index size (MB)", lambda s: f"{s['index_mb']:.1f}")
    for p in ("p50", "p95", "p99"):
        metric(f"search {p} (ms)", lambda s, p=p: f"{s['search_ms'][p]:.1f}")
    for p in ("p50", "p95", "p99"):
        metric(f"search {p}, no cross (ms)", lambda s, p=p: f"{s['search_ms_no_cross'][p]:.1f}"
               if "search_ms_no_cross" in s else "–")
    lines = [f"{report['docs']} articles — search = total + 5 facets + 20 snippets"]
    lines += _aligned(rows)
    server = report["server"]
    lines.append(f"kartoteka serve: first search answered {server['first_search_s']:.2f} s after "
                 f"start; server peak memory {server['peak_mb']:.0f} MB")
    for name, ratio in report["ratios"].items():
        lines.append(f"vs {name}: search {ratio['search_p50_speedup']}× faster at p50, "
                     f"{ratio['search_p95_speedup']}× at p95; indexing rate ×{ratio['indexing_rate']}; "
                     f"index size ×{ratio['index_size']}")
    columns = _latency_columns(report)
    systems = report["systems"]
    lines += ["", "p50 / p95 (ms) per kind of query"]
    lines += _aligned([("kind", *(heading for heading, _, _ in columns))] + [
        (kind, *(_p50_p95(systems[name][f"per_kind_ms{suffix}"].get(kind))
                 for _, name, suffix in columns))
        for kind in _kinds(report["queries"])])
    lines += ["", "p50 / p95 (ms) per query [total found]"]

    def per_query(name: str, suffix: str, query: str) -> str:
        cell = _p50_p95(systems[name][f"per_query_ms{suffix}"][query])
        return cell if suffix else f"{cell} [{systems[name]['totals'][query]}]"

    lines += _aligned([("query", "kind", *(heading for heading, _, _ in columns))] + [
        (q["name"], q["kind"], *(per_query(name, suffix, q["name"]) for _, name, suffix in columns))
        for q in report["queries"]])
    return "\n".join(lines)


def _kinds(mix: list[dict]) -> list[str]:
    """The kinds of the mix, in ``KINDS`` order."""
    present = {q["kind"] for q in mix}
    return [kind for kind in KINDS if kind in present]


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return (["| " + " | ".join(header) + " |",
             "| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |"]
            + ["| " + " | ".join(row) + " |" for row in rows])


def format_markdown(report: dict, command: str) -> str:
    """The run as Markdown for the benchmarks README: p50 / p95 per kind of query at
    each corpus size, the queries of each kind, and kartoteka's indexing rate
    beside plain Whoosh's."""
    runs = report["runs"]
    mix = runs[0]["queries"]
    columns = [(run, name) for run in runs for name in run["systems"]]
    lines = [f"Produced by `{command}` "
             f"({report['machine']['cores']} cores, {report['machine']['cpu']}).", "",
             f"Search p50 / p95 (ms) per kind of query, each query {runs[0]['repeat']} times; "
             "a search is the total, all five facets and 20 hits with snippets:", ""]
    lines += _markdown_table(
        ["kind (queries)", *(f"{run['docs']:,}: {name}" for run, name in columns)],
        [[f"{kind} ({sum(q['kind'] == kind for q in mix)})",
          *(_p50_p95(run["systems"][name]["per_kind_ms"].get(kind)) for run, name in columns)]
         for kind in _kinds(mix)])
    lines += ["", "The queries of each kind:", ""]
    lines += [f"- {kind}: " + ", ".join(f"`{q['q'] or '(empty)'}`" + (
        f" + {', '.join(q['regions'])}, {q['date_from']}–{q['date_to']}" if q.get("regions")
        else "") for q in mix if q["kind"] == kind) for kind in _kinds(mix)]
    lines += ["", "Indexing rate (docs/s), the same run:", ""]
    rows = []
    for run in runs:
        systems = run["systems"]
        rate = lambda name: f"{systems[name]['docs_per_s']:.0f}" if name in systems else "–"
        ratio = run["ratios"].get(PlainWhoosh.name, {}).get("indexing_rate")
        rows.append([f"{run['docs']:,}", rate(Kartoteka.name), rate(PlainWhoosh.name),
                     f"×{ratio}" if ratio else "–", rate(SqliteFts5.name)])
    lines += _markdown_table(["articles", "kartoteka", "plain Whoosh",
                              "kartoteka ÷ plain Whoosh", "SQLite FTS5"], rows)
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="generate corpora, index and search them, report")
    run.add_argument("--docs", type=int, action="append", help="corpus size (repeatable)")
    run.add_argument("--work", type=Path, default=Path("benchmark-work"),
                     help="folder for corpora and indexes (reused between runs)")
    run.add_argument("--out", type=Path, default=Path("benchmark-report.json"))
    run.add_argument("--repeat", type=int, default=10, help="runs of each query")
    run.add_argument("--no-baselines", action="store_true", help="measure kartoteka only")
    load = sub.add_parser("load", help="concurrent clients against a local server, an update "
                                       "landing midway")
    load.add_argument("--docs", type=int, default=10000, help="corpus size")
    load.add_argument("--clients", type=int, default=20)
    load.add_argument("--seconds", type=float, default=30.0)
    load.add_argument("--rebuild-at", type=float, default=10.0,
                      help="seconds into the run when the update starts")
    load.add_argument("--threads", type=int, default=4, help="server threads (of each worker)")
    load.add_argument("--workers", type=int, default=1,
                      help="server processes (kartoteka serve --workers)")
    load.add_argument("--shards", type=int, default=0,
                      help="serve a Sphinx cluster of this many shards (started and stopped "
                           "here; searchd needed) instead of the Whoosh engine")
    load.add_argument("--work", type=Path, default=Path("benchmark-work"))
    load.add_argument("--out", type=Path, default=Path("load-report.json"))
    real = sub.add_parser("realworld", help="score page extraction on real pages with gold data")
    real.add_argument("--set", type=Path, default=DEFAULT_SET, dest="set_dir",
                      help="folder with expect.json and pages/ (default: ../shared/realworld-html)")
    real.add_argument("--trafilatura", action="store_true",
                      help="kept for old scripts: trafilatura alone is always scored "
                           "beside kartoteka, as the baseline")
    real.add_argument("--failures", action="store_true", help="list every check not held")
    real.add_argument("--out", type=Path, help="write the scores as JSON")
    cluster = sub.add_parser("cluster", help="the Whoosh engine and a Sphinx cluster (searchd "
                                             "started and stopped here) side by side")
    cluster.add_argument("--docs", type=int, default=10000, help="corpus size")
    cluster.add_argument("--shards", type=int, default=3)
    cluster.add_argument("--work", type=Path, default=Path("benchmark-work"))
    cluster.add_argument("--out", type=Path, default=Path("cluster-report.json"))
    cluster.add_argument("--repeat", type=int, default=10, help="runs of each query")
    differ = sub.add_parser("differential", help="both engines on random searches (after "
                                                 "`cluster` of the same size)")
    differ.add_argument("--docs", type=int, default=10000, help="corpus size")
    differ.add_argument("--shards", type=int, default=3)
    differ.add_argument("--searches", type=int, default=200)
    differ.add_argument("--work", type=Path, default=Path("benchmark-work"))
    differ.add_argument("--out", type=Path, default=Path("differential-report.json"))
    index = sub.add_parser("_index", help=argparse.SUPPRESS)
    index.add_argument("system", choices=("whoosh", "fts5"))
    index.add_argument("corpus", type=Path)
    index.add_argument("index_dir", type=Path)
    args = parser.parse_args(argv)
    argv_used = sys.argv[1:] if argv is None else argv

    if args.command == "_index":
        builder = PlainWhoosh.build if args.system == "whoosh" else SqliteFts5.build
        print(f"indexed {builder(args.corpus, args.index_dir)} articles")
        return 0
    if args.command == "realworld":
        report = run_realworld(args.set_dir, args.trafilatura, args.failures)
        if args.out:
            args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    if args.command == "load":
        report = run_load(args.docs, args.work, args.clients, args.seconds, args.rebuild_at,
                          args.threads, args.workers, args.shards)
        report["machine"] = machine()
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        print(format_load(report))
        print(f"report written to {args.out}")
        return 0 if report["errors"] == 0 and report["rebuild"]["ok"] else 1
    if args.command == "differential":
        report = run_differential(args.docs, args.work, args.shards, args.searches, SEED)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        print(format_differential(report))
        return 1 if report["differences"] else 0
    if args.command == "cluster":
        report = {"machine": machine(),
                  **run_cluster(args.docs, args.work, args.shards, args.repeat, SEED)}
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        print(format_cluster(report))
        print(f"report written to {args.out}")
        return 0
    report = {"machine": machine(), "seed": SEED, "runs": []}
    for docs in args.docs or [10000]:
        size_report = run_size(docs, args.work, args.repeat, not args.no_baselines)
        report["runs"].append(size_report)
        print(format_table(size_report), flush=True)
        print(flush=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(format_markdown(report, shlex.join(["python", "-m", "benchmarks", *argv_used])))
    print(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
