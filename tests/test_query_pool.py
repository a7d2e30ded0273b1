"""The validation's queries run side by side, read in the order asked (graph/shacl/query_pool.py)."""

from __future__ import annotations

import threading
import time

import pytest

from complygraph.graph.shacl.query_pool import ENV, answers_in_order, workers


def test_answers_come_in_the_order_asked_whatever_finishes_first():
    def select(q):
        time.sleep({"slow": 0.2, "fast": 0.0}[q.split(":")[0]])
        return [q]

    asked = ["slow:1", "fast:2", "fast:3", "slow:4"]
    assert [rows for _, rows, _ in answers_in_order(select, asked, threads=3)] == [[q] for q in asked]


def test_a_query_asked_twice_runs_once_and_is_answered_at_each_place():
    ran = []

    def select(q):
        ran.append(q)
        return [q]

    asked = ["a", "b", "a", "c", "a"]
    assert [q for q, _, _ in answers_in_order(select, asked, threads=2)] == asked
    assert sorted(ran) == ["a", "b", "c"]


def test_queries_run_side_by_side_but_never_more_than_the_threads_beyond_the_one_read():
    lock, now, most = threading.Lock(), [0], [0]

    def select(q):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.05)
        with lock:
            now[0] -= 1
        return []

    list(answers_in_order(select, [str(i) for i in range(12)], threads=3))
    assert most[0] == 3  # never more than the threads, the query read now included


def test_a_failing_query_fails_the_run_and_stops_the_queries_not_started():
    ran = []

    def select(q):
        ran.append(q)
        if q == "2":
            raise RuntimeError("store gone")
        time.sleep(0.02)
        return []

    with pytest.raises(RuntimeError, match="store gone"):
        list(answers_in_order(select, [str(i) for i in range(50)], threads=2))
    assert len(ran) < 10


@pytest.mark.parametrize("raw", ["0", "-1", "two"])
def test_a_thread_count_that_is_not_a_positive_number_is_refused_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(ENV, raw)
    with pytest.raises(ValueError, match=ENV):
        workers()


def test_one_thread_is_allowed(monkeypatch):
    monkeypatch.setenv(ENV, "1")
    assert workers() == 1


def test_a_validation_report_is_the_same_with_one_query_at_a_time_and_four(tmp_path, monkeypatch):
    import datetime as dt

    from complygraph.generate import generate
    from complygraph.graph import open_store
    from complygraph.graph.shacl import validate
    from complygraph.loaders.catalog import load_reference
    from complygraph.loaders.compositions import import_compositions

    generate(tmp_path / "data", products=3, parts=300, seed=5)
    store = open_store(None)
    load_reference(store)
    import_compositions(store, tmp_path / "data")
    reports = []
    for threads in ("1", "4"):
        monkeypatch.setenv(ENV, threads)
        reports.append(validate(store, None, dt.date(2026, 11, 23)).results)
    assert reports[0] and reports[0] == reports[1]  # the same results in the same order
