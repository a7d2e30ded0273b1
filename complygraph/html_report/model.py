"""What the HTML report shows, read from the store and one validation run before any markup is written.

Keeping the reading apart from the markup lets the sections be plain functions of data (and tested as such),
and keeps the store work to a few set queries whatever the number of products: the products, the BOM edges,
the labels and suppliers of the nodes, the names of the substances the results name. Statuses come from
`graph.status.status_index` over the one report, exactly as the CLI and GraphQL compute them, so the page
never disagrees with `complygraph status`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.bom_index import bom_index
from complygraph.graph.changes import ChangeAnswer, list_change_answer
from complygraph.graph.queries import ListInfo, lists, substance_names
from complygraph.graph.shacl.report import ValidationReport
from complygraph.graph.status import RANK, StatusIndex, worst
from complygraph.graph.store import Store

PREFERRED_LIST = "eu-reach-svhc"  # after a Candidate List update, its impact is the question everybody asks


@dataclass(frozen=True)
class Node:
    """A product or part as a reader knows it: its identifier, name and supplier."""

    iri: str
    id: str
    name: str = ""
    supplier: str = ""  # "S1 Test Supplier"


@dataclass(frozen=True)
class ChangeSpec:
    """The list change whose impact the report charts."""

    list_id: str
    since: dt.date
    until: dt.date
    title: str = ""


@dataclass
class ReportData:
    """One validation run, its statuses and the graph around them, read once so that every section is a
    plain function of it (and the matrix, the trees and the charts cannot disagree)."""

    report: ValidationReport
    index: StatusIndex
    products: list[Node]  # worst status first, then by identifier
    nodes: dict[str, Node]
    children: dict[str, list[tuple[str, Decimal]]]
    substances: dict[str, tuple[str, str]]  # IRI -> (CAS, name)
    lists: dict[str, ListInfo]
    product_iris: set[str] = field(default_factory=set)
    change: ChangeSpec | None = None
    answer: ChangeAnswer | None = None
    rolled: dict[tuple[str, str], str] = field(default_factory=dict)  # (node, pack) -> status of its subtree

    def status(self, node: str, pack: str) -> str:
        """The worst status of a node and everything below it: for a product the status_index answer, for a
        sub-assembly the same roll-up (its own findings and its parts'), for a part its own."""
        key = (node, pack)
        if key not in self.rolled:
            self.rolled[key] = "compliant"  # provisional: a BOM cycle must not recurse forever
            own = (self.index.product(node, pack) if node in self.product_iris else self.index.part(node, pack)).status
            self.rolled[key] = worst([own] + [self.status(c, pack) for c, _ in self.children.get(node, ())])
        return self.rolled[key]

    def worst_status(self, node: str) -> str:
        return worst(self.status(node, pack) for pack in self.report.packs)


def gather(store: Store, report: ValidationReport, index: StatusIndex, change: ChangeSpec | None,
           answer: ChangeAnswer | None) -> ReportData:
    """Everything the sections need, in a handful of set queries."""
    bom = bom_index(store)  # kept from the validation at the same revision; copied: sorted below
    products = set(bom.products)
    children: dict[str, list[tuple[str, Decimal]]] = {parent: list(lines) for parent, lines in bom.children.items()}
    iris = products | set(children) | {c for cs in children.values() for c, _ in cs}
    iris |= {key[0] for key in index.parts}
    nodes = _nodes(store, sorted(iris))
    for parent in children:
        children[parent].sort(key=lambda c: (nodes[c[0]].id if c[0] in nodes else c[0]))
    substances = substance_names(store, sorted(
        {NamedNode(str(v)) for r in report.results for k, v in r.details if k == "substance"}, key=str))
    infos = {info.id: info for info in lists(store)}
    data = ReportData(report, index, [], nodes, dict(children), substances, infos, products)
    ordered = sorted(products, key=lambda p: (-RANK[data.worst_status(p)], nodes[p].id if p in nodes else p))
    data.products = [nodes.get(p, Node(p, p.rsplit("/", 1)[-1])) for p in ordered]
    if change is None and answer is None:
        change = latest_change(infos, report)
    if change is not None:
        title = infos[change.list_id].title if change.list_id in infos else change.list_id
        data.change = ChangeSpec(change.list_id, change.since, change.until, change.title or title)
        data.answer = answer or list_change_answer(store, change.list_id, change.since, change.until)
    return data


def latest_change(infos: dict[str, ListInfo], report: ValidationReport) -> ChangeSpec | None:
    """The newest update, as of the evaluation date, of the SVHC Candidate List if the store holds it, else
    of the first list the packs name that has two versions by then: the change a reader asks about first."""
    at = report.at or dt.date.today().isoformat()
    for list_id in [PREFERRED_LIST] + [x for x in report.lists if x != PREFERRED_LIST]:
        info = infos.get(list_id)
        if info is None:
            continue
        dates = [d for d, _ in info.versions if d <= at]
        if len(dates) >= 2:
            return ChangeSpec(list_id, dt.date.fromisoformat(dates[1]), dt.date.fromisoformat(dates[0]), info.title)
    return None


def version_in_force(info: ListInfo, at: str) -> tuple[str, int] | None:
    """The list version (date, entry count) in force on `at`: the newest one dated on or before it."""
    return next(((d, n) for d, n in info.versions if d <= at), None)


def _nodes(store: Store, iris: list[str]) -> dict[str, Node]:
    """Identifier, name and supplier of each product and part, in batches."""
    out: dict[str, Node] = {}
    for r in select_batched(store, """
        SELECT ?n ?id ?name ?sid ?sname WHERE {
          ?n dct:identifier ?id .
          OPTIONAL { ?n rdfs:label ?name }
          OPTIONAL { ?n cg:suppliedBy ?s . ?s dct:identifier ?sid . OPTIONAL { ?s rdfs:label ?sname } }
        }""", "n", [NamedNode(i) for i in iris]):
        supplier = " ".join(r[k].value for k in ("sid", "sname") if k in r)
        out[r["n"].value] = Node(r["n"].value, r["id"].value, r["name"].value if "name" in r else "", supplier)
    return out
