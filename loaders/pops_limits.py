"""EU POPs Annex I, column 4: the unintentional trace contaminant (UTC) limits.

Regulation (EU) 2019/1021 Art. 4(1)(b) exempts a listed substance "present as an unintentional trace
contaminant" up to the concentration its Annex I entry states; above it the substance is prohibited whether
or not it was added on purpose. The limits, the forms they apply to (substance, mixture, article), their
dates (each amending delegated regulation lowers some of them) and whether the derogation covers
concentrations "equal to or below" (`up to`) or only "lower than" (`below`) the value are rows of
`pops-annex-i-limits.csv`, each with its legal basis, source and verification. Rows limited to a narrower
scope or use (`applies_to`: related compounds, recovered material, medical devices, ...) are stored but not
evaluated: complygraph cannot tell those uses from the data, so the general limit of the entry applies,
which never under-reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from pyoxigraph import NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.loaders import rdf
from complygraph.loaders.errors import Problems
from complygraph.loaders.listmodel import Entry, ListBuilder, restriction_terms, verification_stated
from complygraph.loaders.tabular import read_delimited
from complygraph.vocab import ID, RDF_TYPE, cg, dct, entry_iri, list_iri, prov

COMPANION = "pops-annex-i-limits.csv"
COLUMNS = {"entry": "entry", "scope": "scope", "form": "form", "limit_mg_per_kg": "limit", "summed": "summed",
           "valid_from": "from", "valid_until": "until", "applies_to": "applies_to", "comparison": "comparison",
           "legal_basis": "legal_basis", "source": "source", "verification": "verification"}
FORMS = {"substance", "mixture", "article"}


def trace_limits(builder: ListBuilder, entries_by_name: dict[str, Entry], problems: Problems) -> list[Triple]:
    """The restrictions of the companion file, each concerning the entry it names (a summed limit concerns
    every entry of its `summed` key); rows repeated per entry for one summed limit become one restriction."""
    src = builder.companions.get(COMPANION)
    if src is None:
        return []
    list_id = builder.spec.id
    rows: dict[str, dict] = {}
    for r in read_delimited(src.path, COLUMNS, {"entry", "scope", "form", "limit", "from", "verification"}):
        entry = entries_by_name.get(r.get("entry"))
        if entry is None:
            problems.add(r.file, r.line, "entry", f"no entry named {r.get('entry')!r} in the list")
            continue
        forms = {f.strip() for f in r.get("form").split(";") if f.strip()}
        if not forms <= FORMS:
            problems.add(r.file, r.line, "form", f"unknown form(s) {sorted(forms - FORMS)}; one of {sorted(FORMS)}")
            continue
        if r.get("comparison") not in ("up to", "below"):
            problems.add(r.file, r.line, "comparison", "must be 'up to' (equal to or below) or 'below' (lower than)")
            continue
        try:
            float(r.get("limit"))
            start = iso_date(r.get("from"))
            end = iso_date(r.get("until")) if r.get("until") else None
        except ValueError as exc:
            problems.add(r.file, r.line, "limit_mg_per_kg/valid_from/valid_until", str(exc))
            continue
        if not verification_stated(r, problems):
            continue
        key = r.get("summed") or r.get("entry")
        ident = "|".join((key, r.get("scope") if not r.get("summed") else "", r.get("form"), r.get("limit"),
                          str(start), str(end), r.get("applies_to")))
        row = rows.setdefault(ident, {"row": r, "forms": forms, "from": start, "until": end, "entries": []})
        row["entries"].append(entry)
    return [t for ident, row in rows.items() for t in _restriction(builder, list_id, ident, row)]


def _restriction(builder: ListBuilder, list_id: str, ident: str, row: dict) -> Iterator[Triple]:
    r = row["row"]
    node = NamedNode(f"{ID}restriction/{list_id}/trace/{hashlib.sha256(ident.encode()).hexdigest()[:16]}")
    yield rdf.t(node, RDF_TYPE, cg.Restriction)
    yield rdf.t(node, prov.wasGeneratedBy, builder.import_iri)
    yield rdf.t(node, prov.wasDerivedFrom, builder.companions[COMPANION].iri)
    yield rdf.t(node, dct.isPartOf, list_iri(list_id))
    yield rdf.t(node, cg.basis, cg.TraceContaminantBasis)
    for iri in dict.fromkeys(entry_iri(list_id, builder.entry_key(e)).value for e in row["entries"]):
        yield rdf.t(node, cg.concerns, NamedNode(iri))
    for form in sorted(row["forms"]):
        yield rdf.t(node, cg.appliesToForm, rdf.text(form))
    yield from restriction_terms(node, {"limit": r.get("limit"), "unit": "ppm", "effective_from": row["from"],
                                        "effective_until": row["until"], "scope": r.get("scope"),
                                        "legal_basis": r.get("legal_basis")})
    if r.get("comparison") == "below":
        yield rdf.t(node, cg.limitExclusive, rdf.boolean(True))
    if r.get("applies_to"):
        yield rdf.t(node, cg.appliesOnlyTo, rdf.text(r.get("applies_to")))
    yield rdf.t(node, cg.verification, rdf.text(r.get("verification")))
