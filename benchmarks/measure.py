"""Small measuring tools: percentiles, process-tree memory, folder sizes."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

KARTOTEKA = [sys.executable, "-c", "from indexer.cli import cli; cli()"]  # the CLI, as a child


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, threads: int | None = None) -> subprocess.Popen:
    """``kartoteka serve`` on ``index_dir`` in a child process."""
    env = dict(os.environ, **({"KARTOTEKA_THREADS": str(threads)} if threads else {}))
    return subprocess.Popen(KARTOTEKA + ["serve", "--index", str(index_dir), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def wait_until_answered(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Poll ``url`` until the server answers it; raises if the server dies or times out."""
    started = time.perf_counter()
    while True:
        try:
            urllib.request.urlopen(url, timeout=30).read()
            return
        except OSError:
            if process.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError("kartoteka serve did not answer") from None
            time.sleep(0.02)


def percentiles(samples_ms: list[float]) -> dict:
    """p50, p95, p99 and mean of latency samples in milliseconds."""
    ordered = sorted(samples_ms)

    def pick(p):
        return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 2)

    return {"p50": pick(50), "p95": pick(95), "p99": pick(99),
            "mean": round(statistics.fmean(ordered), 2), "n": len(ordered)}


def folder_bytes(path: Path) -> int:
    """Total size of the files under ``path`` (symlinks not followed)."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file() and not p.is_symlink())


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _rss_kb(current)
        stack.extend(_children(current))
    return total / 1024


def peak_rss_mb(pid: int) -> float:
    """The kernel's high-water mark of one process's resident memory, in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class TreeMemorySampler:
    """Samples a process tree's summed RSS in a thread and keeps the peak."""

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every, self.peak_mb = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_measured(command: list[str], env: dict | None = None) -> dict:
    """Run a command; its wall time, peak tree memory, exit code and output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, **(env or {})})
    with TreeMemorySampler(process.pid) as sampler:
        output, _ = process.communicate()
    return {"seconds": time.perf_counter() - started, "peak_mb": round(sampler.peak_mb, 1),
            "returncode": process.returncode, "output": output.decode("utf-8", "replace")}


def machine() -> dict:
    """What the figures were measured on."""
    import platform
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_gb, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def time_queries(system, mix: list[dict], repeat: int) -> dict[str, list[float]]:
    """Each query of the mix ``repeat`` times: its samples in ms, by query name."""
    samples = {}
    for query in mix:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            system.search(query)
            times.append((time.perf_counter() - started) * 1000)
        samples[query["name"]] = times
    return samples


def timed_mix(system, mix: list[dict], repeat: int) -> tuple[list[float], dict[str, float]]:
    """Each query ``repeat`` times: every sample (ms), and each query's p50."""
    by_query = time_queries(system, mix, repeat)
    return ([ms for times in by_query.values() for ms in times],
            {name: percentiles(times)["p50"] for name, times in by_query.items()})


def latency_figures(mix: list[dict], by_query: dict[str, list[float]]) -> dict:
    """Percentiles of all samples, of each query's and of each kind's (its queries'
    samples together), kinds in the order the mix first has them."""
    by_kind: dict[str, list[float]] = {}
    for query in mix:
        by_kind.setdefault(query["kind"], []).extend(by_query[query["name"]])
    return {"all": percentiles([ms for times in by_query.values() for ms in times]),
            "per_query": {name: percentiles(times) for name, times in by_query.items()},
            "per_kind": {kind: percentiles(times) for kind, times in by_kind.items()}}
