"""A declared name that says a substance is absent ("Lead-free", "Pb free", "DEHP-free") names no list entry.

The declared-category patterns of shapes/data/declared-categories.ttl read "^(lead|pb)([^a-z]|$)" as the lead
category, and so took "Lead-free solder paste" too (XPath has no look-ahead): a Class C statement "Lead-free: not
over the threshold" stood for the lead category of Directive 2011/65/EU Annex II, so a part whose supplier never
answered for lead was RoHS compliant (a false pass), and a group of that name with its own mass counted whole as
lead (a false violation). Each category now has a `cg:exceptPattern` (data) for its "-free" names."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.name_membership import by_category, category_patterns
from complygraph.vocab import ID

from .shacl_cases import build, compare_with_pyshacl, hits, part, product
from .test_data_quality_qa8 import _with_mass
from .test_declarations_qa12_group_mass import _group_file
from .test_declared_statements import ALL_ROHS, _class_c

AT = dt.date(2026, 6, 1)
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
PACKS = ["data-quality", "eu-rohs"]
LEAD, DEHP, CR6 = "cas-7439-92-1", "cas-117-81-7", "cas-18540-29-9"


@pytest.mark.parametrize(("name", "entries"), [
    ("Lead/Lead Compounds", [LEAD]), ("Lead", [LEAD]), ("Pb (lead)", [LEAD]), ("Lead (free of cadmium)", [LEAD]),
    ("Lead-free", []), ("Lead free solder paste", []), ("Leadfree", []), ("Pb-free", []), ("PB FREE", []),
    ("DEHP", [DEHP]), ("DEHP-free plasticizer", []), ("Chromium VI compounds", [CR6]),
    ("Cr(VI)-free passivation", []), ("Hexavalent chromium free", []), ("PBDE-free", []), ("Cadmium free", []),
])
def test_a_free_of_name_names_no_entry(name, entries):
    every = {entry: set() for _, _, entry in category_patterns()}
    assert sorted(e.rsplit("/", 1)[-1] for e in by_category(name, every)) == entries


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("negations")
    stated = [("Lead-free" if name.startswith("Lead") else name, False, "") for name in ALL_ROHS]
    items = ("LEAD-FREE", "ALL", "PASTE")
    store = build(folder, [part(p, 1000) for p in items[:2]] + [part("PASTE", 10_000)], LISTS,
                  products=[product("tv", "3", *items)])
    every = [(n, False, "") for n in ALL_ROHS]
    import_declarations(store, [_with_mass(_class_c(folder, "LEAD-FREE", ("EUROHS-1907", stated))),
                                _with_mass(_class_c(folder, "ALL", ("EUROHS-1907", every))),
                                _group_file(folder, "PASTE", "Lead-free solder paste", "300")])
    return store


@pytest.fixture(scope="module")
def report(store):
    return validate(store, PACKS, AT)


def test_a_statement_named_lead_free_does_not_answer_for_lead(store, report):
    index = status_index(store, report)
    rohs = {p: index.part(f"{ID}part/{p}", "eu-rohs").status for p in ("LEAD-FREE", "ALL")}
    assert rohs == {"LEAD-FREE": "unknown", "ALL": "compliant"}


def test_a_group_named_lead_free_is_not_counted_as_lead_and_its_identity_stays_unknown(report):
    assert not any("PASTE" in key for key in hits(report, "#HomogeneousMaterialLimits"))
    unknown = [str(r.focus) for r in report.results if str(r.shape).endswith("#SubstanceIdentity")]
    assert any("/declared/lead-free-solder-paste" in f for f in unknown), unknown


def test_same_results_as_pyshacl(store):
    ours, reference = compare_with_pyshacl(store, PACKS, AT)
    assert ours == reference
