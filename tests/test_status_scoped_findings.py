"""A finding that holds for one EEE scope only counts for the products of that scope (QA12 B02).

RoHS grants exemptions per EEE category (Directive 2011/65/EU Art. 5, Annex III): 8(b), cadmium in electrical
contacts, holds for categories 8, 9 and 11 since (EU) 2019/171, not for category 3. A relay declared (IPC-1752A
Class C) with cadmium over the threshold under 8(b) sits in a network switch (category 3) and in an industrial PLC
(9-industrial): in the switch it is a violation, in the PLC it is exempted (its validity there unverified, so
unknown). The statement's result for category 3 was counted for every product above the relay, and the PLC was
reported non-compliant because of the switch's category. The result now names the scope it holds for
(`cg:eeeScope`) and a product takes it only when it has that scope; the part itself keeps it (it is non-compliant
in one of its products)."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.loaders.declarations import import_declarations

from .shacl_cases import build, part, product
from .test_declared_statements import _class_c

AT = dt.date(2026, 12, 7)
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
P = "https://w3id.org/complygraph/id/product/"
RELAY = "https://w3id.org/complygraph/id/part/RELAY"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scoped")
    store = build(folder, [part("RELAY", 1000), part("OTHER", 1000)], LISTS,
                  products=[product("switch", "3", "RELAY"), product("plc", "9-industrial", "RELAY"),
                            product("tv", "4", "OTHER"), product("uncat", "", "RELAY")])
    import_declarations(store, [_class_c(folder, "RELAY", ("EUROHS-1907", [("Cadmium/Cadmium Compounds", True,
                                                                            "8(b)")]), date="2026-07-01"),
                                _class_c(folder, "OTHER", ("EUROHS-1907", [("Cadmium/Cadmium Compounds", True,
                                                                            "8(b)")]), date="2026-07-01")])
    report = validate(store, ["eu-rohs"], AT)
    return report, status_index(store, report)


def test_the_category_result_names_its_scope(index):
    report, _ = index
    scoped = [r for r in report.results if str(r.shape).endswith("#DeclaredExemptionNotForCategory")]
    assert {str(r.focus).rsplit("/", 1)[-1] for r in scoped} == {"RELAY", "OTHER"}
    assert {str(r.detail("eeeScope")).rsplit("/", 1)[-1] for r in scoped} == {"3", "4"}


def test_a_product_does_not_take_another_products_category(index):
    _, status = index
    assert status.product(f"{P}switch", "eu-rohs").status == "non-compliant"
    assert status.product(f"{P}tv", "eu-rohs").status == "non-compliant"
    plc = status.product(f"{P}plc", "eu-rohs")
    assert plc.status == "unknown", [f.result.message for d in plc.deciding for f in d.findings]
    # the relay is listed under the PLC for what holds there, not for category 3
    messages = [str(f.result.message) for d in plc.deciding for f in d.findings]
    assert messages and not any("category 3 " in m for m in messages), messages


def test_a_product_of_no_known_category_takes_every_scope(index):
    """Its category may be category 3: a review found it compliant once the relay's result named scope 3."""
    _, status = index
    assert status.product(f"{P}uncat", "eu-rohs").status == "non-compliant"


def test_the_part_keeps_every_finding(index):
    _, status = index
    assert status.part(RELAY, "eu-rohs").status == "non-compliant"
