"""`Product { bom }` and `Part { bom }` (api/bom.py, graph/bom.py): a recursive, paged bill of materials.

One product TOP holds an assembly ASM, which holds two sub-assemblies and a cable stated in metres; the
sub-assemblies hold a soldered part with 2 % lead (over RoHS Annex II's 0.1 %) and a screw:

    TOP -1-> ASM -2-> SUB1 -4-> LEAD
                                -8-> SCREW
                 -3-> SUB2 -2-> SCREW
                 -0.5 m-> CABLE

and, written past the importer (which refuses cycles), LOOP -> CYA -> CYB -> CYA and a part SELF that
contains itself. Each level of a response must be one store query, and a cycle must end the tree.
"""

from __future__ import annotations

import asyncio

import pytest

from complygraph.api.dataloaders import Loaders
from complygraph.api.limits import MAX_COST, check
from complygraph.api.schema import schema
from complygraph.graph.bom import LINES, bom_pages
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub
from .test_api import gql, serve

PB, SILICA = "7439-92-1", "7631-86-9"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
AT = "2026-11-23"
# (parent kind, parent, child, quantity, unit) beyond the product lines `build` writes (quantity 1)
LINES_ADDED = [("part", "ASM", "SUB1", "2", None), ("part", "ASM", "SUB2", "3", None),
               ("part", "ASM", "CABLE", "0.5", "m"), ("part", "SUB1", "LEAD", "4", None),
               ("part", "SUB1", "SCREW", "8", None), ("part", "SUB2", "SCREW", "2", None),
               ("part", "CYA", "CYB", "1", None), ("part", "CYB", "CYA", "1", None),
               ("part", "SELF", "SELF", "1", None)]


def _clean(pid: str) -> dict:
    return part(pid, 1000, material(f"m-{pid.lower()}", 1000, sub(SILICA, 1000)))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = build(tmp_path_factory.mktemp("bom"), [
        _clean("ASM"), _clean("SUB1"), _clean("SUB2"), _clean("CABLE"), _clean("SCREW"),
        part("LEAD", 1000, material("m-lead", 1000, sub(PB, 20), category="solder")),
        _clean("CYA"), _clean("CYB"), _clean("SELF"), _clean("FLAT"),
    ], LISTS, products=[product("TOP", "3", "ASM"), product("LOOP", "3", "CYA"),
                        product("EMPTY", "3;8-ivd;9")])
    triples = []
    for kind, parent, child, qty, unit in LINES_ADDED:
        line = f"<{ID}bom/{parent}/{child}>"
        triples.append(f"{line} a cg:BomUsage ; cg:parent <{ID}{kind}/{parent}> ; cg:child <{ID}part/{child}> ; "
                       f"cg:quantity {qty} {'; cg:declaredUnit ' + repr(unit) if unit else ''} .")
    s.update("INSERT DATA { " + "\n".join(triples) + " }")
    return s


@pytest.fixture(scope="module")
def server(store):
    yield from serve(store)


# the default page (20) on the first level, 10 below: three levels of 20 lines with these fields cost more than
# the limit (api/limits.py prices a page by its `first`)
THREE_LEVELS = """query($id: ID!) { product(id: $id) { id bom { nodes { quantity depth part { id }
    bom(first: 10) { nodes { quantity unit depth path totalQuantity part { id } cycle
      bom(first: 10) { nodes { quantity depth path totalQuantity cycle part { id } } } } } } } } }"""


def test_a_three_level_bom_with_quantities_units_paths_and_totals(server):
    top = gql(server, THREE_LEVELS, {"id": "TOP"})["data"]["product"]
    [asm] = top["bom"]["nodes"]
    assert (asm["part"]["id"], asm["quantity"], asm["depth"]) == ("ASM", 1.0, 1)
    level2 = {n["part"]["id"]: n for n in asm["bom"]["nodes"]}
    assert list(level2) == ["CABLE", "SUB1", "SUB2"]  # in the order of the child parts
    assert level2["SUB1"]["quantity"] == 2 and level2["SUB1"]["unit"] is None and level2["SUB1"]["depth"] == 2
    assert level2["CABLE"]["quantity"] == 0.5 and level2["CABLE"]["unit"] == "m"
    assert level2["SUB2"]["path"] == ["TOP", "ASM", "SUB2"] and level2["SUB2"]["totalQuantity"] == 3
    assert level2["CABLE"]["bom"]["nodes"] == []  # a leaf
    sub1 = {n["part"]["id"]: n for n in level2["SUB1"]["bom"]["nodes"]}
    assert {k: (n["quantity"], n["totalQuantity"], n["depth"]) for k, n in sub1.items()} == {
        "LEAD": (4, 8, 3), "SCREW": (8, 16, 3)}  # TOP holds 1 x 2 x 4 LEAD and 1 x 2 x 8 screws through SUB1
    assert sub1["LEAD"]["path"] == ["TOP", "ASM", "SUB1", "LEAD"] and not sub1["LEAD"]["cycle"]
    [screw] = level2["SUB2"]["bom"]["nodes"]
    assert (screw["part"]["id"], screw["totalQuantity"], screw["path"]) == ("SCREW", 6, ["TOP", "ASM", "SUB2", "SCREW"])


def test_a_product_without_lines_and_an_unknown_product(server):
    empty = gql(server, THREE_LEVELS, {"id": "EMPTY"})["data"]["product"]
    assert empty["bom"]["nodes"] == []
    assert gql(server, THREE_LEVELS, {"id": "NOPE"})["data"]["product"] is None


def test_a_product_shows_its_eee_scopes_as_the_validation_takes_them(server):
    # "9" alone is the monitoring and control instruments other than industrial ones (shapes/data/eee-scopes.ttl)
    found = gql(server, '{ product(id: "EMPTY") { eeeScopes } }')["data"]["product"]
    assert found == {"eeeScopes": ["3", "8-ivd", "9-non-industrial"]}


def test_a_line_is_a_part_with_its_compliance_supplier_and_materials(server):
    data = gql(server, """query($at: String) { part(id: "SUB1") { bom { edges { node { part { id name
        supplier { id } materials { id } compliance(packs: ["eu-rohs"], at: $at) { pack status } } } } } } }""",
               {"at": AT})
    assert "errors" not in data, data
    parts = {e["node"]["part"]["id"]: e["node"]["part"] for e in data["data"]["part"]["bom"]["edges"]}
    assert parts["LEAD"]["supplier"]["id"] == "S1" and parts["LEAD"]["materials"] == [{"id": "m-lead"}]
    assert parts["LEAD"]["name"] == "part LEAD"
    rohs = {p: next(c["status"] for c in parts[p]["compliance"] if c["pack"] == "eu-rohs") for p in parts}
    assert rohs == {"LEAD": "NON_COMPLIANT", "SCREW": "COMPLIANT"}


PAGE = """query($after: String) { part(id: "ASM") { bom(first: 1, after: $after) {
    edges { cursor node { part { id } } } nodes { part { id } } pageInfo { hasNextPage endCursor } } } }"""


def test_paging_one_line_at_a_time_to_an_empty_page_after_the_last(server):
    seen, after, pages = [], None, []
    while True:
        page = gql(server, PAGE, {"after": after})["data"]["part"]["bom"]
        pages.append(page)
        if not page["edges"]:
            break
        assert [e["node"] for e in page["edges"]] == page["nodes"]
        seen.append(page["edges"][0]["node"]["part"]["id"])
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
    assert seen == ["CABLE", "SUB1", "SUB2"]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, False, False]
    assert pages[-1] == {"edges": [], "nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    # a page of exactly all lines has no next page; one short of them has
    whole = gql(server, '{ part(id: "ASM") { bom(first: 3) { pageInfo { hasNextPage } } } }')
    short = gql(server, '{ part(id: "ASM") { bom(first: 2) { pageInfo { hasNextPage } } } }')
    assert not whole["data"]["part"]["bom"]["pageInfo"]["hasNextPage"]
    assert short["data"]["part"]["bom"]["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("first", [0, 101, -1])
def test_page_sizes_outside_1_to_100_are_refused_as_literals_and_as_variables(server, first):
    literal = gql(server, '{ product(id: "TOP") { bom(first: N) { nodes { quantity } } } }'.replace("N", str(first)))
    assert literal["errors"][0]["extensions"]["code"] == "PAGE_SIZE"
    variable = gql(server, 'query($n: Int) { product(id: "TOP") { bom { nodes { bom(first: $n) { nodes { depth } } '
                           '} } } }', {"n": first})
    assert variable["errors"][0]["extensions"]["code"] == "PAGE_SIZE"


def test_a_foreign_cursor_is_refused(server):
    for cursor in ("x", "_w=="):  # not base64; base64 of a byte that is no UTF-8
        bad = gql(server, 'query($c: String) { part(id: "ASM") { bom(after: $c) { nodes { depth } } } }', {"c": cursor})
        assert bad["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


def test_a_bom_cycle_ends_the_tree_and_the_query_terminates(server):
    loop = gql(server, THREE_LEVELS, {"id": "LOOP"})["data"]["product"]
    [cya] = loop["bom"]["nodes"]
    [cyb] = cya["bom"]["nodes"]
    [again] = cyb["bom"]["nodes"]
    assert (cya["part"]["id"], cyb["part"]["id"], again["part"]["id"]) == ("CYA", "CYB", "CYA")
    assert not cyb["cycle"] and again["cycle"] and again["path"] == ["LOOP", "CYA", "CYB", "CYA"]
    below = gql(server, """{ part(id: "CYA") { bom { nodes { cycle part { id } bom { nodes { cycle part { id }
        bom { nodes { part { id } } pageInfo { hasNextPage } } } } } } } }""")["data"]["part"]["bom"]["nodes"]
    [b] = below
    [a] = b["bom"]["nodes"]
    assert (b["part"]["id"], b["cycle"], a["part"]["id"], a["cycle"]) == ("CYB", False, "CYA", True)
    assert a["bom"] == {"nodes": [], "pageInfo": {"hasNextPage": False}}


def test_a_part_that_contains_itself_is_a_cycle_at_the_first_level(server):
    [line] = gql(server, '{ part(id: "SELF") { bom { nodes { cycle path bom { nodes { depth } } } } } }'
                 )["data"]["part"]["bom"]["nodes"]
    assert line == {"cycle": True, "path": ["SELF", "SELF"], "bom": {"nodes": []}}


class _Counting:
    """The store, counting the BOM line queries that reach it."""

    def __init__(self, store) -> None:
        self.store, self.bom_queries = store, 0

    def select(self, query, bindings=None):
        if query == LINES:
            self.bom_queries += 1
        return self.store.select(query, bindings)

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_each_level_of_the_tree_is_one_query_whatever_its_lines(store):
    counting = _Counting(store)

    def run(query: str, variables: dict | None = None):
        context = {"store": counting, "loaders": Loaders(counting), "request": None, "cache": None}
        return asyncio.run(schema.execute(query, variable_values=variables, context_value=context))

    result = run(THREE_LEVELS, {"id": "TOP"})
    assert result.errors is None, result.errors
    # level 1: TOP; level 2: ASM; level 3: CABLE, SUB1 and SUB2 together
    assert counting.bom_queries == 3
    two = run('{ a: product(id: "TOP") { bom { nodes { depth } } } '
              'b: product(id: "LOOP") { bom { nodes { depth } } } }')
    assert two.errors is None and counting.bom_queries == 4  # two products on one level: one query


def test_bom_pages_reads_many_parents_at_once_with_a_page_each(store):
    asm, sub1, flat = (f"{ID}part/{p}" for p in ("ASM", "SUB1", "FLAT"))
    pages = bom_pages(store, [asm, sub1, flat, asm], None, 2)
    assert [ln.part["id"] for ln in pages[asm].lines] == ["CABLE", "SUB1"] and pages[asm].more
    assert [ln.part["id"] for ln in pages[sub1].lines] == ["LEAD", "SCREW"] and not pages[sub1].more
    assert pages[flat].lines == [] and not pages[flat].more
    after = bom_pages(store, [asm], pages[asm].lines[-1].key, 2)[asm]
    assert [ln.part["id"] for ln in after.lines] == ["SUB2"] and not after.more
    with pytest.raises(ValueError, match="page size must be at least 1"):
        bom_pages(store, [asm], None, 0)


def test_the_cost_of_a_nested_bom_is_priced_by_its_page_sizes():
    graphql_schema = schema._schema
    from graphql import parse

    def cost_errors(text: str) -> list:
        return [e for e in check(graphql_schema, parse(text)) if e.extensions["code"] == "QUERY_TOO_COSTLY"]

    assert not cost_errors(THREE_LEVELS)
    for page in ("bom", "bom(first: 100)"):
        text = THREE_LEVELS.replace("bom(first: 10)", page)
        [refused] = cost_errors(text)
        assert refused.extensions["cost"] > MAX_COST
    two_levels_of_100 = '{ product(id: "TOP") { bom(first: 100) { nodes { bom(first: 100) { nodes { depth } } } } } }'
    assert cost_errors(two_levels_of_100) == []  # 100 x 100 lines of one field each: 20,301
