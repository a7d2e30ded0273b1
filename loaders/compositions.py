"""Importing the complygraph compositions format (version 1): products, parts, BOM, suppliers, materials,
substances, the company's own substance identities, supplier governance and evidence records.

The format is specified in docs/import-format.md and read by `composition_reading`. Records are checked
and turned into triples in one streaming pass, each by the handler of its kind (`composition_rules`,
`governance`, `evidence`); every problem is collected with its file, line and field, and if there is any,
the triples already produced are discarded by the store's transaction and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pyoxigraph import Triple

from complygraph.graph.shacl.packs import load_pack_data
from complygraph.graph.store import Store
from complygraph.heap import few_collections
from complygraph.loaders import bom_cycles, name_membership
from complygraph.loaders.composition_reading import RECORDS, REQUIRED, read_records
from complygraph.loaders.composition_rules import CompositionRules
from complygraph.loaders.errors import InputError, Problem
from complygraph.loaders.evidence import EvidenceRecords
from complygraph.loaders.governance import SupplierRecords
from complygraph.loaders.import_state import ImportState
from complygraph.loaders.membership import enrichment
from complygraph.loaders.provenance import (
    activity_triples,
    dataset_sha256,
    new_activity,
    source_iri,
    source_triples,
)
from complygraph.loaders.records import Record, RecordChecker
from complygraph.loaders.reimport import Conflicts
from complygraph.vocab import entity_iri

__all__ = ["CompositionImport", "import_compositions"]

Handler = Callable[[Record], Iterator[Triple]]
PLURALS = {"identity": "identities"}  # the counts import_compositions returns are named in the plural


class CompositionImport:
    """One import of a data set: its provenance, then every record through the handler of its kind."""

    def __init__(self, sources: list[Path], known_suppliers: set[str] | None = None,
                 store: Store | None = None) -> None:
        self.sources = sources
        self.checks = RecordChecker()
        self.state = ImportState(new_activity(), known_suppliers, store)
        self.rules = CompositionRules(self.checks, self.state)
        self.conflicts = Conflicts(store, self.checks)  # a record may not contradict the store (reimport.py)
        governance = SupplierRecords(self.checks, self.state)
        evidence = EvidenceRecords(self.checks, self.state)
        rules = self.rules
        self.handlers: dict[str, Handler] = {
            "supplier": rules.supplier, "product": rules.product, "part": rules.part,
            "material": rules.material, "substance": rules.substance, "bom": rules.bom,
            "certification": governance.certification, "evaluation": governance.evaluation,
            "approval": governance.approval, "sustainability": governance.sustainability,
            "raw_material": evidence.raw_material, "evidence": evidence.evidence, "identity": rules.identity}
        self.counts = {k: 0 for k in RECORDS}

    def triples(self, records: Iterator[Record]) -> Iterator[Triple]:
        act = self.state.activity
        yield from activity_triples(act)
        for src in self.sources:
            sha = dataset_sha256(src)
            self.state.sources[src] = source_iri(sha)
            yield from source_triples(act, src.name, sha)
        for rec in records:
            if not self.checks.required(rec, REQUIRED[rec.kind]):
                continue
            self.counts[rec.kind] += 1
            yield from self.conflicts.watch(rec, self.handlers[rec.kind](rec))
        self.conflicts.flush()
        self.rules.check_masses()
        self.rules.check_identities()
        self.check_cycles()
        self.checks.problems.raise_if_any()
        # new substances are identified (formula, element fractions; the company's own identity records first,
        # else the database) and put in their groups in the same write
        yield from self.rules.identity_facts()
        yield from enrichment(self.state.cas_numbers, self.state.store, records=self.state.identities.values())
        yield from name_membership.on_import(self.state.declared_names, self.state.store)

    def check_cycles(self) -> None:
        """BOM lines of this import that close a cycle, with each other or with stored lines (`bom_cycles`); a
        line whose parent is a product is in none (a product is never a child)."""
        state = self.state
        lines = [(parent, child) for parent, child in state.bom if parent not in state.products]
        nodes = [(entity_iri("part", p), entity_iri("part", c)) for p, c in lines]
        for cycle in bom_cycles.cycles(state.store, nodes):
            self.checks.problem(state.bom[lines[cycle.line]], "child_id", str(cycle))


def import_compositions(store: Store, source: Path) -> dict[str, int]:
    """Validate and store one data set; on any problem raise InputError and store nothing."""
    source = Path(source)
    if not source.exists():
        raise InputError([Problem(str(source), None, None, "file or folder not found")])
    known = {r["id"].value for r in store.select("SELECT ?id WHERE { ?s a cg:Supplier ; dct:identifier ?id }")}
    job = CompositionImport([source], known, store)
    with few_collections():
        triples = store.write(job.triples(read_records(source)))
    if job.counts["evaluation"] and not store.ask("ASK WHERE { ?s a cg:EvaluationScheme }"):
        load_pack_data(store, ["supplier-governance"])  # the schemes that give the answers their points
    return {**{PLURALS.get(k, f"{k}s"): v for k, v in job.counts.items()}, "triples": triples}
