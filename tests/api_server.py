"""A real complygraph API server on a free loopback port, for the tests that talk to it over HTTP."""

from __future__ import annotations

import threading
import time

import uvicorn

from complygraph.api import create_app

from .conftest import _free_port


def serve(store):
    """Run the app on a free port of 127.0.0.1 for the duration of a fixture."""
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    # the start-up warming writes the packs' data (a new revision when it changed): a test that reads the
    # revision first saw it change under it when it was the first to use the server (test_api_qa7 run alone)
    for warming in [t for t in threading.enumerate() if t.name == "warm-list-changes"]:
        warming.join(timeout=300)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
