"""Validation results, the W3C validation report (Turtle, JSON-LD) and a readable summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from complygraph import vocab

CG = Namespace(vocab.CG)  # the same IRIs as vocab.cg, as rdflib terms for the report graph
SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


@dataclass(frozen=True)
class ValidationResult:
    focus: Node
    shape: Node
    component: URIRef
    severity: URIRef
    path: Node | None = None
    value: Node | None = None
    message: str | None = None
    pack: str | None = None
    details: tuple[tuple[str, Node], ...] = ()  # part, material, substance, limit, ... from the query row

    def key(self) -> tuple:
        """What two validators must agree on."""
        return (self.focus, self.shape, self.path, self.value, self.severity)

    def detail(self, name: str) -> Node | None:
        return dict(self.details).get(name)


@dataclass
class ValidationReport:
    results: list[ValidationResult] = field(default_factory=list)
    at: str | None = None
    packs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        # SHACL: any result means the data graph does not conform; exempted results are sh:Info results
        return not any(r.severity == SH.Violation for r in self.results)

    def counts(self) -> Counter:
        return Counter((r.pack, str(r.severity).split("#")[-1]) for r in self.results)

    def graph(self) -> Graph:
        g = Graph()
        g.bind("sh", SH)
        g.bind("cg", CG)
        report = BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
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
            if r.value is not None:
                g.add((node, SH.value, r.value))
            if r.message:
                g.add((node, SH.resultMessage, Literal(r.message)))
            if r.pack:
                g.add((node, CG.pack, Literal(r.pack)))
            for name, value in r.details:
                g.add((node, CG[name], value))
        return g

    def serialize(self, fmt: str) -> str:
        return self.graph().serialize(format={"turtle": "turtle", "json-ld": "json-ld"}[fmt])

    def summary(self) -> str:
        lines = [f"conforms: {self.conforms}" + (f" (evaluated at {self.at})" if self.at else "")]
        for (pack, severity), n in sorted(self.counts().items(), key=lambda x: (str(x[0][0]), x[0][1])):
            lines.append(f"  {pack}: {n} {severity}")
        for w in self.warnings:
            lines.append(f"warning: {w}")
        return "\n".join(lines)
