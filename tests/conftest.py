"""Shared fixtures: stores (embedded, a real Oxigraph server, a real Virtuoso), reference lists, generated data."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# every write of the tests compares the composition read model with a rebuild (graph/read_model.py)
os.environ.setdefault("COMPLYGRAPH_CHECK_READ_MODEL", "200000")

from complygraph.generate import generate
from complygraph.graph import open_store
from complygraph.loaders.catalog import load_reference


def _oxigraph_binary() -> str:
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` server (PyPI package oxigraph, in the test extras) is not installed")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server on 127.0.0.1, started for the test session."""
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    proc = subprocess.Popen([_oxigraph_binary(), "serve", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"oxigraph server did not start: {proc.stderr.read().decode()}") from None
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
; one thread per query: split between threads (16 by default), Virtuoso 7.2.5 answered wrongly and stalled
; (graph/dialects.py)
ThreadsPerQuery = 1
MaxClientConnections = 20

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
ServerThreads = 20
MaxClientConnections = 20
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
; no silent truncation: the adapter refuses a cut result, the tests need none. A query still running after 90 s
; (the tests' client waits 120 s) ends with an ANYTIME partial result, which the adapter refuses (StoreError):
; with no limit, an eu-rohs query that stalled once in CI (2026-12-06) kept running and the next test's queries
; found no answer within 120 s
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 90
MaxQueryCostEstimationTime = 0
"""


def _virtuoso_binaries() -> tuple[str, str]:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if not server or not isql:
        raise RuntimeError("Virtuoso Open Source is not installed (`virtuoso-t`, `isql-vt`): `make virtuoso` installs "
                           "Debian's virtuoso-opensource, which `make test` does first")
    return server, isql


@contextlib.contextmanager
def running_virtuoso(folder: Path):
    """A real Virtuoso Open Source on 127.0.0.1 with its own database and virtuoso.ini in `folder`; yields its
    SPARQL endpoint URL (`/sparql`, queries and updates) and stops it after.

    Updates through the anonymous endpoint need the SPARQL user to hold SPARQL_UPDATE: granted with isql as
    dba (whose password is the default "dba" of a new database that only this loopback test server uses)."""
    server, isql = _virtuoso_binaries()
    (folder / "www").mkdir()
    sql_port, http_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    log = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen([server, "-c", str(ini), "+foreground"], cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                errors = folder / "virtuoso.log"
                text = errors.read_text(errors="replace") if errors.exists() else ""
                raise RuntimeError(f"virtuoso did not start: {text[-2000:]}") from None
            time.sleep(0.2)
    granted = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba",
                              'exec=GRANT SPARQL_UPDATE TO "SPARQL";'], capture_output=True, text=True, timeout=60)
    if granted.returncode != 0 or "Error" in granted.stdout + granted.stderr:
        proc.kill()
        raise RuntimeError(f"could not grant SPARQL_UPDATE: {granted.stdout}{granted.stderr}")
    try:
        yield url
    finally:
        _stop(proc, log)


def _stop(proc: subprocess.Popen, log) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A Virtuoso for the test session (`running_virtuoso`)."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


def clear_virtuoso(store) -> None:
    """Empty what complygraph keeps in a Virtuoso (the data graph and every urn:complygraph: graph), leaving
    Virtuoso's own graphs alone (`DROP ALL` would drop them too)."""
    from complygraph.graph.dialects import DATA_GRAPH

    rows = store.select('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } '
                        'FILTER(STRSTARTS(STR(?g), "urn:complygraph:")) }')
    graphs = {DATA_GRAPH, *(r["g"].value for r in rows)}
    store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in sorted(graphs)), new_revision=False)


@pytest.fixture(params=["embedded", "remote", "virtuoso"])
def any_store(request, tmp_path):
    """An empty store of each kind; the remote ones are cleared before each test."""
    if request.param == "embedded":
        store = open_store(tmp_path / "store")
    elif request.param == "remote":
        server = request.getfixturevalue("oxigraph_server")
        store = open_store(server + "/query")
        store.update("DROP SILENT ALL")
    else:
        store = open_store(request.getfixturevalue("virtuoso_server"))
        clear_virtuoso(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def reference_store():
    """An in-memory store holding every shipped list. Tests must not write to it."""
    store = open_store(None)
    load_reference(store)
    return store


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "data"
    generate(out, products=5, parts=300, seed=7)
    return out


@pytest.fixture
def small_bulk(monkeypatch):
    """Writes over 10 triples go through the bulk write (graph/rollback.py) instead of one transaction."""
    from complygraph.graph.store_folder import ENV_BULK

    monkeypatch.setenv(ENV_BULK, "10")
