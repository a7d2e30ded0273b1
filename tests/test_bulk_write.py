"""A write too big for one transaction is bulk-loaded in bounded memory and is still all or nothing (issue 14,
item 1; graph/rollback.py): a checkpoint is taken first, a failed write and the next open after a crash put the
store back as the checkpoint holds it, and reads see the store as it was until the write commits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Triple
from pyoxigraph import Store as OxStore

from complygraph.generate import generate
from complygraph.graph import open_store, rollback
from complygraph.graph.store import StoreError
from complygraph.graph.store_folder import ENV_BULK, bulk_after

from .bulk_cases import EX, crashed, crashed_store, leftovers, t


def test_the_bulk_threshold_is_read_from_the_environment_and_a_bad_value_keeps_the_default(monkeypatch):
    monkeypatch.setenv(ENV_BULK, "25")
    assert bulk_after() == 25
    monkeypatch.setenv(ENV_BULK, "many")
    assert bulk_after() == 500_000


def test_a_write_exactly_at_the_threshold_is_bulk_loaded_and_one_below_is_a_transaction(tmp_path, small_bulk,
                                                                                          monkeypatch):
    store = open_store(tmp_path / "s")
    began = []
    real = rollback.begin
    monkeypatch.setattr(rollback, "begin", lambda *a: began.append(1) or real(*a))
    assert store.write(t(i) for i in range(9)) == 9
    assert began == []
    assert store.write(t(i) for i in range(100, 110)) == 10
    assert began == [1]
    assert store.count() == 19


def test_a_bulk_write_stores_everything_with_a_new_revision_and_leaves_no_checkpoint(tmp_path, small_bulk):
    store = open_store(tmp_path / "s")
    store.write([t(0)])
    before = store.revision()
    assert store.write(t(i) for i in range(1, 5001)) == 5000
    assert store.count() == 5001 and store.revision() > before
    assert leftovers(tmp_path / "s") == []
    store.close()
    del store
    again = open_store(tmp_path / "s")  # durable, and nothing to roll back
    assert again.count() == 5001 and not again.rolled_back


def test_a_bulk_write_whose_input_fails_leaves_the_store_as_it_was_and_usable(tmp_path, small_bulk):
    store = open_store(tmp_path / "s")
    store.write([t(0)])
    before = (store.count(), store.revision())

    def bad():
        yield from (t(i) for i in range(1, 3000))
        raise ValueError("a bad record found at the end")

    with pytest.raises(ValueError, match="bad record"):
        store.write(bad())
    assert (store.count(), store.revision()) == before
    assert leftovers(tmp_path / "s") == []
    assert store.write(t(i) for i in range(1, 21)) == 20  # the store still takes writes
    assert store.count() == 21


def test_reads_during_a_bulk_write_see_the_store_as_it_was(tmp_path, small_bulk):
    """The import's own checks ask the store what it already holds while their triples stream in."""
    store = open_store(tmp_path / "s")
    store.write([t(0)])
    seen = []

    def reading():
        for i in range(1, 2001):
            if i % 500 == 0:
                seen.append(store.count())
            yield t(i)

    store.write(reading())
    assert seen == [1, 1, 1, 1]
    assert store.count() == 2001


def test_the_next_open_rolls_back_a_bulk_write_that_a_crash_cut_short(tmp_path):
    store = open_store(tmp_path / "s")
    store.write([t(0)])
    before = (store.count(), store.revision())
    store.close()
    del store
    crashed(tmp_path / "s")
    store = open_store(tmp_path / "s")
    assert store.rolled_back
    assert (store.count(), store.revision()) == before
    assert leftovers(tmp_path / "s") == []


def test_a_roll_back_cut_short_is_finished_by_the_next_open(tmp_path):
    """The folder's own files were removed and only some of the checkpoint's were put back: no CURRENT, no
    MANIFEST; the folder is still recognised as a store and the roll-back runs again."""
    folder = tmp_path / "s"
    crashed_store(folder, triples=2)
    for entry in folder.iterdir():
        if not entry.name.startswith(rollback.OURS) and entry.is_file():
            entry.unlink()
    store = open_store(folder)
    assert store.rolled_back and store.count() == 2


def test_a_checkpoint_without_its_ready_mark_is_removed_and_the_data_kept(tmp_path):
    store = open_store(tmp_path / "s")
    store.write([t(0)])
    store.close()
    del store
    raw = OxStore(str(tmp_path / "s"))
    raw.backup(str(tmp_path / "s" / rollback.CHECKPOINT))  # taken, never marked ready: nothing was written
    raw.add(Quad(NamedNode(f"{EX}later"), NamedNode(f"{EX}p"), Literal("x"), DefaultGraph()))
    del raw
    store = open_store(tmp_path / "s")
    assert not store.rolled_back and store.count() == 2
    assert leftovers(tmp_path / "s") == []


def test_a_store_held_by_another_process_is_not_rolled_back_under_it(tmp_path):
    folder = tmp_path / "s"
    crashed_store(folder)
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pyoxigraph import Store; "
                               f"s = Store({str(folder)!r}); print('open', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="another process"):
            open_store(folder)
        assert rollback.pending(folder)
    finally:
        holder.kill()
        holder.wait()
    assert open_store(folder).rolled_back


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bulk-crash")
    generate(folder / "data", products=2, parts=1500, seed=11)
    return folder / "data"


@pytest.mark.parametrize("delay", [0.0, 0.4, 1.2, None])  # None: let it finish
def test_kill_9_during_a_bulk_import_leaves_the_store_before_or_after_never_between(tmp_path, data, delay):
    """The import is killed once its checkpoint is ready (so the bulk load has begun), then `delay` later; the
    last case lets it finish and expects the import whole."""
    folder = tmp_path / "s"
    store = open_store(folder)
    store.write([t(0)])
    before = (store.count(), store.revision())
    store.close()
    del store
    env = {**os.environ, ENV_BULK: "1000"}
    proc = subprocess.Popen([sys.executable, "-m", "complygraph", "import", str(data), "--store", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    while not rollback.pending(folder) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert rollback.pending(folder), "the import reached its bulk load"
    if delay is None:
        assert proc.wait(timeout=300) == 0
    else:
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    store = open_store(folder)
    now = (store.count(), store.revision())
    if now == before:
        assert store.rolled_back
    else:
        assert now[1] > before[1]
        parts = store.select("SELECT (COUNT(?p) AS ?n) WHERE { ?p a cg:Part }")
        assert int(parts[0]["n"].value) == 1500, "an import is visible whole or not at all"
    if delay is None:
        assert now != before and not store.rolled_back
    assert leftovers(folder) == []


def test_a_command_that_opens_a_rolled_back_store_says_so(tmp_path):
    folder = tmp_path / "s"
    crashed_store(folder)
    done = subprocess.run([sys.executable, "-m", "complygraph", "doctor", "--store", str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "did not finish" in done.stderr and "rolled back" in done.stderr


def test_blank_nodes_in_a_bulk_write_keep_their_identity(tmp_path, small_bulk):
    """The N-Triples parser gives each load its own blank node labels: triples with one are added as quads."""
    from pyoxigraph import BlankNode

    store = open_store(tmp_path / "s")
    node = BlankNode()
    extra = [Triple(node, NamedNode(f"{EX}a"), Literal("1")), Triple(NamedNode(f"{EX}s0"), NamedNode(f"{EX}b"), node)]
    assert store.write([*(t(i) for i in range(100)), *extra]) == 102
    rows = store.select(f"SELECT ?v WHERE {{ <{EX}s0> <{EX}b> ?n . ?n <{EX}a> ?v }}")
    assert [r["v"].value for r in rows] == ["1"]


def test_a_line_the_bulk_loader_refuses_stops_the_write_and_rolls_it_back(tmp_path, small_bulk):
    from complygraph.loaders.rdf import Fact

    store = open_store(tmp_path / "s")
    store.write([t(0)])
    before = (store.count(), store.revision())
    bad = Fact(NamedNode(f"{EX}x"), NamedNode(f"{EX}p"), "not a term")  # type: ignore[arg-type]
    with pytest.raises(SyntaxError):
        store.write([*(t(i) for i in range(1, 50)), bad, *(t(i) for i in range(50, 100))])
    assert (store.count(), store.revision()) == before
    assert leftovers(tmp_path / "s") == []


def test_reads_from_another_thread_during_a_bulk_write_see_before_or_after_never_between(tmp_path, small_bulk):
    """The API answers reads while an import runs: each sees the store before the import or with all of it."""
    import threading

    store = open_store(tmp_path / "s")
    store.write([t(0)])
    seen: list[int] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            seen.append(store.count())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        store.write(t(i) for i in range(1, 60_001))
    finally:
        done.set()
        thread.join()
    seen.append(store.count())
    assert set(seen) <= {1, 60_001} and seen[-1] == 60_001
    assert leftovers(tmp_path / "s") == []
