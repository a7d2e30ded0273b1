"""The API under load, through real HTTP on a loopback port: /healthz answers while the heaviest allowed
query runs, a request past its deadline gets a coded error (and the work it started is kept), heavy work
that would have to wait is refused with BUSY, and reads are answered while an import runs."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from complygraph.api import create_app
from complygraph.api import validation as validation_api
from complygraph.generate import generate
from complygraph.graph import open_store
from complygraph.graph.shacl.packs import load_pack_data
from complygraph.graph.turtle import load_ontology
from complygraph.loaders.catalog import load_list
from complygraph.loaders.compositions import import_compositions

from .conftest import _free_port
from .shacl_cases import build, material, part, sub

LISTS = ("eu-reach-svhc", "eu-rohs-annex-ii", "eu-rohs-annex-iii")
TOKEN = "s3cret"


def _serve(app) -> Iterator[str]:
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A store of 4,000 generated parts with the SVHC and RoHS lists: a validation takes seconds."""
    folder = tmp_path_factory.mktemp("generated")
    generate(folder / "data", products=5, parts=4_000, seed=3)
    store = open_store(str(folder / "store"))
    for list_id in LISTS:
        load_list(store, list_id)
    import_compositions(store, folder / "data")
    # what the first validation would write (changing the revision under itself), as the server's warm-up does
    load_ontology(store)
    load_pack_data(store, ["eu-rohs", "eu-reach-svhc"])
    return store


def _post(url: str, query: str, **kwargs) -> tuple[dict, float]:
    t0 = time.perf_counter()
    r = httpx.post(f"{url}/graphql", json={"query": query}, timeout=120, **kwargs)
    return r.json(), time.perf_counter() - t0


def _in_thread(fn, *args) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def run() -> None:
        out["result"], out["seconds"] = fn(*args)
        out["done"] = time.perf_counter()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


# the heaviest query the limits allow: four validations (4 x 10,000 of the 50,000 limit) and an impact analysis
HEAVIEST = "{ " + " ".join(f'v{i}: validate(at: "2026-0{i + 1}-15", packs: ["eu-rohs", "eu-reach-svhc"]) '
                           "{ compliant counts { pack severity count } }" for i in range(4)) + \
           ' w: whereUsed(cas: ["7439-92-1", "7440-43-9"]) { part { id } ppm } }'


def test_healthz_answers_in_under_100_ms_while_the_heaviest_allowed_query_runs(generated, monkeypatch):
    monkeypatch.setenv("COMPLYGRAPH_API_DEADLINE", "60")
    gen = _serve(create_app(generated, warm=False))
    url = next(gen)
    try:
        heavy, out = _in_thread(_post, url, HEAVIEST)
        time.sleep(0.3)  # the query has been parsed, priced and started
        times = []
        with httpx.Client(timeout=30) as client:
            while heavy.is_alive() and len(times) < 200:
                t0 = time.perf_counter()
                r = client.get(f"{url}/healthz")
                times.append(time.perf_counter() - t0)
                assert r.json()["status"] == "ok"
                time.sleep(0.02)
        assert heavy.is_alive() or len(times) >= 20, "the heavy query was too short to measure anything"
        heavy.join(timeout=120)
    finally:
        next(gen, None)
    assert "errors" not in out["result"], out["result"]
    assert len(out["result"]["data"]) == 5
    times.sort()
    median, p95, worst = times[len(times) // 2], times[int(len(times) * 0.95)], times[-1]
    print(f"/healthz n={len(times)} median {median * 1000:.1f} ms p95 {p95 * 1000:.1f} ms max {worst * 1000:.1f} ms")
    # 2 cores shared by the validation, the server and this client in one process (one GIL): single answers
    # can be late by a garbage collection or a scheduling slice, so the bound is on the 95th percentile
    assert p95 < 0.1 and median < 0.05 and worst < 0.5, \
        f"/healthz median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {worst * 1000:.1f} ms"


def test_a_request_past_its_deadline_gets_a_coded_error_and_its_validation_is_kept(generated, monkeypatch):
    monkeypatch.setenv("COMPLYGRAPH_API_DEADLINE", "0.05")  # well under any validation, even on a fast machine
    gen = _serve(create_app(generated, warm=False))
    url = next(gen)
    query = '{ validate(at: "2026-07-15", packs: ["eu-rohs"]) { compliant } }'
    try:
        late, seconds = _post(url, query)
        assert late["data"] is None and late["errors"][0]["extensions"]["code"] == "DEADLINE_EXCEEDED", late
        assert seconds < 2.5, seconds
        assert "ask again later" in late["errors"][0]["message"]
        # the validation went on after the client stopped waiting, and is kept for the store's revision
        stop = time.monotonic() + 60
        while True:
            again, _ = _post(url, query)
            if "errors" not in again or time.monotonic() > stop:
                break
            assert again["errors"][0]["extensions"]["code"] == "DEADLINE_EXCEEDED"
            time.sleep(0.5)
    finally:
        next(gen, None)
    assert again["data"]["validate"]["compliant"] in (True, False), again


def test_heavy_work_that_would_wait_is_refused_busy_and_the_same_question_is_shared(generated, monkeypatch):
    monkeypatch.setenv("COMPLYGRAPH_API_HEAVY", "1")
    # the first validation is held open until the test lets it end, so the overlap does not depend on how
    # fast the machine validates 4,000 parts (a fast CI machine once finished it inside the 0.5 s wait)
    started, release = threading.Event(), threading.Event()
    summary = validation_api._summary

    def held(*args, **kwargs):
        started.set()
        assert release.wait(120), "the test never released the held validation"
        return summary(*args, **kwargs)
    monkeypatch.setattr(validation_api, "_summary", held)
    gen = _serve(create_app(generated, warm=False))
    url = next(gen)
    first = '{ validate(at: "2026-08-15", packs: ["eu-rohs"]) { compliant counts { count } } }'
    try:
        running, out = _in_thread(_post, url, first)
        assert started.wait(60), "the first validation never started"
        other, seconds = _post(url, '{ validate(at: "2026-09-15", packs: ["eu-rohs"]) { compliant } }')
        assert running.is_alive(), "the first validation ended before the second was asked"
        joined, same = _in_thread(_post, url, first)  # waits for the running computation, starts no other
        time.sleep(0.3)
        assert joined.is_alive() and running.is_alive(), "the same question did not wait for the running one"
        release.set()
        running.join(timeout=120)
        joined.join(timeout=120)
    finally:
        release.set()
        next(gen, None)
    assert other["errors"][0]["extensions"]["code"] == "BUSY" and seconds < 1, (other, seconds)
    assert same["result"] == out["result"] and "errors" not in same["result"], same


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for f in sorted(folder.glob("*.csv")):
            z.write(f, f.name)
    return buffer.getvalue()


def _upload(url: str, content: bytes) -> tuple[dict, float]:
    query = "mutation($f: Upload!) { importCompositions(file: $f) { triples } }"
    t0 = time.perf_counter()
    r = httpx.post(f"{url}/graphql", headers={"Authorization": f"Bearer {TOKEN}", "x-complygraph-csrf": "1"},
                   data={"operations": json.dumps({"query": query, "variables": {"f": None}}),
                         "map": json.dumps({"0": ["variables.f"]})},
                   files={"0": ("parts.zip", content)}, timeout=300)
    return r.json(), time.perf_counter() - t0


def test_reads_are_answered_while_an_import_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", TOKEN)
    store = build(tmp_path / "base", [part("kept", 100, material("kept-m", 100, sub("7439-92-1", 1)))],
                  ["eu-reach-svhc"])
    generate(tmp_path / "big", products=10, parts=4_000, seed=2)
    content = _zip(tmp_path / "big")
    read = '{ part(id: "kept") { id materials { id substances { ppm } } } }'
    imported = '{ part(id: "P0003999") { id } }'
    gen = _serve(create_app(store, warm=False))
    url = next(gen)
    try:
        before, _ = _post(url, imported)
        importing, out = _in_thread(_upload, url, content)
        time.sleep(1.5)  # the upload is received and the import has begun
        reads = []
        while importing.is_alive() and len(reads) < 10:
            answer, seconds = _post(url, read)
            reads.append((seconds, importing.is_alive(), answer))
            time.sleep(0.1)
        importing.join(timeout=300)
        after, _ = _post(url, imported)
    finally:
        next(gen, None)
    assert out["result"]["data"]["importCompositions"]["triples"] > 100_000, out["result"]
    during = [(s, a) for s, alive, a in reads if alive]
    assert len(during) >= 3, f"the import ended before reads could overlap it ({out['seconds']:.1f} s)"
    assert all(a["data"]["part"]["id"] == "kept" for _, a in during), during
    assert max(s for s, _ in during) < 1.0, [round(s, 3) for s, _ in during]
    assert before["data"]["part"] is None and after["data"]["part"] == {"id": "P0003999"}
