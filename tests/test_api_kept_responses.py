"""Whole answers of slow queries kept per store revision and day (api/kept_responses.py): served again to the
same query and variables, never after a write, never for a mutation or an answer with errors.

`KEEP_AFTER` is set to 0 here, so every query counts as slow; how often the answer is made (the resolver's
conversion of the list change, or the `execute` given) tells whether it was made again or served as kept."""

from __future__ import annotations

import asyncio
import threading

import pytest
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from complygraph.api import changes as api_changes
from complygraph.api import kept_responses
from complygraph.api.work import ANSWERED_AT
from complygraph.graph import open_store
from complygraph.loaders.compositions import import_compositions

from .shacl_cases import build, material, part, sub
from .test_api import gql, serve

DBDPE = "84852-53-9"
CHANGE = """query($to: String!) { listChange(list: "eu-reach-svhc", from: "2025-06-25", to: $to) {
    impacted { part { id } substance { cas } articlePercent } } }"""


@pytest.fixture
def api(tmp_path, monkeypatch):
    monkeypatch.setattr(kept_responses, "KEEP_AFTER", 0.0)
    store = build(tmp_path, [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], ["eu-reach-svhc"])
    calls, original = [], api_changes._list_change

    def counted(answer, *rest):
        calls.append(1)
        return original(answer, *rest)

    monkeypatch.setattr(api_changes, "_list_change", counted)
    gen = serve(store)
    url = next(gen)
    for thread in threading.enumerate():  # the start-up warming writes the packs' data: a new revision
        if thread.name == "warm-list-changes":
            thread.join(60)
    calls.clear()
    yield store, url, calls, tmp_path
    next(gen, None)


def _impacted(url: str, to: str = "2026-02-04") -> list:
    data = gql(url, CHANGE, {"to": to})
    assert "errors" not in data, data
    return data["data"]["listChange"]["impacted"]


def test_a_slow_querys_answer_is_served_again_from_its_second_request_on(api):
    _, url, calls, _ = api
    first = _impacted(url)
    assert first and len(calls) == 1
    assert _impacted(url) == first and len(calls) == 2  # slow once: kept from the next request on
    assert _impacted(url) == first and _impacted(url) == first and len(calls) == 2


def test_other_variables_are_another_answer(api):
    _, url, calls, _ = api
    _impacted(url), _impacted(url)
    assert _impacted(url, "2025-10-01") == [] and len(calls) == 3  # DBDPE was added on 2025-11-05


def test_a_write_is_never_answered_by_what_was_kept_before_it(api):
    store, url, calls, tmp_path = api
    _impacted(url), _impacted(url)
    before = _impacted(url)
    assert len(calls) == 2
    build(tmp_path / "more", [part("bezel", 50_000, material("pc", 50_000, sub(DBDPE, 30)))], [])
    import_compositions(store, tmp_path / "more" / "data")
    after = _impacted(url)
    assert {r["part"]["id"] for r in after} == {r["part"]["id"] for r in before} | {"bezel"}


def _run(kept: kept_responses.KeptResponses, text: str, result: ExecutionResult, times: int) -> int:
    made = []

    async def execute() -> ExecutionResult:
        made.append(1)
        return result

    async def ask() -> None:
        for _ in range(times):
            assert await kept.answer(text, {"a": 1}, None, execute) is result

    asyncio.run(ask())
    return len(made)


def test_an_answer_with_errors_is_made_again_each_time():
    kept = kept_responses.KeptResponses(open_store(None), keep_after=0.0)
    failed = ExecutionResult(data=None, errors=[GraphQLError("BUSY")])
    assert _run(kept, "{ lists { id } }", failed, 4) == 4
    assert _run(kept, "{ lists { id } }", ExecutionResult(data={"lists": []}, errors=None), 4) == 2


def test_a_mutation_is_made_each_time():
    kept = kept_responses.KeptResponses(open_store(None), keep_after=0.0)
    done = ExecutionResult(data={"importCompositions": {"triples": 1}}, errors=None)
    assert _run(kept, "mutation { importCompositions(file: null) { triples } }", done, 3) == 3


def test_a_quick_query_is_never_kept():
    kept = kept_responses.KeptResponses(open_store(None), keep_after=60.0)
    assert _run(kept, "{ lists { id } }", ExecutionResult(data={"lists": []}, errors=None), 3) == 3


@pytest.mark.parametrize(("text", "operation", "expected"), [
    ('{ part(id: "x") { id } }', None, True),
    ('query Q { part(id: "x") { id } }', None, True),
    ("mutation { importCompositions(file: null) { triples } }", None, False),
    ("query A { a } mutation B { b }", None, False),  # which one runs is not named: not kept
    ("query A { a } mutation B { b }", "A", True),
    ("query A { a } mutation B { b }", "B", False),
    ("{ broken", None, False),
])
def test_only_a_query_is_kept(text, operation, expected):
    assert kept_responses.is_query(text, operation) is expected


def test_a_kept_answer_is_encoded_once_and_any_other_each_time():
    kept = kept_responses.KeptResponses(open_store(None), keep_after=0.0)
    result = ExecutionResult(data={"lists": [{"id": "x"}]}, errors=None)
    _run(kept, "{ lists { id } }", result, 2)  # kept from the second on
    encoded = []

    def encode(response):
        encoded.append(response)
        return "json"

    assert kept.encode({"data": result.data}, encode) == kept.encode({"data": result.data}, encode) == "json"
    assert len(encoded) == 1
    kept.encode({"data": {"lists": []}}, encode)
    kept.encode({"data": result.data, "extensions": {}}, encode)  # not the kept response alone
    assert len(encoded) == 3


def test_a_joined_computation_older_than_the_requests_revision_is_not_kept():
    """Review finding: a request at a new revision shared a computation another request began before a write
    (api/work.py shares them until an import ends), and its old answer was kept under the new revision."""
    store = open_store(None)
    kept = kept_responses.KeptResponses(store, keep_after=0.0)
    result = ExecutionResult(data={"lists": []}, errors=None)
    made = []

    async def execute() -> ExecutionResult:
        made.append(1)
        ANSWERED_AT.get().append("a revision before the write")  # what Pools.shared records for a joined answer
        return result

    async def ask() -> None:
        for _ in range(4):
            await kept.answer("{ lists { id } }", None, None, execute)

    asyncio.run(ask())
    assert len(made) == 4


def test_an_object_that_took_a_kept_answers_id_is_encoded_as_itself():
    """Review finding: a kept answer replaced by the same query made at once left its id behind; once freed,
    a new response's data could take that id and be sent the old JSON."""
    kept = kept_responses.KeptResponses(open_store(None), keep_after=0.0)
    other = {"part": {"id": "P0"}}
    kept._texts[id(other)] = ({"impact": "A"}, '{"data": {"impact": "A"}}')  # as an orphaned id would be
    assert kept.encode({"data": other}, lambda r: "fresh") == "fresh"


def test_the_same_slow_query_made_twice_at_once_keeps_one_answer_and_one_id():
    kept = kept_responses.KeptResponses(open_store(None), keep_after=0.0)
    first = ExecutionResult(data={"lists": [1]}, errors=None)
    second = ExecutionResult(data={"lists": [2]}, errors=None)
    _run(kept, "{ lists { id } }", first, 1)  # marks the text slow

    async def both() -> None:
        async def make(result):
            await asyncio.sleep(0)
            return result
        await asyncio.gather(kept.answer("{ lists { id } }", None, None, lambda: make(first)),
                             kept.answer("{ lists { id } }", None, None, lambda: make(second)))

    asyncio.run(both())
    assert len(kept._kept) == 1 and len(kept._texts) == 1


def test_a_text_over_the_token_limit_is_not_parsed():
    """Review finding: a megabyte of fields was parsed on the event loop (6 s) before the schema refused it. A
    valid query one token over the schema's limit is not taken for a query (so never parsed to the end)."""
    assert kept_responses.is_query("{ " + "a " * (kept_responses.MAX_TOKENS - 2) + "}", None) is True
    assert kept_responses.is_query("{ " + "a " * (kept_responses.MAX_TOKENS - 1) + "}", None) is False
