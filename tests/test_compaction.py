"""When the embedded store compacts its files (graph/compaction.py): after a bulk write that leaves the table
files half as big again as the last compaction did, or when none is recorded; never after a small write; and on
demand (`complygraph doctor --compact`). A compaction changes no answer and keeps the revision."""

from __future__ import annotations

import json
import subprocess
import sys

from pyoxigraph import Literal, NamedNode, Triple

import complygraph.graph.compaction as compaction
from complygraph.graph import open_store

from .bulk_cases import t


def _triples(n: int, start: int = 0) -> list[Triple]:
    return [t(i) for i in range(start, start + n)]


def _calls(monkeypatch) -> list[bool]:
    """Each compaction that ran (Store.optimize), recorded."""
    ran: list[bool] = []
    real = compaction.record

    def recording(folder):
        ran.append(True)
        real(folder)

    monkeypatch.setattr(compaction, "record", recording)
    return ran


def test_the_first_bulk_write_compacts_and_records_what_it_left(tmp_path, small_bulk, monkeypatch):
    ran = _calls(monkeypatch)
    store = open_store(str(tmp_path / "s"))
    store.write(_triples(2_000))
    assert ran == [True]
    kept = json.loads((tmp_path / "s" / compaction.RECORD).read_text())
    assert kept["bytes"] > 0 and abs(kept["bytes"] - compaction.table_bytes(tmp_path / "s")) < 0.05 * kept["bytes"]
    assert store.count() >= 2_000


def test_a_bulk_write_that_grows_the_files_by_less_than_half_does_not_compact(tmp_path, small_bulk, monkeypatch):
    store = open_store(str(tmp_path / "s"))
    store.write(_triples(20_000))
    ran = _calls(monkeypatch)
    folder = tmp_path / "s"
    before = compaction.last(folder)
    store.write(_triples(100, start=50_000))
    assert compaction.table_bytes(folder) <= compaction.GROWTH * before
    assert ran == []


def test_a_bulk_write_that_grows_the_files_by_more_than_half_compacts(tmp_path, small_bulk, monkeypatch):
    store = open_store(str(tmp_path / "s"))
    store.write(_triples(2_000))
    ran = _calls(monkeypatch)
    store.write(_triples(20_000, start=10_000))
    assert ran == [True]


def test_due_at_the_growth_factor_edge(tmp_path, monkeypatch):
    folder = tmp_path
    (folder / compaction.RECORD).write_text(json.dumps({"bytes": 1000}))
    for size, expected in ((1499, False), (1500, False), (1501, True)):
        monkeypatch.setattr(compaction, "table_bytes", lambda f, size=size: size)
        assert compaction.due(folder) is expected, size


def test_an_unreadable_record_counts_as_no_compaction(tmp_path):
    (tmp_path / compaction.RECORD).write_text("{not json")
    assert compaction.last(tmp_path) is None and compaction.due(tmp_path)


def test_a_small_write_in_one_transaction_never_compacts(tmp_path, monkeypatch):
    ran = _calls(monkeypatch)
    store = open_store(str(tmp_path / "s"))
    store.write(_triples(50))
    assert ran == [] and not (tmp_path / "s" / compaction.RECORD).exists()


def test_compaction_keeps_every_answer_and_the_revision(tmp_path, small_bulk):
    store = open_store(str(tmp_path / "s"))
    store.write(_triples(3_000))
    store.write([Triple(NamedNode("urn:x:a"), NamedNode("urn:x:p"), Literal("1"))])
    revision, count = store.revision(), store.count()
    assert store.compact(force=True) is True
    assert (store.revision(), store.count()) == (revision, count)


def test_doctor_compact_compacts_on_demand_and_says_so(tmp_path):
    folder = tmp_path / "s"
    store = open_store(str(folder))
    store.write(_triples(50))
    store.close()
    done = subprocess.run([sys.executable, "-m", "complygraph", "doctor", "--store", str(folder), "--compact"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "compacted in" in done.stdout
    kept = compaction.last(folder)
    assert kept and abs(kept - compaction.table_bytes(folder)) < 0.05 * kept


def test_due_when_files_written_since_the_last_compaction_reach_half_of_what_it_left(tmp_path, monkeypatch):
    """Writes that replace facts (a list reload, the derived facts rewritten) overlap the files without growing
    them by half: the 10^6-part store grew 1.27 times and its validation took 6 min 47 s, 4 min 52 s compacted."""
    import os
    monkeypatch.setattr(compaction, "MIN_WRITTEN", 0)
    (tmp_path / "old.sst").write_bytes(b"x" * 900)  # some of what the compaction left was deleted since
    os.utime(tmp_path / "old.sst", (1_000, 1_000))
    (tmp_path / compaction.RECORD).write_text(json.dumps({"bytes": 1000, "at": 2_000}))
    for size, expected in ((499, False), (500, False), (501, True)):
        (tmp_path / "new.sst").write_bytes(b"x" * size)
        os.utime(tmp_path / "new.sst", (3_000, 3_000))
        assert compaction.table_bytes(tmp_path) <= compaction.GROWTH * 1000  # not by growth
        assert compaction.due(tmp_path) is expected, size
    os.utime(tmp_path / "new.sst", (1_500, 1_500))  # written before the last compaction: already counted
    assert not compaction.due(tmp_path)


def test_a_refresh_of_the_derived_facts_and_a_list_load_ask_for_a_compaction_when_due(tmp_path, monkeypatch):
    from complygraph.graph import derived
    from complygraph.loaders.catalog import load_reference
    store = open_store(str(tmp_path / "s"))
    asked: list[bool] = []
    monkeypatch.setattr(type(store), "compact", lambda self, force=True: asked.append(force) or False)
    load_reference(store, ["eu-rohs-annex-ii"])
    assert asked == [False]
    assert derived.refresh(store) and asked == [False, False]
    assert not derived.refresh(store) and asked == [False, False]  # fresh: nothing written, nothing asked


def test_files_written_since_below_the_floor_do_not_make_a_compaction_due(tmp_path, monkeypatch):
    import os
    monkeypatch.setattr(compaction, "MIN_WRITTEN", 600)
    (tmp_path / compaction.RECORD).write_text(json.dumps({"bytes": 1000, "at": 2_000}))
    for size, expected in ((600, False), (601, True)):
        (tmp_path / "new.sst").write_bytes(b"x" * size)
        os.utime(tmp_path / "new.sst", (3_000, 3_000))
        assert compaction.due(tmp_path) is expected, size
