"""``kartoteka serve`` at its edges: a bad port or host is one line and exit status 1,
and ``--port 0`` says which port it got."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("args, said", [
    (["--port", "80000"], "--port 80000"),
    (["--port", "-5"], "--port -5"),
    (["--host", "256.1.1.1"], "--host 256.1.1.1"),
    (["--host", "no such host.invalid"], "--host no such host.invalid"),
])
def test_a_bad_port_or_host_is_one_line_and_status_1(small_index, args, said):
    result = CliRunner().invoke(cli, ["serve", "--index", str(small_index), *args])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and said in lines[0] and "Traceback" not in result.output


def test_port_0_says_which_port_it_got_and_serves_there(small_index):
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--index", str(small_index), "--port", "0"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = server.stderr.readline()  # blocks until the server has bound its port
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        assert port > 0 and "Ctrl+C" in line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=", timeout=30) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
