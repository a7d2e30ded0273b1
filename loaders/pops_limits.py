"""EU POPs Annex I, column 4: the unintentional trace contaminant (UTC) limits.

Regulation (EU) 2019/1021 Art. 4(1)(b) exempts a listed substance "present as an unintentional trace
contaminant" up to the concentration its Annex I entry states; above it the substance is prohibited whether
or not it was added on purpose. The limits, the forms they apply to (substance, mixture, article), their
dates (each amending delegated regulation lowers some of them) and whether the derogation covers
concentrations "equal to or below" (`up to`) or only "lower than" (`below`) the value are rows of
`pops-annex-i-limits.csv`, each with its legal basis, source and verification. Rows limited to a narrower
use (`applies_to`: recovered material, medical devices, ...) are stored but not evaluated: complygraph cannot
tell those uses from the data, so the general limit of the entry applies, which never under-reports.

A row may concern a class of the entry's substances rather than all of them (`only_members_of`: "the sum of all
PFOS-related compounds", 1 mg/kg) or all but a class (`except_members_of`: "PFOS or any of its salts",
0.025 mg/kg): the class is a substance group whose members the membership rules decide (structure, or CAS numbers a
text names; data/echa/pops-membership-rules.ttl). A substance the rules cannot place in the class (no structure) stays
under the row that excepts the class: the stricter limit, never a false pass. Before 2026-12-06 the related-compounds
rows were not evaluated and PFOSF, PFOSA or 8:2 FTOH at 0.5 mg/kg were violations of the 0.025 mg/kg limit (QA5 B04).

`intent` says whom the row derogates: `unintentional` (Art. 4(1)(b): a substance present as an unintentional trace
contaminant; intentionally added, the substance is prohibited at any concentration) or `any` (a derogation of the
entry from Article 3 itself, whatever the intent: the SCCP entry's "articles containing SCCPs in concentrations
lower than 0,15 % by weight shall be allowed"; until 2026-12-06 intentionally added SCCP at 0.10 % was a violation,
QA5 B05).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.loaders import rdf
from complygraph.loaders.errors import Problems
from complygraph.loaders.listmodel import Entry, ListBuilder, SourceFile, restriction_terms, verification_stated
from complygraph.loaders.tabular import read_delimited
from complygraph.vocab import ID, RDF_TYPE, cg, dct, entry_iri, list_iri, prov

COMPANION = "pops-annex-i-limits.csv"
DATES = "pops-annex-i-application-dates.csv"
DATE_COLUMNS = {c: c for c in ("entry", "applies_from", "listed_by", "legal_basis", "source", "verification")}
COLUMNS = {"entry": "entry", "scope": "scope", "form": "form", "limit_mg_per_kg": "limit", "summed": "summed",
           "valid_from": "from", "valid_until": "until", "applies_to": "applies_to", "comparison": "comparison",
           "legal_basis": "legal_basis", "source": "source", "verification": "verification", "intent": "intent",
           "only_members_of": "only_members_of", "except_members_of": "except_members_of"}
FORMS = {"substance", "mixture", "article"}
INTENTS = {"unintentional", "any"}
GROUP_PREFIX = "group/"  # a class of an entry's substances: a group IRI relative to the ID namespace


def trace_limits(builder: ListBuilder, entries_by_name: dict[str, Entry], problems: Problems) -> list[Triple]:
    """The restrictions of the companion file, each concerning the entry it names (a summed limit concerns
    every entry of its `summed` key); rows repeated per entry for one summed limit become one restriction."""
    src = builder.companions.get(COMPANION)
    if src is None:
        return []
    list_id = builder.spec.id
    dates = application_dates(builder, entries_by_name, problems)
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
        if (r.get("intent") or "unintentional") not in INTENTS:  # empty: Art. 4(1)(b), the stricter reading
            problems.add(r.file, r.line, "intent", f"must be one of {sorted(INTENTS)}")
            continue
        if any(r.get(c) and not r.get(c).startswith(GROUP_PREFIX) for c in ("only_members_of", "except_members_of")):
            problems.add(r.file, r.line, "only_members_of/except_members_of",
                         f"a group IRI relative to {ID} (starting with {GROUP_PREFIX!r})")
            continue
        if r.get("intent") == "any" and (r.get("only_members_of") or r.get("except_members_of")):
            problems.add(r.file, r.line, "intent", "a derogation whatever the intent cannot be limited to a class of "
                                                   "the entry's substances (the intentional-presence shape skips the "
                                                   "whole entry where it holds)")
            continue
        if not verification_stated(r, problems):
            continue
        key = r.get("summed") or r.get("entry")
        ident = "|".join((key, r.get("scope") if not r.get("summed") else "", r.get("form"), r.get("limit"),
                          str(start), str(end), r.get("applies_to"), r.get("intent"), r.get("only_members_of"),
                          r.get("except_members_of")))
        row = rows.setdefault(ident, {"row": r, "forms": forms, "from": start, "until": end, "entries": []})
        row["entries"].append(entry)
    return dates + [t for ident, row in rows.items() for t in _restriction(builder, list_id, ident, row)]


def application_dates(builder: ListBuilder, entries_by_name: dict[str, Entry], problems: Problems) -> list[Triple]:
    """The day each entry added by a later act applies (`cg:effectiveFrom` on the entry): the ECHA export's "date of
    inclusion" is the act's publication in the OJ, and Article 3 covers the substance only once the act is in force.
    Until 2026-12-06 methoxychlor, UV-328 and Dechlorane Plus were violations in the weeks between, reported as
    entries without a trace limit (QA5 B12). The dates are rows of `pops-annex-i-application-dates.csv`, each with its
    act, source and verification; read as a companion of the list where the catalog names it, else the shipped copy
    next to the limits file (then recorded as a companion, so the load's provenance names it)."""
    src = builder.companions.get(DATES)
    if src is None:
        shipped = Path(str(resources.files("complygraph.data"))) / "echa" / DATES
        if not shipped.is_file():
            return []
        src = builder.companions[DATES] = SourceFile(shipped, None, None)
    out: list[Triple] = []
    for r in read_delimited(src.path, DATE_COLUMNS, {"entry", "applies_from", "verification"}):
        entry = entries_by_name.get(r.get("entry"))
        if entry is None:
            problems.add(r.file, r.line, "entry", f"no entry named {r.get('entry')!r} in the list")
            continue
        try:
            applies = iso_date(r.get("applies_from"))
        except ValueError as exc:
            problems.add(r.file, r.line, "applies_from", str(exc))
            continue
        if not verification_stated(r, problems):
            continue
        node = entry_iri(builder.spec.id, builder.entry_key(entry))
        out.append(rdf.t(node, cg.effectiveFrom, rdf.date(applies)))
        entry.legal_acts.append(r.get("legal_basis") or "")
        entry.verification = (f"applies from {applies.isoformat()} ({r.get('listed_by')}): {r.get('verification')}; "
                              f"{r.get('source')}")
    return out


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
    if r.get("intent") == "any":  # a derogation whatever the intent: intentional addition is judged by the limit too
        yield rdf.t(node, cg.prohibitsIntentionalAddition, rdf.boolean(False))
    if r.get("only_members_of"):
        yield rdf.t(node, cg.onlyMembersOf, NamedNode(ID + r.get("only_members_of")))
    if r.get("except_members_of"):
        yield rdf.t(node, cg.exceptMembersOf, NamedNode(ID + r.get("except_members_of")))
    yield rdf.t(node, cg.verification, rdf.text(r.get("verification")))
