"""Octabromodiphenyl ether (32536-52-0), which the identifier database does not know, is a PBDE (RoHS Annex II,
0,1 %): by the CAS number CLP Annex VI index 602-094-00-4 gives "diphenylether; octabromo derivate". QA
(2026-12-06): 2,000 ppm of octaBDE alone passed, and with 600 ppm of pentaBDE only the pentaBDE counted."""

from __future__ import annotations

import datetime as dt

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, sub

AT = dt.date(2026, 11, 23)
OCTA, PENTA = "32536-52-0", "32534-81-9"


def test_octabde_alone_and_in_a_sum_with_pentabde_counts_toward_pbde(tmp_path):
    store = build(tmp_path, [
        part("octa", 1000, material("m-octa", 1000, sub(OCTA, 2))),            # 2,000 ppm
        part("sum", 1000, material("m-sum", 1000, sub(OCTA, "0.6"), sub(PENTA, "0.6"))),  # 1,200 ppm together
        part("at", 1000, material("m-at", 1000, sub(OCTA, "0.5"), sub(PENTA, "0.5"))),    # exactly 1,000 ppm
    ], ["eu-rohs-annex-ii"])
    found = hits(validate(store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert set(found) == {"m-octa", "m-sum"}
    assert str(found["m-sum"].message).startswith("1,200 ppm") and OCTA in str(found["m-sum"].message)
    ours, reference = compare_with_pyshacl(store, ["eu-rohs"], AT)
    assert ours == reference
