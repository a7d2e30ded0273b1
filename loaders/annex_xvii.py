"""REACH Annex XVII restrictions that concern articles, as rules on homogeneous materials.

`annex-xvii-conditions.csv` gives, per entry and paragraph, the substances (CAS numbers, or lead / cadmium
and their compounds), the limit and what it is a share of, the element it is measured as, the conditions of
use (supplied to the general public, toys and childcare articles, skin contact, ...), the kind of material,
whether EEE within RoHS is excluded, and the dates, each row with its legal text, source and verification.
A row becomes a `cg:Restriction` of the Annex XVII list. Rows complygraph cannot decide from composition data
(a release rate, an emission, a mixture-only entry, a list of article types or uses, a derogation for
recovered material) are stored with `cg:evaluated false` and the reason: `lists` counts their entries as
listed, not evaluated, and they never pass silently as evaluated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from pyoxigraph import BlankNode, NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.identifiers import InvalidIdentifier, normalise_cas, slug
from complygraph.loaders import rdf
from complygraph.loaders.errors import Problems
from complygraph.loaders.listmodel import ListBuilder, restriction_terms
from complygraph.loaders.tabular import Row, read_delimited
from complygraph.vocab import ID, RDF_TYPE, cg, dct, list_iri, prov, substance_iri

COMPANION = "annex-xvii-conditions.csv"
COLUMNS = {c: c for c in ("entry", "paragraph", "substances", "measured_as", "limit", "unit", "comparison", "basis",
                          "condition",
                          "applies_from", "applies_until", "derogation", "legal_text", "source", "verification")}
# groups an entry names in words, as the RoHS Annex II groups that reach every compound of the element
GROUPS = {"lead and its compounds": "eu-rohs-annex-ii/lead-and-its-compounds",
          "cadmium and its compounds": "eu-rohs-annex-ii/cadmium-and-its-compounds"}
UNITS = {"percent": "percent", "mg/kg": "ppm"}
# the kind of material a basis or condition names (material classes of the eu-rohs pack data)
MATERIALS = {"plastic material": "plastic", "pvc": "pvc", "paint": "paint", "brazing filler": "brazing filler",
             "material=paint": "paint",
             "material=pvc": "pvc", "material=plastic": "plastic", "material=rubber": "rubber",
             "listed polymers": "plastic"}
BASES = {"article", "article or part", "accessible part", "homogeneous material", "plastic material", "pvc",
         "plasticised material", "rubber or plastic component", "paint", "brazing filler", "metal part"}
USES = {"supplied to general public": ["general-public"], "toy|childcare article": ["toy", "childcare-article"],
        "may be placed in the mouth by children": ["mouthable"],
        "skin contact prolonged or repetitive": ["skin-contact"],
        "textile": ["textile"], "jewellery": ["jewellery"], "thermal paper": ["thermal-paper"],
        "textile|footwear|mixture": ["textile", "footwear"]}
CAS = re.compile(r"\b\d{2,7}-\d{2}-\d\b")


def annex_xvii_rules(builder: ListBuilder, problems: Problems) -> list[Triple]:
    src = builder.companions.get(COMPANION)
    if src is None:
        return []
    out: list[Triple] = []
    for row in read_delimited(src.path, COLUMNS, {"entry", "substances", "basis", "legal_text", "verification",
                                                  "comparison"}):
        out += list(_rule(builder, row, src.iri, problems))
    return out


def _rule(builder: ListBuilder, row: Row, source: NamedNode, problems: Problems) -> Iterator[Triple]:
    key = "|".join(row.get(c) for c in ("entry", "paragraph", "substances", "limit", "condition", "applies_from"))
    node = NamedNode(f"{ID}restriction/{builder.spec.id}/{slug(row.get('entry'))}/"
                     f"{hashlib.sha256(key.encode()).hexdigest()[:12]}")
    yield rdf.t(node, RDF_TYPE, cg.Restriction)
    yield rdf.t(node, prov.wasGeneratedBy, builder.import_iri)
    yield rdf.t(node, prov.wasDerivedFrom, source)
    yield rdf.t(node, dct.isPartOf, list_iri(builder.spec.id))
    yield rdf.t(node, cg.entryNumber, rdf.text(row.get("entry").lstrip("0")))
    yield rdf.t(node, dct.description, rdf.text(row.get("legal_text"), "en"))
    yield rdf.t(node, cg.verification, rdf.text(row.get("verification")))
    paragraph = f", paragraph {row.get('paragraph')}" if row.get("paragraph") else ""
    legal = f"Regulation (EC) No 1907/2006 Annex XVII, entry {row.get('entry')}{paragraph}"
    yield rdf.t(node, dct.source, rdf.text(legal))
    why: list[str] = []
    targets = _targets(row, problems)
    for t in targets:
        yield rdf.t(node, cg.concerns, t)
    if not targets:
        why.append(f"the substances ({row.get('substances')}) are a class complygraph has no membership rule for")
    unit = UNITS.get(row.get("unit").strip())
    limit = row.get("limit").strip()
    if unit is None or not limit:
        why.append(f"the limit ({limit or 'none'} {row.get('unit')}) is not a concentration")
    basis = row.get("basis").strip()
    if basis not in BASES:
        why.append(f"the basis ({basis}) is not a share of an article's material")
    uses: list[list[str]] = []
    material = MATERIALS.get(basis)
    for term in (c.strip() for c in row.get("condition").split(";") if c.strip()):
        if term in MATERIALS:
            material = MATERIALS[term]
        elif term in USES:
            uses.append(USES[term])
        elif term == "not RoHS EEE":
            yield rdf.t(node, cg.excludesRoHSEEE, rdf.boolean(True))
        else:
            why.append(f"the condition '{term}' cannot be decided from composition data")
    if material:
        yield rdf.t(node, cg.materialCondition, rdf.text(material))
    for alternatives in uses:
        choice = BlankNode()
        yield rdf.t(node, cg.requiresUseOf, choice)
        for use in alternatives:
            yield rdf.t(choice, cg.use, rdf.text(use))
    # a row whose date of application is not recorded applies at every date (never a false pass)
    dates = {"effective_from": row.get("applies_from") or "1900-01-01", "effective_until": row.get("applies_until")}
    try:
        for d in dates.values():
            if d:
                iso_date(d)
    except ValueError as exc:
        problems.add(row.file, row.line, "applies_from/applies_until", str(exc))
        return
    terms = {"basis": "HomogeneousMaterialBasis", **dates}
    if unit and limit:
        try:
            float(limit)
            terms |= {"limit": limit, "unit": unit}
        except ValueError:
            why.append(f"the limit {limit!r} is not a number")
    # "equal to or greater than" (most entries): the limit itself is already over it
    if row.get("comparison").strip() == "at or above":
        yield rdf.t(node, cg.limitExclusive, rdf.boolean(True))
    elif row.get("comparison").strip() != "above":
        problems.add(row.file, row.line, "comparison", "must be 'at or above' or 'above'")
    yield from restriction_terms(node, terms)
    if row.get("measured_as").strip() in ("Pb", "Cd", "Sn"):
        yield rdf.t(node, cg.elementBasis, rdf.text(row.get("measured_as").strip()))
    yield rdf.t(node, cg.evaluated, rdf.boolean(not why))
    if why:
        yield rdf.t(node, cg.note, rdf.text("not evaluated: " + "; ".join(why)))


def _targets(row: Row, problems: Problems) -> list[NamedNode]:
    text = row.get("substances")
    group = GROUPS.get(text.strip().lower())
    if group:
        return [NamedNode(f"{ID}group/{group}")]
    out = []
    for raw in CAS.findall(text):
        try:
            out.append(substance_iri(cas=normalise_cas(raw)))
        except InvalidIdentifier as exc:
            problems.add(row.file, row.line, "substances", str(exc))
    return out
