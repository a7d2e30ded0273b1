"""The collector's young threshold is raised during an import and put back after (complygraph/heap.py)."""

from __future__ import annotations

import gc
import threading

import pytest

from complygraph.heap import YOUNG, few_collections


@pytest.fixture(autouse=True)
def _thresholds():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_an_import_raises_the_young_threshold_and_puts_every_threshold_back_after():
    gc.set_threshold(700, 10, 10)
    with few_collections():
        assert gc.get_threshold() == (YOUNG, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_threshold_set_higher_by_the_user_is_never_lowered():
    gc.set_threshold(YOUNG * 2, 10, 10)
    with few_collections():
        assert gc.get_threshold()[0] == YOUNG * 2
    assert gc.get_threshold() == (YOUNG * 2, 10, 10)


def test_the_thresholds_come_back_after_an_import_that_failed():
    gc.set_threshold(700, 10, 10)
    with pytest.raises(ValueError), few_collections():
        raise ValueError("bad record")
    assert gc.get_threshold() == (700, 10, 10)


def test_overlapping_imports_put_back_the_thresholds_of_before_the_first_when_the_last_ends():
    gc.set_threshold(700, 10, 10)
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def first() -> None:
        with few_collections():
            first_in.set()
            second_done.wait(10)
            seen.append(gc.get_threshold())  # the second import ended: still raised for this one

    t = threading.Thread(target=first)
    t.start()
    first_in.wait(10)
    with few_collections():
        pass
    second_done.set()
    t.join(10)
    assert seen == [(YOUNG, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)


def test_a_collector_turned_off_by_a_zero_threshold_stays_off():
    gc.set_threshold(0, 10, 10)
    with few_collections():
        assert gc.get_threshold() == (0, 10, 10)
    assert gc.get_threshold() == (0, 10, 10)
