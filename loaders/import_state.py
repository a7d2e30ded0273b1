"""What one import of company data has written so far: the records later records may refer to.

Records reference each other by id (a part names its supplier, a material its part, evidence its part),
and a reference may only point at a record read before it or at what an earlier import stored. The
record handlers of compositions, governance, evidence and declarations share one `ImportState`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pyoxigraph import NamedNode

from complygraph.graph.store import Store
from complygraph.loaders.identity import Identity, NameResolver
from complygraph.loaders.records import Record
from complygraph.vocab import entity_iri


@dataclass(slots=True)  # one per part and material: millions in a large import
class Tally:
    """A part's or material's own mass (mg) and the sum of what is declared inside it, to check that the
    contents do not outweigh the whole; `file` and `line` name the record a problem is reported on."""

    mass: Decimal
    contents: Decimal
    file: str
    line: int
    field: str = "mass"  # what a problem names: the record's field, or a declaration's element (QA12 B11)


class ImportState:
    def __init__(self, activity: NamedNode, known_suppliers: set[str] | None = None,
                 store: Store | None = None) -> None:
        self.activity = activity  # every node the import writes is traced to it
        self.known_suppliers = known_suppliers or set()  # supplier ids already in the store
        self.suppliers: set[str] = set()
        self.products: set[str] = set()
        self.parts: dict[str, Tally] = {}
        self.materials: dict[str, Tally] = {}
        self.occurrences: set[tuple[str, str]] = set()  # (material id, substance key)
        self.substances_seen: set[str] = set()  # a substance's own facts are written once per import
        self.cas_numbers: set[str] = set()  # substances by CAS number, identified at the end of the import
        self.declared_names: dict[str, set[str]] = defaultdict(set)  # by a name nothing resolves: IRI -> names
        self.named: set[str] = set()  # CAS numbers whose substance this import labels from a substance record
        self.sources: dict[Path, NamedNode] = {}  # each data set read and its source entity (provenance.py)
        self.identities: dict[str, Identity] = {}  # the company's own identity records, by CAS number
        self.identity_records: dict[str, Record] = {}  # ... and where each stands
        self.bom: dict[tuple[str, str], Record] = {}  # each BOM line (parent id, child id) and its record
        self.store = store
        self._store = store  # asked about parts and materials that evidence cites from earlier imports
        self._stored: dict[tuple[str, str], bool] = {}
        self.ec_source = store  # the store whose substances resolve a substance given by EC number alone
        self._cas_of_ec: dict[str, str] | None = None
        self.names = NameResolver(store)  # a substance given by name alone: the database's record, else a list label

    def cas_of_ec(self, ec: str) -> str | None:
        """The CAS number of the one substance the store holds with this EC number and a CAS number (the lists
        name most listed substances by both), else None (no such substance, or several: an EC number of a group).
        A supplier that gives lead as EC 231-100-4 declares the same substance as CAS 7439-92-1: minted apart, it
        reached no list, group or element basis, and 5,000 ppm of lead passed RoHS (a QA run, 2026-12-06)."""
        if self._cas_of_ec is None:
            found: dict[str, set[str]] = {}
            if self.ec_source is not None:  # one query per import, over the store's substances
                for r in self.ec_source.select("SELECT ?ec ?cas WHERE { ?s cg:ecNumber ?ec ; cg:casNumber ?cas }"):
                    found.setdefault(r["ec"].value, set()).add(r["cas"].value)
            self._cas_of_ec = {e: next(iter(c)) for e, c in found.items() if len(c) == 1}
        return self._cas_of_ec.get(ec)

    def has_supplier(self, sid: str) -> bool:
        return sid in self.suppliers or sid in self.known_suppliers

    def has_part(self, pid: str) -> bool:
        return pid in self.parts or self._in_store("part", pid, "cg:Part")

    def has_material(self, mid: str) -> bool:
        return mid in self.materials or self._in_store("material", mid, "cg:HomogeneousMaterial")

    def _in_store(self, kind: str, local: str, cls: str) -> bool:
        key = (kind, local)
        if key not in self._stored:  # evidence records name the same parts many times
            self._stored[key] = self._store is not None and self._store.ask(
                f"ASK WHERE {{ ?n a {cls} }}", {"n": entity_iri(kind, local)})
        return self._stored[key]
