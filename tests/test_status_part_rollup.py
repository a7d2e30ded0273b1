"""QA9 B01: the status of a part is rolled up through the BOM below it, as a product's is (graph/status.py
`StatusIndex.part`, graph/status_parts.py). Product PR1 (category 3) holds chassis A1, A1 holds PSU A2, A2 holds
cable A3 with 2 % lead in its solder: PR1 was non-compliant (PR1 > A1 > A2 > A3), but `status --part A1` and
`--part A2` said compliant in every pack, exit 0. RoHS 2011/65/EU Art. 4(1) covers EEE "including cables and spare
parts" with Annex II limits per homogeneous material: an assembly holding a non-compliant material is non-compliant.
REACH (CJEU C-106/14): each component article counts, and the supplier of the assembly answers for it."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import random
import time
import weakref
from decimal import Decimal
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store
from complygraph.graph.bom_walks import below
from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.graph.status_parts import worst_through
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub

AT = dt.date(2026, 11, 23)
PB, DBDPE, SILICA = "7439-92-1", "84852-53-9", "7631-86-9"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
PACKS = ["eu-rohs", "eu-reach-svhc", "data-quality"]


def _clean(pid: str) -> dict:
    return part(pid, 1000, material(f"m-{pid}", 1000, sub(SILICA, 1000)))


PARTS = [
    _clean("A1"), _clean("A2"),
    part("A3", 1000, material("m-A3", 1000, sub(PB, 20), category="solder")),  # 2 % Pb: over Annex II's 0.1 %
    _clean("SIB"), _clean("SIBLEAF"),  # A1's other sub-assembly: only a sibling of A2
    _clean("U1"),  # holds a part nobody declared: unknown
    _clean("MIX"),  # holds U1 and A3: non-compliant beats unknown
    _clean("SVA"), part("SV", 1000, material("m-SV", 1000, sub(DBDPE, 5), sub(SILICA, 995))),  # 0.5 % SVHC
    _clean("CYA"), _clean("CYB"),  # CYA <-> CYB, and CYB holds A3
    _clean("CLA"), _clean("CLB"),  # CLA <-> CLB, nothing bad below
]
UNDECLARED = _clean("NODECL")
UNDECLARED["declaration_date"] = ""
BOM = [("A1", "A2", 2), ("A2", "A3", 3), ("A1", "SIB", 1), ("SIB", "SIBLEAF", 1), ("U1", "NODECL", 1),
       ("MIX", "U1", 1), ("MIX", "A3", 1), ("SVA", "SV", 1), ("CYA", "CYB", 1), ("CYB", "A3", 1), ("CLA", "CLB", 1)]
CYCLES = [("CYB", "CYA"), ("CLB", "CLA")]  # the import refuses a cycle; a store may still hold one (another source)
PRODUCTS = [product("PR1", "3", "A1"), product("PRSIB", "3", "SIB"), product("PRU", "3", "U1"),
            product("PRMIX", "3", "MIX"), product("PRSV", "3", "SVA"), product("PRA2", "3", "A2")]


def _part(pid: str) -> str:
    return f"{ID}part/{pid}"


def _close_cycles(store) -> None:
    store.update("INSERT DATA { " + " ".join(f"<{ID}bom/{a}/{b}> cg:parent <{_part(a)}> ; cg:child <{_part(b)}> ."
                                             for a, b in CYCLES) + " }")


@pytest.fixture(scope="module")
def folder_and_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("part-rollup")
    store = build(tmp, [*PARTS, UNDECLARED], LISTS, products=PRODUCTS, bom=BOM)
    _close_cycles(store)
    return tmp / "data", store


@pytest.fixture(scope="module")
def validated(folder_and_store):
    _, store = folder_and_store
    return store, validate(store, PACKS, AT)


@pytest.fixture(scope="module")
def index(validated):
    return status_index(*validated)


def test_an_assembly_two_levels_above_a_non_compliant_material_is_non_compliant_with_the_path(index):
    for top, path in (("A1", ("A1", "A2", "A3")), ("A2", ("A2", "A3"))):
        ps = index.part(_part(top), "eu-rohs")
        assert ps.status == "non-compliant", top
        [deciding] = ps.deciding
        assert deciding.part == _part("A3") and deciding.path == tuple(_part(p) for p in path)
        assert [str(f.result.detail("substance")) for f in deciding.findings] == [f"{ID}substance/cas/{PB}"]
    assert index.part(_part("A1"), "eu-rohs").deciding[0].quantity == Decimal(6)  # 2 A2, each with 3 A3
    assert index.part(_part("A3"), "eu-rohs").status == "non-compliant"  # the part itself, as before


def test_an_assemblys_own_findings_are_its_own_and_the_parts_below_are_named_apart(index):
    ps = index.part(_part("A1"), "eu-rohs")
    assert not [f for f in ps.findings if f.status == "non-compliant"]  # A1's own material is clean


def test_an_assembly_whose_non_compliant_part_is_only_a_sibling_stays_compliant(index):
    for pack in ("eu-rohs", "eu-reach-svhc"):
        ps = index.part(_part("SIB"), pack)
        assert ps.status == "compliant" and ps.deciding == [], pack


def test_unknown_rolls_up_and_non_compliant_beats_it(index):
    for pack in ("eu-rohs", "eu-reach-svhc"):
        ps = index.part(_part("U1"), pack)
        assert ps.status == "unknown", pack
        assert [d.part for d in ps.deciding] == [_part("NODECL")]
    assert index.part(_part("MIX"), "eu-rohs").status == "non-compliant"
    assert index.part(_part("MIX"), "eu-reach-svhc").status == "unknown"


def test_an_article_level_svhc_of_a_component_gives_its_assembly_the_same_status_as_the_product(index):
    """REACH Art. 33 is judged per component article (C-106/14): the component's finding stays the component's
    (the deciding part), and the assembly, like the product, takes its status: obligations, not compliant."""
    ps = index.part(_part("SVA"), "eu-reach-svhc")
    assert ps.status == "obligations" and [d.part for d in ps.deciding] == [_part("SV")]
    assert not [f for f in ps.findings if f.status == "obligations"]


def test_a_part_takes_the_status_of_a_product_that_holds_only_it(index):
    for prod, held in (("PR1", "A1"), ("PRSIB", "SIB"), ("PRU", "U1"), ("PRMIX", "MIX"), ("PRSV", "SVA"),
                       ("PRA2", "A2")):
        for pack in PACKS:
            assert index.part(_part(held), pack).status == index.product(f"{ID}product/{prod}", pack).status, \
                (held, pack)


def test_a_bom_cycle_terminates_and_every_part_in_it_gets_what_is_below_the_cycle(index):
    for p in ("CYA", "CYB"):
        ps = index.part(_part(p), "eu-rohs")
        assert ps.status == "non-compliant", p
        assert _part("A3") in [d.part for d in ps.deciding]
    assert index.part(_part("CLA"), "eu-rohs").status == index.part(_part("CLB"), "eu-rohs").status
    assert index.part(_part("CLA"), "eu-rohs").status != "non-compliant"


def test_part_statuses_keep_no_cycle_to_the_index(validated):
    """The roll-up's closures must not hold the index (test_status.py: freed without the cyclic collector)."""
    gc.disable()
    try:
        index = status_index(*validated)
        assert index.part(_part("A1"), "eu-rohs").deciding
        gone = weakref.ref(index)
        del index
        assert gone() is None
    finally:
        gc.enable()


def test_the_api_part_compliance_is_the_same_roll_up_and_pages_its_deciding_parts(index):
    from complygraph.api.compliance import part_compliance

    [rohs] = [c for c in part_compliance(index, _part("A1")) if c.pack == "eu-rohs"]
    assert rohs.status.value == "non-compliant" and rohs.parts() == 1
    info = SimpleNamespace(context={})  # no pools: the schema's work runs inline
    assert asyncio.run(rohs.deciding_count(info)) == 1
    [d] = asyncio.run(rohs.deciding(info, first=5))
    assert d.part == "A3" and d.path == ["A1", "A2", "A3"] and d.quantity == 6
    [sib] = [c for c in part_compliance(index, _part("SIB")) if c.pack == "eu-rohs"]
    assert sib.status.value == "compliant" and asyncio.run(sib.deciding_count(info)) == 0


@pytest.fixture(scope="module")
def disk_store(folder_and_store, tmp_path_factory) -> str:
    folder, _ = folder_and_store
    path = tmp_path_factory.mktemp("part-rollup-cli") / "store"
    s = open_store(path)
    load_reference(s, LISTS)
    import_compositions(s, folder)
    _close_cycles(s)
    s.close()
    return str(path)


def _cli(store: str, flag: str, subject: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["status", "--store", store, flag, subject, "--at", AT.isoformat(), "--json",
                                      "--pack", "eu-rohs"])
    return result.exit_code, json.loads(result.stdout)


def test_the_exit_code_of_status_part_follows_the_products_convention(disk_store):
    code, answer = _cli(disk_store, "--product", "PR1")
    assert code == 1 and answer["status"] == "non-compliant"
    for subject, path in (("A1", "A1 > A2 > A3"), ("A2", "A2 > A3")):
        code, answer = _cli(disk_store, "--part", subject)
        rohs = next(p for p in answer["packs"] if p["pack"] == "eu-rohs")
        assert code == 1 and answer["status"] == rohs["status"] == "non-compliant", subject
        assert [(d["deciding_part"], d["path"]) for d in rohs["deciding"]] == [("A3", path)], subject
    code, answer = _cli(disk_store, "--part", "CYA")  # through a BOM cycle: terminates
    assert code == 1 and answer["status"] == "non-compliant"
    code, answer = _cli(disk_store, "--part", "SIB")
    assert code == 0 and answer["status"] == "compliant"
    code, answer = _cli(disk_store, "--part", "U1")  # unknown exits 0, as a product's does
    assert code == 0 and answer["status"] == "unknown"
    assert "NODECL" in {d["deciding_part"] for p in answer["packs"] for d in p["deciding"]}
    code, answer = _cli(disk_store, "--product", "PRU")
    assert code == 0 and answer["status"] == "unknown"


def _reference(edges, ranks, node):
    """The definition: the worst rank per pack over the node itself and every part below it."""
    return _max([ranks[p] for p in below(node, edges) | {node} if p in ranks])


def _max(vectors) -> tuple[int, ...]:
    return tuple(max(column) for column in zip((0, 0, 0), *vectors, strict=True))


@pytest.mark.parametrize("seed", range(20))
def test_the_one_pass_roll_up_equals_the_definition_with_and_without_cycles(seed):
    rnd = random.Random(seed)
    nodes = [f"p{i}" for i in range(80)]
    edges: dict[str, list[tuple[str, Decimal]]] = {}
    for n in nodes:
        for c in rnd.sample(nodes, rnd.randint(0, 3)):  # any direction: cycles, self-lines, shared parts
            edges.setdefault(n, []).append((c, Decimal(1)))
    ranks = {p: tuple(rnd.choice((0, 0, 0, 1, 2, 3, 4)) for _ in range(3)) for p in rnd.sample(nodes, 20)}
    out = worst_through(edges, ranks)
    assert set(out) == set(edges)
    for n in edges:
        assert _max([out[n]] if out[n] else []) == _reference(edges, ranks, n), n


def test_a_deep_and_wide_bom_is_rolled_up_in_one_pass_without_recursion():
    """A chain of 200,000 parts (deeper than any recursion) and a store-sized fan-out: linear, not a walk per part
    (which would be 2 * 10^10 steps for the chain)."""
    n = 200_000
    edges = {f"c{i}": [(f"c{i + 1}", Decimal(1))] for i in range(n)}
    edges[f"c{n}"] = [("c0", Decimal(1)), ("bad", Decimal(1))]  # and one cycle round the whole chain
    started = time.perf_counter()
    out = worst_through(edges, {"bad": (4,), "c7": (3,)})
    assert time.perf_counter() - started < 10
    assert len(out) == n + 1 and out["c0"] == out[f"c{n // 2}"] == (4,)
