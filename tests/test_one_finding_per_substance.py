"""Every restricted substance is its own finding. Results were de-duplicated on (focus node, shape, value,
severity), so a material with lead, cadmium and DEHP reported one of them and a part with three SVHCs one:
REACH Article 33 duties and SCIP notifications need each substance named."""

from __future__ import annotations

import datetime as dt

from pyoxigraph import NamedNode
from rdflib.namespace import SH

from complygraph.graph.shacl import validate

from .shacl_cases import build, material, part, sub

AT = dt.date(2026, 11, 23)
PB, CD, DEHP = "7439-92-1", "7440-43-9", "117-81-7"  # RoHS Annex II: 0.1 %, 0.01 %, 0.1 % (Directive 2011/65/EU)
DBDPE, BPAF, HEXANE = "84852-53-9", "1478-61-1", "110-54-3"  # on the Candidate List as of 2026-02-04


def _concerned(store, report, shape_suffix: str, detail: str, severity=SH.Violation) -> list[set[str]]:
    """For each result of the shape: the CAS numbers its restriction or list entry concerns."""
    out = []
    for r in report.results:
        if str(r.shape).endswith(shape_suffix) and r.severity == severity:
            rows = store.select("SELECT ?cas WHERE { ?x cg:concerns/cg:hasMember?/cg:casNumber ?cas }",
                                {"x": NamedNode(str(r.detail(detail)))})
            out.append({row["cas"].value for row in rows})
    return out


def test_three_restricted_substances_in_one_homogeneous_material_give_three_rohs_results(tmp_path):
    # 2,000 ppm Pb (limit 1,000), 200 ppm Cd (limit 100), 2,000 ppm DEHP (limit 1,000) in one material
    store = build(tmp_path, [part("p", 1000, material("m", 1000, sub(PB, 2), sub(CD, "0.2"), sub(DEHP, 2)))],
                  ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    report = validate(store, ["eu-rohs"], AT)
    found = _concerned(store, report, "#HomogeneousMaterialLimits", "restriction")
    assert len(found) == 3  # one per restriction: a group restriction sums its members (Annex II, "and its compounds")
    assert all(len(cas & {PB, CD, DEHP}) == 1 for cas in found) and set().union(*found) >= {PB, CD, DEHP}


def test_three_svhcs_in_one_article_give_three_results(tmp_path):
    # each at 0.2 % of the 1 g article, over the 0.1 % w/w of REACH Article 33(1)
    store = build(tmp_path, [part("a", 1000, material("m1", 500, sub(DBDPE, 2), sub(BPAF, 2), sub(HEXANE, 2)))],
                  ["eu-reach-svhc"])
    report = validate(store, ["eu-reach-svhc"], AT)
    found = _concerned(store, report, "#ArticleThreshold", "entry", SH.Warning)  # a duty, not a ban
    assert len(found) == 3 and all(len(cas & {DBDPE, BPAF, HEXANE}) == 1 for cas in found)
    assert set().union(*found) >= {DBDPE, BPAF, HEXANE}
