"""``python -m benchmarks load``: many researchers on one server while a rebuild lands.

Clients (threads) send a seeded mix of what researchers do — searches in
both languages, facet clicks, next pages, date sorting, article views, API
calls and small exports — to a ``kartoteka serve`` on loopback for a fixed
time. Midway a second ``kartoteka index`` adds an article to the same index
folder. Every answer is checked: a 5xx, a dropped connection or an
unexpected 4xx is an error. Prints throughput and latency percentiles.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .measure import (
    KARTOTEKA,
    free_port,
    percentiles,
    start_server,
    wait_until_answered,
)
from .queries import query_mix, search_params
from .synthetic import build_vocabularies, ensure_corpus

SEED = 2024
MARKER = "kartotekaloadmarker"  # a word only the article added midway has


def request_mix(ids: list[str]) -> list[tuple[str, str]]:
    """(kind, path) of the requests clients choose from."""
    mix = []
    for query in query_mix(build_vocabularies(SEED)):
        base = search_params(query)
        variants = [base, base + [("region", "caucasus")], base + [("lang", "ru")],
                    base + [("page", "2")], base + [("sort", "newest")],
                    base + [("from", "2012"), ("to", "2016")]]
        for params in variants:
            mix.append(("page", "/?" + urllib.parse.urlencode(params)))
        mix.append(("api", "/api/search?" + urllib.parse.urlencode(base)))
    for article_id in ids:
        mix.append(("article", "/article/" + urllib.parse.quote(article_id)))
    mix.append(("export", "/export.csv?" + urllib.parse.urlencode(
        [("q", "border"), ("region", "armenia"), ("from", "2020")])))
    return mix


class _Client(threading.Thread):
    def __init__(self, base: str, mix, number: int, stop: threading.Event, results: list):
        super().__init__(daemon=True)
        self.base, self.mix, self.stop, self.results = base, mix, stop, results
        self.rng = random.Random(SEED + number)

    def run(self):
        while not self.stop.is_set():
            kind, path = self.rng.choice(self.mix)
            if self.rng.random() < 0.05:
                kind, path = "marker", f"/api/search?q={MARKER}"
            started = time.perf_counter()
            status, total = _get(self.base + path, kind)
            self.results.append((kind, status, (time.perf_counter() - started) * 1000,
                                 time.perf_counter(), total, started))


def _get(url: str, kind: str) -> tuple[int | str, int | None]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read()
            total = json.loads(body)["total"] if kind == "marker" else None
            return response.status, total
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError as error:
        return type(error).__name__, None


def start_workers(index_dir: Path, port: int, threads: int, workers: int) -> subprocess.Popen:
    """``kartoteka serve --workers N``; one worker is ``start_server``'s plain server."""
    if workers == 1:
        return start_server(index_dir, port, threads)
    return subprocess.Popen(
        KARTOTEKA + ["serve", "--index", str(index_dir), "--port", str(port),
                     "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, KARTOTEKA_THREADS=str(threads)))


def warm_every_worker(url: str, workers: int, tries: int = 50) -> int:
    """Send rounds of concurrent requests until ``workers`` processes have answered
    (each loads its analyzers on its first search); how many did."""
    seen: set[str] = set()
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        for _ in range(tries):
            if len(seen) >= workers:
                break
            seen.update(pool.map(_worker_of, [url] * 2 * workers))
    return len(seen)


def _worker_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        return response.headers.get("X-Kartoteka-Worker", "")


def run_load(docs: int, work: Path, clients: int, seconds: float, rebuild_at: float,
             threads: int = 4, workers: int = 1, shards: int = 0) -> dict:
    """Build an index (with ``shards``, in a Sphinx cluster started here and stopped
    again), serve it, load it, land an update midway; the figures."""
    if not shards:
        return _load(docs, work, work / f"load-index-{docs}", clients, seconds, rebuild_at,
                     threads, workers) | {"engine": "whoosh"}
    from .cluster import Searchds, free_ports
    from indexer.engine.sphinx.config import init_cluster

    folder = work / f"load-cluster-{docs}-{shards}"
    shutil.rmtree(folder, ignore_errors=True)
    searchds = Searchds(init_cluster(folder, shards, ports=free_ports(2 * shards + 1)))
    try:
        searchds.start_all()
        return _load(docs, work, folder, clients, seconds, rebuild_at, threads, workers) | {
            "engine": f"sphinx, {shards} shards", "searchd_rss_mb": searchds.rss_mb()}
    finally:
        searchds.stop_all()


def _load(docs: int, work: Path, index_dir: Path, clients: int, seconds: float,
          rebuild_at: float, threads: int, workers: int) -> dict:
    corpus = ensure_corpus(work, docs, SEED)
    extra = work / "load-extra"
    extra.mkdir(parents=True, exist_ok=True)
    (extra / "marker.jsonl").unlink(missing_ok=True)
    subprocess.run(KARTOTEKA + ["index", str(corpus), "--index", str(index_dir)], check=True,
                   stdout=subprocess.DEVNULL)
    ids = [json.loads(line)["id"] for line in
           next(corpus.glob("*.jsonl")).read_text(encoding="utf-8").splitlines()[:40]]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_workers(index_dir, port, threads, workers)
    results: list = []
    stop = threading.Event()
    try:
        wait_until_answered(base + "/api/search?q=", server)
        warmed = warm_every_worker(base + "/api/search?q=", workers)
        mix = request_mix(ids)  # built once: it takes the vocabularies' analysis
        threads_of_clients = [_Client(base, mix, n, stop, results) for n in range(clients)]
        started, client_cpu = time.perf_counter(), time.process_time()
        for client in threads_of_clients:
            client.start()
        time.sleep(rebuild_at)
        # A busy machine may answer nothing in that time: the update waits for answers.
        _wait_until(lambda: len(results) >= clients)
        (extra / "marker.jsonl").write_text(json.dumps({
            "id": "load/marker", "lang": "en", "title": "Marker",
            "body": f"An article added during the load test: {MARKER}."}) + "\n",
            encoding="utf-8")
        rebuild_started = time.perf_counter()
        rebuild = subprocess.run(
            KARTOTEKA + ["index", str(corpus), str(extra), "--index", str(index_dir), "--update"],
            capture_output=True, text=True, check=False)
        landed = time.perf_counter()
        # Keep loading for the planned time, at least a second after the swap, and
        # until the marker was asked of the new index (bounded: see _wait_until).
        time.sleep(max(0.0, started + seconds - time.perf_counter(), 1.0))
        _wait_until(lambda: any(r[0] == "marker" and r[5] > landed for r in list(results)))
        stop.set()
        for client in threads_of_clients:
            client.join(timeout=120)
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
    return _report(results, elapsed, clients, docs, threads, rebuild, started,
                   rebuild_started, landed) | {
        "server_workers": workers, "workers_warmed": warmed,
        # The clients share the machine's cores with the server: what they took.
        "client_cpu_s": round(client_cpu, 1)}


def _wait_until(condition, most_seconds: float = 120.0) -> None:
    """Poll ``condition`` until it holds or ``most_seconds`` have passed (the report
    then shows what was missing)."""
    deadline = time.perf_counter() + most_seconds
    while not condition() and time.perf_counter() < deadline:
        time.sleep(0.05)


def _report(results, elapsed, clients, docs, threads, rebuild, started, rebuild_started,
            landed) -> dict:
    statuses = Counter(str(status) for _, status, *_ in results)
    errors = Counter(f"{kind} {status}" for kind, status, *_ in results
                     if status != 200)
    by_kind = {}
    for kind in sorted({k for k, *_ in results}):
        by_kind[kind] = percentiles([ms for k, _, ms, *_ in results if k == kind])
    phases = {
        "before_update": [ms for _, _, ms, at, *_ in results if at < rebuild_started],
        "during_update": [ms for _, _, ms, at, *_ in results if rebuild_started <= at < landed],
        "after_update": [ms for _, _, ms, at, *_ in results if at >= landed],
    }
    served_new = [at for kind, _, _, at, total, _ in results if kind == "marker" and total == 1]
    # A search asked after the swap must see the new index: none may miss the marker.
    stale_after = [at for kind, _, _, at, total, asked in results
                   if kind == "marker" and total == 0 and asked > landed]
    return {
        "docs": docs,
        "clients": clients,
        "server_threads": threads,
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "throughput_per_s": round(len(results) / elapsed, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "statuses": dict(statuses),
        "latency_ms": percentiles([ms for _, _, ms, *_ in results]),
        "latency_by_kind_ms": by_kind,
        "latency_by_phase_ms": {name: percentiles(samples) | {
            "per_s": round(len(samples) / max(span, 1e-9), 1)}
            for (name, samples), span in zip(phases.items(), (
                rebuild_started - started, landed - rebuild_started, started + elapsed - landed))
            if samples},
        "rebuild": {
            "ok": rebuild.returncode == 0,
            "output": (rebuild.stdout + rebuild.stderr).strip()[-500:],
            "started_at_s": round(rebuild_started - started, 1),
            "landed_at_s": round(landed - started, 1),
            "first_answer_from_new_index_s": round(min(served_new) - started, 2)
            if served_new else None,
            "old_answers_after_landing": len(stale_after),
        },
    }


def format_load(report: dict) -> str:
    """The load report as a few lines of text."""
    lat, rebuild = report["latency_ms"], report["rebuild"]
    lines = [
        (f"load: {report['clients']} clients for {report['seconds']} s on a "
         f"{report['docs']}-article index ({report.get('engine', 'whoosh')}; "
         f"{report.get('server_workers', 1)} server processes of "
         f"{report['server_threads']} threads; the clients used "
         f"{report.get('client_cpu_s', '?')} s of CPU)"),
        f"  requests {report['requests']}, throughput {report['throughput_per_s']}/s, "
        f"errors {report['errors']} {report['error_kinds'] or ''}".rstrip(),
        f"  latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms",
        "  by kind (p50/p95 ms): " + "; ".join(
            f"{kind} {p['p50']}/{p['p95']} (n={p['n']})"
            for kind, p in report["latency_by_kind_ms"].items()),
        "  by phase (p50/p95 ms, requests/s): " + "; ".join(
            f"{phase.replace('_', ' ')} {p['p50']}/{p['p95']}, {p['per_s']}/s"
            for phase, p in report["latency_by_phase_ms"].items()),
        (f"  update started at {rebuild['started_at_s']} s, landed at {rebuild['landed_at_s']} s "
         f"({'ok' if rebuild['ok'] else 'FAILED'}); first answer from the new index at "
         f"{rebuild['first_answer_from_new_index_s']} s; old answers after landing: "
         f"{rebuild['old_answers_after_landing']}"),
    ]
    return "\n".join(lines)
