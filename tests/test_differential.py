"""The set-at-a-time validator against the reference, pySHACL: the same results on the same graphs.

Compared per result: (focus node, source shape, result path, value, severity). pySHACL validates one
focus node at a time with rdflib, so the graphs here are small.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complygraph.generate import generate
from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.packs import available
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions

from .shacl_cases import build, compare_with_pyshacl, material, packs_in_force, part, sub

PACKS = sorted(available())
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-reach-svhc", "eu-pops", "jp-cscl-class1"]


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("diff") / "data"
    generate(out, products=1, parts=12, seed=5)
    store = open_store(None)
    load_reference(store)
    import_compositions(store, out)
    return store


@pytest.mark.parametrize("pack", PACKS)
def test_generated_data_same_results_as_pyshacl(generated_store, pack):
    ours, reference = compare_with_pyshacl(generated_store, [pack], dt.date(2026, 11, 23))
    assert ours == reference


def test_the_generated_comparison_is_not_vacuous(generated_store):
    report = validate(generated_store, PACKS, dt.date(2026, 11, 23))
    packs_with_results = {r.pack for r in report.results}
    assert {"eu-rohs", "eu-reach-svhc", "corporate-example"} <= packs_with_results


SUBSTANCES = ["7439-92-1", "7440-43-9", "1317-36-8", "117-81-7", "84852-53-9", "1478-61-1", "118-74-1",
              "56-35-9", "7440-31-5", "1309-64-4"]
amounts = st.sampled_from(["0.05", "0.099", "0.1", "0.1001", "0.3", "1.0001", "5", "60", "250"])
substance = st.tuples(st.sampled_from(SUBSTANCES), amounts, st.sampled_from(["yes", "no", None]),
                      st.sampled_from([None, None, "6(c)", "8(b)", "7(a)"]))
materials = st.lists(st.tuples(st.lists(substance, max_size=3, unique_by=lambda s: s[0]),
                               st.sampled_from(["", "pvc-cable-insulation", "brass"])), min_size=1, max_size=2)
parts = st.lists(st.tuples(materials, st.booleans(), st.sampled_from([1, 2, 10])), min_size=1, max_size=3)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=parts, at=st.sampled_from([dt.date(2019, 7, 21), dt.date(2025, 6, 25), dt.date(2026, 2, 4),
                                        dt.date(2027, 1, 1)]))
def test_random_compositions_same_results_as_pyshacl(tmp_path_factory, parts, at):
    spec = []
    for i, (mats, packaging, extra) in enumerate(parts):
        ms = [material(f"m{i}-{j}", 1000, *[sub(cas, a, "mg", it, ex) for cas, a, it, ex in subs], category=cat)
              for j, (subs, cat) in enumerate(mats)]
        spec.append(part(f"p{i}", 1000 * len(ms) * extra, *ms, packaging=packaging))
    store = build(tmp_path_factory.mktemp("hyp"), spec, LISTS)
    ours, reference = compare_with_pyshacl(store, packs_in_force(store, at), at)
    assert ours == reference
