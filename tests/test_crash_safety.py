"""A crash at any moment of a write leaves the store as it was or fully written, with the revision that goes
with its data (issue 12 item 3): the revision is written in the same transaction as the data; staging graphs a
crashed writer left are dropped when the store is opened; a dropped connection at commit is checked, not
guessed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad
from pyoxigraph import Store as OxStore

from complygraph.generate import generate
from complygraph.graph import open_store
from complygraph.graph.remote import RemoteStore
from complygraph.graph.store import META_GRAPH, StoreError, new_revision, staging_graph

EX = "http://example.org/"


def _t(i: int):
    from pyoxigraph import Triple
    return Triple(NamedNode(f"{EX}s{i}"), NamedNode(f"{EX}p"), Literal(str(i)))


def test_a_revision_written_with_the_data_sorts_after_the_one_before(tmp_path):
    first = new_revision()
    assert new_revision(first) > first
    assert new_revision("0f2c9a3e-uuid-of-an-earlier-version") > "ffffffff-uuid-of-an-earlier-version"
    future = f"r{time.time_ns() + 3600 * 10**9:020d}-aaaaaaaaaaaa"  # the clock set back an hour since
    assert new_revision(future) > future


def test_an_added_write_carries_its_revision_in_the_same_transaction(tmp_path):
    store = open_store(tmp_path / "s")
    before = store.revision()
    store.write(_t(i) for i in range(3))
    after = store.revision()
    assert after > before and store.count() == 3
    store.close()
    raw = OxStore(str(tmp_path / "s"))  # the revision quad is in the meta graph beside the data
    assert any(q.object.value == after for q in raw.quads_for_pattern(None, None, None, NamedNode(META_GRAPH)))


def test_a_staging_graph_left_by_a_crashed_writer_is_dropped_when_the_store_is_opened(tmp_path):
    store = open_store(tmp_path / "s")
    store.write([_t(1)])
    store.close()
    del store
    raw = OxStore(str(tmp_path / "s"))
    raw.add(Quad(NamedNode(f"{EX}half"), NamedNode(f"{EX}p"), Literal("import"), staging_graph()))
    raw.flush()
    del raw
    store = open_store(tmp_path / "s")
    assert len(store.dropped_staging) == 1 and store.staging_graphs() == [] and store.count() == 1


def _import_then_kill(store_dir: Path, data: Path, after: float) -> int | None:
    proc = subprocess.Popen([sys.executable, "-m", "complygraph", "import", str(data), "--store", str(store_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=30)


def _import_then_kill_or_finish(store_dir: Path, data: Path, after: float) -> None:
    if after < 60:
        _import_then_kill(store_dir, data, after)
    else:
        subprocess.run([sys.executable, "-m", "complygraph", "import", str(data), "--store", str(store_dir)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=300)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    generate(folder / "data", products=2, parts=800, seed=7)
    return folder / "data"


@pytest.mark.parametrize("after", [1.0, 2.0, 3.0, 4.5, 6.0, 60.0])  # 60: killed after it finished
def test_kill_9_at_any_moment_of_an_import_leaves_before_or_after_never_between(tmp_path, data, after):
    store_dir = tmp_path / "s"
    store = open_store(store_dir)
    store.write([_t(1)])
    before = (store.count(), store.revision())
    store.close()
    del store
    _import_then_kill_or_finish(store_dir, data, after)
    store = open_store(store_dir)
    now = (store.count(), store.revision())
    assert store.staging_graphs() == []
    if now[0] == before[0]:
        assert now[1] == before[1], "the data is as it was, so is the revision"
    else:
        assert now[1] > before[1], "new data came with its new revision"
        parts = store.select("SELECT (COUNT(?p) AS ?n) WHERE { ?p a cg:Part }")
        assert int(parts[0]["n"].value) == 800, "an import is visible whole or not at all"
    if after == 60.0:
        assert now[0] > before[0], "an import that finished is there"


def test_a_remote_staging_graph_is_dropped_only_when_older_than_the_grace_period(oxigraph_server):
    store = RemoteStore(oxigraph_server + "/query")
    young, old = staging_graph().value, "urn:complygraph:staging:20200101T000000Z:crashed"
    for g in (young, old):
        store.update(f'INSERT DATA {{ GRAPH <{g}> {{ <{EX}x> <{EX}p> "half" }} }}', new_revision=False)
    assert store.drop_staging() == [old]  # a younger one may be a write still running elsewhere
    assert young in store.staging_graphs()
    assert store.drop_staging(older_than=0) == [young]


def test_a_connection_dropped_at_commit_is_checked_and_reported_as_it_happened(oxigraph_server, monkeypatch):
    store = RemoteStore(oxigraph_server + "/query")
    store.update("DROP SILENT DEFAULT")
    real = store._update

    def committed_then_dropped(text: str) -> None:
        real(text)
        if "ADD SILENT" in text:
            raise StoreError("cannot reach the endpoint: connection reset")

    monkeypatch.setattr(store, "_update", committed_then_dropped)
    assert store.write(_t(i) for i in range(3)) == 3  # committed: no false failure
    assert store.count() == 3

    def dropped_before(text: str) -> None:
        if "ADD SILENT" in text:
            raise StoreError("cannot reach the endpoint: connection reset")
        real(text)

    monkeypatch.setattr(store, "_update", dropped_before)
    with pytest.raises(StoreError, match="not committed"):
        store.write(_t(i) for i in range(10, 12))
    monkeypatch.setattr(store, "_update", real)
    assert store.count() == 3 and store.staging_graphs() == []
