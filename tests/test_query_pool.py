"""The validation's queries run side by side, the slowest first, read as they finish (graph/shacl/query_pool.py)."""

from __future__ import annotations

import threading
import time

import pytest

import complygraph.graph.shacl.query_costs as query_costs
from complygraph.graph.shacl.query_pool import ENV, answers_as_done, start_order, workers


def test_answers_come_as_they_finish_each_query_once():
    def select(q):
        time.sleep({"slow": 0.3, "fast": 0.0}[q.split(":")[0]])
        return [q]

    got = list(answers_as_done(select, ["slow:1", "fast:2", "fast:3"], threads=2))
    assert [q for q, _, _ in got] == ["fast:2", "fast:3", "slow:1"]
    assert all(rows == [q] for q, rows, _ in got)
    assert got[-1][2] >= 0.3  # the seconds the query ran


def test_queries_run_side_by_side_but_never_more_than_the_threads():
    lock, now, most = threading.Lock(), [0], [0]

    def select(q):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.05)
        with lock:
            now[0] -= 1
        return []

    assert len(list(answers_as_done(select, [str(i) for i in range(12)], threads=3))) == 12
    assert most[0] == 3


def test_a_slow_query_does_not_hold_back_the_queries_behind_it():
    """The slow query waits until the four behind it have run on the other thread: at 10^6 parts one thread
    stood idle while a slow one ran when queries started only as the answers before them were read."""
    ran, all_fast_ran = [], threading.Event()

    def select(q):
        if q == "slow":
            all_fast_ran.wait(timeout=5)
            return [all_fast_ran.is_set()]
        ran.append(q)
        if len(ran) == 4:
            all_fast_ran.set()
        return []

    answers = list(answers_as_done(select, ["slow", "f1", "f2", "f3", "f4"], threads=2))
    # the slow one ends as the fourth fast one sets the event, before or after that one's answer is handed over
    # (asserting it last failed under load)
    names = [q for q, _, _ in answers]
    assert "slow" in names[3:] and dict((q, rows) for q, rows, _ in answers)["slow"] == [True]


def test_a_large_answer_waiting_to_be_read_does_not_stop_the_next_query_from_starting():
    """Before, finished answers waited for their turn up to 500,000 rows, and no query started beyond that: at
    10^6 parts both threads stood idle for 17 s. Now the freed thread takes the next query at once."""
    started = []

    def select(q):
        started.append(q)
        return list(range(1_000_000)) if q == "big" else []

    answers = answers_as_done(select, ["big", "next", "last"], threads=1)
    q, rows, _ = next(answers)  # "big" is handed over; the thread already runs "next"
    time.sleep(0.1)
    assert q == "big" and len(rows) == 1_000_000 and started[:2] == ["big", "next"]
    assert [q for q, _, _ in answers] == ["next", "last"]


def test_the_slowest_queries_start_first_and_before_any_time_is_known_the_joins():
    asked = ["core1", "join1", "core2", "join2", "core1"]
    assert start_order(asked, {}, {"join1", "join2"}) == ["join1", "join2", "core1", "core2"]
    known = {"core1": 40.0, "join1": 2.0, "join2": 60.0}
    assert start_order(asked, known, {"join1", "join2"}) == ["core2", "join2", "core1", "join1"]


def test_a_failing_query_fails_the_run_and_stops_the_queries_not_started():
    ran = []

    def select(q):
        ran.append(q)
        if q == "2":
            raise RuntimeError("store gone")
        time.sleep(0.02)
        return []

    with pytest.raises(RuntimeError, match="store gone"):
        list(answers_as_done(select, [str(i) for i in range(50)], threads=2))
    assert len(ran) < 10


def test_query_times_are_kept_beside_the_store_and_a_broken_record_only_loses_the_order(tmp_path):
    assert query_costs.known(tmp_path, ["a"]) == {} and query_costs.known(None, ["a"]) == {}
    query_costs.record(tmp_path, {"a": 1.5, "b": 30.25})
    query_costs.record(tmp_path, {"a": 2.0})
    assert query_costs.known(tmp_path, ["a", "b", "c"]) == {"a": 2.0, "b": 30.25}
    assert not list(tmp_path.glob("*.tmp"))
    (tmp_path / query_costs.FILE).write_text("{not json", encoding="utf-8")
    assert query_costs.known(tmp_path, ["a"]) == {}
    (tmp_path / query_costs.FILE).write_text('{"x": "slow"}', encoding="utf-8")
    assert query_costs.known(tmp_path, ["a"]) == {}
    query_costs.record(None, {"a": 1.0})  # a store without a folder keeps nothing


@pytest.mark.parametrize("raw", ["0", "-1", "two"])
def test_a_thread_count_that_is_not_a_positive_number_is_refused_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(ENV, raw)
    with pytest.raises(ValueError, match=ENV):
        workers()


def test_one_thread_is_allowed(monkeypatch):
    monkeypatch.setenv(ENV, "1")
    assert workers() == 1


def test_a_validation_report_is_the_same_with_one_query_at_a_time_and_four_and_in_any_start_order(tmp_path,
                                                                                                   monkeypatch):
    import datetime as dt

    from complygraph.generate import generate
    from complygraph.graph import open_store
    from complygraph.graph.shacl import validate
    from complygraph.loaders.catalog import load_reference
    from complygraph.loaders.compositions import import_compositions

    generate(tmp_path / "data", products=3, parts=300, seed=5)
    store = open_store(str(tmp_path / "store"))
    load_reference(store)
    import_compositions(store, tmp_path / "data")
    reports = []
    for threads in ("1", "4", "4"):  # the third run starts the queries in the order of the second's times
        monkeypatch.setenv(ENV, threads)
        reports.append(validate(store, None, dt.date(2026, 11, 23)).results)
    assert (tmp_path / "store" / query_costs.FILE).is_file()
    assert reports[0] and reports[0] == reports[1] == reports[2]  # the same results in the same order
    monkeypatch.setattr("complygraph.graph.shacl.validator.start_order", lambda asked, known, joins:
                        list(reversed(list(dict.fromkeys(asked)))))
    assert validate(store, None, dt.date(2026, 11, 23)).results == reports[0]
    store.close()
