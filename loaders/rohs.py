"""EU RoHS: Annex II restricted substances with their limits, and Annex III exemptions.

The Annex II file gives substance, group and limit; the project's own `annex-ii-dates.csv` gives when each
entry was listed and from when it applies, and `group-members.csv` which substances each group covers.
All three are data: a new substance or a changed date is an edit to a CSV.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pyoxigraph import NamedNode

from complygraph.identifiers import slug
from complygraph.loaders import rdf
from complygraph.loaders.errors import Problems
from complygraph.loaders.listmodel import ListBuilder, SubstanceRef, clean, restriction_terms, substances_in
from complygraph.loaders.tabular import read_delimited
from complygraph.vocab import ID, RDF_TYPE, cg, dct, exemption_iri, list_iri, prov

ANNEX_II = {
    "substance": "name", "cas_number": "cas", "group": "group",
    "max_concentration_wt_percent": "limit", "basis": "basis", "source": "legal_basis",
}
DATES = {"substance": "name", "date_of_inclusion": "date", "effective_from": "effective_from",
         "legal_basis": "legal_basis"}
MEMBERS = {"group": "group", "cas_number": "cas", "member_name": "name", "source": "source"}
EXEMPTIONS = {"exemption": "id", "chemsherpa_code": "code", "substance_scope": "scope", "text": "text"}
BASES = {"homogeneous material": "HomogeneousMaterialBasis", "article": "ArticleBasis",
         "packaging component": "PackagingComponentBasis", "battery": "BatteryBasis",
         "tin mass": "TinMassBasis"}


def load_annex_ii(builder: ListBuilder, path: Path, problems: Problems) -> None:
    list_id = builder.spec.id
    dates_src = builder.companions["annex-ii-dates.csv"]
    members_src = builder.companions["group-members.csv"]
    dates_path, members_path = dates_src.path, members_src.path
    dates = {r.get("name"): r for r in read_delimited(dates_path, DATES, {"name", "date"})}
    members: dict[str, list[SubstanceRef]] = {}
    for r in read_delimited(members_path, MEMBERS, {"group", "cas"}):
        members.setdefault(r.get("group"), []).extend(
            substances_in(r.fields, list_id=list_id, file=r.file, line=r.line, problems=problems))
    source = {s.path: s.iri.value for s in builder.sources + [dates_src, members_src]}
    for row in read_delimited(path, ANNEX_II, {"name", "limit", "basis"}):
        name = row.get("name")
        group = clean(row.get("group"))
        subjects = []
        if clean(row.get("cas")):
            subjects = substances_in(row.fields, list_id=list_id, file=row.file, line=row.line,
                                     problems=problems)
        d = dates.get(name)
        if d is None:
            problems.add(str(dates_path), None, "substance", f"no dates for Annex II entry {name!r}")
            continue
        e = builder.entry(slug(name), name, subjects)
        e.group_name = group
        e.members = members.get(group, []) if group else []
        e.dates.append(dt.date.fromisoformat(d.get("date")))
        e.sources |= {source[path], source[dates_path]} | ({source[members_path]} if e.members else set())
        basis = BASES.get(row.get("basis").strip().lower())
        if basis is None:
            problems.add(row.file, row.line, "basis", f"unknown basis {row.get('basis')!r}")
            continue
        try:
            float(row.get("limit"))
        except ValueError:
            problems.add(row.file, row.line, "max_concentration_wt_percent", f"not a number: {row.get('limit')!r}")
            continue
        node = NamedNode(f"{ID}restriction/{list_id}/{slug(name)}")
        target = (NamedNode(f"{ID}group/{list_id}/{slug(group)}") if group else subjects[0].iri)
        builder.extra += [
            rdf.t(node, RDF_TYPE, cg.Restriction),
            rdf.t(node, prov.wasGeneratedBy, builder.import_iri),
            rdf.t(node, cg.concerns, target),
            rdf.t(node, dct.isPartOf, list_iri(list_id)),
            *restriction_terms(node, {"limit": row.get("limit"), "unit": "percent", "basis": basis,
                                      "effective_from": d.get("effective_from"),
                                      "legal_basis": d.get("legal_basis") or row.get("legal_basis")}),
        ]

def load_annex_iii(builder: ListBuilder, path: Path, problems: Problems) -> None:
    """Exemptions, each tied to the Annex II group its substance scope names (catalog option
    `scope_groups`). Expiry dates are not in the source and are not invented: an exemption without
    `cg:validUntil` has no recorded expiry."""
    list_id = builder.spec.id
    scope_groups: dict[str, str] = builder.spec.options.get("scope_groups", {})
    annex_ii = builder.spec.options.get("annex_ii_list", "eu-rohs-annex-ii")
    source = builder.sources[0].iri
    lst = list_iri(list_id)
    for row in read_delimited(path, EXEMPTIONS, {"id", "scope", "text"}):
        ex_id = row.get("id")
        if not clean(ex_id):
            problems.add(row.file, row.line, "exemption", "exemption id is missing")
            continue
        node = exemption_iri(list_id, ex_id)
        triples = [
            rdf.t(node, RDF_TYPE, cg.Exemption),
            rdf.t(node, prov.wasGeneratedBy, builder.import_iri),
            rdf.t(node, prov.wasDerivedFrom, source),
            rdf.t(node, cg.exemptionUnder, lst),
            rdf.t(node, cg.exemptionId, rdf.text(ex_id)),
            rdf.t(node, dct.description, rdf.text(row.get("text"), "en")),
        ]
        if clean(row.get("code")):
            triples.append(rdf.t(node, cg.exemptionCode, rdf.text(row.get("code"))))
        for scope in row.get("scope").split(","):
            group = scope_groups.get(scope.strip().lower())
            if group is None:
                problems.add(row.file, row.line, "substance_scope", f"no Annex II group for scope {scope!r}")
                continue
            triples.append(rdf.t(node, cg.concerns, NamedNode(f"{ID}group/{annex_ii}/{slug(group)}")))
        builder.extra += triples
        builder.item_count += 1
