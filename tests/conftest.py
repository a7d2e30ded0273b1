"""Shared fixtures: stores (embedded and a real Oxigraph server), reference lists, generated data."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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


@pytest.fixture(params=["embedded", "remote"])
def any_store(request, tmp_path):
    """An empty store of each kind; the remote one is cleared before each test."""
    if request.param == "embedded":
        store = open_store(tmp_path / "store")
    else:
        server = request.getfixturevalue("oxigraph_server")
        store = open_store(server + "/query")
        store.update("DROP SILENT ALL")
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
