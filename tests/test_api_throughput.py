"""What keeps a `part(id)` request cheap: one hand-over to a read thread for the part and everything the
query asks below it (supplier, materials, substances), with the same answer as level by level, and
`/graphql` served without FastAPI's routing, yet guarded and documented as before."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

import httpx
import pytest

from complygraph.api import parts as parts_module
from complygraph.api.dataloaders import Loaders, PartPlan
from complygraph.api.schema import schema

from .shacl_cases import build, material, part, sub

DBDPE, BPAF, PB, HG = "84852-53-9", "1478-61-1", "7439-92-1", "7439-97-6"
EVERYTHING = """query($id: ID!) { part(id: $id) { id name mass supplier { id name }
  materials { id name mass substances { substance { cas name(lang: "en") } ppm massMg intentional exemption } } } }"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("throughput"), [
        part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110), sub(HG, 200))),
        part("seal", 1_000, material("fkm", 600, sub(BPAF, 20), sub(PB, "0.5", intentional="false")),
             material("steel", 400, sub(PB, 1, exemption="6(c)"), category="brass")),
        part("bare", 10),  # no material at all
    ], ["eu-reach-svhc", "eu-rohs-annex-ii", "eu-rohs-annex-iii"])


def execute(store, query: str, variables: dict | None = None) -> tuple[dict, list[str]]:
    """The answer and the store functions run, one name per hand-over to a read thread."""
    handed: list[str] = []

    async def run(fn, *args):
        handed.append(fn.__name__)
        return fn(*args)
    context = {"store": store, "loaders": Loaders(store, run), "request": None, "cache": None}
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
    assert result.errors is None, result.errors
    return result.data, handed


def level_by_level(monkeypatch) -> None:
    """As before the read in advance: nothing is planned, each level is loaded when it is reached."""
    monkeypatch.setattr(parts_module, "part_plan", lambda info, path=(): PartPlan())


def test_a_part_and_everything_below_it_is_one_hand_over(store):
    data, handed = execute(store, EVERYTHING, {"id": "seal"})
    assert handed == ["part_trees"]
    seal = data["part"]
    assert seal["id"] == "seal" and seal["mass"] == 1000 and seal["supplier"]["id"] == "S1"
    assert [m["id"] for m in seal["materials"]] == ["fkm", "steel"]
    fkm = {s["substance"]["cas"]: s for s in seal["materials"][0]["substances"]}
    assert fkm[BPAF]["ppm"] == pytest.approx(20 / 600 * 1e6, abs=0.001)
    assert fkm[PB]["massMg"] == 0.5 and fkm[PB]["intentional"] is False
    [steel] = seal["materials"][1]["substances"]
    assert steel["substance"]["cas"] == PB and steel["exemption"] == "6(c)"
    assert steel["substance"]["name"] and "lead" in steel["substance"]["name"].lower()


@pytest.mark.parametrize("part_id", ["seal", "housing", "bare", "nope"])
def test_the_answer_read_in_advance_is_the_answer_level_by_level(store, monkeypatch, part_id):
    ahead, handed = execute(store, EVERYTHING, {"id": part_id})
    assert handed == ["part_trees"]
    level_by_level(monkeypatch)
    before, levels = execute(store, EVERYTHING, {"id": part_id})
    assert ahead == before
    # the level-by-level path: the part, then supplier and materials, then occurrences, then substances
    assert len(levels) == {"seal": 5, "housing": 5, "bare": 3, "nope": 1}[part_id], levels


def _store_queries(store, monkeypatch, model: bool) -> list[str]:
    """The SPARQL queries the store is asked from now on (its revision's read aside); with `model` False the
    read model is taken as behind, so that parts, materials and occurrences are asked of the store too."""
    if not model:
        @contextmanager
        def behind():
            yield None
        monkeypatch.setattr(store, "current_model", behind)
    queries: list[str] = []
    select = store.select
    monkeypatch.setattr(store, "select", lambda q, b=None: (
        None if "complygraph#revision" in q or "ontology#revision" in q else queries.append(q)) or select(q, b))
    return queries


@pytest.mark.parametrize("model", [True, False])
def test_a_part_that_does_not_exist_is_null_and_reads_nothing_below_it(store, monkeypatch, model):
    data, handed = execute(store, EVERYTHING, {"id": "nope"})
    assert data == {"part": None} and handed == ["part_trees"]
    queries = _store_queries(store, monkeypatch, model)
    execute(store, EVERYTHING, {"id": "nope"})
    assert queries == [] if model else (len(queries) == 1 and "cg:Part" in queries[0])


@pytest.mark.parametrize("model", [True, False])
def test_only_the_levels_a_query_asks_for_are_read(store, monkeypatch, model):
    queries = _store_queries(store, monkeypatch, model)
    data, handed = execute(store, '{ part(id: "seal") { id name } }')
    assert data == {"part": {"id": "seal", "name": data["part"]["name"]}} and handed == ["part_trees"]
    assert len(queries) == (0 if model else 1)  # the part alone: no supplier, material or substance query
    queries.clear()
    execute(store, '{ part(id: "seal") { supplier { id } materials { id } } }')
    assert len(queries) == (0 if model else 3)  # part, supplier, materials; no occurrence or substance query
    queries.clear()
    execute(store, '{ part(id: "seal") { materials { substances { ppm } } } }')
    # (part, materials, occurrences,) the claimed exemption's identifier; no substance query
    assert len(queries) == (1 if model else 3)


def test_fragments_inline_fragments_and_aliases_are_read_in_advance_too(store):
    text = """query { a: part(id: "seal") { ...P } }
              fragment P on Part { m: materials { ... on Material { substances { s: substance { cas } } } } }"""
    data, handed = execute(store, text)
    assert handed == ["part_trees"]
    assert {s["s"]["cas"] for m in data["a"]["m"] for s in m["substances"]} == {BPAF, PB}


def test_two_parts_in_one_query_share_one_hand_over(store):
    data, handed = execute(store, '{ a: part(id: "seal") { materials { id } } b: part(id: "housing") '
                                  '{ supplier { id } materials { substances { substance { cas } } } } }')
    assert handed == ["part_trees"]
    assert [m["id"] for m in data["a"]["materials"]] == ["fkm", "steel"]
    assert {s["substance"]["cas"] for s in data["b"]["materials"][0]["substances"]} == {DBDPE, HG}


def test_a_page_of_parts_is_the_page_then_one_hand_over(store, monkeypatch):
    text = ("{ parts(first: 2) { edges { node { id supplier { id } "
            "materials { substances { substance { cas } } } } } } }")
    data, handed = execute(store, text)
    assert handed == ["part_trees"]  # after the page's own read (`Work.read`, inline here)
    level_by_level(monkeypatch)
    before, levels = execute(store, text)
    assert data == before and len(levels) == 5
    assert [e["node"]["id"] for e in data["parts"]["edges"]] == ["bare", "housing"]


@pytest.fixture(scope="module")
def server(store):
    from .test_api import serve

    yield from serve(store)


def test_graphql_with_a_trailing_slash_is_the_same_guarded_endpoint(server):
    body = {"query": '{ part(id: "seal") { id } }'}
    for path in ("/graphql", "/graphql/"):
        r = httpx.post(f"{server}{path}", json=body, follow_redirects=False)
        assert r.status_code == 200 and r.json() == {"data": {"part": {"id": "seal"}}}, (path, r.text)
        cross = httpx.post(f"{server}{path}", json=body, headers={"Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403 and cross.json()["errors"][0]["extensions"]["code"] == "CSRF", path
        form = httpx.post(f"{server}{path}", content="query={ __typename }",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert form.status_code == 415, path
    assert "/graphql" in httpx.get(f"{server}/openapi.json").json()["paths"]
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
