"""A substance whose identity cannot be resolved is reported, never taken as outside the groups that need
it: a lead stabiliser declared by trade name only could be "lead and its compounds" (RoHS Annex II), and
nothing could tell."""

from __future__ import annotations

import datetime as dt
import json

from rdflib.namespace import SH

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions


def _store(tmp_path, substances: list[dict], lists: tuple[str, ...] = ("eu-rohs-annex-ii",)):
    lines = [{"record": "manifest", "format": "complygraph-compositions", "version": "1.0"},
             {"record": "supplier", "supplier_id": "S1", "name": "Supplier"},
             {"record": "part", "part_id": "P1", "name": "cable", "supplier_id": "S1", "mass": 10, "mass_unit": "g",
              "declaration_date": "2026-01-01"},
             {"record": "material", "material_id": "M1", "part_id": "P1", "name": "PVC", "mass": 10,
              "mass_unit": "g"}]
    lines += [{"record": "substance", "material_id": "M1", "unit": "ppm", **s} for s in substances]
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    store = open_store(None)
    load_reference(store, list(lists))
    import_compositions(store, path)
    return store


def _warnings(store) -> dict[str, str]:
    report = validate(store, ["data-quality"], dt.date(2026, 11, 23))
    return {str(r.focus).rsplit("/", 1)[-1]: r.message for r in report.results
            if str(r.shape).endswith("data-quality#SubstanceIdentity") and r.component == SH.SPARQLConstraintComponent
            and r.severity == SH.Warning}


def test_a_substance_declared_by_name_only_is_a_warning_naming_the_groups_it_was_not_checked_against(tmp_path):
    store = _store(tmp_path, [{"substance_name": "Stabiliser XL-200", "amount": 5000}])
    found = _warnings(store)
    assert len(found) == 1 and next(iter(found)).startswith("stabiliser-xl-200"), found
    message = next(iter(found.values()))
    for group in ("Lead", "Mercury", "Cadmium"):
        assert group.lower() in message.lower(), message


def test_an_identified_or_listed_substance_is_not_reported(tmp_path):
    # lead(II) oxide is in the identity database; lead itself is named by the Annex II list
    store = _store(tmp_path, [{"cas": "1317-36-8", "amount": 50}, {"cas": "7439-92-1", "amount": 50}])
    assert _warnings(store) == {}


def test_a_substance_a_list_names_without_a_formula_is_reported_for_the_groups_that_do_not_hold_it(tmp_path):
    """QA8 B05: cadmium sulphate hydrate (15244-35-6), a member the Candidate List names, has no record in the identity
    database. Any list naming a substance made it "identified", so RoHS "cadmium and its compounds" (an element rule)
    never reached it and nothing said so: 2 % passed RoHS, Annex XVII entry 23 and the packaging limit."""
    store = _store(tmp_path, [{"cas": "15244-35-6", "amount": 20000}], ("eu-rohs-annex-ii", "eu-reach-svhc"))
    found = _warnings(store)
    assert list(found) == ["15244-35-6"], found
    assert "cadmium" in found["15244-35-6"].lower() and "lead" in found["15244-35-6"].lower()


def test_a_list_substance_the_database_does_not_know_is_identified_by_the_shipped_records(tmp_path):
    """Cadmium sulphate (31119-53-6) is in no record of the identity database; the shipped identity records
    (data/identity/list-substances.csv, PubChem CID 24962) give CdSO4, so 2 % of it is 1.08 % cadmium: over the RoHS
    limit of 0.01 % (Directive 2011/65/EU Annex II), and not an unknown identity."""
    store = _store(tmp_path, [{"cas": "31119-53-6", "amount": 20000}], ("eu-rohs-annex-ii", "eu-reach-svhc"))
    assert _warnings(store) == {}
    report = validate(store, ["eu-rohs"], dt.date(2026, 11, 23))
    limits = [r for r in report.results if str(r.shape).endswith("#HomogeneousMaterialLimits")]
    assert len(limits) == 1, limits
    assert str(limits[0].message).startswith("10,784.3 ppm of Cd"), limits[0].message
