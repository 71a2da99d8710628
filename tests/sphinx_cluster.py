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
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.cluster import free_ports, pid_of, stop
from benchmarks.cluster import wait_for_port as listening

SEARCHD = os.environ.get("KARTOTEKA_SEARCHD") or shutil.which("searchd") or "/usr/bin/searchd"
SHARDS = 3
START_SECONDS = 20
STOP_SECONDS = 20


def wait_for_port(host: str, port: int, deadline: float, log: Path) -> None:
    """Return once ``host:port`` accepts a connection; fail the test at ``deadline``."""
    try:
        listening(host, port, deadline, log)
    except RuntimeError as error:
        pytest.fail(str(error))


def start(config: Path) -> int:
    """Start one ``searchd`` (it daemonizes) and return its pid."""
    done = subprocess.run([SEARCHD, "-c", str(config)], check=False, capture_output=True, text=True,
                          timeout=START_SECONDS)
    pid = pid_of(config)
    if done.returncode or pid is None:
        pytest.fail(f"searchd -c {config} failed: {done.stdout[-1500:]} {done.stderr[-500:]}")
    return pid


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
        from indexer.engine.sphinx.config import read_cluster

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
    from indexer.cli.main import cli

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
