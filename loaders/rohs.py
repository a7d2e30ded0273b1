"""EU RoHS: Annex II restricted substances with their limits (the exemptions are in `rohs_exemptions`).

The Annex II file gives substance, group and limit; the project's own `annex-ii-dates.csv` gives when each
entry was listed and from when it applies, and `group-members.csv` which substances each group covers.
All three are data: a new substance or a changed date is an edit to a CSV.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pyoxigraph import NamedNode

from complygraph.dates import iso_date
from complygraph.identifiers import slug
from complygraph.loaders import rdf
from complygraph.loaders.eee_scopes import covered_scopes, scope_terms
from complygraph.loaders.errors import Problems
from complygraph.loaders.list_exports import read_export
from complygraph.loaders.listmodel import (
    ListBuilder,
    SubstanceRef,
    clean,
    restriction_terms,
    substances_in,
    verification_stated,
)
from complygraph.loaders.tabular import read_delimited
from complygraph.vocab import ID, RDF_TYPE, cg, dct, list_iri, prov

DATES = {"substance": "name", "date_of_inclusion": "date", "effective_from": "effective_from",
         "legal_basis": "legal_basis"}
MEMBERS = {"group": "group", "cas_number": "cas", "member_name": "name", "source": "source"}
CATEGORY_DATES = {"substance": "name", "categories": "categories", "effective_from": "effective_from",
                  "legal_basis": "legal_basis", "source": "source", "verification": "verification"}
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
    late = _category_dates(builder, problems)
    for row in read_export(path, "rohs-annex-ii", list_id):
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
        for i, r in enumerate(late.get(name, []), start=1):
            start = NamedNode(f"{node.value}/category-start/{i}")
            builder.extra += [rdf.t(node, cg.startForCategory, start),
                              rdf.t(start, cg.effectiveFrom, rdf.date(iso_date(r.get("effective_from")))),
                              rdf.t(start, dct.source, rdf.text(r.get("legal_basis"))),
                              rdf.t(start, cg.verification, rdf.text(r.get("verification")))]
            builder.extra += scope_terms(start, covered_scopes(r.get("categories")))
        late.pop(name, None)
    for name, rows in late.items():
        problems.add(rows[0].file, rows[0].line, "substance", f"no Annex II entry {name!r}")


def _category_dates(builder: ListBuilder, problems: Problems) -> dict[str, list]:
    """Annex II entry name -> the rows of `annex-ii-category-dates.csv`: the EEE categories the restriction
    applies to only from a later date (Art. 4(3); the phthalates for categories 8 and 9)."""
    src = builder.companions.get("annex-ii-category-dates.csv")
    if src is None:
        return {}
    out: dict[str, list] = {}
    for r in read_delimited(src.path, CATEGORY_DATES, {"name", "categories", "effective_from", "verification"}):
        try:
            iso_date(r.get("effective_from"))
            covered_scopes(r.get("categories"))
        except ValueError as exc:
            problems.add(r.file, r.line, "effective_from/categories", str(exc))
            continue
        if verification_stated(r, problems):
            out.setdefault(r.get("name"), []).append(r)
    return out
