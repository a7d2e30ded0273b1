"""A `--store` that cannot be a store stops every command with exit code 2 and a message naming the path (or
URL) and why, before anything is created (issue 12): a regular file, a folder of other files, a folder that
cannot be written, a URL where no SPARQL endpoint answers; and a read command given a path that holds no store
creates none (`validate --store <typo>`).

The sweep over the commands runs them in-process (CliRunner); the cases where what the shell sees matters
(exit status, no traceback on stderr, another user's permissions) run the installed script.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.generate import generate
from complygraph.graph import StoreError, open_store

COMPLYGRAPH = str(Path(sys.executable).parent / "complygraph")
DECLARATION = Path(__file__).parent / "declarations" / "ipc-class-c.xml"
SHIPPED_ROHS = Path(__file__).parents[1] / "data" / "eu-rohs" / "annex-ii.csv"


def store_commands(tmp: Path) -> dict[str, list[str]]:
    """Every command with a --store option, with arguments it accepts (the store is the only thing wrong); the
    data set `import` is given is `tmp / "data"` (`sweep_dir`)."""
    data = tmp / "data"
    out = tmp / "out"
    svhc = ["--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04"]
    return {
        "load-lists": [], "load-list": ["eu-rohs-annex-ii", str(SHIPPED_ROHS)], "import": [str(data)],
        "load": [str(DECLARATION)], "validate": [], "lists": [], "list-diff": svhc, "impact": svhc,
        "query": ["SELECT * WHERE { ?s ?p ?o } LIMIT 1"], "demo": ["--parts", "5"], "status": [],
        "report": ["--out", str(out / "r.html")], "doctor": [],
        "export": ["--out", str(out / "e.xml"), "--product", "PRD00000"],
        "scip": ["--out", str(out / "s.csv")], "serve": ["--port", "1"], "requests": ["--out", str(out / "q")],
    }


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"{args}: {result.exception!r}")
    return result.exit_code, " ".join(text.split())


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        user: bool = False) -> subprocess.CompletedProcess:
    """The installed script; with `user`, as an unprivileged user when the tests run as root (root may write
    anywhere, so a folder it cannot write needs another user)."""
    prefix: list[str] = []
    if user and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            raise RuntimeError("setpriv (util-linux) is needed to run the CLI as another user when tests run as root")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    return subprocess.run([*prefix, COMPLYGRAPH, *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**os.environ, **(env or {})})


def test_the_sweep_names_every_command_that_takes_a_store(tmp_path):
    """A new command with --store joins the sweep below (else its refusal of a file is not tested)."""
    commands = typer.main.get_command(app).commands
    with_store = {name for name, c in commands.items() if any(p.name == "store" for p in c.params)}
    assert with_store == set(store_commands(tmp_path))


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    generate(folder / "data", products=1, parts=5, seed=1)
    return folder


@pytest.mark.parametrize("command", sorted(store_commands(Path("/nonexistent"))))
def test_every_command_refuses_a_store_that_is_a_regular_file(sweep_dir, command):
    """Before: `import --store file` and others ended in a traceback or an error that named no path."""
    target = sweep_dir / "notes.txt"
    target.write_text("not a store\n")
    code, text = cli(command, *store_commands(sweep_dir)[command], "--store", str(target))
    assert code == 2, text
    assert f"{target} is a file, not a store directory" in text
    assert target.read_text() == "not a store\n"


def test_the_script_reports_a_file_as_store_in_one_line_without_a_traceback(tmp_path):
    target = tmp_path / "store.db"
    target.write_bytes(b"SQLite format 3\x00")
    for args in (["import", str(tmp_path)], ["validate"], ["query", "ASK {}"]):
        done = run(*args, "--store", str(target))
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
        assert done.stderr.startswith(f"error: {target} is a file, not a store directory")


@pytest.mark.parametrize("command", ["load-lists", "validate", "import"])
def test_a_folder_of_other_files_is_refused_and_left_as_it_was(sweep_dir, tmp_path, command):
    """Before: load-lists and import wrote an Oxigraph database among the user's files; validate said only that
    the store held no parts."""
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "readme.txt").write_text("mine")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    args = store_commands(sweep_dir)[command]
    code, text = cli(command, *args, "--store", str(folder))
    assert code == 2
    assert (f"{folder} is not a complygraph store: the folder holds other files (photo.jpg, readme.txt) and no "
            "Oxigraph database") in text
    assert sorted(p.name for p in folder.iterdir()) == ["photo.jpg", "readme.txt"]


def test_a_store_folder_and_an_empty_folder_are_opened(tmp_path):
    """The guard: the folder of a store opens, and an empty folder becomes one."""
    store = open_store(tmp_path / "s")
    store.update('INSERT DATA { <http://example.org/a> <http://example.org/p> "1" }')
    store.close()
    del store
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "s", tmp_path / "empty"):
        store = open_store(path, create=path.name == "empty")
        assert store.count() == (1 if path.name == "s" else 0)
        store.close()
        del store


@pytest.fixture
def open_dir():
    """A folder every user may enter (pytest's tmp_path is private to the user running the tests)."""
    folder = Path(tempfile.mkdtemp(prefix="complygraph-paths-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def test_a_folder_this_user_cannot_write_is_refused_and_nothing_is_created(open_dir):
    """Before: a folder that could not be created ended in a PermissionError traceback (exit 1)."""
    locked = open_dir / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    done = run("load-lists", "--store", str(locked), user=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"cannot open the store at {locked}: the folder is not writable by this user" in done.stderr
    done = run("load-lists", "--store", str(locked / "new" / "store"), user=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"cannot create the store directory {locked / 'new' / 'store'}: Permission denied" in done.stderr
    assert list(locked.iterdir()) == []


def test_a_store_behind_a_folder_this_user_may_not_enter_is_refused(open_dir):
    """Before: PermissionError from the first look at the path, a traceback."""
    private = open_dir / "private"
    private.mkdir()
    private.chmod(0o700)
    for command in ("load-lists", "validate"):
        done = run(command, "--store", str(private / "store"), user=True)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert f"cannot open the store at {private / 'store'}: Permission denied" in done.stderr
    assert list(private.iterdir()) == []


def test_a_store_path_inside_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    code, text = cli("load-lists", "--store", str(tmp_path / "file" / "store"))
    assert code == 2 and f"cannot create the store directory {tmp_path / 'file' / 'store'}: Not a directory" in text


def test_a_store_another_process_holds_is_refused_naming_why(tmp_path):
    held = open_store(tmp_path / "s")  # held here, in this process: refused before RocksDB is asked
    try:
        with pytest.raises(StoreError, match="this process has it open already"):
            open_store(tmp_path / "s")
    finally:
        held.close()


def test_closing_a_store_waits_for_a_read_under_way_so_the_folder_opens_again(tmp_path):
    """Before: close() returned while a server's background warming still read the store; the read's handle
    kept RocksDB's lock and the next open of the folder failed with "another process has it open" (CI,
    tests/test_list_history.py after the GraphQL test). Now close waits for it and later reads are refused."""
    store = open_store(tmp_path / "s")
    reading, release = threading.Event(), threading.Event()

    def read() -> None:
        with store._read():  # a read under way, as the warming thread's list-change queries are
            reading.set()
            release.wait(10)

    reader = threading.Thread(target=read)
    reader.start()
    assert reading.wait(10)
    closer = threading.Thread(target=store.close)
    closer.start()
    time.sleep(0.3)
    assert closer.is_alive(), "close must wait for the read under way"
    release.set()
    closer.join(10)
    reader.join(10)
    assert not closer.is_alive()
    again = open_store(tmp_path / "s")  # RocksDB's lock went with the last handle
    again.close()
    with pytest.raises(StoreError, match="is closed"):
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_validate_given_a_path_without_a_store_creates_none(tmp_path):
    """Regression guard: a read command answers no questions from an empty store made by a typo."""
    done = run("validate", "--store", "complygraph-stroe", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no store at complygraph-stroe" in done.stderr
    assert list(tmp_path.iterdir()) == []


WRITES_THAT_FAIL = {
    "load-lists with an unknown list id": ["load-lists", "--list", "eu-foo"],
    "load-list with an unknown list id": ["load-list", "eu-foo", "x.csv"],
    "import of a folder with a bad file": ["import", "bad"],
}


@pytest.mark.parametrize("case", sorted(WRITES_THAT_FAIL))
def test_a_write_command_that_fails_leaves_no_empty_store_at_a_new_path(tmp_path, case):
    """Regression (QA B7): a write refused on bad input created the store folder anyway, and read commands then
    accepted it as a store ("holds no lists", exit 0). The folder the command created is removed again, with
    any folder above it that it created."""
    (tmp_path / "x.csv").write_text("name\n", encoding="utf-8")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "parts.csv").write_text("id,name\nP1\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, [*WRITES_THAT_FAIL[case], "--store", str(tmp_path / "new" / "store")],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert run("lists", "--store", "new/store", cwd=tmp_path).returncode == 2


def test_a_failed_write_leaves_an_existing_store_folder_in_place(tmp_path):
    """The other side of the edge: a folder that was there before the failing command (here an empty one, which
    the command may make a store in) is kept."""
    (tmp_path / "s").mkdir()
    result = CliRunner().invoke(app, ["load-lists", "--list", "eu-foo", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and (tmp_path / "s").is_dir()


def test_a_write_that_succeeds_at_a_new_path_keeps_its_store(tmp_path):
    result = CliRunner().invoke(app, ["load-lists", "--list", "eu-pops", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert run("lists", "--store", "s", cwd=tmp_path).returncode == 0


# --------------------------------------------------------------------------------------------- remote endpoints
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_url_where_nothing_listens_is_refused_at_once(tmp_path):
    url = f"http://127.0.0.1:{_free_port()}/query"
    for command in ("load-lists", "lists"):
        done = run(command, "--store", url, cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert f"no SPARQL endpoint answers at {url}: Connection refused" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_url_that_accepts_but_never_answers_is_refused_after_the_connect_timeout(tmp_path):
    """Before: the first request waited for the 10-minute query timeout, twice."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
    try:
        started = time.monotonic()
        done = run("lists", "--store", url, cwd=tmp_path, env={"COMPLYGRAPH_CONNECT_TIMEOUT": "1"})
        took = time.monotonic() - started
    finally:
        silent.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"no SPARQL endpoint answers at {url}: no answer within 1 s" in done.stderr
    assert took < 30
    assert list(tmp_path.iterdir()) == []


class _NotSparql(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the handler's name is http.server's
        body = b"<html>a web page</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_url_of_a_web_server_that_is_no_sparql_endpoint_is_refused():
    server = http.server.HTTPServer(("127.0.0.1", 0), _NotSparql)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/query"
    try:
        with pytest.raises(StoreError, match=f"{url} is not a SPARQL query endpoint: its answer to ASK"):
            open_store(url)
    finally:
        server.shutdown()
        server.server_close()


def test_a_sparql_endpoint_url_opens(oxigraph_server):
    store = open_store(oxigraph_server + "/query")
    assert store.ask("ASK {}") is True and store.staging_graphs() == []


def test_an_output_file_that_cannot_be_written_stops_with_exit_2_naming_it(tmp_path):
    """Regression (review): `requests --out` on a file, `impact --out` and `scip --out` in a missing folder
    ended in a traceback (exit 1)."""
    store = str(tmp_path / "store")
    assert cli("load-lists", "--store", store, "--list", "eu-reach-svhc")[0] == 0
    generate(tmp_path / "data", products=2, parts=20, seed=1)
    assert cli("import", str(tmp_path / "data"), "--store", store)[0] == 0
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    missing = tmp_path / "no-such-folder"
    for args, named in [(("requests", "--out", str(a_file)), str(a_file)),
                        (("impact", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04",
                          "--format", "csv", "--out", str(missing / "i.csv")), str(missing / "i.csv")),
                        (("scip", "--out", str(missing / "s.csv")), str(missing / "s.csv"))]:
        done = run(*args, "--store", store)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr and named in done.stderr, done.stderr


def test_an_unwritable_report_or_an_empty_date_is_refused_before_the_store_is_touched(tmp_path):
    """Regression (QA B14, B13): `validate --report /missing/r.json` ran the whole validation, wrote its derived
    facts to the store and only then failed; `--at ""` (an unset shell variable) was read as today."""
    store = str(tmp_path / "store")
    assert cli("load-lists", "--store", store, "--list", "eu-rohs-annex-ii")[0] == 0
    generate(tmp_path / "data", products=1, parts=5, seed=1)
    assert cli("import", str(tmp_path / "data"), "--store", store)[0] == 0
    held = open_store(store)
    revision = held.revision()
    held.close()
    (tmp_path / "a-folder").mkdir()
    for args, said in [(("--report", str(tmp_path / "missing" / "r.json")), "does not exist"),
                       (("--report", str(tmp_path / "a-folder")), "cannot be written"),
                       (("--at", ""), "not a date (YYYY-MM-DD): ''")]:
        code, text = cli("validate", "--store", store, *args)
        assert code == 2 and said in text, (args, text)
    held = open_store(store)
    assert held.revision() == revision
    held.close()
    code, text = cli("scip", "--out", str(tmp_path / "s.csv"), "--store", store, "--at", "")
    assert code == 2 and "not a date" in text
    code, text = cli("report", "--store", store, "--out", str(tmp_path / "missing" / "r.html"))
    assert code == 2 and "does not exist" in text
