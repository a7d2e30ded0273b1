"""`ListChange.impacted(first, after)` and `impactedCount` (api/changes.py): the rows of a list change's impact
a page at a time, in the order of the whole answer, each page after the cursor of the previous page's last
row; without `first`, every row as before."""

from __future__ import annotations

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
    yield next(gen)
    next(gen, None)


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
