"""Validation results, the W3C validation report (Turtle, JSON-LD) and a readable summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from complygraph import vocab
from complygraph.graph.shacl.paths import sparql_path
from complygraph.graph.shacl.terms import to_oxigraph

CG = Namespace(vocab.CG)  # the same IRIs as vocab.cg, as rdflib terms for the report graph
_PATH_PREDICATES = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


@dataclass(frozen=True, slots=True)  # slots: a 10^6-part report holds ~800,000 of them
class ValidationResult:
    focus: Node
    shape: Node
    component: URIRef
    severity: URIRef
    path: Node | None = None
    value: Node | None = None
    message: str | Literal | None = None  # a Literal keeps the language of the sh:message it came from
    pack: str | None = None
    details: tuple[tuple[str, Node], ...] = ()  # part, material, substance, limit, ... from the query row
    constraint: Node | None = None  # sh:sourceConstraint: the sh:sparql node of a SPARQL-based constraint

    def key(self) -> tuple:
        """What two validators must agree on."""
        return (self.focus, self.shape, self.path, self.value, self.severity)

    def detail(self, name: str) -> Node | None:
        """The last detail of that name (as a dict of the details would keep it), found without building one:
        the status roll-up asks five per result, 400,000 times for a 100k-part store's report."""
        for key, value in reversed(self.details):
            if key == name:
                return value
        return None


@dataclass
class ValidationReport:
    results: list[ValidationResult] = field(default_factory=list)
    at: str | None = None
    packs: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)  # the regulatory lists the packs' shapes name
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # the shapes graph, for the structure of blank-node paths and constraints the results point to
    shapes: Graph | None = field(default=None, repr=False, compare=False)

    @property
    def conforms(self) -> bool:
        """SHACL's verdict (section 3.6.1): the data graph conforms when there is no result at all, whatever
        the results' severities."""
        return not self.results

    @property
    def compliant(self) -> bool:
        """The compliance verdict: no result of severity sh:Violation. Warnings (a phase-out date ahead,
        a stale certificate) and information (an exemption in use, an SVHC duty) do not make a product
        non-compliant, but they do make the SHACL report say `sh:conforms false`."""
        return not any(r.severity == SH.Violation for r in self.results)

    def counts(self) -> Counter:
        return Counter((r.pack, str(r.severity).split("#")[-1]) for r in self.results)

    def path_texts(self, results) -> dict[str, str]:
        """Each blank-node path of `results` as a SPARQL property path, by the node's label: tables show that, since
        the label is new at every run (QA6 B10: two reports of an unchanged store differed)."""
        if self.shapes is None:
            return {}
        return {str(r.path): sparql_path(self.shapes, r.path) for r in results if isinstance(r.path, BNode)}

    def graph(self) -> Graph:
        g = Graph()
        g.bind("sh", SH)
        g.bind("cg", CG)
        report = BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        g.add((report, CG.compliant, Literal(self.compliant)))
        if self.at:
            g.add((report, CG.evaluationDate, Literal(self.at, datatype=XSD.date)))
        for r in self.results:
            node = BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, r.focus))
            g.add((node, SH.sourceShape, r.shape))
            g.add((node, SH.sourceConstraintComponent, r.component))
            g.add((node, SH.resultSeverity, r.severity))
            if r.path is not None:
                g.add((node, SH.resultPath, r.path))
                self._copy_path(g, r.path)
            if r.constraint is not None:
                g.add((node, SH.sourceConstraint, r.constraint))
                self._copy_structure(g, r.constraint)
            if r.value is not None:
                g.add((node, SH.value, r.value))
            if r.message:
                g.add((node, SH.resultMessage, r.message if isinstance(r.message, Literal) else Literal(r.message)))
            if r.pack:
                g.add((node, CG.pack, Literal(r.pack)))
            for name, value in r.details:
                g.add((node, CG[name], value))
        return g

    def _copy_structure(self, g: Graph, node: Node) -> None:
        """A blank node's description from the shapes graph (a path like [ sh:inversePath ex:p ], an RDF
        list of a sequence path), so the report says which path or constraint it means (SHACL 3.6.2)."""
        todo, seen = [node], set()
        while todo and self.shapes is not None:
            n = todo.pop()
            if not isinstance(n, BNode) or n in seen:
                continue
            seen.add(n)
            for p, o in self.shapes.predicate_objects(n):
                g.add((n, p, o))
                todo.append(o)

    def _copy_path(self, g: Graph, path: Node) -> None:
        """A blank-node path's structure as SHACL reads it (2.3.1): a list is a sequence path, whatever else
        the node says (path-strange-001); otherwise the one path predicate it uses."""
        if not isinstance(path, BNode) or self.shapes is None:
            return
        if (path, RDF.first, None) in self.shapes:
            for p in (RDF.first, RDF.rest):
                for o in self.shapes.objects(path, p):
                    g.add((path, p, o))
                    self._copy_path(g, o)
            return
        for p in _PATH_PREDICATES:
            for o in self.shapes.objects(path, p):
                g.add((path, p, o))
                self._copy_path(g, o)

    def serialize(self, fmt: str) -> str:
        return serialize_graph(self.graph(), fmt)

    def summary(self) -> str:
        violations = sum(1 for r in self.results if r.severity == SH.Violation)
        lines = [f"compliant: {self.compliant} ({violations} Violation result(s)); SHACL conforms: {self.conforms} "
                 f"({len(self.results)} result(s) of any severity)" + (f"; evaluated at {self.at}" if self.at else "")]
        for (pack, severity), n in sorted(self.counts().items(), key=lambda x: (str(x[0][0]), x[0][1])):
            lines.append(f"  {pack}: {n} {severity}")
        for w in self.warnings:
            lines.append(f"warning: {w}")
        return "\n".join(lines)


def serialize_graph(g: Graph, fmt: str) -> str:
    """A report graph as Turtle or JSON-LD. rdflib's Turtle writer prints an ill-formed boolean such as
    "none"^^xsd:boolean as a bare `none`, which is not Turtle; a report holding an ill-formed literal (the
    value of a sh:datatype violation, typically) is written by Oxigraph's serializer instead."""
    if fmt == "turtle" and any(getattr(o, "ill_typed", False) for o in g.objects()):
        triples = (ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in g)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(g.namespaces())).decode()
    return g.serialize(format={"turtle": "turtle", "json-ld": "json-ld"}[fmt])
