"""Compliance status per part and per product, rolled up through the BOM (graph/status.py): the worst status of
what a product contains, per pack, with the parts that decide it, their path through the BOM and how many of
them the product holds. Written from the statuses a compliance engineer expects: a RoHS Annex II limit exceeded
(Directive 2011/65/EU Art. 4(1)) is non-compliant; an SVHC above 0.1 % of an article (REACH Art. 33) is an
obligation, not non-compliance; a use under a valid Annex III exemption is compliant with exemptions; a part
nobody declared is unknown, for every regulation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import RANK, STATUSES, status_index
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub

AT = dt.date(2026, 11, 23)
PB, DBDPE = "7439-92-1", "84852-53-9"  # DBDPE: Candidate List since 2025-11-05, not restricted by RoHS
SILICA = "7631-86-9"  # SiO2, a filler with a known formula
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
PACKS = ["eu-rohs", "eu-reach-svhc", "data-quality"]


def _part(pid: str) -> str:
    return f"{ID}part/{pid}"


def _product(pid: str) -> str:
    return f"{ID}product/{pid}"


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    undeclared = part("NODECL", 1000, material("m-nodecl", 1000, sub(SILICA, 1000)))
    undeclared["declaration_date"] = ""
    store = build(tmp_path_factory.mktemp("status"), [
        # 2 % lead in a solder: over the 0.1 % of Annex II, no exemption
        part("LEAD", 1000, material("m-lead", 1000, sub(PB, 20), category="solder")),
        part("LEAD2", 1000, material("m-lead2", 1000, sub(PB, 30), category="solder")),
        part("CLEAN", 1000, material("m-clean", 1000, sub(SILICA, 1000))),
        # 0.5 % DBDPE in the article: above 0.1 %, an Art. 33 duty
        part("SVHC", 1000, material("m-svhc", 1000, sub(DBDPE, 5), sub(SILICA, 995))),
        # Annex III 46: lead in recovered rigid PVC of category 11 EEE, up to 1.5 %, until 2028-05-28
        part("EXEMPT", 1000, material("m-exempt", 1000, sub(PB, 10, exemption="46"), category="pvc")),
        undeclared,
        part("SUB", 1000, material("m-sub", 1000, sub(SILICA, 1000))),
        part("EMPTY", 1000),  # declared, but nothing of what it contains
    ], LISTS, products=[
        product("BAD", "3", "CLEAN", "SUB"),
        product("DUTY", "3", "CLEAN", "SVHC"),
        product("EXEMPTED", "11", "CLEAN", "EXEMPT"),
        product("UNDECLARED", "3", "CLEAN", "NODECL"),
        product("GOOD", "3", "CLEAN"),
        product("EMPTYP", "3", "CLEAN", "EMPTY"),
        product("TWOBAD", "3", "CLEAN", "SUB", "LEAD2"),  # LEAD (below SUB) and LEAD2: two deciding parts
    ])
    # the lead part sits one level down in BAD, twice: BAD -> SUB (x1) -> LEAD (x2)
    store.update(f"""INSERT DATA {{ <{ID}bom/SUB/LEAD> cg:parent <{_part('SUB')}> ; cg:child <{_part('LEAD')}> ;
                                   cg:quantity 2 }}""")
    return store, validate(store, PACKS, AT)


@pytest.fixture(scope="module")
def index(validated):
    return status_index(*validated)


def test_a_status_index_is_freed_without_the_cyclic_collector(validated):
    """Regression: each product's status held the deciding-parts closure, which held the index: a cycle, so
    every index (448k objects at 100k parts) waited for a full collection after each new revision."""
    import gc
    import weakref

    gc.disable()
    try:
        index = status_index(*validated)
        assert index.product(_product("TWOBAD"), "eu-rohs").deciding  # the closure has run
        gone = weakref.ref(index)
        del index
        assert gone() is None
    finally:
        gc.enable()


def test_statuses_are_ordered_from_compliant_to_non_compliant():
    assert [RANK[s] for s in STATUSES] == sorted(RANK.values())
    assert STATUSES[-1] == "non-compliant" and STATUSES[0] == "compliant"


def test_a_product_with_one_non_compliant_part_is_non_compliant_naming_part_path_and_substance(index):
    ps = index.product(_product("BAD"), "eu-rohs")
    assert ps.status == "non-compliant"
    [deciding] = ps.deciding
    assert deciding.part == _part("LEAD")
    assert deciding.path == (_product("BAD"), _part("SUB"), _part("LEAD")) and deciding.quantity == Decimal(2)
    assert [str(f.result.detail("substance")) for f in deciding.findings] == [f"{ID}substance/cas/{PB}"]


def test_a_product_whose_only_finding_is_an_svhc_above_0_1_percent_has_obligations(index):
    assert index.product(_product("DUTY"), "eu-reach-svhc").status == "obligations"
    assert index.product(_product("DUTY"), "eu-rohs").status == "compliant"


def test_a_valid_exemption_makes_the_product_compliant_with_exemptions(index):
    ps = index.product(_product("EXEMPTED"), "eu-rohs")
    assert ps.status == "compliant with exemptions", ps
    assert [d.part for d in ps.deciding] == [_part("EXEMPT")]


def test_a_part_nobody_declared_makes_the_product_unknown_for_every_regulation(index):
    for pack in ("eu-rohs", "eu-reach-svhc"):
        ps = index.product(_product("UNDECLARED"), pack)
        assert ps.status == "unknown" and [d.part for d in ps.deciding] == [_part("NODECL")]


def test_a_part_with_nothing_declared_of_its_content_makes_the_product_unknown(index):
    ps = index.product(_product("EMPTYP"), "eu-rohs")
    assert ps.status == "unknown" and [d.part for d in ps.deciding] == [_part("EMPTY")]


def test_a_product_of_clean_parts_is_compliant(index):
    for pack in ("eu-rohs", "eu-reach-svhc"):
        ps = index.product(_product("GOOD"), pack)
        assert ps.status == "compliant" and ps.deciding == [] and ps.parts == 1



def test_two_deciding_parts_are_both_named_and_the_api_pages_them(index):
    """The deciding parts are worked out when asked for (a status for every product is needed at once, the
    reasons one product at a time); the API gives them `first` at a time after a part id, with their count."""
    from complygraph.api.compliance import product_compliance

    ps = index.product(_product("TWOBAD"), "eu-rohs")
    assert ps.status == "non-compliant" and ps.parts == 4  # CLEAN, SUB, LEAD (below SUB), LEAD2
    assert [(d.part, d.quantity) for d in ps.deciding] == [(_part("LEAD"), Decimal(2)), (_part("LEAD2"), Decimal(1))]
    [rohs] = [c for c in product_compliance(index, _product("TWOBAD")) if c.pack == "eu-rohs"]
    info = SimpleNamespace(context={})  # no pools: the schema's work runs inline
    assert rohs.parts() == 4  # counted when asked (a list of every product's status never walks the BOMs)

    def ask(**kw):
        return asyncio.run(rohs.deciding(info, **kw))

    assert asyncio.run(rohs.deciding_count(info)) == 2
    assert [d.part for d in ask(first=1)] == ["LEAD"]
    assert [d.part for d in ask(first=1, after="LEAD")] == ["LEAD2"]
    assert ask(first=1, after="LEAD2") == []
    with pytest.raises(Exception, match="not a deciding part"):
        ask(first=1, after="CLEAN")
    with pytest.raises(Exception, match="first: between 1 and 100"):
        ask(first=0)


def test_quantities_are_summed_over_shared_sub_assemblies_without_walking_every_path():
    """Regression: the deciding parts' quantities were summed path by path, and the paths through shared
    sub-assemblies grow exponentially (nested diamonds of 42 parts took 13 s, on the event loop of the API).
    R -> A (x2), R -> B (x3), A -> C (x5), B -> C (x7): one R holds 2*5 + 3*7 = 31 C; 40 levels of diamonds hold
    2**40 of the last part, found at once; a line closing a cycle is not followed."""
    from complygraph.graph.bom_walks import descendants as _descendants

    d = Decimal
    small = {"R": [("A", d(2)), ("B", d(3))], "A": [("C", d(5))], "B": [("C", d(7))], "C": [("A", d(1))]}
    below = _descendants("R", small)
    assert below["C"] == (("R", "A", "C"), d(31), 2)  # two paths: R > A > C and R > B > C
    assert below["A"] == (("R", "A"), d(2), 1) and below["B"] == (("R", "B"), d(3), 1)  # C -> A closes a cycle
    deep: dict = {}
    for level in range(40):
        top, left, right, bottom = f"T{level}", f"L{level}", f"M{level}", f"T{level + 1}"
        deep[top] = [(left, d(1)), (right, d(1))]
        deep[left] = deep[right] = [(bottom, d(1))]
    below = _descendants("T0", deep)
    assert below["T40"][1] == d(2) ** 40 and len(below["T40"][0]) == 81  # the shortest path: 80 lines
    assert below["T40"][2] == 2 ** 40  # paths counted, not walked


def test_a_reports_warnings_reach_each_packs_compliance_in_the_api():
    """An engine's warning concerns every pack's status; "pack X: ..." only X's (graph/dialects.py)."""
    from complygraph.api.compliance import part_compliance, product_compliance
    from complygraph.graph.status import StatusIndex

    index = StatusIndex("2026-11-23", ["eu-rohs", "eu-pops"], {}, {},
                        ["Virtuoso runs one query on 16 threads here", "pack eu-rohs: seen to stall"])
    assert index.warnings_for("eu-pops") == ["Virtuoso runs one query on 16 threads here"]
    assert index.warnings_for("eu-rohs") == index.warnings
    for rows in (part_compliance(index, ID + "part/P1"), product_compliance(index, ID + "product/X")):
        assert {c.pack: c.warnings for c in rows} == {"eu-rohs": index.warnings,
                                                      "eu-pops": ["Virtuoso runs one query on 16 threads here"]}
    assert StatusIndex("2026-11-23", ["eu-rohs"], {}, {}).warnings_for("eu-rohs") == []
