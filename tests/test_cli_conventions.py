"""The command line follows the habits every command-line user has (issue 15, item 4): `--version`, JSON and
CSV for every table, plain text in pipes, a pipe that closes early is no error, the query from a file or
stdin, choices and help for every option, progress on a terminal only, plural forms, names instead of IRIs.

Most tests run the installed `complygraph` script as a subprocess with stdout a pipe, as a shell pipeline
does: CliRunner would not show what a real pipe gets (rich asks the real stream whether it is a terminal).
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from complygraph.generate import generate
from complygraph.graph import open_store
from complygraph.loaders.catalog import load_list
from complygraph.loaders.compositions import import_compositions

COMPLYGRAPH = str(Path(sys.executable).parent / "complygraph")
DECLARATIONS = Path(__file__).parent / "declarations"
SVHC = ["--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04"]
QUERY = "SELECT ?part ?name ?unbound WHERE { ?part a cg:Part ; rdfs:label ?name } ORDER BY ?part LIMIT 2"
# rich's box drawing, block elements and ANSI escapes: none of them belongs in a pipe
BOX = re.compile(r"[\u2500-\u259f]|\x1b\[")


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command, stdout and stderr pipes, as `complygraph ... | program` runs it."""
    return subprocess.run([COMPLYGRAPH, *args], input=stdin, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A store with the SVHC list and 50 generated parts (3 suppliers), built once for the module."""
    root = tmp_path_factory.mktemp("conventions")
    generate(root / "generated", 2, 50, 1)
    store = open_store(root / "store")
    load_list(store, "eu-reach-svhc")
    import_compositions(store, root / "generated")
    store.close()
    return root


def table_commands(root: Path) -> dict[str, list[str]]:
    """Every command that prints a table, with arguments that give it rows."""
    store = ["--store", str(root / "store")]
    return {
        "lists": ["lists", *store],
        "list-diff": ["list-diff", *SVHC, *store],
        "impact": ["impact", *SVHC, *store],
        "query": ["query", QUERY, *store],
        "validate": ["validate", "--pack", "eu-reach-svhc", "--at", "2026-11-23", *store],
        "load": ["load", str(DECLARATIONS / "ipc-class-d.xml"), str(DECLARATIONS / "iec62474.xml"),
                 "--store", str(root / "declarations-store")],
        "demo": ["demo", "--parts", "50", "--products", "2"],
    }


TABLE_COMMANDS = ["lists", "list-diff", "impact", "query", "validate", "load", "demo"]


def test_version_is_the_installed_distributions():
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"complygraph {metadata.version('complygraph')}\n"


@pytest.mark.parametrize("command", TABLE_COMMANDS)
def test_json_output_of_every_table_command_parses(data, command):
    result = run(*table_commands(data)[command], "--json")
    assert result.returncode in (0, 1), result.stderr  # validate: 1 is a verdict, not a failure
    parsed = json.loads(result.stdout)
    assert parsed, result.stdout
    if command == "query":  # the W3C SPARQL 1.1 results JSON format, every projected variable in the head
        assert parsed["head"]["vars"] == ["part", "name", "unbound"] and len(parsed["results"]["bindings"]) == 2
    if command == "validate":
        assert parsed["compliant"] is True and parsed["results"][0]["part_name"]
    if command == "load":
        assert {r["part_id"] for r in parsed} == {"KC-100", "OPC-C0603-225"}


@pytest.mark.parametrize("command", ["lists", "list-diff", "query", "validate", "load", "demo"])
def test_csv_output_has_a_header_row(data, command):
    result = run(*table_commands(data)[command], "--format" if command != "load" else "--output-format", "csv")
    assert result.returncode in (0, 1), result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows), result.stdout
    header = {"lists": "id", "list-diff": "change", "query": "part", "validate": "severity", "load": "file",
              "demo": "change"}[command]
    assert rows[0][0] == header


@pytest.mark.parametrize("command", ["--help", "lists", "impact", "query", "load", "demo"])
def test_piped_output_has_no_box_drawing(data, command):
    args = ["--help"] if command == "--help" else table_commands(data)[command]
    result = run(*args, env={"COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and not BOX.search(result.stdout), result.stdout
    if command == "impact":  # an aligned plain table: a header line, then one line per hit
        lines = result.stdout.splitlines()
        assert lines[1].split()[:3] == ["part", "material", "substance"] and "(over)" in lines[2]


def test_a_pipe_that_closes_early_is_no_error(tmp_path):
    """`complygraph demo | head -1`, and a reader that is gone before anything is written."""
    piped = subprocess.run(f"set -o pipefail; '{COMPLYGRAPH}' demo --parts 50 --products 2 | head -1", shell=True,
                           executable="/bin/bash", capture_output=True, text=True, timeout=600)
    assert piped.returncode == 0 and piped.stdout.startswith("Store: "), piped.stderr
    proc = subprocess.Popen([COMPLYGRAPH, "demo", "--parts", "50", "--products", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader went away before the first line
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=600) == 0, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


def test_counts_are_in_the_right_number(data):
    store = ["--store", str(data / "store")]
    one = run("query", "SELECT ?l WHERE { ?l a cg:RegulatoryList }", *store)
    assert one.stdout.endswith("\n1 row\n"), one.stdout
    two = run("query", QUERY, *store)
    assert two.stdout.endswith("\n2 rows\n"), two.stdout
    imported = run("import", str(data / "generated"), "--store", str(data / "import-store"))
    assert imported.returncode == 0, imported.stderr
    assert "0 sustainability records" in imported.stdout and "61 BOM lines" in imported.stdout
    assert "50 parts" in imported.stdout and "3 suppliers" in imported.stdout
    assert "sustainabilitys" not in imported.stdout
    validated = run("validate", "--pack", "eu-reach-svhc", "--at", "2026-11-23", *store)
    assert "(0 Violation results)" in validated.stdout and "result(s)" not in validated.stdout, validated.stdout


def test_query_from_stdin_and_from_a_file(data, tmp_path):
    store = ["--store", str(data / "store")]
    from_stdin = run("query", "-", "--format", "tsv", *store, stdin=QUERY)
    assert from_stdin.returncode == 0, from_stdin.stderr
    lines = from_stdin.stdout.splitlines()
    assert lines[0] == "?part\t?name\t?unbound" and len(lines) == 3 and lines[1].startswith("<https://")
    rq = tmp_path / "parts.rq"
    rq.write_text(QUERY, encoding="utf-8")
    from_file = run("query", "--file", str(rq), "--format", "csv", *store)
    assert from_file.returncode == 0, from_file.stderr
    assert next(csv.DictReader(io.StringIO(from_file.stdout)))["name"] == lines[1].split("\t")[1].strip('"')
    assert run("query", "--file", "-", "--json", *store, stdin=QUERY).returncode == 0
    assert run("query", *store).returncode == 2  # no query at all is an error, not a wait on the terminal


def _options(help_text: str) -> dict[str, tuple[str, str]]:
    """Each option of click's plain help (what a pipe gets) with its metavar and its help text."""
    found: dict[str, tuple[str, str]] = {}
    current = None
    for line in help_text.split("\nOptions:\n", 1)[1].splitlines():
        m = re.match(r"^  (?:-\w, )?(--[\w-]+)(?: (<[^>]*>))?(?:\s{2,}(\S.*))?$", line)
        if m:
            current = m.group(1)
            found[current] = (m.group(2) or "", m.group(3) or "")
        elif current and line.startswith("    "):
            # click wraps at hyphens ("supplier- governance"): a wrapped hyphen joins its word again
            sep = "" if found[current][1].endswith("-") else " "
            found[current] = (found[current][0], f"{found[current][1]}{sep}{line.strip()}".strip())
    return found


def test_every_option_has_help_and_fixed_sets_are_choices():
    commands = re.findall(r"^  ([a-z][a-z-]+) ", run("--help").stdout.split("\nCommands:\n", 1)[1], re.MULTILINE)
    assert len(commands) >= 14, commands
    missing, free = [], []
    for command in commands:
        for option, (metavar, text) in _options(run(command, "--help").stdout).items():
            if not text:
                missing.append(f"{command} {option}")
            if option in ("--format", "--output-format") and "|" not in metavar:
                free.append(f"{command} {option} {metavar}")
    assert not missing, f"options without help: {missing}"
    assert not free, f"formats that are free strings: {free}"
    validate = _options(run("validate", "--help").stdout)
    assert "eu-rohs" in validate["--pack"][1] and "supplier-governance" in validate["--pack"][1]
    assert "eu-reach-svhc" in _options(run("impact", "--help").stdout)["--list"][1]


def test_results_name_the_part_supplier_and_substance(data):
    parts = {r["part_id"]: r["name"] for r in csv.DictReader((data / "generated" / "parts.csv").open())}
    suppliers = {r["supplier_id"]: r["name"] for r in csv.DictReader((data / "generated" / "suppliers.csv").open())}
    result = run("validate", "--pack", "eu-reach-svhc", "--at", "2026-11-23", "--store", str(data / "store"))
    warnings = [line for line in result.stdout.splitlines() if line.startswith("Warning")]
    assert warnings, result.stdout
    for line in warnings:
        assert any(f"{pid} {name}" in line for pid, name in parts.items()), line
        assert any(f"{sid} {name}" in line for sid, name in suppliers.items()), line
        assert "part/P" not in line and "/cas/" not in line, line
    assert any("Lead (7439-92-1)" in line for line in warnings)


def _on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (where progress goes) and stdout a pipe; the terminal is read
    while the command runs so that its redraws never fill the pty's buffer."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([COMPLYGRAPH, *args], stdout=subprocess.PIPE, stderr=slave,
                            env={**os.environ, "COLUMNS": "160", "TERM": "xterm"})
    os.close(slave)
    seen = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the command closed its end
                break
            if not chunk:
                break
            seen.append(chunk)
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    os.close(master)
    return proc.wait(timeout=60), out, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(seen).decode(errors="replace"))


def test_progress_with_counts_and_rates_on_a_terminal_only(data):
    target = ["--store", str(data / "progress-store")]
    code, out, terminal = _on_a_terminal("import", str(data / "generated"), *target)
    assert code == 0 and not BOX.search(out), out
    assert "importing parts" in terminal and "50/50" in terminal and "parts/s" in terminal, terminal
    assert "writing triples" in terminal and "triples/s" in terminal, terminal
    code, _, terminal = _on_a_terminal("validate", "--pack", "eu-reach-svhc", "--at", "2026-11-23",
                                       "--store", str(data / "store"))
    assert code == 0 and "validating: constraint" in terminal and "constraints/s" in terminal, terminal
    piped = run("import", str(data / "generated"), "--store", str(data / "piped-store"))
    assert piped.returncode == 0 and "/s" not in piped.stderr and not BOX.search(piped.stderr), piped.stderr
