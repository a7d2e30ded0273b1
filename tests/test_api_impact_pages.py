"""`ListChange.impacted(first, after)` and `impactedCount` (api/changes.py): the rows of a list change's impact
a page at a time, in the order of the whole answer, each page after the cursor of the previous page's last
row; without `first`, every row as before."""

from __future__ import annotations

import threading

import pytest

from .shacl_cases import build, material, part, sub
from .test_api import gql, serve

DBDPE = "84852-53-9"
PAGE = """query($first: Int, $after: String) { listChange(list: "eu-reach-svhc", from: "2025-06-25", to: "2026-02-04") {
    impactedCount impacted(first: $first, after: $after) { cursor part { id } articlePercent } } }"""


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    # five parts holding DBDPE (on the Candidate List from 2025-11-05) at five different shares of the article
    store = build(tmp_path_factory.mktemp("pages"), [
        part(f"p{i}", 100_000, material(f"m{i}", 100_000, sub(DBDPE, 100 + 10 * i))) for i in range(5)],
        ["eu-reach-svhc"])
    gen = serve(store)
    url = next(gen)
    _warmed()
    yield url
    next(gen, None)


def _warmed() -> None:
    """The start-up warming writes the packs' data (a new revision, so new cursors): let it end first."""
    for thread in threading.enumerate():
        if thread.name == "warm-list-changes":
            thread.join(60)


def _page(url: str, first: int | None = None, after: str | None = None) -> dict:
    data = gql(url, PAGE, {"first": first, "after": after})
    assert "errors" not in data, data
    return data["data"]["listChange"]


def test_pages_walk_the_whole_answer_in_its_order(url):
    whole = _page(url)
    assert whole["impactedCount"] == 5 and len(whole["impacted"]) == 5
    assert [r["part"]["id"] for r in whole["impacted"]] == ["p4", "p3", "p2", "p1", "p0"]  # largest share first
    walked, after = [], None
    while True:
        page = _page(url, 2, after)
        assert page["impactedCount"] == 5 and len(page["impacted"]) <= 2
        if not page["impacted"]:
            break
        walked += page["impacted"]
        after = page["impacted"][-1]["cursor"]
    assert walked == whole["impacted"]


def test_a_page_after_the_last_row_is_empty(url):
    last = _page(url)["impacted"][-1]["cursor"]
    assert _page(url, 2, last)["impacted"] == []


@pytest.mark.parametrize(("first", "after", "code"), [
    (0, None, "PAGE_SIZE"), (101, None, "PAGE_SIZE"), (2, "not-a-cursor", "BAD_CURSOR")])
def test_a_wrong_page_is_refused_with_its_code(url, first, after, code):
    data = gql(url, PAGE, {"first": first, "after": after})
    assert data["errors"][0]["extensions"]["code"] == code


def test_a_cursor_whose_position_is_not_ascii_digits_is_a_bad_cursor(url):
    """Review finding: "²".isdigit() is true and int("²") raises: an internal error instead of BAD_CURSOR."""
    import base64

    cursor = base64.urlsafe_b64encode("impact:x:²".encode()).decode()
    assert gql(url, PAGE, {"first": 2, "after": cursor})["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


def test_a_cursor_given_before_a_write_is_refused_as_stale(tmp_path):
    """Review finding: positions shift when a write changes the answer: a walk across a write repeated one part
    and never saw the new one. A cursor names its answer (list, dates, store revision) and is refused after."""
    from complygraph.loaders.compositions import import_compositions

    store = build(tmp_path, [part(f"p{i}", 100_000, material(f"m{i}", 100_000, sub(DBDPE, 100 + 10 * i)))
                             for i in range(3)], ["eu-reach-svhc"])
    gen = serve(store)
    served = next(gen)
    _warmed()
    try:
        page = _page(served, 2)
        build(tmp_path / "more", [part("big", 1_000, material("mb", 1_000, sub(DBDPE, 900)))], [])
        import_compositions(store, tmp_path / "more" / "data")
        data = gql(served, PAGE, {"first": 2, "after": page["impacted"][-1]["cursor"]})
        assert data["errors"][0]["extensions"]["code"] == "STALE_CURSOR"
        assert _page(served)["impactedCount"] == 4  # the first page again: the new part is there
    finally:
        next(gen, None)
