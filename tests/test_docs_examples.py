"""The documentation's examples, run on the sample corpus: README.md and docs/*.md.

The convention (docs/command-line.md, *Development*, says it for writers):

- in a ```console block, each line starting with ``$ kartoteka `` is run with
  click's CliRunner; the sample corpus's index is added as ``--index`` where
  the command takes one (``kartoteka index`` gets a folder of its own). It
  must exit with 0, and a search must find at least one article, a timeline,
  concordance or export must print a row;
- every URL in backticks (outside code blocks) that starts with ``/?``,
  ``/api/``, ``/facet/``, ``/timeline?``, ``/kwic?`` or ``/export`` and holds a
  ``?`` is fetched from the web app: status 200, and its search (timeline,
  concordance, facet, export) finds something;
- a block that cannot run here has ``<!-- not run: the reason -->`` on the
  line above it. Such blocks are counted against NOT_RUN, so one added or
  lost fails until the count is changed on purpose; a ``$`` line of another
  program outside them fails too.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
from click.testing import CliRunner

from indexer.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Blocks marked `<!-- not run: … -->`, by file: change these on purpose only.
NOT_RUN = {"README.md": 1, "docs/command-line.md": 1, "docs/guide.md": 1, "docs/cluster.md": 2}

FENCE = re.compile(r"^```(\S*)\s*$")
NOT_RUN_MARK = re.compile(r"^<!-- not run: (.+\S) -->$")
URL_SPAN = re.compile(r"`(/(?:\?|api/|facet/|timeline\?|kwic\?|export)[^`\s]*)`")
# A synopsis names what to type in capitals or brackets: QUERY, [--index DIR].
SYNOPSIS = re.compile(r"\[|\b[A-Z]{3,}\b")


@dataclass(frozen=True)
class Example:
    """One example of the documentation: where it is, and what it is."""

    file: str
    line: int
    kind: str  # "command" or "url"
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text}"


@dataclass
class Block:
    """A fenced code block: its language, first line number, lines and mark."""

    file: str
    line: int
    lang: str
    lines: list[str]
    not_run: str | None


def _blocks_and_prose(path: Path) -> tuple[list[Block], list[tuple[int, str]]]:
    """A Markdown file's fenced blocks, and its other lines with their numbers."""
    name = path.relative_to(ROOT).as_posix()
    blocks, prose, block = [], [], None
    previous = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE.match(line)
        if block is None and fence:
            mark = NOT_RUN_MARK.match(previous.strip())
            block = Block(name, number, fence.group(1), [], mark.group(1) if mark else None)
        elif block is not None and line.strip() == "```":
            blocks.append(block)
            block = None
        elif block is not None:
            block.lines.append(line)
        else:
            prose.append((number, line))
        previous = line
    assert block is None, f"{name}: a code block opened at line {block.line} is never closed"
    return blocks, prose


def _commands(block: Block) -> list[tuple[int, str]]:
    """A console block's `$` lines, continuation lines joined, with line numbers."""
    commands, pending = [], None
    for offset, line in enumerate(block.lines, 1):
        if pending is not None:
            pending = (pending[0], pending[1][:-1] + " " + line.strip())
        elif line.startswith("$ "):
            pending = (block.line + offset, line[2:].strip())
        else:
            continue
        if not pending[1].endswith("\\"):
            commands.append(pending)
            pending = None
    return commands


def collect() -> tuple[list[Example], list[Block], list[str]]:
    """Every runnable example, every block marked not run, and every rule broken."""
    examples, not_run, broken = [], [], []
    for path in DOCS:
        blocks, prose = _blocks_and_prose(path)
        for block in blocks:
            if block.not_run is not None:
                not_run.append(block)
                continue
            if block.lang == "console":
                for line, command in _commands(block):
                    if command.startswith("kartoteka "):
                        examples.append(Example(block.file, line, "command", command))
                    else:
                        broken.append(f"{block.file}:{line}: `$ {command}` is not kartoteka: "
                                      "mark its block <!-- not run: … -->")
                continue
            for offset, line in enumerate(block.lines, 1):
                where = f"{block.file}:{block.line + offset}"
                if line.startswith("$ "):
                    broken.append(f"{where}: a `$` line outside a ```console block")
                elif line.startswith("kartoteka ") and not SYNOPSIS.search(line):
                    broken.append(f"{where}: `{line}` looks like an example: put it in a "
                                  f"```console block as `$ {line}`")
        name = path.relative_to(ROOT).as_posix()
        for number, line in prose:
            for url in URL_SPAN.findall(line):
                # `/timeline?` alone names a kind of URL; an example has parameters.
                if re.search(r"\?\w+=", url) and "…" not in url and "<" not in url:
                    examples.append(Example(name, number, "url", url))
    return examples, not_run, broken


EXAMPLES, NOT_RUN_BLOCKS, BROKEN = collect()
COMMANDS = [e for e in EXAMPLES if e.kind == "command"]
URLS = [e for e in EXAMPLES if e.kind == "url"]


def test_the_examples_follow_the_convention():
    assert BROKEN == []


def test_blocks_not_run_are_counted():
    counted: dict[str, int] = {}
    for block in NOT_RUN_BLOCKS:
        counted[block.file] = counted.get(block.file, 0) + 1
    assert counted == NOT_RUN, [f"{b.file}:{b.line}: {b.not_run}" for b in NOT_RUN_BLOCKS]


def test_the_documentation_has_examples_to_run():
    # The parser failing to see them would pass every test below vacuously.
    assert len(COMMANDS) >= 50 and len(URLS) >= 15, (len(COMMANDS), len(URLS))
    assert any(e.file == "README.md" for e in COMMANDS)
    assert any(e.file == "README.md" for e in URLS)


def _command_of(args: list[str]) -> click.Command:
    """The click command a command line runs (through groups such as `cluster`)."""
    command: click.Command = cli
    for arg in args:
        if not isinstance(command, click.Group) or arg not in command.commands:
            break
        command = command.commands[arg]
    return command


def _takes_index(command: click.Command) -> bool:
    return any("--index" in getattr(p, "opts", ()) for p in command.params)


@pytest.fixture
def in_a_folder_beside_the_sample(tmp_path, monkeypatch):
    """A working folder where `sample_corpus/` is the project's and files may be written."""
    (tmp_path / "sample_corpus").symlink_to(ROOT / "sample_corpus", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("example", COMMANDS, ids=str)
def test_command(example, sample_index, in_a_folder_beside_the_sample):
    args = shlex.split(example.text, comments=True)[1:]
    command = _command_of(args)
    if _takes_index(command) and "--index" not in args:
        own = in_a_folder_beside_the_sample / "own-index"
        args += ["--index", str(own if command.name == "index" else sample_index)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if command.name == "search":
        if "--json" not in args:
            as_json = CliRunner().invoke(cli, args + ["--json"], catch_exceptions=False)
            out = as_json.stdout
        assert json.loads(out)["total"] >= 1, f"{example} finds nothing"
    elif command.name == "timeline":
        assert re.search(r"(^|\s)[1-9]\d* / \d", out), f"{example} counts nothing:\n{out}"
    elif command.name == "kwic":
        assert re.match(r"[1-9]\d* occurrences?", out), f"{example} finds nothing:\n{out}"
    elif command.name == "export":
        if "--out" in args:
            out = Path(args[args.index("--out") + 1]).read_text(encoding="utf-8-sig")
        assert len(out.strip().splitlines()) >= 2, f"{example} exports no row"
    elif command.name == "index":
        assert "Indexed" in result.output


def _rows(response) -> int:
    """The data rows of an export: CSV rows after the header, JSON Lines after provenance."""
    text = response.get_data(as_text=True).lstrip("\ufeff")
    if response.mimetype == "text/csv" or urlsplit(response.request.path).path.endswith(".csv"):
        return max(0, len(list(csv.reader(io.StringIO(text)))) - 1)
    return sum(1 for line in text.splitlines() if line and "provenance" not in line[:16])


@pytest.mark.parametrize("example", URLS, ids=str)
def test_url(example, client):
    url = example.text
    path, _, query = url.partition("?")
    response = client.get(url)
    assert response.status_code == 200, f"{example}: {response.status_code}"
    if path in ("/", "/api/search"):
        total = client.get("/api/search?" + query).get_json()["total"]
        assert total >= 1, f"{example} finds nothing"
    elif path in ("/timeline", "/api/timeline"):
        series = client.get("/api/timeline?" + query).get_json()["series"]
        assert any(p["count"] for s in series for p in s["points"]), f"{example} counts nothing"
    elif path == "/kwic":
        assert _rows(client.get("/export.kwic.csv?" + query)) >= 1, f"{example} finds nothing"
    elif path.startswith(("/facet/", "/api/facet/")):
        name = path.rsplit("/", 1)[1]
        values = client.get(f"/api/facet/{name}?{query}").get_json()["values"]
        assert any(v["count"] for v in values), f"{example} counts nothing"
    elif path.startswith("/export"):
        assert _rows(response) >= 1, f"{example} exports no row"
    else:
        pytest.fail(f"{example}: no check for {path}: add one")
