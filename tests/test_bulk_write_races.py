"""Regression tests of the review of the bulk write (2026-12-02; graph/embedded.py, graph/rollback.py): what
happens when it fails or commits while other threads read and other processes open the store. Each test is
named after what broke, and failed on the code before its fix."""

from __future__ import annotations

import fcntl
import threading
from contextlib import contextmanager

import pytest

from complygraph.graph import open_store, rollback
from complygraph.graph.store import StoreError

from .bulk_cases import t


def test_a_failed_bulk_write_rolls_back_holding_the_lock_that_other_processes_opening_the_store_take(
        tmp_path, small_bulk, monkeypatch):
    """A failed write closed the store and rolled back without the lock: another process opening the store in
    that window rolled back too, and between them every file was deleted."""
    store = open_store(tmp_path / "s")
    store.write([t(0)])
    held = []
    real = rollback.roll_back

    def checked(folder):
        with open(folder / rollback.LOCK, "a") as other:  # another open file description, as another process has
            try:
                fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                held.append(False)
                fcntl.flock(other.fileno(), fcntl.LOCK_UN)
            except BlockingIOError:
                held.append(True)
        real(folder)

    monkeypatch.setattr(rollback, "roll_back", checked)

    def bad():
        yield from (t(i) for i in range(1, 100))
        raise ValueError("late")

    with pytest.raises(ValueError):
        store.write(bad())
    assert held == [True] and store.count() == 1


def test_an_incomplete_checkpoint_is_never_rolled_back_over_the_store(tmp_path):
    """roll_back deleted the store's files before it looked at the checkpoint: a ready mark without a whole
    checkpoint lost everything on every open."""
    folder = tmp_path / "s"
    store = open_store(folder)
    store.write([t(0), t(1)])
    store.close()
    del store
    (folder / rollback.CHECKPOINT).mkdir()
    (folder / rollback.READY).write_text("x")
    with pytest.raises(StoreError, match="missing or incomplete"):
        open_store(folder)
    (folder / rollback.READY).unlink()
    assert open_store(folder).count() == 2


def test_a_second_open_in_the_same_process_is_refused_and_leaves_a_running_bulk_write_alone(tmp_path, small_bulk):
    """The lock probe cannot see this process's own lock and released it: a second open during a bulk write
    rolled the store back under it."""
    folder = tmp_path / "s"
    store = open_store(folder)
    refused = []

    def opening_again():
        for i in range(3000):
            if i == 1500:
                with pytest.raises(StoreError, match="this process has it open already") as exc:
                    open_store(folder)
                refused.append(str(exc.value))
            yield t(i)

    assert store.write(opening_again()) == 3000
    assert refused and store.count() == 3000
    store.close()
    del store
    assert open_store(folder).count() == 3000  # closed: it opens again


def _hammer(store, stop, seen, errors):
    while not stop.is_set():
        try:
            seen.append(store.count())
        except Exception as exc:  # noqa: BLE001 - any failure of a read is what the test looks for
            errors.append(exc)
            return


@contextmanager
def _readers(store, n: int = 3):
    """`n` threads reading the store's count over and over while the block runs: what they saw, what failed."""
    stop, seen, errors = threading.Event(), [], []
    threads = [threading.Thread(target=_hammer, args=(store, stop, seen, errors)) for _ in range(n)]
    for r in threads:
        r.start()
    try:
        yield seen, errors
    finally:
        stop.set()
        for r in threads:
            r.join()


def test_a_bulk_write_commits_while_reads_keep_coming(tmp_path, small_bulk):
    """The commit waited until no read at all was running, so steady reads from the API kept it from ever
    committing; it waits only for the reads that chose the checkpoint."""
    store = open_store(tmp_path / "s")
    store.write([t(0)])
    writer = threading.Thread(target=lambda: store.write(t(i) for i in range(1, 20_001)))
    with _readers(store) as (seen, errors):
        writer.start()
        writer.join(timeout=120)
        committed = not writer.is_alive()
    writer.join()
    assert committed and not errors
    assert set(seen) <= {1, 20_001} and store.count() == 20_001


def test_reads_running_when_a_bulk_write_fails_do_not_break_the_store(tmp_path, small_bulk):
    """A read on the store when a write failed kept RocksDB open through the roll-back: the store did not reopen
    and every later call failed. Reads that chose the store are waited for before it is closed."""
    store = open_store(tmp_path / "s")
    store.write([t(0)])

    def bad():
        yield from (t(i) for i in range(1, 5000))
        raise ValueError("late")

    with _readers(store) as (seen, errors):
        for _ in range(3):
            with pytest.raises(ValueError):
                store.write(bad())
    assert not errors and set(seen) == {1}
    assert store.write(t(i) for i in range(1, 21)) == 20 and store.count() == 21
