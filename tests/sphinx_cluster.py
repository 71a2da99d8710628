"""A trial Sphinx cluster for tests: 3 shard ``searchd`` processes and a front.

Written by ``kartoteka cluster init`` into a temporary folder with free
loopback ports, started with ``searchd -c …`` (which daemonizes), waited for
port by port with a deadline, and stopped again by the fixture, pid by pid.
Without ``searchd`` the tests are skipped on a developer's machine and fail
in CI (``apt-get install sphinxsearch``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

SEARCHD = os.environ.get("KARTOTEKA_SEARCHD") or shutil.which("searchd") or "/usr/bin/searchd"
SHARDS = 3
START_SECONDS = 20
STOP_SECONDS = 20


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
    """Return once ``host:port`` accepts a connection; fail the test at ``deadline``."""
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                text = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
                pytest.fail(f"searchd did not listen on {host}:{port}: {text}")
            time.sleep(0.05)


def pid_of(config: Path) -> int | None:
    """The pid in a searchd's pid file, if it wrote one."""
    pid_file = config.parent / "searchd.pid"
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int) -> bool:
    """Whether the process runs (an exited one waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def start(config: Path) -> int:
    """Start one ``searchd`` (it daemonizes) and return its pid."""
    done = subprocess.run([SEARCHD, "-c", str(config)], check=False, capture_output=True, text=True,
                          timeout=START_SECONDS)
    pid = pid_of(config)
    if done.returncode or pid is None:
        pytest.fail(f"searchd -c {config} failed: {done.stdout[-1500:]} {done.stderr[-500:]}")
    return pid


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


def require_searchd() -> None:
    """Skip without ``searchd`` on a developer's machine; fail in CI."""
    if not Path(SEARCHD).exists():
        message = f"searchd not found at {SEARCHD} (apt-get install sphinxsearch)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class RunningCluster:
    """A started cluster: its folder, configurations and the pids the fixture started."""

    def __init__(self, folder: Path):
        from indexer.engine.sphinx_config import read_cluster

        self.folder = folder
        self.cluster = read_cluster(folder)
        self.pids: dict[Path, int] = {}

    def start(self, config: Path) -> None:
        """Start one of the cluster's searchd and wait for its ports."""
        self.pids[config] = start(config)
        deadline = time.monotonic() + START_SECONDS
        for host, port in self.ports(config):
            wait_for_port(host, port, deadline, config.parent / "searchd.log")

    def stop(self, config: Path) -> None:
        """Stop one searchd the fixture started."""
        pid = self.pids.pop(config, None)
        if pid is not None:
            stop(config, pid)

    def ports(self, config: Path) -> list[tuple[str, int]]:
        if config == self.cluster.front_config:
            return [self.cluster.front]
        n = self.cluster.configs().index(config)
        host, port, api = self.cluster.shards[n]
        return [(host, port), (host, api)]

    def stop_all(self) -> None:
        """Stop every searchd still running, front first."""
        for config in reversed(list(self.pids)):
            self.stop(config)


@pytest.fixture(scope="module")
def sphinx_cluster(tmp_path_factory):
    """A running 3-shard cluster (``RunningCluster``), stopped after the module."""
    require_searchd()
    from indexer.cli import cli

    folder = tmp_path_factory.mktemp("cluster")
    ports = ",".join(map(str, free_ports(2 * SHARDS + 1)))
    result = CliRunner().invoke(cli, ["cluster", "init", "--shards", str(SHARDS),
                                      "--dir", str(folder), "--ports", ports])
    assert result.exit_code == 0, result.output
    running = RunningCluster(folder)
    try:
        for config in running.cluster.configs():
            running.start(config)
        yield running
    finally:
        running.stop_all()
