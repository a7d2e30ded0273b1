"""Compliance status per part and per product, rolled up through the BOM from one validation run.

A compliance engineer asks "is this product compliant, and if not, why?". The answer is the worst status of
what the product contains, per shape pack (regulation) at the evaluation date:

    non-compliant  >  unknown  >  obligations  >  compliant with exemptions  >  compliant

Each validation result gives a status to the part it is about (a material's part, a substance's parts, a
supplier's parts). Which status is data, not code: a shape says it with `cgsh:findingStatus` (an exemption
in use is "compliant with exemptions", a declaration made against an outdated list is "unknown"), else its
pack does (every `data-quality` finding is "unknown": a part without a declaration, an unresolved substance
identity; and, since every regulation relies on those inputs, the pack says `cgsh:concernsEveryPack`: its
findings count in every pack's status); the validator copies both into the result's details. Without one the
severity decides: a Violation is non-compliance, a Warning that carries duties (an SVHC above 0.1 %) is
"obligations", other warnings and information keep the part compliant and are listed with it.

A product takes the worst status over its own findings and every part below it. The parts that decide it are
given with their path through the BOM and how many of them the product holds (quantities multiplied along a
path, summed over paths). Everything comes from the report and two set queries (the BOM edges; the parts of
the substances and suppliers that results name), so one validation serves every product.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from pyoxigraph import NamedNode
from rdflib.namespace import SH

from complygraph.graph.bindings import select_batched
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.report import ValidationReport, ValidationResult
from complygraph.graph.store import Store

STATUSES = ("compliant", "compliant with exemptions", "obligations", "unknown", "non-compliant")
RANK = {s: i for i, s in enumerate(STATUSES)}


@dataclass(frozen=True)
class Finding:
    """One validation result as the status of a part sees it."""

    status: str
    result: ValidationResult


@dataclass
class PartStatus:
    part: str  # IRI
    pack: str
    status: str = "compliant"
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Deciding:
    """A part that gives a product its status, how it is reached, and how many of it the product holds."""

    part: str
    path: tuple[str, ...]  # product, sub-assemblies ..., part (one of the paths when there are several)
    quantity: Decimal
    findings: tuple[Finding, ...]


@dataclass
class ProductStatus:
    product: str
    pack: str
    status: str = "compliant"
    deciding: list[Deciding] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # about the product itself
    parts: int = 0  # distinct parts below the product


@dataclass
class StatusIndex:
    """The status of every part and product of the store, per pack, from one report."""

    at: str
    packs: list[str]
    parts: dict[tuple[str, str], PartStatus]
    products: dict[tuple[str, str], ProductStatus]

    def part(self, part: str, pack: str) -> PartStatus:
        return self.parts.get((part, pack)) or PartStatus(part, pack)

    def product(self, product: str, pack: str) -> ProductStatus:
        return self.products.get((product, pack)) or ProductStatus(product, pack)


class StatusError(ValueError):
    """A shape states a finding status that is not one of STATUSES."""


def classify(result: ValidationResult) -> str:
    stated = result.detail("status")
    if stated is not None:
        if str(stated) not in RANK:
            raise StatusError(f"shape {result.shape} states finding status {str(stated)!r}; one of "
                              f"{', '.join(STATUSES)}")
        return str(stated)
    if result.severity == SH.Violation:
        return "non-compliant"
    if result.detail("duty") is not None:
        return "obligations"
    return "compliant"


def worst(statuses) -> str:
    return max(statuses, key=RANK.__getitem__, default="compliant")


def status_index(store: Store, report: ValidationReport) -> StatusIndex:
    products, edges = _bom(store)
    about = _parts_of(store, report.results)
    parts: dict[tuple[str, str], PartStatus] = {}
    own: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for r in report.results:
        finding = Finding(classify(r), r)
        for target in about.get(str(r.focus), ()):
            for pack in (report.packs if r.detail("everyPack") is not None else [r.pack or ""]):
                key = (target, pack)
                if target in products:
                    own[key].append(finding)
                    continue
                ps = parts.setdefault(key, PartStatus(target, pack))
                ps.findings.append(finding)
                ps.status = worst((ps.status, finding.status))
    packs = list(dict.fromkeys(report.packs))
    out: dict[tuple[str, str], ProductStatus] = {}
    for product in products:
        below = _descendants(product, edges)
        for pack in packs:
            ps = ProductStatus(product, pack, parts=len(below), findings=own.get((product, pack), []))
            ps.status = worst([f.status for f in ps.findings]
                              + [parts[(p, pack)].status for p in below if (p, pack) in parts])
            if ps.status != "compliant":
                ps.deciding = [Deciding(p, path, qty, tuple(f for f in parts[(p, pack)].findings
                                                            if f.status == ps.status))
                               for p, (path, qty) in sorted(below.items())
                               if (p, pack) in parts and parts[(p, pack)].status == ps.status]
            out[(product, pack)] = ps
    return StatusIndex(report.at or "", packs, parts, out)


def _bom(store: Store) -> tuple[set[str], dict[str, list[tuple[str, Decimal]]]]:
    """The products, and each parent's children with their quantities (a missing quantity counts 1)."""
    products = {r["p"].value for r in store.select("SELECT ?p WHERE { ?p a cg:Product }")}
    edges: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for r in store.select("SELECT ?parent ?child ?q WHERE { ?u cg:parent ?parent ; cg:child ?child . "
                          "OPTIONAL { ?u cg:quantity ?q } }"):
        edges[r["parent"].value].append((r["child"].value, Decimal(r["q"].value) if "q" in r else Decimal(1)))
    return products, edges


def _descendants(root: str, edges: dict[str, list[tuple[str, Decimal]]]) -> dict[str, tuple[tuple, Decimal]]:
    """Every part below `root`: the first path found to it (breadth first, so a shortest one) and the number
    of it in one `root` (summed over all paths). A BOM cycle is not followed twice round."""
    first: dict[str, tuple] = {}
    total: dict[str, Decimal] = defaultdict(Decimal)
    frontier = [((root,), Decimal(1))]
    while frontier:
        nxt = []
        for path, qty in frontier:
            for child, q in edges.get(path[-1], ()):
                if child in path:
                    continue  # a cycle (reported by data-quality), never an endless walk
                first.setdefault(child, path + (child,))
                total[child] += qty * q
                nxt.append((path + (child,), qty * q))
        frontier = nxt
    return {p: (first[p], total[p]) for p in first}


def _parts_of(store: Store, results: list[ValidationResult]) -> dict[str, tuple[str, ...]]:
    """Focus node -> the parts (or the product) a result about it concerns: a part or product itself, a
    material's part (from the result's details), a substance's parts, a supplier's parts."""
    out: dict[str, tuple[str, ...]] = {}
    others = []
    for r in results:
        focus = str(r.focus)
        if focus in out:
            continue
        part = r.detail("part")
        if part is not None:
            out[focus] = (str(part),)
        elif "/part/" in focus or "/product/" in focus:
            out[focus] = (focus,)
        else:
            others.append(focus)
    if others:
        values = [NamedNode(f) for f in dict.fromkeys(others)]
        rows = select_batched(store, "SELECT DISTINCT ?focus ?part WHERE { ?occ cg:substance ?focus . "
                                     "?m cg:contains ?occ . ?part cg:hasMaterial ?m }", "focus", values)
        rows += select_batched(store, "SELECT ?focus ?part WHERE { ?part cg:suppliedBy ?focus }", "focus", values)
        found: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            found[row["focus"].value].add(row["part"].value)
        out.update({f: tuple(sorted(ps)) for f, ps in found.items()})
    return out


def compute(store: Store, packs: list[str] | None, at) -> StatusIndex:
    """Validate once (the named packs, else the default ones, always with `data-quality`, whose findings make
    a part's status unknown) and index the statuses of every part and product."""
    chosen = None if packs is None else sorted(set(packs) | {"data-quality"})
    return status_index(store, validate(store, chosen, at))
