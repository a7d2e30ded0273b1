"""A store held by `complygraph serve` (issue 15, item 5): a command that needs it while the server runs says
that the server holds it and where it answers, instead of a bare lock error; when the server stops (or was
killed) the store is the command line's again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from complygraph.graph import open_store
from complygraph.graph.served import NOTE, served_by
from complygraph.loaders.catalog import load_reference

from .test_store_paths import _free_port


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "complygraph", *args], capture_output=True, text=True, timeout=300)


def _serve(store: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "complygraph", "serve", "--store", str(store), "--port",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise AssertionError("the server did not start")


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    s = open_store(path)
    load_reference(s, ["eu-rohs-annex-ii"])
    s.close()
    return path


def test_a_command_on_a_served_store_names_the_server_and_works_again_after_it_stops(tmp_path):
    store, port = _store(tmp_path), _free_port()
    server = _serve(store, port)
    try:
        note = json.loads((store / NOTE).read_text(encoding="utf-8"))
        assert note == {"pid": server.pid, "url": f"http://127.0.0.1:{port}"}
        done = _cli("lists", "--store", str(store))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert f"held by `complygraph serve` at http://127.0.0.1:{port} (pid {server.pid})" in done.stderr
        assert "stop the server" in done.stderr
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    assert not (store / NOTE).exists()  # a server that stops removes its note
    assert _cli("lists", "--store", str(store)).returncode == 0


def test_the_note_of_a_killed_server_is_ignored(tmp_path):
    store, port = _store(tmp_path), _free_port()
    server = _serve(store, port)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=60)
    assert (store / NOTE).exists() and served_by(store) is None  # its process has ended
    assert _cli("lists", "--store", str(store)).returncode == 0  # and the lock went with it
