"""Compliance status per part and per product, rolled up through the BOM from one validation run.

A compliance engineer asks "is this product compliant, and if not, why?". The answer is the worst status of
what the product contains, per shape pack (regulation) at the evaluation date:

    non-compliant  >  unknown  >  obligations  >  compliant with exemptions  >  compliant

Each validation result gives a status to the part it is about (a material's part, a substance's parts, a
supplier's parts). Which status is data, not code: a shape says it with `cgsh:findingStatus` (an exemption
in use is "compliant with exemptions", a declaration made against an outdated list is "unknown"), else its
pack does (every `data-quality` finding is "unknown": a part without a declaration, an unresolved substance
identity; and, since every regulation relies on those inputs, the pack says `cgsh:concernsEveryPack`: its
findings count in every pack's status, except an unresolved identity, which counts in the packs that reach the
groups it could not be checked against: graph/shacl/group_reach.py); the validator copies both into the result's
details. Without one the
severity decides: a Violation is non-compliance, a Warning that carries duties (an SVHC above 0.1 %) is
"obligations", other warnings and information keep the part compliant and are listed with it. A result about
a substance itself (an unresolved identity) names that substance in its message and details as its parts show it.

A product takes the worst status over its own findings and every part below it, except findings that hold for
another EEE scope than its own (`cg:eeeScope`: an exemption stated for a category it is not valid for, QA12 B02;
graph/status_reads.py) and findings of a restriction whose conditions of use do not hold in it (REACH Annex XVII
entry 50(6) for toys, of a grip in a toy and in a scanner: graph/status_conditions.py). The parts that decide it are
given with their path through the BOM and how many of them the product holds (quantities multiplied along a
path, summed over paths). So does a part (`StatusIndex.part`): a sub-assembly holding a non-compliant material
at any depth is non-compliant, with the parts below it that decide it and their paths (graph/status_parts.py;
`status --part` of an assembly ignored its sub-parts: QA9 B01). Everything comes from the report, the BOM kept
per store revision (graph/bom_index.py) and one set query (the parts of the substances and suppliers that results
name), so one validation serves every product and part.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from pyoxigraph import NamedNode
from rdflib.namespace import SH

from complygraph.graph.bindings import select_batched
from complygraph.graph.bom_index import bom_index
from complygraph.graph.bom_walks import below as parts_below
from complygraph.graph.bom_walks import descendants, worst_below, worst_of
from complygraph.graph.queries import substance_names
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.report import ValidationReport, ValidationResult
from complygraph.graph.status_conditions import products_holding
from complygraph.graph.status_parts import worst_through
from complygraph.graph.status_reads import Read, naming, parts_of, product_scopes
from complygraph.graph.store import Store
from complygraph.heap import few_collections

STATUSES = ("compliant", "compliant with exemptions", "obligations", "unknown", "non-compliant")
RANK = {s: i for i, s in enumerate(STATUSES)}


@dataclass(frozen=True)
class Finding:
    """One validation result as the status of a part sees it."""

    status: str
    result: ValidationResult
    scope: str | None = None  # the EEE scope it holds for (`cg:eeeScope`), None for every product (status_reads.py)
    # the products it holds in, for a restriction with conditions of use (graph/status_conditions.py); None: every
    products: frozenset[str] | None = None


@dataclass
class PartStatus:
    """A part's status in a pack. As `StatusIndex.part` gives it: rolled up over the part's own findings and every
    part below it (`findings` are its own, `deciding` the parts below of its status); as kept per part inside the
    index: its own findings only."""

    part: str  # IRI
    pack: str
    status: str = "compliant"
    findings: list[Finding] = field(default_factory=list)  # about the part itself
    # (root, pack, status) -> the parts below root that decide the status: walked when first asked for
    _deciding: Callable[[str, str, str], list[Deciding]] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def deciding(self) -> list[Deciding]:
        """The parts below the part whose own status is its status (as a product's `deciding`, with paths starting
        at this part); none when it is compliant or nothing below decides it."""
        return self._deciding(self.part, self.pack, self.status) if self._deciding and self.status != "compliant" \
            else []


@dataclass(frozen=True)
class Deciding:
    """A part that gives a product its status, how it is reached, and how many of it the product holds."""

    part: str
    path: tuple[str, ...]  # product, sub-assemblies ..., part (one of the paths when there are several)
    quantity: Decimal  # summed over every path
    findings: tuple[Finding, ...]
    paths: int = 1  # how many BOM paths lead to it: `path` is one of them, `quantity` counts them all


@dataclass
class ProductStatus:
    product: str
    pack: str
    status: str = "compliant"
    findings: list[Finding] = field(default_factory=list)  # about the product itself
    counted: int | Callable[[], int] = 0  # distinct parts below the product, or how to count them when asked
    # the deciding parts are worked out when first asked for (their paths and quantities walk the product's
    # BOM): a status for every product of a 100k-part store is needed at once, the reasons one product at a time
    _deciding: Callable[[str, str, str], list[Deciding]] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def parts(self) -> int:
        """How many distinct parts are below the product (counted when first asked: the status itself is rolled
        up over the BOM's lines, not over each product's set of parts)."""
        return self.counted() if callable(self.counted) else self.counted

    @functools.cached_property
    def deciding(self) -> list[Deciding]:
        """The parts below the product whose status is the product's (none when it is compliant; under unknown
        also those with obligations: SHOWN_WITH), in IRI order, each with one shortest path to it and how many of
        it one product holds."""
        return self._deciding(self.product, self.pack, self.status) if self._deciding and self.status != "compliant" \
            else []


# The parts listed with a product of each status: those of its status, and under "unknown" also those with
# obligations, which are known whatever the unknown turns out to be (an SVHC above 0.1 % is an Art. 33 duty even if
# another substance is unidentified): they were hidden behind one unidentified polymer (QA, 2026-12-06).
SHOWN_WITH = {"unknown": ("unknown", "obligations")}

EVERY = "*"  # the pack key of findings that count in every pack (data-quality's), kept once per part


@dataclass
class StatusIndex:
    """The status of every part and product of the store, per pack, from one report. A finding that concerns
    every pack is kept once per part under EVERY (a data-quality finding about most parts of a 100k-part store
    would otherwise be copied into each pack's status) and merged into a pack's when that status is asked for."""

    at: str
    packs: list[str]
    parts: dict[tuple[str, str], PartStatus]
    products: dict[tuple[str, str], ProductStatus]
    warnings: list[str] = field(default_factory=list)  # the report's: what may make these statuses wrong
    # every part with BOM lines below it -> its worst rank per pack (`packs` order) over itself and all below it,
    # worked out for the whole BOM when a part's status is first asked for (graph/status_parts.py)
    _rolled: Callable[[], dict[str, tuple[int, ...]]] = field(default=dict, repr=False, compare=False)
    _deciding: Callable[[str, str, str], list[Deciding]] | None = field(default=None, repr=False, compare=False)

    def part(self, part: str, pack: str) -> PartStatus:
        """The part's status rolled up through its BOM (the worst of its own findings and every part below it, at
        any depth), its own findings, and the parts below that decide it (`deciding`)."""
        own = _part_status(self.parts, part, pack)
        status = own.status
        below = self._rolled().get(part) if pack in self.packs else None
        if below:
            status = worst((status, STATUSES[below[self.packs.index(pack)]]))
        return PartStatus(part, pack, status, list(own.findings), self._deciding)

    def product(self, product: str, pack: str) -> ProductStatus:
        return self.products.get((product, pack)) or ProductStatus(product, pack)

    def warnings_for(self, pack: str) -> list[str]:  # those about every pack, and "pack <name>: ..." for this one
        return [w for w in self.warnings if not w.startswith("pack ") or w.startswith(f"pack {pack}: ")]


class StatusError(ValueError):
    """A shape states a finding status that is not one of STATUSES."""


def classify(result: ValidationResult) -> str:
    return _read(result)[0]


_VIOLATION = SH.Violation


def _read(result: ValidationResult) -> Read:
    """(its finding status, EVERY if it counts in every pack else the other packs it counts in besides its own
    (`concernsPack`: graph/shacl/group_reach.py), the part it names) in one pass over the result's
    details, the last of a name winning as in `ValidationResult.detail`: asking `detail` four times per result
    was a quarter of the roll-up at 100k parts (256k calls for 83k results)."""
    stated = duty = every = part = scope = None
    packs: list[str] = []
    for key, value in result.details:
        if key == "status":
            stated = value
        elif key == "duty":
            duty = value
        elif key == "everyPack":
            every = value
        elif key == "part":
            part = value
        elif key == "concernsPack":
            packs.append(str(value))
        elif key == "eeeScope":
            scope = value
    if stated is not None:
        status = str(stated)
        if status not in RANK:
            raise StatusError(f"shape {result.shape} states finding status {status!r}; one of "
                              f"{', '.join(STATUSES)}")
    elif result.severity == _VIOLATION:
        status = "non-compliant"
    else:
        status = "obligations" if duty is not None else "compliant"
    return (status, EVERY if every is not None else tuple(packs), None if part is None else str(part),
            None if scope is None else str(scope))


def _narrow_parts(store: Store, read: list[Read]) -> dict[str, set[str]]:
    """Class -> the parts that are of it or hold a material of it, for the classes that findings concerning
    a narrow pack name ("eu-packaging <...#PackagingComponent>": graph/shacl/completion.py): such a finding
    counts in that pack for those parts only."""
    classes = sorted({c for _, also, _, _ in read if also != EVERY for p in also for c in p.split()[1:]})
    out: dict[str, set[str]] = {c: set() for c in classes}
    if classes:
        for r in select_batched(store, """
            SELECT DISTINCT ?class ?part WHERE { { ?part a ?class } UNION { ?part cg:hasMaterial ?m . ?m a ?class }
                                                 ?part a cg:Part }""", "class", [NamedNode(c) for c in classes]):
            out[r["class"].value].add(r["part"].value)
    return out


def worst(statuses) -> str:
    return max(statuses, key=RANK.__getitem__, default="compliant")


def status_index(store: Store, report: ValidationReport) -> StatusIndex:
    with few_collections():  # 130k part statuses at 100k parts: young passes would walk the report each time
        return _status_index(store, report)


def _part_status(parts: dict[tuple[str, str], PartStatus], part: str, pack: str) -> PartStatus:
    own, every = parts.get((part, pack)), parts.get((part, EVERY))
    if every is None or pack == EVERY:
        return own or PartStatus(part, pack)
    merged = PartStatus(part, pack, every.status, list(every.findings))
    if own is not None:
        merged.findings = own.findings + merged.findings
        merged.status = worst((own.status, every.status))
    return merged


def _status_index(store: Store, report: ValidationReport) -> StatusIndex:
    bom = bom_index(store)  # usually kept from the validation's derived facts at the same revision
    products, edges = bom.products, bom.children
    read = [_read(r) for r in report.results]
    about, substances = parts_of(store, report.results, read)
    names = substance_names(store, [NamedNode(f) for f in sorted(substances)]) if substances else {}
    restricted = {i: (str(r.detail("restriction")), part) for i, (r, (_, _, part, _)) in enumerate(
        zip(report.results, read, strict=True)) if part is not None and r.detail("restriction") is not None}
    scopes_of = product_scopes(store) if restricted or any(scope for *_, scope in read) else {}
    held = products_holding(store, bom, restricted, scopes_of)
    parts: dict[tuple[str, str], PartStatus] = {}
    own: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    scoped: dict[tuple[str, str], list[Finding]] = defaultdict(list)  # a part's findings not every product takes
    narrow = _narrow_parts(store, read)
    for number, (r, (status, also, _, scope)) in enumerate(zip(report.results, read, strict=True)):
        # one copy per result, shared by its parts and packs (the report shows a result once: its identity)
        finding = Finding(status, naming(r, names[str(r.focus)]) if str(r.focus) in names else r, scope,
                          held.get(number))
        rank = RANK[status]
        for named in ((EVERY,) if also == EVERY else (r.pack or "", *also)):
            pack, *classes = named.split(" ") if named else [named]
            for target in about.get(str(r.focus), ()):
                if classes and not any(target in narrow[c] for c in classes):
                    continue
                key = (target, pack)
                if target in products:
                    if _takes(target, finding, scopes_of):
                        own[key].append(finding)
                    continue
                ps = parts.get(key)
                if ps is None:
                    ps = parts[key] = PartStatus(target, pack)
                ps.findings.append(finding)
                if rank > RANK[ps.status]:
                    ps.status = finding.status
                if not _unscoped(finding):
                    scoped[key].append(finding)
    packs = list(dict.fromkeys(report.packs))
    index = StatusIndex(report.at or "", packs, parts, {}, list(report.warnings))
    walks: dict[str, dict[str, tuple[tuple, Decimal, int]]] = {}  # root -> descendants, walked when first needed

    def deciding(root: str, pack: str, status: str) -> list[Deciding]:  # never refers to `index`: no cycle for
        below = walks.get(root)                                          # the collector
        if below is None:
            below = walks[root] = descendants(root, edges)
        shown = SHOWN_WITH.get(status, (status,))
        takes = functools.partial(_takes, root, scopes_of=scopes_of) if root in products and scoped else None
        out = []
        for p, (path, qty, paths) in sorted(below.items()):
            if p in ranks and (part := _seen_from(_part_status(parts, p, pack), takes)).status in shown:
                out.append(Deciding(p, path, qty, tuple(f for f in part.findings if f.status in shown), paths))
        return out

    ranks = _part_ranks(parts, packs)  # also: which parts have a status
    # a product counts a part's findings of one EEE scope, or of a restriction with conditions of use, only where it
    # takes them: below it, the parts without them; each such finding then counts for the products above its part
    # that take it
    plain = _part_ranks(parts, packs, {k: _seen_from(parts[k], _unscoped) for k in scoped}) if scoped else ranks
    raised = _scoped_ranks(scoped, bom, scopes_of, packs)
    index._rolled = functools.cache(functools.partial(worst_through, edges, ranks))
    index._deciding = deciding
    worst = worst_below(products, edges, plain)  # None when the BOM has a cycle

    for product in products:
        own_every = own.get((product, EVERY), [])
        findings = {pack: own.get((product, pack), []) + own_every for pack in packs}
        rank = [max((RANK[f.status] for f in findings[pack]), default=0) for pack in packs]
        if worst is not None:
            below_rank = worst.get(product, ())
            count: int | Callable[[], int] = functools.cache(functools.partial(
                lambda p: len(parts_below(p, edges)), product))  # one count for the product's statuses in every pack
        else:
            under = parts_below(product, edges)
            below_rank, count = worst_of(under, plain), len(under)
        rank = [max(a, b) for a, b in zip(rank, below_rank, strict=False)] + rank[len(below_rank):]
        rank = [max(a, b) for a, b in zip(rank, raised.get(product, rank), strict=True)]
        for i, pack in enumerate(packs):
            index.products[(product, pack)] = ProductStatus(product, pack, STATUSES[rank[i]], findings[pack],
                                                            count, deciding)
    return index


def _takes(product: str, finding: Finding, scopes_of: dict[str, frozenset[str]]) -> bool:
    """Whether the product takes the finding: one of the products its restriction's conditions hold in, if it
    has such; of its EEE scope, if it names one, or of no known scope, which takes every finding (its category
    may be the one; a review of 2026-12-07: an uncategorized product sharing the relay of a category-3 switch read
    compliant)."""
    if finding.products is not None and product not in finding.products:
        return False
    scopes = scopes_of.get(product)
    return not scopes or finding.scope is None or finding.scope in scopes


def _unscoped(finding: Finding) -> bool:
    """Whether every product above its part takes the finding."""
    return finding.scope is None and finding.products is None


def _seen_from(ps: PartStatus, takes: Callable[[Finding], bool] | None) -> PartStatus:
    """The part's status as a product sees it (`takes`; None: the part's own, every finding): the findings that
    product does not take left out."""
    if takes is None or all(takes(f) for f in ps.findings):
        return ps
    kept = [f for f in ps.findings if takes(f)]
    return PartStatus(ps.part, ps.pack, worst(f.status for f in kept), kept)


def _scoped_ranks(scoped: dict[tuple[str, str], list[Finding]], bom, scopes_of: dict[str, frozenset[str]],
                  packs: list[str]) -> dict[str, list[int]]:
    """Product -> its worst rank per pack over the findings of the parts below it that not every product takes
    (of one EEE scope, of a restriction with conditions of use), counting each only where the product takes it."""
    where = {pack: i for i, pack in enumerate(packs)}
    out: dict[str, list[int]] = {}
    for (part, pack), findings in scoped.items():
        columns = range(len(packs)) if pack == EVERY else [where[pack]] if pack in where else []
        for product in bom.above(part) & bom.products.keys():
            rank = max((RANK[f.status] for f in findings if _takes(product, f, scopes_of)), default=0)
            if rank:
                vector = out.setdefault(product, [0] * len(packs))
                for i in columns:
                    vector[i] = max(vector[i], rank)
    return out


def _part_ranks(parts: dict[tuple[str, str], PartStatus], packs: list[str],
                instead: dict[tuple[str, str], PartStatus] | None = None) -> dict[str, tuple[int, ...]]:
    """part -> its worst rank per pack (in `packs` order), a finding that concerns every pack in each; every
    part with a status is a key (also one whose findings are all in packs not asked for). `instead`: the
    statuses to take for some of the keys."""
    where = {pack: i for i, pack in enumerate(packs)}
    zero = (0,) * len(packs)
    out: dict[str, tuple[int, ...]] = {}
    for (part, pack), ps in parts.items():
        if instead:
            ps = instead.get((part, pack), ps)
        r, v = RANK[ps.status], out.get(part, zero)
        if pack == EVERY:
            out[part] = (r,) * len(packs) if v is zero else tuple(max(x, r) for x in v)
        elif (i := where.get(pack)) is not None and r > v[i]:
            out[part] = v[:i] + (r,) + v[i + 1:]
        else:
            out[part] = v
    return out


def compute(store: Store, packs: list[str] | None, at) -> StatusIndex:
    """Validate once (the named packs, else the default; always `data-quality`: its findings make unknown)."""
    chosen = None if packs is None else sorted(set(packs) | {"data-quality"})
    return status_index(store, validate(store, chosen, at))
