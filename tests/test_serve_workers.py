"""``kartoteka serve --workers N``: several processes on one port and one index."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, write_jsonl

from indexer import build_index

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork and /proc: Linux only")

DEADLINE = 120  # seconds; generous, only reached when something is wrong
HARBOUR_IDS = {"batumi-1", "batumi-3", "batumi-5"}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    """Six articles, three of them about Batumi's harbour."""
    folder = tmp_path_factory.mktemp("corpus")
    write_jsonl(folder / "articles.jsonl", [
        {"id": f"batumi-{n}", "lang": "en", "title": f"Report {n}", "date": f"2015-01-0{n}",
         "body": "The harbour of Batumi reopened after repairs." if n % 2
         else "Farmers sold their grain at the market."}
        for n in range(1, 7)])
    index = tmp_path_factory.mktemp("index") / "ix"
    build_index([folder], index, workers=1)
    return index


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


KARTOTEKA = [sys.executable, "-c", "from indexer.cli import cli; cli()"]


def kartoteka(*args: str, **kwargs) -> subprocess.Popen:
    """``kartoteka ARGS`` started in the background."""
    return subprocess.Popen([*KARTOTEKA, *args], cwd=ROOT, **kwargs)


def run_kartoteka(*args: str) -> subprocess.CompletedProcess:
    """``kartoteka ARGS`` run to the end, its output captured."""
    return subprocess.run([*KARTOTEKA, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=DEADLINE, check=False)


def get(url: str) -> tuple[str, dict]:
    """The worker pid that answered, and the JSON answer."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.headers["X-Kartoteka-Worker"], json.loads(response.read())


def wait_until_answered(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            get(url)
            return
        except OSError:
            assert server.poll() is None, "the server exited before answering"
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.05)


def children_of(pid: int) -> set[int]:
    """Live processes whose parent is ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_until_gone(pids: set[int]) -> set[int]:
    """The pids still alive once all are gone or the deadline passed."""
    deadline = time.monotonic() + DEADLINE
    while (alive := {pid for pid in pids if not gone(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def stop(process: subprocess.Popen, workers: set[int]) -> None:
    """Whatever a test started is stopped, even when it failed halfway."""
    for pid in [process.pid, *workers]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=DEADLINE)


@pytest.fixture
def two_workers(index_dir, tmp_path):
    """``kartoteka serve --workers 2`` answering; its base URL, process and worker pids."""
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = kartoteka("serve", "--index", str(index_dir), "--port", str(port),
                       "--workers", "2", stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    workers: set[int] = set()
    try:
        wait_until_answered(f"{base}/api/search?q=harbour", server)
        workers = children_of(server.pid)
        yield base, server, workers, log
    finally:
        stop(server, workers)
        log.close()


def test_two_workers_share_the_port_and_the_index_and_stop_together(two_workers, index_dir):
    base, server, workers, log = two_workers
    assert len(workers) == 2
    seen: set[str] = set()
    errors = []

    def search(_):
        try:
            pid, answer = get(f"{base}/api/search?q=harbour")
        except OSError as error:
            errors.append(error)
            return
        seen.add(pid)
        if {hit["id"] for hit in answer["hits"]} != HARBOUR_IDS or answer["total"] != 3:
            errors.append(answer)

    # The kernel hands each connection to whichever worker accepts first:
    # rounds of concurrent requests until both have answered.
    deadline = time.monotonic() + DEADLINE
    with ThreadPoolExecutor(max_workers=20) as pool:
        while seen != {str(pid) for pid in workers} and time.monotonic() < deadline:
            list(pool.map(search, range(40)))
            assert not errors
    assert seen == {str(pid) for pid in workers}

    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=DEADLINE) == 0
    assert wait_until_gone(workers) == set()
    log.seek(0)
    said = log.read()
    assert said.splitlines()[0] == (
        f"Serving {index_dir} at http://127.0.0.1:{base.rsplit(':', 1)[1]}/ with 2 workers (Ctrl+C to stop)")
    assert "Error" not in said and "Traceback" not in said


def test_a_worker_that_dies_stops_the_server(two_workers):
    _, server, workers, log = two_workers
    victim, survivor = sorted(workers)
    os.kill(victim, signal.SIGKILL)
    assert server.wait(timeout=DEADLINE) == 1
    assert wait_until_gone({survivor}) == set()
    log.seek(0)
    assert log.read().splitlines()[-1] == (
        f"Error: worker {victim} was killed by SIGKILL: stopping the other workers")


def test_one_worker_answers_with_its_pid(index_dir, tmp_path):
    port = free_port()
    server = kartoteka("serve", "--index", str(index_dir), "--port", str(port),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_answered(f"http://127.0.0.1:{port}/api/search?q=harbour", server)
        pid, answer = get(f"http://127.0.0.1:{port}/api/search?q=harbour")
        assert pid == str(server.pid) and answer["total"] == 3
        assert children_of(server.pid) == set()
    finally:
        stop(server, set())


def test_no_workers_is_refused(index_dir):
    result = run_kartoteka("serve", "--index", str(index_dir), "--workers", "0")
    assert result.returncode == 2
    assert "Invalid value for '--workers': 0 is not in the range x>=1." in result.stderr


def test_a_busy_port_is_one_line_before_any_worker_starts(index_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_kartoteka("serve", "--index", str(index_dir), "--port", str(port),
                               "--workers", "2")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: port {port} is in use: choose another with --port"]
