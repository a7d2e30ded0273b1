"""The API's answer cache: one computation per store revision, never a stale answer."""

from __future__ import annotations

import threading

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.graph.factory import open_store
from complygraph.graph.revision_cache import RevisionCache


def _write(store, i: int) -> None:
    store.write([Triple(NamedNode("http://example.org/s"), NamedNode("http://example.org/p"), Literal(str(i)))])


def test_an_answer_is_computed_once_per_revision():
    store = open_store(None)
    cache = RevisionCache(store)
    calls = []

    def compute():
        calls.append(store.count())
        return store.count()

    assert cache.get("n", compute) == 0 and cache.get("n", compute) == 0
    _write(store, 1)
    assert cache.get("n", compute) == 1
    assert calls == [0, 1]


def test_concurrent_askers_share_one_computation():
    store = open_store(None)
    cache = RevisionCache(store)
    started, release, calls = threading.Event(), threading.Event(), []

    def slow():
        calls.append(1)
        started.set()
        release.wait(5)
        return "answer"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(4)]
    threads[0].start()
    started.wait(5)
    for t in threads[1:]:
        t.start()
    release.set()
    for t in threads:
        t.join(5)
    assert results == ["answer"] * 4 and calls == [1]


def test_the_oldest_answers_make_room():
    cache = RevisionCache(open_store(None), size=2)
    for k in "abc":
        cache.get(k, lambda k=k: k)
    assert len(cache) == 2 and cache.get("a", lambda: "again") == "again"
