"""Evidence records of the import format (certificates of non-use, laboratory reports, SDS, constituent
lists, change notices) and the registry of approved raw materials (a "Green Book"). What each part needs
and how fresh it must be is in the evidence shape pack; these handlers only check and store the facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from complygraph.identifiers import InvalidIdentifier, normalise_cas
from complygraph.loaders import rdf
from complygraph.loaders.import_state import ImportState
from complygraph.loaders.records import Record, RecordChecker
from complygraph.vocab import ID, RDF_TYPE, cg, dct, entity_iri, prov, rdfs, substance_iri

KINDS = {"certificate-of-non-use": cg.CertificateOfNonUse, "lab-report": cg.LabReport,
         "sds": cg.SafetyDataSheet, "constituent-list": cg.ConstituentList, "change-notice": cg.ChangeNotice}
NEEDS = {"certificate-of-non-use": ("signer",), "lab-report": ("issuer", "method", "cas", "measured_ppm"),
         "change-notice": ("note",)}
DEFAULT_REGISTRY = "green-book"


def raw_material_iri(reference: str) -> NamedNode:
    """`green-book:GB-1234` or a bare number of the default registry."""
    registry, _, number = reference.rpartition(":")
    return NamedNode(f"{ID}raw-material/{quote(registry or DEFAULT_REGISTRY, safe='')}/{quote(number, safe='')}")


class EvidenceRecords:
    """Handlers for `evidence` and `raw_material` records; evidence may cite parts and materials of this
    import or of the store."""

    def __init__(self, checks: RecordChecker, state: ImportState) -> None:
        self.checks = checks
        self.state = state
        self.ids: set[str] = set()
        self.raw: set[str] = set()

    def raw_material(self, rec: Record) -> Iterator[Triple]:
        f = rec.fields
        ref = f"{f.get('registry') or DEFAULT_REGISTRY}:{f['registry_number']}"
        if ref in self.raw:
            self.checks.problem(rec, "registry_number", f"duplicate registry entry {ref!r}")
            return
        until = None
        if f.get("approved_until"):
            until = self.checks.date(rec, "approved_until")
            if until is None:
                return
        self.raw.add(ref)
        node = raw_material_iri(ref)
        yield rdf.t(node, RDF_TYPE, cg.ApprovedRawMaterial)
        yield rdf.t(node, dct.identifier, rdf.text(f["registry_number"]))
        yield rdf.t(node, rdfs.label, rdf.text(f["name"]))
        yield rdf.t(node, cg.registry, rdf.text(f.get("registry") or DEFAULT_REGISTRY))
        yield rdf.t(node, prov.wasGeneratedBy, self.state.activity)
        if until:
            yield rdf.t(node, cg.validUntil, rdf.date(until))
        if f.get("maker"):
            yield rdf.t(node, cg.issuer, rdf.text(f["maker"]))

    def evidence(self, rec: Record) -> Iterator[Triple]:
        f = rec.fields
        kind = f["kind"].lower()
        if kind not in KINDS:
            self.checks.problem(rec, "kind", f"expected one of {', '.join(KINDS)}, got {f['kind']!r}")
            return
        ok = True
        for name in NEEDS.get(kind, ()):
            if not f.get(name):
                self.checks.problem(rec, name, f"a {kind} needs a {name}")
                ok = False
        if not self.checks.unique(rec, self.ids, f["evidence_id"], "evidence_id"):
            ok = False
        self.ids.add(f["evidence_id"])
        pid, mid = f["part_id"], f.get("material_id", "")
        if not self.state.has_part(pid):
            self.checks.problem(rec, "part_id", f"unknown part {pid!r} (neither in this import nor in the store)")
            ok = False
        if mid and not self.state.has_material(mid):
            self.checks.problem(rec, "material_id", f"unknown material {mid!r}")
            ok = False
        date = self.checks.date(rec, "date")
        measured, substance = None, None
        if f.get("measured_ppm"):
            measured = self.checks.number(rec, "measured_ppm", positive=False)
            if measured is not None and measured > 1_000_000:
                self.checks.problem(rec, "measured_ppm", f"{measured} ppm is more than the whole material")
                measured = None
            ok = ok and measured is not None
        if f.get("cas"):
            try:
                substance = substance_iri(cas=normalise_cas(f["cas"]))
            except InvalidIdentifier as exc:
                self.checks.problem(rec, "cas", str(exc))
                ok = False
        if not ok or date is None:
            return
        node = NamedNode(f"{ID}evidence/{quote(f['evidence_id'], safe='')}")
        yield rdf.t(node, RDF_TYPE, KINDS[kind])
        yield rdf.t(node, RDF_TYPE, cg.Evidence)
        yield rdf.t(node, dct.identifier, rdf.text(f["evidence_id"]))
        yield rdf.t(node, cg.supports, entity_iri("part", pid))
        yield rdf.t(node, dct.date, rdf.date(date))
        yield rdf.t(node, prov.wasGeneratedBy, self.state.activity)
        if mid:
            yield rdf.t(node, cg.aboutMaterial, entity_iri("material", mid))
        yield from rdf.texts(node, f, {"signer": cg.signer, "issuer": cg.issuer, "method": cg.method,
                                       "document": cg.documentRef, "note": cg.note})
        if substance is not None:
            yield rdf.t(node, cg.measuredSubstance, substance)
        if measured is not None:
            yield rdf.t(node, cg.measuredPpm, rdf.decimal(measured))
        if f.get("raw_material"):
            yield rdf.t(node, cg.citesRawMaterial, raw_material_iri(f["raw_material"]))
