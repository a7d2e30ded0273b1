"""A Class C statement names the list it was made against by an identity that suppliers' tools spell their own
way. QA (2026-12-06): "lead over the threshold, no exemption" stated against `eurohs-1907`, `EUROHS`, `EU RoHS`
or `EU RoHS (EU) 2015/863` was left to a data-quality warning and validate said compliant, exit 0; only the exact
`EUROHS-1907` gave the violation (Directive 2011/65/EU Art. 4(1)). Identities are matched without regard to case,
and one that names the list without a date is read as its first version (reported as older than the one in
force), so the statement is evaluated (shapes/data/declared-list-identities.ttl)."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.loaders.declarations import import_declarations

from .shacl_cases import build, hits, part
from .test_declared_statements import _class_c

LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
ROHS = {"LOWER": "eurohs-1907", "UNDATED": "EUROHS", "SPACED": "EU RoHS", "ACT": "EU RoHS (EU) 2015/863",
        "DIRECTIVE": "RoHS 2011/65/EU"}
REACH = {"REACH": "EU REACH SVHC", "SVHC": "svhc candidate list"}
AT = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("identities")
    store = build(folder, [part(p, 1000) for p in [*ROHS, *REACH, "OTHER"]], LISTS)
    import_declarations(store, [
        *[_class_c(folder, item, (identity, [("Lead/Lead Compounds", True, "")])) for item, identity in ROHS.items()],
        *[_class_c(folder, item, (identity, [("SVHC Candidate List", True, "")])) for item, identity in REACH.items()],
        _class_c(folder, "OTHER", ("ACME-LIST-7", [("Lead/Lead Compounds", True, "")])),
    ])
    return store


def test_a_rohs_statement_over_its_threshold_is_a_violation_however_the_identity_is_spelled(store):
    found = hits(validate(store, ["eu-rohs"], AT), "#DeclaredOverThreshold")
    assert set(ROHS) <= set(found), sorted(set(ROHS) - set(found))
    assert all(str(found[item].severity).endswith("Violation") for item in ROHS)


def test_a_candidate_list_statement_over_its_threshold_is_reported_however_spelled(store):
    found = hits(validate(store, ["eu-reach-svhc"], AT), "#DeclaredAboveThreshold")
    assert set(REACH) <= set(found), sorted(set(REACH) - set(found))


def test_an_undated_identity_is_reported_as_made_against_an_older_version(store):
    older = hits(validate(store, ["eu-rohs", "eu-reach-svhc"], AT), "#OutdatedDeclaration")
    assert {"UNDATED", "SPACED", "DIRECTIVE", "REACH", "SVHC"} <= set(older), sorted(older)
    assert "ACT" not in older  # (EU) 2015/863 is the Annex II in force


def test_an_identity_no_pattern_knows_is_still_a_data_quality_warning(store):
    report = validate(store, ["data-quality"], AT)
    unread = {str(r.focus).rsplit("/", 1)[-1] for r in report.results if "ACME-LIST-7" in str(r.message)}
    assert unread == {"OTHER"}


def test_over_threshold_is_read_as_an_xs_boolean(tmp_path):
    """Regression (QA3 B9, B13): overThreshold="1" was refused ("expected true or false"); 1 and 0 are xs:boolean
    (XML Schema Part 2, 3.2.2). A missing attribute is said to be missing, not to be ''."""
    from complygraph.loaders.errors import InputError

    store = build(tmp_path, [part("ONE", 1000), part("ZERO", 1000)], LISTS)
    import_declarations(store, [_class_c(tmp_path, "ONE", ("EUROHS-1907", [("Lead/Lead Compounds", "1", "")])),
                                _class_c(tmp_path, "ZERO", ("EUROHS-1907", [("Lead/Lead Compounds", "0", "")]))])
    assert set(hits(validate(store, ["eu-rohs"], AT), "#DeclaredOverThreshold")) == {"ONE"}
    path = _class_c(tmp_path, "NONE", ("EUROHS-1907", [("Lead/Lead Compounds", "x", "")]))
    path.write_text(path.read_text().replace(' overThreshold="x"', ""))
    with pytest.raises(InputError) as refused:
        import_declarations(store, [path])
    assert "the attribute overThreshold is required" in str(refused.value)
