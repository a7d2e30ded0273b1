"""REACH Annex XVII restrictions that concern articles, as rules on homogeneous materials.

`annex-xvii-conditions.csv` gives, per entry and paragraph, the substances (CAS numbers, or lead / cadmium
and their compounds), the limit and what it is a share of, the element it is measured as, the conditions of
use (supplied to the general public, toys and childcare articles, skin contact, ...), the kind of material,
whether EEE within RoHS is excluded, the dates, whether the limit holds for the sum of the substances or for
each one (`aggregation`: entry 50, "any of the listed PAHs"), and a derogation for a kind of material up to a
concentration (`derogation_material`, `derogation_up_to_percent`: entry 63(8), brass alloys with lead up to 0,5 %),
each row with its legal text, source and verification.
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
from complygraph.loaders.composition_rules import USES
from complygraph.loaders.errors import Problems
from complygraph.loaders.listmodel import ListBuilder, restriction_terms
from complygraph.loaders.tabular import Row, read_delimited
from complygraph.vocab import ID, RDF_TYPE, cg, dct, list_iri, prov, substance_iri

COMPANION = "annex-xvii-conditions.csv"
COLUMNS = {c: c for c in ("entry", "paragraph", "substances", "measured_as", "limit", "unit", "comparison",
                          "aggregation", "basis", "condition", "applies_from", "applies_until", "derogation",
                          "derogation_material", "derogation_up_to_percent", "legal_text", "source", "verification")}
# how a row's limit takes its substances: their sum ("individually or in any combination", "the sum of") or each
# one on its own ("any of the listed PAHs")
AGGREGATIONS = {"sum": False, "each substance": True}
TERMS = "annex-xvii-terms.csv"
TERM_COLUMNS = {c: c for c in ("column", "phrase", "means", "value", "note")}
UNITS = {"percent": "percent", "mg/kg": "ppm"}
CAS = re.compile(r"\b\d{2,7}-\d{2}-\d\b")


def annex_xvii_rules(builder: ListBuilder, problems: Problems) -> list[Triple]:
    src = builder.companions.get(COMPANION)
    if src is None:
        return []
    terms = _terms(builder, problems)
    out: list[Triple] = []
    for row in read_delimited(src.path, COLUMNS, {"entry", "substances", "basis", "legal_text", "verification",
                                                  "comparison", "aggregation"}):
        out += list(_rule(builder, row, src.iri, terms, problems))
    return out


def _rule(builder: ListBuilder, row: Row, source: NamedNode, terms: Terms,
          problems: Problems) -> Iterator[Triple]:
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
    targets, named = _targets(row, terms, problems)
    for t in targets:
        yield rdf.t(node, cg.concerns, t)
    for group in targets:  # the CAS numbers a group's phrase names are its members whatever their structure
        for substance in named:
            yield rdf.t(group, cg.hasMember, substance)
    unlisted = terms.get(("substances", row.get("substances").strip().lower()), ("", ""))
    if unlisted[0] == "unlisted":  # entry 72's Appendix 12: every material in the row's uses is unknown (QA11 B04)
        yield rdf.t(node, cg.substancesUnlisted, rdf.boolean(True))
        why.append(f"its substances ({unlisted[1]}) are not in complygraph's data")
    elif not targets:
        why.append(f"the substances ({row.get('substances')}) are a class complygraph has no membership rule for")
    unit = UNITS.get(row.get("unit").strip())
    limit = row.get("limit").strip()
    if unit is None or not limit:
        why.append(f"the limit ({limit or 'none'} {row.get('unit')}) is not a concentration")
    basis = row.get("basis").strip()
    share = terms.get(("basis", basis.lower()))
    if share is None:
        why.append(f"the basis ({basis}) is not a share of an article's material")
    uses: list[list[str]] = []
    material = share[1] if share and share[1] else None
    for term in (c.strip() for c in row.get("condition").split(";") if c.strip()):
        means, value = terms.get(("condition", term.lower()), ("", ""))
        if means == "material":
            material = value
        elif means == "use":
            uses.append(value.split("|"))
        elif means == "excludes-rohs-eee":
            yield rdf.t(node, cg.excludesRoHSEEE, rdf.boolean(True))
        elif means == "excludes-use":  # 63(8)(k): toys, food-contact articles, packaging (QA11 B05)
            yield rdf.t(node, cg.excludesUse, rdf.text(value))
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
    each = AGGREGATIONS.get(row.get("aggregation").strip())
    if each is None:
        problems.add(row.file, row.line, "aggregation", f"must be one of: {', '.join(AGGREGATIONS)}")
    elif each:
        yield rdf.t(node, cg.limitPerSubstance, rdf.boolean(True))
    yield from _derogation(node, row, problems)
    yield from restriction_terms(node, terms)
    element = MEASURED_AS.get(row.get("measured_as").strip())
    if element:
        yield rdf.t(node, cg.elementBasis, rdf.text(element))
    yield rdf.t(node, cg.evaluated, rdf.boolean(not why))
    if why:
        yield rdf.t(node, cg.note, rdf.text("not evaluated: " + "; ".join(why)))


def _derogation(node: NamedNode, row: Row, problems: Problems) -> Iterator[Triple]:
    """A derogation for a kind of material up to a concentration of the row's substances (as its element where the
    row is measured so), the bound included ("does not exceed"): `cg:derogation [ cg:materialCondition "brass" ;
    cg:maxPercent 0.5 ]`. At most one per row, so that the restriction's rows are never counted twice."""
    material, up_to = row.get("derogation_material").strip(), row.get("derogation_up_to_percent").strip()
    if not material and not up_to:
        return
    try:
        if not material or float(up_to) < 0:
            raise ValueError
    except ValueError:
        problems.add(row.file, row.line, "derogation_material/derogation_up_to_percent",
                     "a derogation needs both a material class and a percentage at or above 0")
        return
    derogation = BlankNode()
    yield rdf.t(node, cg.derogation, derogation)
    yield rdf.t(derogation, cg.materialCondition, rdf.text(material))
    yield rdf.t(derogation, cg.maxPercent, rdf.decimal(up_to))


def _targets(row: Row, terms: Terms, problems: Problems) -> tuple[list[NamedNode], list[NamedNode]]:
    """What a row concerns (a group the terms name, else the substances of the CAS numbers in its text) and, for
    a group, the substances its phrase names by CAS ("C9-C14 PFCAs and their salts (PFNA 375-95-1; ...)"): members
    of the group even where the identity database knows no structure for them, counted once in a sum."""
    text = row.get("substances")
    means, group = terms.get(("substances", text.strip().lower()), ("", ""))
    named = []
    for raw in CAS.findall(text):
        try:
            named.append(substance_iri(cas=normalise_cas(raw)))
        except InvalidIdentifier as exc:
            problems.add(row.file, row.line, "substances", str(exc))
    if means == "group":
        return [NamedNode(f"{ID}group/{group}")], named
    return named, []


# `measured_as` -> the element each substance counts as (its mass times that element's mass fraction): entries 20 and
# 63 measure tin and lead, 23 cadmium, 62 mercury, 47 chromium VI (chromium in a hexavalent chromium compound), 72
# (Appendix 12) arsenic and the other extractable metals
MEASURED_AS = {"Pb": "Pb", "Cd": "Cd", "Sn": "Sn", "Hg": "Hg", "Cr(VI)": "Cr", "As": "As"}
Terms = dict[tuple[str, str], tuple[str, str]]
_MEANS = {"substances": {"group", "unlisted"}, "basis": {"share"},
          "condition": {"material", "use", "excludes-rohs-eee", "excludes-use"}}


def _terms(builder: ListBuilder, problems: Problems) -> Terms:
    """(column, phrase) -> (what it means, value), from `annex-xvii-terms.csv`: how the words of the conditions
    file become the model's terms (a group, a share of a kind of material, a use, the RoHS-EEE exclusion), as
    data that a reviewer reads beside the legal text. A phrase not in it leaves its row listed, not evaluated."""
    src = builder.companions.get(TERMS)
    if src is None:
        return {}
    out: Terms = {}
    for r in read_delimited(src.path, TERM_COLUMNS, {"column", "phrase", "means"}):
        column, means = r.get("column").strip(), r.get("means").strip()
        if means not in _MEANS.get(column, ()):
            problems.add(r.file, r.line, "means", f"{means!r} is not a meaning of column {column!r} "
                                                  f"(one of: {', '.join(sorted(_MEANS.get(column, ())))})")
            continue
        known = USES + (("packaging",) if means == "excludes-use" else ())  # a packaging component's material
        unknown = [u for u in r.get("value").split("|") if means in ("use", "excludes-use") and u.strip() not in known]
        if unknown:
            problems.add(r.file, r.line, "value", f"unknown use {unknown[0]!r}; one of {', '.join(USES)}")
            continue
        out[(column, r.get("phrase").strip().lower())] = (means, r.get("value").strip())
    return out
