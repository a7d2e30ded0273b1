"""The complygraph compositions format (version 1): products, parts, BOM, suppliers, materials, substances.

The format is specified in docs/import-format.md. Input is read in one streaming pass, in dependency order
(suppliers, products, parts, materials, substances, bom), so a reference can only point at a record read
before it. Every problem is collected with its file, line and field; if there is any, the triples already
produced are discarded by the store's transaction and nothing is stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from ..graph.store import Store
from ..identifiers import InvalidIdentifier, name_key, normalise_cas, normalise_ec
from ..vocab import ID, RDF_TYPE, cg, dct, entity_iri, exemption_iri, prov, rdfs, substance_iri, vcard
from . import rdf
from .errors import InputError, Problem, Problems
from .evidence import EvidenceRecords, raw_material_iri
from .governance import SupplierRecords
from .tabular import YES_NO

FORMAT = "complygraph-compositions"
VERSION = "1.0"
RECORDS = ("supplier", "certification", "evaluation", "approval", "sustainability", "raw_material", "product", "part",
           "material", "substance", "bom", "evidence")
FILES = {r: f"{r}s.csv" if r not in ("bom", "sustainability", "evidence") else f"{r}.csv" for r in RECORDS}
REQUIRED = {
    "supplier": ("supplier_id", "name"),
    "product": ("product_id", "name"),
    "part": ("part_id", "name", "supplier_id", "mass", "mass_unit"),
    "material": ("material_id", "part_id", "name", "mass", "mass_unit"),
    "substance": ("material_id", "amount", "unit"),
    "bom": ("parent_id", "child_id", "quantity"),
    "certification": ("supplier_id", "standard", "valid_until"),
    "evaluation": ("supplier_id", "date", "item", "answer"),
    "approval": ("supplier_id", "programme", "audit_date", "audit_score", "valid_until", "status"),
    "sustainability": ("supplier_id", "date", "human_rights_policy", "due_diligence", "grievance_mechanism"),
    "raw_material": ("registry_number", "name"),
    "evidence": ("evidence_id", "kind", "part_id", "date"),
}
OPTIONAL = {
    "supplier": ("country", "email"),
    "product": ("mass", "mass_unit"),
    "part": ("item_number", "declaration_date", "packaging"),
    "material": ("category", "raw_material"),
    "substance": ("cas", "ec", "substance_name", "intentional", "exemption"),
    "bom": (),
    "certification": ("number", "body", "valid_from"),
    "evaluation": ("scheme", "item_date", "body", "number"),
    "approval": ("pass_score", "reason"),
    "sustainability": (),
    "raw_material": ("registry", "approved_until", "maker"),
    "evidence": ("material_id", "signer", "issuer", "method", "cas", "measured_ppm", "document", "raw_material",
                 "note"),
}
MASS_UNITS = {"mg": Decimal(1), "g": Decimal(1000), "kg": Decimal(1_000_000)}
CONCENTRATION_UNITS = {"ppm": Decimal(1), "wt%": Decimal(10_000), "%": Decimal(10_000),
                       "wt %": Decimal(10_000), "masspercent": Decimal(10_000)}
# Declared substance masses may exceed the material mass by this fraction (rounding in declarations).
MASS_TOLERANCE = Decimal("0.01")
DEFAULT_EXEMPTION_LIST = "eu-rohs-annex-iii"


@dataclass
class Record:
    kind: str
    file: str
    line: int
    fields: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)  # field -> how the source names it (an XML path)


def read_records(source: Path) -> Iterator[Record]:
    """Records of a CSV directory (one file per record kind) or of one JSON Lines file, in dependency order."""
    if source.is_dir():
        yield from _read_csv_dir(source)
    elif source.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _read_jsonl(source)
    else:
        raise InputError([Problem(str(source), None, None,
                                  "expected a directory of CSV files or a .jsonl file")])


def _check_manifest(file: str, line: int | None, data: dict) -> None:
    if data.get("format") != FORMAT:
        raise InputError([Problem(file, line, "format", f"expected {FORMAT!r}, got {data.get('format')!r}")])
    version = str(data.get("version", ""))
    if version.split(".")[0] != VERSION.split(".")[0]:
        raise InputError([Problem(file, line, "version", f"version {version!r} is not supported (reads 1.x)")])


def _read_csv_dir(folder: Path) -> Iterator[Record]:
    manifest = folder / "manifest.json"
    if manifest.exists():
        try:
            _check_manifest(str(manifest), None, json.loads(manifest.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise InputError([Problem(str(manifest), exc.lineno, None, f"not JSON: {exc.msg}")]) from exc
    if not any((folder / f).exists() for f in FILES.values()):
        raise InputError([Problem(str(folder), None, None, f"none of {sorted(FILES.values())} is in the folder")])
    for kind in RECORDS:
        path = folder / FILES[kind]
        if not path.exists():
            continue
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in REQUIRED[kind] if c not in header]
            if missing:
                raise InputError([Problem(str(path), 1, c, "required column is missing") for c in missing])
            unknown = [c for c in header if c not in REQUIRED[kind] + OPTIONAL[kind]]
            if unknown:
                raise InputError([Problem(str(path), 1, c, "unknown column") for c in unknown])
            for row in reader:
                fields = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
                if None in row:
                    fields["__extra__"] = "yes"
                yield Record(kind, str(path), reader.line_num, fields)


def _read_jsonl(path: Path) -> Iterator[Record]:
    # JSON Lines may hold the kinds in any order: buffer per kind by line number, then yield in order.
    # Records are kept as raw lines' offsets would be faster; a JSONL import is typically a single product.
    by_kind: dict[str, list[Record]] = {k: [] for k in RECORDS}
    seen_manifest = False
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError([Problem(str(path), line_no, None, f"not JSON: {exc.msg}")]) from exc
            if not isinstance(data, dict):
                raise InputError([Problem(str(path), line_no, None, "each line must be a JSON object")])
            kind = data.pop("record", None)
            if kind == "manifest":
                _check_manifest(str(path), line_no, data)
                seen_manifest = True
                continue
            if kind not in by_kind:
                raise InputError([Problem(str(path), line_no, "record",
                                          f"unknown record kind {kind!r}; expected one of {list(RECORDS)}")])
            unknown = [k for k in data if k not in REQUIRED[kind] + OPTIONAL[kind]]
            if unknown:
                raise InputError([Problem(str(path), line_no, k, "unknown field") for k in unknown])
            fields = {k: "" if v is None else str(v).strip() if not isinstance(v, bool) else ("yes" if v else "no")
                      for k, v in data.items()}
            by_kind[kind].append(Record(kind, str(path), line_no, fields))
    if not seen_manifest:
        raise InputError([Problem(str(path), 1, "record", 'the first record must be {"record": "manifest", ...}')])
    for kind in RECORDS:
        yield from by_kind[kind]


class CompositionImport:
    """Turns records into triples while checking them; `problems` holds what was wrong."""

    def __init__(self, sources: list[Path], known_suppliers: set[str] | None = None,
                 store: Store | None = None) -> None:
        self.sources = sources
        self.known_suppliers = known_suppliers or set()  # already in the store
        self.store = store  # asked about parts and materials that evidence cites from earlier imports
        self._stored_cache: dict[tuple[str, str], bool] = {}
        self.governance = SupplierRecords(self)
        self.evidence = EvidenceRecords(self)
        self.problems = Problems()
        self.activity = NamedNode(f"{ID}import/{uuid.uuid4()}")
        self.suppliers: set[str] = set()
        self.products: set[str] = set()
        self.parts: dict[str, list] = {}  # id -> [mass mg, sum of material masses, file, line]
        self.materials: dict[str, list] = {}  # id -> [mass mg, sum of substance masses, file, line]
        self.occurrences: set[tuple[str, str]] = set()
        self.substances_seen: set[str] = set()  # substance facts are written once per import
        self.bom: set[tuple[str, str]] = set()
        self.counts = {k: 0 for k in RECORDS}

    # ----------------------------------------------------------- field helpers
    def _p(self, rec: Record, name: str | None, reason: str) -> None:
        self.problems.add(rec.file, rec.line, rec.labels.get(name, name) if name else name, reason)

    def _required(self, rec: Record) -> bool:
        ok = True
        if "__extra__" in rec.fields:
            self._p(rec, None, "more values than columns")
            ok = False
        for f in REQUIRED[rec.kind]:
            if not rec.fields.get(f):
                self._p(rec, f, "required value is missing")
                ok = False
        return ok

    def _number(self, rec: Record, field: str, positive: bool = True) -> Decimal | None:
        try:
            value = Decimal(rec.fields[field])
        except (InvalidOperation, KeyError):
            self._p(rec, field, f"not a number: {rec.fields.get(field)!r}")
            return None
        if not value.is_finite():
            self._p(rec, field, f"not a finite number: {rec.fields[field]!r}")
            return None
        if value < 0 or (positive and value == 0):
            self._p(rec, field, f"must be {'positive' if positive else 'zero or more'}, got {value}")
            return None
        return value

    def _mass_mg(self, rec: Record, field: str = "mass", unit_field: str = "mass_unit") -> Decimal | None:
        unit = rec.fields.get(unit_field, "").lower()
        if unit not in MASS_UNITS:
            self._p(rec, unit_field, f"unknown mass unit {rec.fields.get(unit_field)!r}; expected mg, g or kg")
            return None
        value = self._number(rec, field)
        return None if value is None else value * MASS_UNITS[unit]

    def _unique(self, rec: Record, seen: set | dict, key: str, field: str) -> bool:
        if key in seen:
            self._p(rec, field, f"duplicate id {key!r}")
            return False
        return True

    # ----------------------------------------------------------- records
    def triples(self, records: Iterator[Record]) -> Iterator[Triple]:
        act = self.activity
        yield rdf.t(act, RDF_TYPE, cg.Import)
        yield rdf.t(act, RDF_TYPE, prov.Activity)
        yield rdf.t(act, prov.startedAtTime, rdf.datetime(dt.datetime.now(dt.UTC).replace(microsecond=0)))
        for src in self.sources:
            node = NamedNode(f"{ID}source/{_digest(src)[:20]}")
            yield rdf.t(act, prov.used, node)
            yield rdf.t(node, RDF_TYPE, prov.Entity)
            yield rdf.t(node, dct.title, rdf.text(src.name))
            yield rdf.t(node, dct.identifier, rdf.text(f"sha256:{_digest(src)}"))
        governance, evidence = self.governance, self.evidence
        handlers = {"supplier": self._supplier, "product": self._product, "part": self._part,
                    "material": self._material, "substance": self._substance, "bom": self._bom,
                    "certification": governance.certification, "evaluation": governance.evaluation,
                    "approval": governance.approval, "sustainability": governance.sustainability,
                    "raw_material": evidence.raw_material, "evidence": evidence.evidence}
        for rec in records:
            if not self._required(rec):
                continue
            self.counts[rec.kind] += 1
            yield from handlers[rec.kind](rec)
        self._check_mass_sums()
        self.problems.raise_if_any()

    def known_part(self, pid: str) -> bool:
        return self._stored("part", pid, "cg:Part")

    def known_material(self, mid: str) -> bool:
        return self._stored("material", mid, "cg:HomogeneousMaterial")

    def _stored(self, kind: str, local: str, cls: str) -> bool:
        key = (kind, local)
        if key not in self._stored_cache:  # evidence records name the same parts many times
            self._stored_cache[key] = self.store is not None and self.store.ask(
                f"ASK WHERE {{ ?n a {cls} }}", {"n": self._node(kind, local)})
        return self._stored_cache[key]

    def _node(self, kind: str, local: str) -> NamedNode:
        return entity_iri(kind, local)

    def _common(self, node: NamedNode, cls: NamedNode, local: str, name: str | None,
                provenance: bool = True) -> Iterator[Triple]:
        yield rdf.t(node, RDF_TYPE, cls)
        yield rdf.t(node, dct.identifier, rdf.text(local))
        if name:
            yield rdf.t(node, rdfs.label, rdf.text(name))
        if provenance:
            yield rdf.t(node, prov.wasGeneratedBy, self.activity)

    def _supplier(self, rec: Record) -> Iterator[Triple]:
        sid = rec.fields["supplier_id"]
        if not self._unique(rec, self.suppliers, sid, "supplier_id"):
            return
        self.suppliers.add(sid)
        node = self._node("supplier", sid)
        yield from self._common(node, cg.Supplier, sid, rec.fields["name"])
        if rec.fields.get("country"):
            yield rdf.t(node, vcard["country-name"], rdf.text(rec.fields["country"]))
        if rec.fields.get("email"):
            yield rdf.t(node, vcard.hasEmail, NamedNode("mailto:" + quote(rec.fields["email"], safe="@.+-_")))

    def _product(self, rec: Record) -> Iterator[Triple]:
        pid = rec.fields["product_id"]
        if not self._unique(rec, self.products, pid, "product_id"):
            return
        self.products.add(pid)
        node = self._node("product", pid)
        yield from self._common(node, cg.Product, pid, rec.fields["name"])
        if rec.fields.get("mass"):
            mass = self._mass_mg(rec)
            if mass is not None:
                yield rdf.t(node, cg.massMg, rdf.decimal(mass))

    def _part(self, rec: Record) -> Iterator[Triple]:
        pid = rec.fields["part_id"]
        ok = self._unique(rec, self.parts, pid, "part_id")
        sid = rec.fields["supplier_id"]
        if sid not in self.suppliers:
            self._p(rec, "supplier_id", f"unknown supplier {sid!r}")
            ok = False
        mass = self._mass_mg(rec)
        if not ok or mass is None:
            return
        self.parts[pid] = [mass, Decimal(0), rec.file, rec.line]
        node = self._node("part", pid)
        yield from self._common(node, cg.Part, pid, rec.fields["name"])
        yield rdf.t(node, cg.massMg, rdf.decimal(mass))
        yield rdf.t(node, cg.suppliedBy, self._node("supplier", sid))
        if rec.fields.get("item_number"):
            yield rdf.t(node, cg.itemNumber, rdf.text(rec.fields["item_number"]))
        if rec.fields.get("packaging"):
            flag = YES_NO.get(rec.fields["packaging"].lower())
            if flag is None:
                self._p(rec, "packaging", f"expected yes or no, got {rec.fields['packaging']!r}")
            elif flag:
                yield rdf.t(node, RDF_TYPE, cg.PackagingComponent)
        if rec.fields.get("declaration_date"):
            try:
                date = dt.date.fromisoformat(rec.fields["declaration_date"])
            except ValueError:
                self._p(rec, "declaration_date", f"not a date (YYYY-MM-DD): {rec.fields['declaration_date']!r}")
                return
            decl = self._node("declaration", pid)
            yield rdf.t(decl, RDF_TYPE, cg.Declaration)
            yield rdf.t(decl, cg.declares, node)
            yield rdf.t(decl, cg.declaredBy, self._node("supplier", sid))
            yield rdf.t(decl, dct.date, rdf.date(date))
            yield rdf.t(decl, prov.wasGeneratedBy, self.activity)

    def _material(self, rec: Record) -> Iterator[Triple]:
        mid, pid = rec.fields["material_id"], rec.fields["part_id"]
        ok = self._unique(rec, self.materials, mid, "material_id")
        if pid not in self.parts:
            self._p(rec, "part_id", f"unknown part {pid!r}")
            ok = False
        mass = self._mass_mg(rec)
        if not ok or mass is None:
            return
        self.materials[mid] = [mass, Decimal(0), rec.file, rec.line, pid]
        self.parts[pid][1] += mass
        node = self._node("material", mid)
        # materials and their occurrences are traced to the import through their part
        yield from self._common(node, cg.HomogeneousMaterial, mid, rec.fields["name"], provenance=False)
        yield rdf.t(node, cg.massMg, rdf.decimal(mass))
        yield rdf.t(self._node("part", pid), cg.hasMaterial, node)
        if rec.fields.get("category"):
            yield rdf.t(node, cg.materialCategory, rdf.text(rec.fields["category"].lower()))
        if rec.fields.get("raw_material"):
            yield rdf.t(node, cg.citesRawMaterial, raw_material_iri(rec.fields["raw_material"]))

    def _substance_iri(self, rec: Record) -> tuple[NamedNode, str, list[Triple]] | None:
        f = rec.fields
        try:
            if f.get("cas"):
                cas = normalise_cas(f["cas"])
                node = substance_iri(cas=cas)
                extra = [rdf.t(node, cg.casNumber, rdf.text(cas))]
                if f.get("ec"):
                    extra.append(rdf.t(node, cg.ecNumber, rdf.text(normalise_ec(f["ec"]))))
                key = cas
            elif f.get("ec"):
                ec = normalise_ec(f["ec"])
                node, key = substance_iri(ec=ec), ec
                extra = [rdf.t(node, cg.ecNumber, rdf.text(ec))]
            elif f.get("substance_name"):
                node = NamedNode(f"{ID}substance/declared/{name_key(f['substance_name'])}")
                key, extra = f["substance_name"], []
            else:
                self._p(rec, "cas", "a substance needs a CAS number, an EC number or a substance_name")
                return None
        except InvalidIdentifier as exc:
            self._p(rec, "cas" if "CAS" in str(exc) else "ec", str(exc))
            return None
        extra.insert(0, rdf.t(node, RDF_TYPE, cg.Substance))
        if f.get("substance_name"):
            extra.append(rdf.t(node, rdfs.label, rdf.text(f["substance_name"], "en")))
        return node, key, extra

    def _substance(self, rec: Record) -> Iterator[Triple]:
        f = rec.fields
        mid = f["material_id"]
        material = self.materials.get(mid)
        if material is None:
            self._p(rec, "material_id", f"unknown material {mid!r}")
        found = self._substance_iri(rec)
        unit = f["unit"].lower()
        amount = self._number(rec, "amount", positive=False)
        if unit not in MASS_UNITS and unit not in CONCENTRATION_UNITS:
            self._p(rec, "unit", f"unknown unit {f['unit']!r}; expected mg, g, kg, ppm or wt%")
            return
        intentional = None
        if f.get("intentional"):
            intentional = YES_NO.get(f["intentional"].lower())
            if intentional is None:
                self._p(rec, "intentional", f"expected yes or no, got {f['intentional']!r}")
        if material is None or found is None or amount is None:
            return
        node_s, key, extra = found
        if key in self.substances_seen:
            extra = []
        if (mid, key) in self.occurrences:
            self._p(rec, "cas", f"substance {key!r} is declared twice in material {mid!r}")
            return
        self.occurrences.add((mid, key))
        self.substances_seen.add(key)
        material_mg = material[0]
        if unit in MASS_UNITS:
            mass = amount * MASS_UNITS[unit]
            ppm = mass / material_mg * 1_000_000
        else:
            ppm = amount * CONCENTRATION_UNITS[unit]
            if ppm > 1_000_000:
                self._p(rec, "amount", f"{amount} {f['unit']} is more than the whole material")
                return
            mass = ppm * material_mg / 1_000_000
        material[1] += mass
        occ = NamedNode(f"{ID}occurrence/{_quote(mid)}/{_quote(key)}")
        yield from extra
        yield rdf.t(occ, RDF_TYPE, cg.SubstanceOccurrence)
        yield rdf.t(self._node("material", mid), cg.contains, occ)
        yield rdf.t(occ, cg.substance, node_s)
        yield rdf.t(occ, cg.massMg, rdf.decimal(round(mass, 6)))
        yield rdf.t(occ, cg.concentrationPpm, rdf.decimal(round(ppm, 6)))
        yield rdf.t(occ, cg.declaredAmount, rdf.decimal(amount))
        yield rdf.t(occ, cg.declaredUnit, rdf.text(f["unit"]))
        if intentional is not None:
            yield rdf.t(occ, cg.intentionallyAdded, rdf.boolean(intentional))
        if f.get("exemption"):
            list_id, _, ex_id = f["exemption"].rpartition(":")
            yield rdf.t(occ, cg.claimedExemption, exemption_iri(list_id or DEFAULT_EXEMPTION_LIST, ex_id))

    def _bom(self, rec: Record) -> Iterator[Triple]:
        parent, child = rec.fields["parent_id"], rec.fields["child_id"]
        ok = True
        if parent in self.products:
            parent_node = self._node("product", parent)
        elif parent in self.parts:
            parent_node = self._node("part", parent)
        else:
            self._p(rec, "parent_id", f"unknown product or part {parent!r}")
            ok = False
        if child not in self.parts:
            self._p(rec, "child_id", f"unknown part {child!r}")
            ok = False
        if parent == child:
            self._p(rec, "child_id", "a part cannot contain itself")
            ok = False
        if (parent, child) in self.bom:
            self._p(rec, "child_id", f"duplicate BOM line {parent!r} -> {child!r}")
            ok = False
        quantity = self._number(rec, "quantity")
        if not ok or quantity is None:
            return
        self.bom.add((parent, child))
        node = NamedNode(f"{ID}bom/{_quote(parent)}/{_quote(child)}")
        yield rdf.t(node, RDF_TYPE, cg.BomUsage)
        yield rdf.t(node, prov.wasGeneratedBy, self.activity)
        yield rdf.t(node, cg.parent, parent_node)
        yield rdf.t(node, cg.child, self._node("part", child))
        yield rdf.t(node, cg.quantity, rdf.decimal(quantity))

    def _check_mass_sums(self) -> None:
        limit = 1 + MASS_TOLERANCE
        for mid, (mass, total, file, line, _pid) in self.materials.items():
            if total > mass * limit:
                self.problems.add(file, line, "mass", f"substances in material {mid!r} weigh {_fmt(total)} mg, "
                                  f"more than the material's {_fmt(mass)} mg (tolerance {MASS_TOLERANCE:%})")
        for pid, (mass, total, file, line) in self.parts.items():
            if total > mass * limit:
                self.problems.add(file, line, "mass", f"materials of part {pid!r} weigh {_fmt(total)} mg, "
                                  f"more than the part's {_fmt(mass)} mg")


def _fmt(d: Decimal) -> str:
    return f"{float(d):.6g}"


def _quote(text: str) -> str:
    return quote(text, safe="")


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(path.iterdir()) if path.is_dir() else [path]:
        if f.is_file():
            h.update(f.name.encode())
            with open(f, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
    return h.hexdigest()


def import_compositions(store: Store, source: Path) -> dict[str, int]:
    """Validate and store one data set; on any problem raise InputError and store nothing."""
    source = Path(source)
    if not source.exists():
        raise InputError([Problem(str(source), None, None, "file or folder not found")])
    known = {r["id"].value for r in store.select("SELECT ?id WHERE { ?s a cg:Supplier ; dct:identifier ?id }")}
    job = CompositionImport([source], known, store)
    triples = store.write(job.triples(read_records(source)))
    if job.counts["evaluation"] and not store.ask("ASK WHERE { ?s a cg:EvaluationScheme }"):
        from ..graph.shacl.packs import load_pack_data

        load_pack_data(store, ["supplier-governance"])  # the schemes that give the answers their points
    return {**{f"{k}s": v for k, v in job.counts.items()}, "triples": triples}
