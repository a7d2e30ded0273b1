"""What a read in the same process sees right after a bulk write (graph/embedded.py `_bulk`, graph/bulk_feed.py):
every triple, never part of them, or validation would pass on a store it has not fully read.

Oxigraph's bulk loader (0.5) stores nothing until its commit, which ingests every table file it made in one
RocksDB `IngestExternalFiles` call, and each query reads a snapshot: a query sees none of one `bulk_load` or all of
it. What the write adds here: reads are sent to the checkpoint until the load and the revision are in, then to
the store. These tests hold that, with reader threads running, and the three ways it failed (review of
2026-12-03): reads during a write onto an empty store went to the store being written (an empty pyoxigraph Store
is false); a read that chose the store just before a write began ran its query during it; and from 4 usable CPUs
Oxigraph splits a file given by path among parsers by its size, a pipe has none, and `bulk_feed`'s pipe was
loaded as empty without an error (`store.write` returned 8,191 for 200,000 triples and stored none)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from types import SimpleNamespace

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from pyoxigraph import Store as OxStore

import complygraph.graph.bulk_feed as feed
import complygraph.graph.embedded as embedded
from complygraph.graph import open_store
from complygraph.graph.store import StoreError

from .bulk_cases import t

N = 200_000


def _counting(store, seen: dict[int, list[int]], after: threading.Event, done: threading.Event) -> None:
    """A reader: the counts it began before the write returned under 0, after it under 1."""
    while not done.is_set():
        when = 1 if after.is_set() else 0
        seen.setdefault(when, []).append(store.count())


def test_a_read_right_after_a_bulk_write_counts_every_triple_with_readers_running(tmp_path, small_bulk):
    """The writer's own read, each reader's first read after the write returned, the next write and a reopened
    store all see the whole write; readers during it see the store before it or with all of it."""
    folder = tmp_path / "s"
    store = open_store(folder)
    store.write([t(-1)])
    after, done = threading.Event(), threading.Event()
    seen: list[dict[int, list[int]]] = [{} for _ in range(3)]
    readers = [threading.Thread(target=_counting, args=(store, seen[i], after, done)) for i in range(3)]
    for r in readers:
        r.start()
    try:
        assert store.write(t(i) for i in range(N)) == N
        after.set()
        right_after = store.count()
        deadline = time.monotonic() + 60
        while any(len(s.get(1, [])) < 2 for s in seen) and time.monotonic() < deadline:
            time.sleep(0.01)  # reads each reader began after the write returned
    finally:
        done.set()
        for r in readers:
            r.join()
    assert right_after == N + 1
    for s in seen:
        assert set(s.get(0, [])) <= {1, N + 1}
        assert set(s[1]) == {N + 1}
    store.write([t(N)])  # the next write, a transaction, on top of the whole bulk write
    assert store.count() == N + 2
    store.close()
    del store
    assert open_store(folder).count() == N + 2


def test_reads_during_a_bulk_write_onto_an_empty_store_see_its_empty_checkpoint(tmp_path, small_bulk, monkeypatch):
    """A pyoxigraph Store is false when it is empty: `self._reader or self._store` sent the reads during the
    first import into a new store to the store being written, the writer's own included (here: once the lines
    are loaded, before the revision), and other threads' reads saw each commit as it came."""
    seen: list[int] = []
    store = open_store(tmp_path / "s")
    real = embedded.bulk_feed

    def feeding(db, triples):
        count = real(db, triples)
        seen.append(store.count())  # still inside the write: the checkpoint
        return count

    monkeypatch.setattr(embedded, "bulk_feed", feeding)
    assert store.write(t(i) for i in range(1000)) == 1000
    assert seen == [0] and store.count() == 1000


def test_a_read_that_chose_the_store_before_a_write_began_does_not_see_part_of_it(tmp_path, monkeypatch):
    """A read chooses the store, then runs its query: the write began in between and the query, run later, saw
    the facts of the derive's first steps without its last (each step is a commit of its own)."""
    store = open_store(tmp_path / "s")
    store.write([t(-1)])
    chosen, go, middle, resume = (threading.Event() for _ in range(4))
    real_bind = embedded.bind

    def slow_bind(query, bindings):
        if threading.current_thread().name == "late reader" and not chosen.is_set():
            chosen.set()  # the database is chosen, the query not yet run
            go.wait(10)
        return real_bind(query, bindings)

    monkeypatch.setattr(embedded, "bind", slow_bind)
    derived = "SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:derived> ?o }"
    counted: list[int] = []
    reader = threading.Thread(target=lambda: counted.append(int(store.select(derived)[0]["n"].value)),
                              name="late reader")

    def steps(live) -> None:
        live.add(Triple(NamedNode(f"urn:s{i}"), NamedNode("urn:derived"), Literal("1")) for i in range(100))
        middle.set()
        resume.wait(10)
        live.add(Triple(NamedNode(f"urn:t{i}"), NamedNode("urn:derived"), Literal("1")) for i in range(100))

    reader.start()
    assert chosen.wait(10)
    writer = threading.Thread(target=store.derive, args=(steps,))
    writer.start()
    middle.wait(1)  # the derive half-way (before the fix; after it, the derive waits for the read)
    go.set()
    reader.join(10)
    resume.set()
    writer.join(10)
    assert counted == [0]
    assert int(store.select(derived)[0]["n"].value) == 200


class _SplittingLoader:
    """An Oxigraph store whose `bulk_load(path=...)` does what Oxigraph 0.5 does from 4 usable CPUs on
    (`BulkLoader::parallel_load_from_file`: chunks of the file by its size, so none for a pipe): it opens the
    file, finds no bytes to split, closes it and returns. Everything else is the store's own."""

    def __init__(self, store: OxStore) -> None:
        self._store = store

    def bulk_load(self, input=None, format=None, *, path=None, **options):  # noqa: A002 (pyoxigraph's names)
        if path is not None and len(os.sched_getaffinity(0)) >= 4:
            with open(path, "rb") as fh:
                if os.fstat(fh.fileno()).st_size == 0:
                    return None
        return self._store.bulk_load(input, format, path=path, **options)

    def __getattr__(self, name):
        return getattr(self._store, name)


def _cpus(monkeypatch, n: int) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(n)), raising=False)


def test_a_bulk_write_stores_everything_where_oxigraph_splits_a_file_among_parsers(tmp_path, small_bulk,
                                                                                    monkeypatch):
    """From 4 CPUs on, the pipe was read as an empty file: the write returned 8,191 and stored nothing."""
    _cpus(monkeypatch, 8)
    real = embedded.bulk_feed
    monkeypatch.setattr(embedded, "bulk_feed", lambda store, triples: real(_SplittingLoader(store), triples))
    store = open_store(tmp_path / "s")
    assert store.write(t(i) for i in range(50_000)) == 50_000
    assert store.count() == 50_000


def test_a_loader_that_stops_reading_the_pipe_without_an_error_fails_the_write_and_rolls_it_back(tmp_path, small_bulk,
                                                                                                 monkeypatch):
    """The broken pipe was taken for a loader's failure, whose error is raised after it: without one, the write
    went on as if all were loaded (here: the pipe used on 8 CPUs, as if Oxigraph's choice of 4 changed)."""
    _cpus(monkeypatch, 8)
    monkeypatch.setattr(feed, "pipe_read_in_order", lambda: True, raising=False)
    real = embedded.bulk_feed
    monkeypatch.setattr(embedded, "bulk_feed", lambda store, triples: real(_SplittingLoader(store), triples))
    store = open_store(tmp_path / "s")
    store.write([t(-1)])
    with pytest.raises(StoreError, match="stopped reading"):
        store.write(t(i) for i in range(50_000))
    assert store.count() == 1


def test_the_feed_without_the_pipe_loads_blank_nodes_aside_and_raises_the_loaders_error(monkeypatch):
    _cpus(monkeypatch, 8)
    monkeypatch.setattr(feed, "_CHUNK_CHARS", 1000)  # many strings, one loaded while the next is made
    store = OxStore()
    triples = [t(i) for i in range(500)] + [Triple(BlankNode("b"), NamedNode("urn:p"), Literal("x"))]
    assert feed.bulk_feed(store, triples) == 501 and len(store) == 501
    bad = SimpleNamespace(subject=NamedNode("urn:s"), predicate=NamedNode("urn:p"), object="not a term")
    with pytest.raises(SyntaxError):
        feed.bulk_feed(OxStore(), [*(t(i) for i in range(500)), bad, *(t(i) for i in range(500, 1000))])


_FAKE_CPUS = r"""
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *mask) {
    memset(mask, 0, size);
    for (int i = 0; i < 8; i++) CPU_SET_S(i, size, mask);
    return 0;
}
"""


@pytest.mark.skipif(sys.platform != "linux" or not (shutil.which("cc") or shutil.which("gcc")),
                    reason="needs Linux and a C compiler to make Oxigraph see 8 CPUs")
def test_with_oxigraph_seeing_8_cpus_a_bulk_write_stores_everything(tmp_path):
    """The real Oxigraph, made to see 8 CPUs (sched_getaffinity replaced by LD_PRELOAD): it is what read the
    pipe as empty, and every line must be stored."""
    (tmp_path / "cpus.c").write_text(_FAKE_CPUS)
    lib = tmp_path / "libcpus.so"
    subprocess.run([shutil.which("cc") or shutil.which("gcc"), "-shared", "-fPIC", "-o", str(lib),
                    str(tmp_path / "cpus.c")], check=True)
    script = textwrap.dedent(f"""
        import os
        from pyoxigraph import Literal, NamedNode, Triple
        from complygraph.graph import open_store
        assert len(os.sched_getaffinity(0)) == 8
        store = open_store({str(tmp_path / "s")!r})
        n = store.write(Triple(NamedNode(f"urn:s{{i}}"), NamedNode("urn:p"), Literal(str(i))) for i in range(20000))
        print(n, store.count())
    """)
    env = {**os.environ, "LD_PRELOAD": str(lib), "COMPLYGRAPH_BULK_WRITE_AFTER": "10"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["20000", "20000"]
