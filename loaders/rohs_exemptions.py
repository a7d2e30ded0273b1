"""EU RoHS Annex III and IV exemptions, dated per EEE category, with the conditions they state.

`data/eu-rohs/exemptions.csv` has one row per exemption, category set and validity period (an exemption
renewed by a delegated directive, or expiring at different dates for categories 1-7, 10 and 8, 9, 11, has
several rows), with the material it is limited to, the maximum (or minimum) concentration of the restricted
substance it states, its legal basis, source and verification. Each row becomes a `cg:ExemptionValidity` of
its exemption; the shapes decide at the evaluation date whether a claimed exemption holds for the
categories of the products a part goes into, the material it is claimed for and the concentration found.
Annex III and Annex IV number their exemptions independently (both have a 15), so each annex is a list of
its own, read from the same file (catalog option `annex`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.identifiers import slug
from complygraph.loaders import rdf
from complygraph.loaders.eee_scopes import covered_scopes, scope_terms
from complygraph.loaders.errors import Problems
from complygraph.loaders.list_exports import read_export
from complygraph.loaders.listmodel import ListBuilder, verification_stated
from complygraph.loaders.tabular import Row
from complygraph.vocab import ID, RDF_TYPE, cg, dct, exemption_iri, list_iri, prov, substance_iri


def load_exemptions(builder: ListBuilder, path: Path, problems: Problems) -> None:
    """The exemptions of one annex (catalog option `annex`: "III" or "IV"), each tied to the Annex II
    restriction targets its substance scope names (catalog option `scope_targets`: "group:<Annex II group>"
    or "cas:<CAS number>")."""
    list_id = builder.spec.id
    annex = builder.spec.options.get("annex", "III")
    targets: dict[str, str] = {k.lower(): v for k, v in builder.spec.options.get("scope_targets", {}).items()}
    annex_ii = builder.spec.options.get("annex_ii_list", "eu-rohs-annex-ii")
    by_id: dict[str, list[Row]] = {}
    for row in read_export(path, "rohs-exemptions", list_id):
        if row.get("annex").strip() == annex:
            by_id.setdefault(row.get("exemption").strip(), []).append(row)
    source = next(s.iri for s in builder.sources if s.path == path)
    for ex_id, rows in by_id.items():
        triples = list(_exemption(list_id, ex_id, rows, targets, annex_ii, builder, source, problems))
        builder.extra += triples
        builder.item_count += 1


def _exemption(list_id: str, ex_id: str, rows: list[Row], targets: dict[str, str], annex_ii: str,
               builder: ListBuilder, source: NamedNode, problems: Problems) -> Iterator[Triple]:
    node = exemption_iri(list_id, ex_id)
    latest = max(rows, key=lambda r: r.get("valid_from"))
    yield rdf.t(node, RDF_TYPE, cg.Exemption)
    yield rdf.t(node, prov.wasGeneratedBy, builder.import_iri)
    yield rdf.t(node, prov.wasDerivedFrom, source)
    yield rdf.t(node, cg.exemptionUnder, list_iri(list_id))
    yield rdf.t(node, cg.exemptionId, rdf.text(ex_id))
    yield rdf.t(node, dct.description, rdf.text(latest.get("text"), "en"))
    for code in sorted({r.get("chemsherpa_code").strip() for r in rows if r.get("chemsherpa_code").strip()}):
        yield rdf.t(node, cg.exemptionCode, rdf.text(code))
    scopes = {s.strip() for r in rows for s in r.get("substance_scope").split(",") if s.strip()}
    for scope in sorted(scopes):
        target = targets.get(scope.lower())
        if target is None:
            problems.add(rows[0].file, rows[0].line, "substance_scope",
                         f"no Annex II restriction for scope {scope!r} (known: {', '.join(sorted(targets))})")
            continue
        kind, _, value = target.partition(":")
        iri = NamedNode(f"{ID}group/{annex_ii}/{slug(value)}") if kind == "group" else substance_iri(cas=value)
        yield rdf.t(node, cg.concerns, iri)
    for i, row in enumerate(sorted(rows, key=lambda r: (r.get("valid_from"), r.get("categories"))), start=1):
        yield from _validity(NamedNode(f"{node.value}/validity/{i}"), node, row, builder, source, problems)


def _validity(v: NamedNode, exemption: NamedNode, row: Row, builder: ListBuilder, source: NamedNode,
              problems: Problems) -> Iterator[Triple]:
    try:
        start = iso_date(row.get("valid_from"))
        end = iso_date(row.get("valid_until")) if row.get("valid_until").strip() else None
        cells = covered_scopes(row.get("categories"))
    except ValueError as exc:
        problems.add(row.file, row.line, "valid_from/valid_until/categories", str(exc))
        return
    if not verification_stated(row, problems):
        return
    yield rdf.t(v, RDF_TYPE, cg.ExemptionValidity)
    yield rdf.t(v, prov.wasGeneratedBy, builder.import_iri)
    yield rdf.t(v, prov.wasDerivedFrom, source)
    yield rdf.t(v, cg.validityOf, exemption)
    yield rdf.t(v, cg.validFrom, rdf.date(start))
    if end is not None:
        yield rdf.t(v, cg.validUntil, rdf.date(end))
    yield from scope_terms(v, cells)
    yield rdf.t(v, dct.description, rdf.text(row.get("text"), "en"))
    yield rdf.t(v, cg.verification, rdf.text(row.get("verification")))
    if row.get("legal_basis").strip():
        yield rdf.t(v, dct.source, rdf.text(row.get("legal_basis")))
    if row.get("material").strip():
        yield rdf.t(v, cg.materialCondition, rdf.text(row.get("material").strip().lower()))
    cap = row.get("max_percent").strip()
    if cap:
        try:
            if cap.startswith(">="):
                yield rdf.t(v, cg.minPercent, rdf.decimal(cap[2:].strip()))
            else:
                yield rdf.t(v, cg.maxPercent, rdf.decimal(cap))
        except (ValueError, ArithmeticError):
            problems.add(row.file, row.line, "max_percent", f"not a number (or >=number): {cap!r}")
    if row.get("max_mg").strip():
        yield rdf.t(v, cg.maxMgPerItem, rdf.decimal(row.get("max_mg").strip()))
