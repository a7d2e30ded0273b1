"""The W3C validation report written straight to a file, result by result, in a stable order.

A million results as an rdflib graph take gigabytes and minutes to serialise; the same report streamed through
pyoxigraph's serialiser holds one result at a time. Results are written in one order whatever order the
engine found them in (pack, severity, focus node, shape, value, message), so two runs on the same store give
the same file and a diff between runs shows what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH, XSD

from complygraph import vocab
from complygraph.graph.shacl.report import SEVERITY_ORDER, ValidationReport, ValidationResult
from complygraph.graph.shacl.terms import to_oxigraph

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD}
_SH, _CG = str(SH), vocab.CG


def ordered(results: list[ValidationResult]) -> list[ValidationResult]:
    """The results in the report's stable order."""
    return sorted(results, key=lambda r: (r.pack or "", SEVERITY_ORDER.get(r.severity, 9), str(r.focus),
                                          str(r.shape), str(r.value or ""), str(r.message or "")))


def _t(s, p: str, o) -> ox.Triple:
    return ox.Triple(s, ox.NamedNode(p), o)


def report_triples(report: ValidationReport) -> Iterator[ox.Triple]:
    root = ox.BlankNode("report")
    yield _t(root, str(RDF.type), ox.NamedNode(_SH + "ValidationReport"))
    yield _t(root, _SH + "conforms", to_oxigraph(Literal(report.conforms)))
    yield _t(root, _CG + "compliant", to_oxigraph(Literal(report.compliant)))
    if report.at:
        yield _t(root, _CG + "evaluationDate", ox.Literal(report.at, datatype=ox.NamedNode(str(XSD.date))))
    copied: set = set()
    for i, r in enumerate(ordered(report.results)):
        node = ox.BlankNode(f"r{i}")
        yield _t(root, _SH + "result", node)
        yield _t(node, str(RDF.type), ox.NamedNode(_SH + "ValidationResult"))
        yield _t(node, _SH + "focusNode", to_oxigraph(r.focus))
        yield _t(node, _SH + "sourceShape", to_oxigraph(r.shape))
        yield _t(node, _SH + "sourceConstraintComponent", to_oxigraph(r.component))
        yield _t(node, _SH + "resultSeverity", to_oxigraph(r.severity))
        structure = Graph()
        if r.path is not None:
            yield _t(node, _SH + "resultPath", to_oxigraph(r.path))
            report._copy_path(structure, r.path)
        if r.constraint is not None:
            yield _t(node, _SH + "sourceConstraint", to_oxigraph(r.constraint))
            report._copy_structure(structure, r.constraint)
        for s, p, o in structure:  # a blank-node path or constraint, once per report
            if (s, p, o) not in copied:
                copied.add((s, p, o))
                yield ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
        if r.value is not None:
            yield _t(node, _SH + "value", to_oxigraph(r.value))
        if r.message:
            yield _t(node, _SH + "resultMessage",
                     to_oxigraph(r.message if isinstance(r.message, Literal) else Literal(r.message)))
        if r.pack:
            yield _t(node, _CG + "pack", ox.Literal(r.pack))
        for name, value in r.details:
            yield _t(node, _CG + name, to_oxigraph(value))


def write_report(report: ValidationReport, path: Path, fmt: str = "turtle") -> int:
    """Write the report to `path` as it is generated; the number of results written."""
    if fmt not in FORMATS:
        raise ValueError(f"report format {fmt!r}: one of {', '.join(FORMATS)}")
    ox.serialize(report_triples(report), output=str(path), format=FORMATS[fmt],
                 prefixes={"sh": _SH, "cg": _CG, "xsd": str(XSD)} if fmt == "turtle" else None)
    return len(report.results)
