"""``python -m benchmarks cluster --docs 10000``: the Whoosh engine and a Sphinx cluster
side by side on the same synthetic corpus and query mix (issue 13, part 5).

The Whoosh engine is built in this process with ``build_index``. The cluster is
written with ``init_cluster`` on free loopback ports, its shards and front are
started with ``searchd -c …`` (each daemonizes and writes a pid file), built with
``SphinxEngine().build`` and searched through the same ``SearchService``. Every
``searchd`` started here is stopped again, whatever happens in between.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from indexer import current_generation
from indexer.engine.embedded.build import build_index
from indexer.engine.sphinx.generation import SphinxEngine
from indexer.engine.sphinx.config import Cluster, init_cluster

from .measure import folder_bytes, percentiles, timed_mix, tree_rss_mb
from .queries import query_mix
from .synthetic import build_vocabularies, ensure_corpus
from .systems import Kartoteka

SEARCHD = os.environ.get("KARTOTEKA_SEARCHD") or shutil.which("searchd") or "/usr/bin/searchd"
START_SECONDS = 20
STOP_SECONDS = 20
AGREEMENT_WORDS = 100  # single words (and half as many pairs) whose top tens are compared


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports (bound together, then released)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def wait_for_port(host: str, port: int, deadline: float, log: Path) -> None:
    """Return once ``host:port`` accepts a connection; ``RuntimeError`` at ``deadline``."""
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                text = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
                raise RuntimeError(f"searchd did not listen on {host}:{port}: {text}") from None
            time.sleep(0.05)


def pid_of(config: Path) -> int | None:
    """The pid in a searchd's pid file, if it wrote one."""
    try:
        return int((config.parent / "searchd.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int) -> bool:
    """Whether the process runs (an exited one waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def stop(config: Path, pid: int) -> None:
    """``searchd --stop``, then make sure the process is gone (SIGKILL at the deadline)."""
    subprocess.run([SEARCHD, "-c", str(config), "--stop"], check=False, capture_output=True,
                   timeout=STOP_SECONDS)
    deadline = time.monotonic() + STOP_SECONDS
    while alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.05)


class Searchds:
    """The ``searchd`` processes of one cluster that this harness started."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.pids: dict[Path, int] = {}

    def _ports(self, config: Path) -> list[tuple[str, int]]:
        if config == self.cluster.front_config:
            return [self.cluster.front]
        host, port, api = self.cluster.shards[self.cluster.configs().index(config)]
        return [(host, port), (host, api)]

    def start_all(self) -> None:
        """Start the shards, then the front, each waited for port by port."""
        for config in self.cluster.configs():
            done = subprocess.run([SEARCHD, "-c", str(config)], check=False, capture_output=True,
                                  text=True, timeout=START_SECONDS)
            pid = pid_of(config)
            if pid is not None:
                self.pids[config] = pid  # recorded first, so a failure below still stops it
            if done.returncode or pid is None:
                raise RuntimeError(f"searchd -c {config} failed: {done.stdout[-1500:]} "
                                   f"{done.stderr[-500:]}")
            deadline = time.monotonic() + START_SECONDS
            for host, port in self._ports(config):
                wait_for_port(host, port, deadline, config.parent / "searchd.log")

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of each started searchd (and any children), in MB."""
        return {config.parent.name: round(tree_rss_mb(pid), 1) for config, pid in self.pids.items()}

    def stop_all(self) -> None:
        """``searchd --stop`` each one, front first; SIGKILL whatever outlives the deadline."""
        for config in reversed(list(self.pids)):
            stop(config, self.pids.pop(config))


def _timed(system: Kartoteka, mix: list[dict], repeat: int) -> dict:
    """The mix ``repeat`` times after a warm-up: latency percentiles and each query's p50."""
    totals = {q["name"]: system.search(q) for q in mix}
    samples, per_query = timed_mix(system, mix, repeat)
    return {"search_ms": percentiles(samples), "per_query_p50_ms": per_query, "totals": totals}


def _searches(system: Kartoteka, mix: list[dict], repeat: int) -> dict:
    """Cross-language search on (the default) and off."""
    system.cross = False
    plain = _timed(system, mix, repeat)
    system.cross = True
    crossed = _timed(system, mix, repeat)
    return {**crossed, "search_ms_no_cross": plain["search_ms"],
            "per_query_p50_ms_no_cross": plain["per_query_p50_ms"],
            "totals_no_cross": plain["totals"]}


def measure_whoosh(corpus: Path, index_dir: Path, docs: int, mix: list[dict],
                   repeat: int) -> tuple[dict, Kartoteka]:
    """Build the Whoosh engine's index in this process and search it; (figures, the
    open system, for ``agreement``)."""
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    build_index([corpus], index_dir)
    seconds = time.perf_counter() - started
    system = Kartoteka()
    system.open(index_dir)
    return {"index_s": round(seconds, 2), "docs_per_s": round(docs / seconds, 1),
            "index_mb": round(folder_bytes(current_generation(index_dir)) / 2 ** 20, 1),
            **_searches(system, mix, repeat)}, system


def term_queries(seed: int, count: int = AGREEMENT_WORDS) -> list[str]:
    """Single words of both languages at every frequency, and pairs of them: the
    term queries whose top ten the engines should share."""
    import random

    vocab = build_vocabularies(seed)
    rng = random.Random(seed)
    words = []
    for lang in ("en", "ru"):
        forms = [w for w in vocab[lang].forms[:20000] if w.isalpha() and len(w) > 3]
        words += rng.sample(forms, count // 2)
    return words + [f"{a} {b}" for a, b in zip(words[::2], words[1::2])]


def agreement(ours: Kartoteka, theirs: Kartoteka, queries: list[str]) -> dict:
    """How many of each query's top ten both engines rank there (as a share of the
    ten, or of fewer when fewer match), with cross-language search on."""
    from indexer import SearchRequest

    shares = []
    for text in queries:
        found = [s.service.search(SearchRequest(query=text, per_page=10)) for s in (ours, theirs)]
        ranked = min(10, found[0]["total"])
        if ranked:
            tops = [{hit["id"] for hit in f["hits"]} for f in found]
            shares.append(len(tops[0] & tops[1]) / ranked)
    return {"queries": len(shares), "mean_share": round(sum(shares) / max(len(shares), 1), 3),
            "eight_of_ten_or_more": sum(share >= 0.8 for share in shares)}


def _cluster_bytes(folder: Path) -> int:
    # The shards' data, the stored side files and binlogs; logs grow with every query.
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink() and p.suffix not in (".log", ".pid"))


def measure_sphinx(corpus: Path, folder: Path, docs: int, shards: int, mix: list[dict],
                   repeat: int, whoosh: Kartoteka | None = None,
                   queries: list[str] = ()) -> dict:
    """Start a cluster of ``shards`` shards in ``folder``, build it, search it (and
    compare its top tens with ``whoosh``'s on ``queries``), stop it."""
    if not Path(SEARCHD).exists():
        raise RuntimeError(f"searchd not found at {SEARCHD} (apt-get install sphinxsearch)")
    shutil.rmtree(folder, ignore_errors=True)
    cluster = init_cluster(folder, shards, ports=free_ports(2 * shards + 1))
    searchds = Searchds(cluster)
    try:
        searchds.start_all()
        started = time.perf_counter()
        SphinxEngine().build([corpus], folder)
        seconds = time.perf_counter() - started
        size = _cluster_bytes(folder)
        system = Kartoteka()
        system.open(folder)
        searches = _searches(system, mix, repeat)
        rss = searchds.rss_mb()
        if whoosh is not None:
            searches["top_ten_agreement"] = agreement(whoosh, system, list(queries))
        system.service.close()
    finally:
        searchds.stop_all()
    return {"shards": shards, "index_s": round(seconds, 2), "docs_per_s": round(docs / seconds, 1),
            "index_mb": round(size / 2 ** 20, 1), "searchd_rss_mb": rss,
            "searchd_rss_total_mb": round(sum(rss.values()), 1), **searches}


def run_cluster(docs: int, work: Path, shards: int, repeat: int, seed: int) -> dict:
    """Both engines on one corpus size: the report ``format_cluster`` prints."""
    corpus = ensure_corpus(work, docs, seed)
    mix = query_mix(build_vocabularies(seed))
    print(f"whoosh: indexing and searching {docs} articles …", file=sys.stderr)
    whoosh, system = measure_whoosh(corpus, work / f"index-{docs}-engine-whoosh", docs, mix,
                                    repeat)
    print(f"sphinx ({shards} shards): indexing and searching {docs} articles …", file=sys.stderr)
    try:
        sphinx = measure_sphinx(corpus, work / f"cluster-{docs}-{shards}", docs, shards, mix,
                                repeat, system, term_queries(seed))
    finally:
        system.service.close()
    return {"docs": docs, "seed": seed, "repeat": repeat, "queries": mix,
            "engines": {"whoosh": whoosh, "sphinx": sphinx},
            "sphinx_vs_whoosh": {
                "indexing_rate": round(sphinx["docs_per_s"] / whoosh["docs_per_s"], 2),
                "index_size": round(sphinx["index_mb"] / whoosh["index_mb"], 2)}}


def format_cluster(report: dict) -> str:
    """One corpus size's report as a fixed-width table."""
    engines = report["engines"]
    names = list(engines)
    rows = [("", *names)]
    metric = lambda label, fn: rows.append((label, *(fn(engines[n]) for n in names)))
    metric("index wall time (s)", lambda e: f"{e['index_s']:.1f}")
    metric("indexing rate (docs/s)", lambda e: f"{e['docs_per_s']:.0f}")
    metric("index size on disk (MB)", lambda e: f"{e['index_mb']:.1f}")
    for key, label in (("search_ms", ""), ("search_ms_no_cross", ", no cross")):
        for p in ("p50", "p95", "p99"):
            metric(f"search {p}{label} (ms)", lambda e, p=p, key=key: f"{e[key][p]:.1f}")
    metric("searchd RSS after searches (MB)",
           lambda e: f"{e['searchd_rss_total_mb']:.0f}" if "searchd_rss_total_mb" in e else "–")
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"{report['docs']} articles, {engines['sphinx']['shards']} shards — "
             f"search = total + facets + 20 snippets, {report['repeat']} runs of each query"]
    lines += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
              for r in rows]
    ratio = report["sphinx_vs_whoosh"]
    lines.append(f"sphinx vs whoosh: indexing rate ×{ratio['indexing_rate']}, "
                 f"index size ×{ratio['index_size']}")
    agreed = engines["sphinx"].get("top_ten_agreement")
    if agreed:
        lines.append(f"top ten shared with the Whoosh engine: {agreed['mean_share']:.0%} on "
                     f"average over {agreed['queries']} term queries, 8 or more of 10 for "
                     f"{agreed['eight_of_ten_or_more']}")
    differ = [q for q, n in engines["whoosh"]["totals"].items() if engines["sphinx"]["totals"][q] != n]
    lines.append("totals: " + ("the same for every query" if not differ else
                 "differ for " + "; ".join(f"{q}: {engines['whoosh']['totals'][q]}/"
                                           f"{engines['sphinx']['totals'][q]}" for q in differ)))
    return "\n".join(lines)
