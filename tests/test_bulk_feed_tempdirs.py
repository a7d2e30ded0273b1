"""The bulk feed's temp folders (graph/bulk_feed.py): a process killed mid-import (kill -9 runs no clean-up)
left its complygraph-feed-* folder in the temp folder for ever; the next feed removes those whose process is
gone, and never one of a live process or one it cannot tell the owner of."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest
from pyoxigraph import Literal, NamedNode, Triple
from pyoxigraph import Store as OxStore

from complygraph.graph.bulk_feed import _namespace, bulk_feed, pipe_read_in_order, sweep_stale_feeds

# where Oxigraph splits a file among parsers (4 or more CPUs) the feed makes no pipe and no folder
# (graph/bulk_feed.py, tests/test_bulk_visibility.py): the tests of the pipe's own folder do not apply there
pipe_only = pytest.mark.skipif(not pipe_read_in_order(), reason="the feed sends strings, not a pipe, on this machine")


@pytest.fixture
def temp(tmp_path, monkeypatch):
    """A temp folder of the test's own, where tempfile (and so the feed) makes its folders."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def dead_pid() -> int:
    """The pid of a process that has ended (and been waited for, so no zombie holds it)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def feed_folder(temp, pid: int | str, rest: str = "abc_1234", namespace: str | None = None):
    folder = temp / f"complygraph-feed-{namespace or _namespace()}-{pid}-{rest}"
    folder.mkdir()
    os.mkfifo(folder / "triples.nt")  # as a killed feed leaves it
    return folder


def triples(count: int):
    return [Triple(NamedNode(f"urn:x:{i}"), NamedNode("urn:p"), Literal(str(i))) for i in range(count)]


def test_a_feed_removes_the_folder_a_killed_process_left_and_keeps_a_live_ones(temp):
    stale = feed_folder(temp, dead_pid())
    live = feed_folder(temp, os.getpid(), "live_567")
    store = OxStore()
    assert bulk_feed(store, triples(10)) == 10
    assert len(store) == 10
    assert not stale.exists()
    assert live.exists()
    assert sorted(p.name for p in temp.iterdir()) == [live.name]  # and the feed's own folder is gone


@pipe_only
def test_a_feed_folder_names_the_pid_of_its_process(temp):
    seen: list[str] = []

    def watched():
        seen.extend(p.name for p in temp.iterdir())  # while the feed runs
        yield from triples(3)

    assert bulk_feed(OxStore(), watched()) == 3
    assert len(seen) == 1 and seen[0].startswith(f"complygraph-feed-{_namespace()}-{os.getpid()}-")


def test_a_feed_folder_without_a_pid_or_of_another_user_is_left(temp, monkeypatch):
    gone = dead_pid()
    old = temp / "complygraph-feed-2tv8fh65"  # named before pids were: nothing says it is stale
    old.mkdir()
    theirs = feed_folder(temp, gone, "theirs_9")
    other = temp / "other-app-1"
    other.mkdir()
    with monkeypatch.context() as patch:
        patch.setattr(os, "getuid", lambda: os.stat(theirs).st_uid + 1)  # as if another user's
        assert sweep_stale_feeds() == []
    assert sweep_stale_feeds() == [theirs.name]
    assert old.exists() and other.exists() and not theirs.exists()


def test_a_folder_made_in_another_pid_namespace_is_left_though_its_pid_is_gone_here(temp):
    """Two containers sharing /tmp: a pid of theirs says nothing about our processes (review of 2026-12-02: the
    sweep removed a live import's folder from another namespace, and that import then hung)."""
    theirs = feed_folder(temp, dead_pid(), "other_ns", namespace="0123456789ab")
    assert sweep_stale_feeds() == []
    assert theirs.exists()


def test_a_pid_no_process_can_have_never_stops_a_feed(temp):
    huge = feed_folder(temp, "99999999999999999999", "huge")  # os.kill raised OverflowError
    assert bulk_feed(OxStore(), triples(2)) == 2
    assert huge.exists()


@pipe_only
def test_a_feed_whose_folder_vanishes_before_its_ends_open_still_loads(temp, monkeypatch):
    """The folder removed between making the pipe and opening it (review of 2026-12-02: the writer failed with
    FileNotFoundError while the loader waited for ever on the pipe): both ends open it through its anchor."""
    import shutil
    import threading

    import complygraph.graph.bulk_feed as feed

    real = feed._open_writer

    def vanishing(pipe, loader):
        for folder in temp.iterdir():
            shutil.rmtree(folder)
        return real(pipe, loader)

    monkeypatch.setattr(feed, "_open_writer", vanishing)
    store, done = OxStore(), []
    worker = threading.Thread(target=lambda: done.append(bulk_feed(store, triples(5))), daemon=True)
    worker.start()
    worker.join(30)
    assert done == [5] and len(store) == 5
