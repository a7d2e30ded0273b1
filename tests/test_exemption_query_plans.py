"""The RoHS exemption queries read each validity period once per query, not once per claimed use, and give the
findings they gave when they read them per use (shapes/eu-rohs/exemptions.ttl, the exempted-uses component of
shapes/components.ttl).

On 100,000 parts the per-use form joined 23,588 claimed uses with their exemptions' periods (100,000 rows, a
store lookup per row and period field, 4 to 13 s per shape). The periods are now joined as a group of their own,
which Oxigraph evaluates once and hash-joins; the plan test reads the evaluation statistics of the `oxigraph` CLI
(the server of the test extras) to see it. The other tests guard what the rewrite could break: a claim of an
exemption for another substance, a period not yet begun, an exempted sum over several substances, periods and
product categories, and the conditions and statuses a message lists."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.compiler import compile_shapes
from complygraph.graph.shacl.packs import shapes_graph
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions

from .conftest import _oxigraph_binary
from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

PB, PBO, HG, CHROMATE = "7439-92-1", "1317-36-8", "7439-97-6", "18540-29-9"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
AT = dt.date(2026, 11, 23)
CGSH = "https://w3id.org/complygraph/shapes#"
EXEMPTION_COMPONENTS = {CGSH + name for name in (
    "ListMaterialExemptedComponent", "ExemptionExpiredComponent", "ExemptionCategoryComponent",
    "ExemptionMaterialComponent", "ExemptionConcentrationComponent", "ExemptionStatusComponent",
    "ExemptionMaterialUnknownComponent", "ExemptionCategoryUnknownComponent")}
EXEMPTION_SHAPES = ["#ExemptedUses", "#ExemptionExpired", "#ExemptionNotForCategory", "#ExemptionWrongMaterial",
                    "#ExemptionConcentration", "#ExemptionStatusUnverified", "#ExemptionMaterialUnknown",
                    "#ExemptionCategoryUnknown"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("exemption-queries"), [
        # Annex III 6(c), copper alloy up to 4 % lead: lead and lead oxide, both claimed, in a product of category
        # 4 that is also an in vitro diagnostic medical device; on 1 January 2022 one period covers category 4
        # (continued under Art. 5(5)), another the IVD devices (until 21 July 2023, (EU) 2018/741)
        part("two-leads", 1000, material("m-two-leads", 1000, sub(PB, 20, exemption="6(c)"),
                                         sub(PBO, 10, exemption="6(c)"), category="brass")),
        # Annex III 9, hexavalent chromium: on 1 January 2021 three unverified periods of the 2020 replacement hold
        # (the 2011 period ended the day before it, QA8 B01)
        part("chromate", 1000, material("m-chromate", 1000, sub(CHROMATE, 5, exemption="9"), category="steel")),
        # Annex III 8(b) is a cadmium exemption: claimed for lead it exempts nothing and has no period to check
        part("wrong", 2000, material("m-wrong", 2000, sub(PB, 60, exemption="8(b)"), category="brass")),
        # Annex III 1(f)-I, mercury in lamps: its only period begins on 16 March 2022
        part("early", 1000, material("m-early", 1000, sub(HG, 5, exemption="1(f)-I"), category="lamp")),
        # Annex III 34, lead in cermet-based trimmer potentiometer elements ((EU) 2018/738, annex read): expires on
        # 21 July 2021 for category 4, on 21 July 2023 for IVD medical devices, with no renewal pending after it
        part("trimmer", 1000, material("m-trimmer", 1000, sub(PB, 50, exemption="34"), category="ceramic")),
    ], LISTS, products=[product("scope", "4;8-ivd", "two-leads", "trimmer")])


def _at(store, day):
    report = validate(store, ["eu-rohs"], day)
    return lambda suffix: hits(report, suffix)


def test_an_exempted_sum_counts_each_substance_once_whatever_the_periods_and_categories(store):
    # two periods hold and the material is in two categories: the sum is that of the limit shape when none holds
    exempted = _at(store, dt.date(2022, 1, 1))("#ExemptedUses")["m-two-leads"]
    limits = _at(store, dt.date(2027, 7, 1))("#HomogeneousMaterialLimits")["m-two-leads"]  # 6(c) ended 2027-06-30
    assert float(exempted.detail("measured")) == pytest.approx(float(limits.detail("measured")))
    assert float(exempted.detail("measured")) > 20000  # lead (20000 ppm) and the lead of the oxide
    assert {str(s).rsplit("/", 1)[-1] for k, s in exempted.details if k == "substance"} == {PB, PBO}


def test_the_period_for_one_category_ending_is_a_finding_for_that_category_only(store):
    # 2021-07-22: 34 ended for category 4 and holds for IVD medical devices until 21 July 2023 ((EU) 2018/738)
    after = _at(store, dt.date(2021, 7, 22))
    finding = after("#ExemptionNotForCategory")["m-trimmer"]
    assert "category 4" in str(finding.message) and "ended on 2021-07-21" in str(finding.message)
    assert "8-ivd" not in str(finding.message)
    # the claim holds for the IVD product, so the category-4 finding is that scope's alone (QA12 B02): not a limits
    # violation of the material for every product
    assert finding.detail("eeeScope") is not None and str(finding.detail("eeeScope")).endswith("/4")
    assert "m-trimmer" not in after("#ExemptedUses") and "m-trimmer" not in after("#HomogeneousMaterialLimits")
    assert "m-trimmer" not in _at(store, dt.date(2021, 7, 21))("#ExemptionNotForCategory")


def test_a_status_naming_several_periods_shows_no_empty_item(store):
    # the periods that do not hold at the date add an empty item to the list; where it fell between two
    # statuses the message read "... /  / ..."
    message = str(_at(store, dt.date(2021, 1, 1))("#ExemptionStatusUnverified")["m-chromate"].message)
    statuses = message.split("(", 1)[1]
    assert " /  / " not in statuses and not statuses.startswith(" / ") and not statuses.endswith(" / )")
    assert statuses.count(" / ") == 2 and "category 9" in statuses and "category 8 in vitro" in statuses


def test_an_exemption_for_another_substance_gives_no_exemption_finding(store):
    found = _at(store, AT)
    assert "m-wrong" in found("#HomogeneousMaterialLimits")
    assert [shape for shape in EXEMPTION_SHAPES if "m-wrong" in found(shape)] == []


def test_an_exemption_claimed_before_its_first_period_is_not_yet_valid_then_holds(store):
    before = _at(store, dt.date(2022, 3, 15))
    assert "not yet valid" in str(before("#ExemptionExpired")["m-early"].message)
    assert "m-early" in before("#HomogeneousMaterialLimits")
    on = _at(store, dt.date(2022, 3, 16))
    assert "m-early" in on("#ExemptedUses") and "m-early" not in on("#ExemptionExpired")


@pytest.mark.parametrize("day", [dt.date(2022, 1, 1), dt.date(2023, 7, 22), dt.date(2023, 9, 2)])
def test_same_results_as_pyshacl(store, day):
    ours, reference = compare_with_pyshacl(store, ["eu-rohs"], day)
    assert ours == reference


# --- the plan ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def claimed_store(tmp_path_factory) -> tuple[Path, int]:
    """An on-disk store with 80 uses claiming 6(c) (six periods), its derived facts written, closed; and how many
    (period, substance group of its exemption) pairs it holds: a query that reads each period once per group
    and not once per claimed use reads no more period rows than that."""
    folder = tmp_path_factory.mktemp("exemption-plans")
    ids = [f"b{i}" for i in range(80)]
    build(folder, [part(i, 1000, material(f"m-{i}", 1000, sub(PB, 30 + n % 15, exemption="6(c)"), category="brass"))
                   for n, i in enumerate(ids)], LISTS,
          products=[product("tv", "4", *ids[:40]), product("monitor", "8", *ids[40:])])
    store = open_store(folder / "store")
    load_reference(store, LISTS)
    import_compositions(store, folder / "data")
    validate(store, ["eu-rohs"], AT)  # writes the ontology, the pack data and the derived facts
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?v cg:validityOf ?e . ?e cg:concerns ?group }")
    store.close()
    return folder / "store", int(rows[0]["n"].value)


def _period_reads(plan: dict) -> list[int]:
    """The rows each evaluation of `?x cg:validityOf ?y` produced, over the whole plan (EXISTS included)."""
    found = []
    if plan["name"].startswith("QuadPattern(") and "ontology#validityOf>" in plan["name"]:
        found.append(plan.get("number of results", 0))
    for child in plan.get("children", []):
        found += _period_reads(child)
    return found


# The status of a claimed exemption is decided per EEE scope of the material's products, once per (exemption,
# scope) in a subquery that never names $this: it was decided per claimed use and scope before (11 period rows
# per use here; 8.9 s at 10^5 parts against ~2.5 s now, 122 s at 10^6), and a return to that form fails here.
def test_validity_periods_are_read_once_per_query_not_once_per_claimed_use(claimed_store, tmp_path):
    location, pairs = claimed_store
    g, _, _ = shapes_graph(["eu-rohs"], AT)
    queries = {str(c.shape).rsplit("#", 1)[-1]: c.query for c in compile_shapes(g).constraints
               if str(c.component) in EXEMPTION_COMPONENTS}
    assert len(queries) == len(EXEMPTION_COMPONENTS)
    too_many = {}
    for name, query in queries.items():
        (tmp_path / "q.rq").write_text(query)
        subprocess.run([_oxigraph_binary(), "query", "--location", str(location), "--query-file",
                        str(tmp_path / "q.rq"), "--results-file", str(tmp_path / "r.tsv"),
                        "--explain-file", str(tmp_path / "plan.json"), "--stats"], check=True, timeout=300)
        reads = _period_reads(json.loads((tmp_path / "plan.json").read_text())["plan"])
        assert reads, name  # the query reads the periods
        if max(reads) > pairs:
            too_many[name] = max(reads)
    assert too_many == {}, f"period rows read per claimed use (at most {pairs} expected): {too_many}"
