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


def test_a_slow_query_does_not_hold_back_the_queries_behind_it():
    """The slow query waits until the four behind it have run on the other thread. Before, a query started only
    when the answers before it were read, so at 10^6 parts one thread stood idle while a slow one ran (115 % of
    two cores for a 19-minute validation); here the slow query would wait out its timeout."""
    ran, all_fast_ran = [], threading.Event()

    def select(q):
        if q == "slow":
            all_fast_ran.wait(timeout=5)
            return [all_fast_ran.is_set()]
        ran.append(q)
        if len(ran) == 4:
            all_fast_ran.set()
        return []

    answers = list(answers_in_order(select, ["slow", "f1", "f2", "f3", "f4"], threads=2))
    assert answers[0][1] == [True], "the fast queries ran while the slow one was running"
    assert [q for q, _, _ in answers] == ["slow", "f1", "f2", "f3", "f4"]


def test_finished_answers_waiting_for_their_turn_are_held_up_to_a_number_of_rows():
    """A large answer finished early is held until the answers before it are read; while it is held no further
    query starts (only the one read next would): the memory of waiting answers stays bounded."""
    events = []

    def select(q):
        if q == "head":
            time.sleep(0.3)  # "big" finishes meanwhile; a free thread would start "next" now
        events.append(q)
        return list(range(10)) if q == "big" else []

    answers = answers_in_order(select, ["head", "big", "next"], threads=2, held_rows=5)
    assert next(answers)[0] == "head" and events == ["big", "head"], events
    assert [q for q, _, _ in answers] == ["big", "next"]
    assert events == ["big", "head", "next"]
    # with room for the rows, "next" runs beside the slow head
    events.clear()
    assert [q for q, _, _ in answers_in_order(select, ["head", "big", "next"], threads=2)] == ["head", "big", "next"]
    assert events == ["big", "next", "head"], events


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
