"""The W3C validation report written straight to a file, result by result, in a stable order.

A million results as an rdflib graph take gigabytes and minutes to serialise; the same report streamed through
pyoxigraph's serialiser holds one result at a time. Results are written in one order whatever order the
engine found them in (pack, severity, focus node, shape, value, message), so two runs on the same store give
the same file and a diff between runs shows what changed.

JSON-LD is written compact: one `@context` maps short keys (`focusNode`, `resultSeverity`, `sourceShape`, ...)
to the sh: IRIs and the result's context (`part`, `material`, `substance`, `limit`, `measured`, ...) to cg:
terms, and each result is one line of JSON. A JSON-LD processor expands it to the same triples as the
Turtle report (tests/test_report_formats.py checks it with rdflib); `json-ld-expanded` is pyoxigraph's
expanded form without a context.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from complygraph import vocab
from complygraph.graph.shacl.report import SEVERITY_ORDER, ValidationReport, ValidationResult
from complygraph.graph.shacl.terms import to_oxigraph

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
           "json-ld-expanded": ox.RdfFormat.JSON_LD}
COMPACT = "json-ld"  # written by this module, not by pyoxigraph
_SH, _CG = str(SH), vocab.CG


def ordered(results: list[ValidationResult]) -> list[ValidationResult]:
    """The results in the report's stable order."""
    return sorted(results, key=lambda r: (r.pack or "", SEVERITY_ORDER.get(r.severity, 9), str(r.focus),
                                          str(r.shape), str(r.value or ""), str(r.message or "")))


def _statements(report: ValidationReport, term: Callable, blank: Callable[[str], object],
                text: Callable[[str], object]) -> Iterator[tuple]:
    """The report's statements as (subject, predicate IRI, object), subjects and objects made by `term` (from an
    rdflib term), `blank` (from a blank node label) and `text` (a plain string literal from a str, without an
    rdflib Literal in between: a message is new in nearly every result): the one walk of the report both
    writers share."""
    root = blank("report")
    yield root, str(RDF.type), term(SH.ValidationReport)
    yield root, _SH + "conforms", term(Literal(report.conforms))
    yield root, _CG + "compliant", term(Literal(report.compliant))
    if report.at:
        yield root, _CG + "evaluationDate", term(Literal(report.at, datatype=XSD.date))
    structures: set = set()  # (path, constraint) pairs whose blank-node structure is written
    structure = Graph()  # those structures
    copied: set = set()  # each of their triples written once
    kind = term(SH.ValidationResult)
    packs: dict[str, object] = {}
    for i, r in enumerate(ordered(report.results)):
        node = blank(f"r{i}")
        yield root, _SH + "result", node
        yield node, str(RDF.type), kind
        yield node, _SH + "focusNode", term(r.focus)
        yield node, _SH + "sourceShape", term(r.shape)
        yield node, _SH + "sourceConstraintComponent", term(r.component)
        yield node, _SH + "resultSeverity", term(r.severity)
        if r.path is not None:
            yield node, _SH + "resultPath", term(r.path)
        if r.constraint is not None:
            yield node, _SH + "sourceConstraint", term(r.constraint)
        if _copy_structure_once(report, r, structures, structure):  # a blank-node path or constraint
            for t in structure:
                if t not in copied:
                    copied.add(t)
                    yield term(t[0]), str(t[1]), term(t[2])
        if r.value is not None:
            yield node, _SH + "value", term(r.value)
        if r.message:
            yield node, _SH + "resultMessage", term(r.message) if isinstance(r.message, Literal) else text(r.message)
        if r.pack:
            if r.pack not in packs:
                packs[r.pack] = text(r.pack)
            yield node, _CG + "pack", packs[r.pack]
        for name, value in r.details:
            yield node, _CG + name, term(value)


@lru_cache(maxsize=256)
def _predicate(iri: str) -> ox.NamedNode:
    """A report's few predicates, each made once: a 10^6-part report writes 15M triples."""
    return ox.NamedNode(iri)


def _copy_structure_once(report: ValidationReport, r: ValidationResult, seen: set, into: Graph) -> bool:
    """Copy the blank-node structure of the result's path and constraint into `into`, unless a result with the
    same pair was copied before (`seen`); True when copied. Each pair's structure is the same whatever the
    result, and a 10^6-part report has ~800,000 results for a few dozen pairs."""
    if (r.path, r.constraint) in seen:
        return False
    seen.add((r.path, r.constraint))
    if r.path is not None:
        report._copy_path(into, r.path)
    if r.constraint is not None:
        report._copy_structure(into, r.constraint)
    return True


def report_triples(report: ValidationReport) -> Iterator[ox.Triple]:
    """The report as pyoxigraph triples (for the formats pyoxigraph writes)."""
    term = lru_cache(maxsize=1 << 16)(to_oxigraph)  # shapes, components, limits, ...: converted once each
    for s, p, o in _statements(report, term, ox.BlankNode, ox.Literal):
        yield ox.Triple(s, _predicate(p), o)


_SHORT_PREDICATE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _text_predicate(iri: str, turtle: bool) -> str:
    if turtle:
        if iri == str(RDF.type):
            return "a"
        for prefix, ns in (("sh", _SH), ("cg", _CG)):
            if iri.startswith(ns) and _SHORT_PREDICATE.fullmatch(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
    return str(ox.NamedNode(iri))


def _write_text(report: ValidationReport, write: Callable[[str], object], turtle: bool) -> None:
    """Turtle or N-Triples written as text, a statement a line: pyoxigraph's writer took 49 s for the 15M
    triples of a 10^6-part report, most of it in making a Triple of each; each term is written in N-Triples
    form (valid Turtle), converted once where it recurs."""
    if turtle:
        write(f"@prefix sh: <{_SH}> .\n@prefix cg: <{_CG}> .\n\n")
    term = lru_cache(maxsize=1 << 16)(lambda t: str(to_oxigraph(t)))
    predicates: dict[str, str] = {}
    chunk: list[str] = []
    for s, p, o in _statements(report, term, "_:".__add__, lambda value: str(ox.Literal(value))):
        if p not in predicates:
            predicates[p] = _text_predicate(p, turtle)
        chunk.append(f"{s} {predicates[p]} {o} .\n")
        if len(chunk) == 10_000:
            write("".join(chunk))
            chunk.clear()
    write("".join(chunk))


def write_report(report: ValidationReport, path: Path | BinaryIO, fmt: str = "turtle") -> int:
    """Write the report to `path` (a file name, or a binary stream such as stdout's) as it is generated; the
    number of results written."""
    if fmt not in FORMATS and fmt != COMPACT:
        raise ValueError(f"report format {fmt!r}: one of {', '.join([*FORMATS, COMPACT])}")
    if fmt in (COMPACT, "turtle", "ntriples"):
        def out(write: Callable[[str], object]) -> None:
            if fmt == COMPACT:
                write_compact(report, write)
            else:
                _write_text(report, write, fmt == "turtle")
        if isinstance(path, Path | str):
            with open(path, "w", encoding="utf-8") as f:
                out(f.write)
        else:
            out(lambda text: path.write(text.encode("utf-8")))
        return len(report.results)
    ox.serialize(report_triples(report), output=path if not isinstance(path, Path) else str(path),
                 format=FORMATS[fmt])
    return len(report.results)


# --- compact JSON-LD ------------------------------------------------------------------------------------

_XSD = str(XSD)
_PREFIXES = {"sh": _SH, "cg": _CG, "cgsh": vocab.CGSH, "xsd": _XSD}
# short key -> (IRI, coercion): "@id" keys hold IRIs (a literal is then written as a value object), a datatype
# key holds literals of that datatype as plain strings, None plain strings
_SHORT = {"focusNode": ("sh:focusNode", "@id"), "resultSeverity": ("sh:resultSeverity", "@id"),
          "sourceShape": ("sh:sourceShape", "@id"),
          "sourceConstraintComponent": ("sh:sourceConstraintComponent", "@id"),
          "sourceConstraint": ("sh:sourceConstraint", "@id"), "resultPath": ("sh:resultPath", "@id"),
          "value": ("sh:value", "@id"), "resultMessage": ("sh:resultMessage", None), "pack": ("cg:pack", None),
          **{name: (f"cg:{name}", "@id") for name in ("part", "material", "substance", "entry", "restriction",
                                                       "exemption", "regulation", "status", "eeeScope")},
          "limit": ("cg:limit", "xsd:decimal"), "measured": ("cg:measured", "xsd:decimal"),
          "basis": ("cg:basis", None), "duty": ("cg:duty", None), "everyPack": ("cg:everyPack", "xsd:boolean")}
CONTEXT = {**_PREFIXES, "ValidationReport": "sh:ValidationReport", "ValidationResult": "sh:ValidationResult",
           "conforms": "sh:conforms", "compliant": "cg:compliant", "result": "sh:result",
           "evaluationDate": {"@id": "cg:evaluationDate", "@type": "xsd:date"},
           **{k: ({"@id": iri, "@type": kind} if kind else iri) for k, (iri, kind) in _SHORT.items()}}
_KEY_OF = {f"{_SH}{k}": k for k in ("focusNode", "resultSeverity", "sourceShape", "sourceConstraintComponent",
                                    "sourceConstraint", "resultPath", "value", "resultMessage")}


def _compact(iri: str) -> str:
    """sh:, cg:, cgsh: and xsd: IRIs as compact IRIs; any other IRI in full."""
    for prefix, ns in _PREFIXES.items():
        rest = iri[len(ns):]
        if iri.startswith(ns) and rest and not rest.startswith("//"):
            return f"{prefix}:{rest}"
    return iri


class _Terms:
    """RDF terms as compact JSON-LD values; blank nodes relabelled _:b0, _:b1, ... in the order they are met,
    so that the same report is the same text on every run."""

    def __init__(self) -> None:
        self.blank: dict[BNode, str] = {}
        self.met: list[BNode] = []

    def node(self, term) -> str:
        if isinstance(term, BNode):
            if term not in self.blank:
                self.blank[term] = f"_:b{len(self.blank)}"
                self.met.append(term)
            return self.blank[term]
        return _compact(str(term))

    def value(self, term, kind: str | None):
        """A plain string where the key's coercion says what it is, else an {"@id"} or value object."""
        if isinstance(term, URIRef | BNode):
            return self.node(term) if kind == "@id" else {"@id": self.node(term)}
        lit = term if isinstance(term, Literal) else Literal(term)
        if lit.language:
            return {"@value": str(lit), "@language": lit.language}
        datatype = _compact(str(lit.datatype)) if lit.datatype is not None else None
        if datatype == kind or (datatype is None and kind is None):
            return str(lit)
        return {"@value": str(lit), **({"@type": datatype} if datatype else {})}


def _add(node: dict, key: str, value) -> None:
    if key not in node:
        node[key] = value
    else:
        node[key] = (node[key] if isinstance(node[key], list) else [node[key]]) + [value]


def write_compact(report: ValidationReport, write: Callable[[str], object]) -> None:
    """The report as compact JSON-LD through `write`, one result per line, the blank-node structure of the
    paths and constraints the results name after them (once per report)."""
    terms, structure, copied = _Terms(), Graph(), set()
    head = {"@id": "_:report", "@type": "ValidationReport", "conforms": report.conforms,
            "compliant": report.compliant}
    if report.at:
        head["evaluationDate"] = report.at
    write('{\n"@context": ' + json.dumps(CONTEXT, ensure_ascii=False) + ',\n"@graph": [\n')
    write(json.dumps(head, ensure_ascii=False)[:-1] + ', "result": [')
    for i, r in enumerate(ordered(report.results)):
        node: dict = {"@id": f"_:r{i}", "@type": "ValidationResult"}
        for predicate, term in ((SH.focusNode, r.focus), (SH.resultSeverity, r.severity),
                                (SH.sourceShape, r.shape), (SH.sourceConstraintComponent, r.component),
                                (SH.resultPath, r.path), (SH.sourceConstraint, r.constraint), (SH.value, r.value),
                                (SH.resultMessage, r.message or None)):
            if term is not None:
                key = _KEY_OF[str(predicate)]
                node[key] = terms.value(term, _SHORT[key][1])
        _copy_structure_once(report, r, copied, structure)
        if r.pack:
            node["pack"] = r.pack
        for name, value in r.details:
            key = name if name in _SHORT else f"cg:{name}"
            _add(node, key, terms.value(value, _SHORT[key][1] if key in _SHORT else None))
        write(("\n" if i == 0 else ",\n") + json.dumps(node, ensure_ascii=False))
    write("\n]}")
    todo, done = [b for b in terms.met if (b, None, None) in structure], set()
    while todo:  # breadth first from the nodes the results name: the labels of nested nodes follow that order
        s = todo.pop(0)
        if s in done:
            continue
        done.add(s)
        node = {"@id": terms.node(s)}
        for p, o in sorted(structure.predicate_objects(s), key=lambda po: (
                str(po[0]), type(po[1]).__name__, "" if isinstance(po[1], BNode) else str(po[1]))):
            _add(node, "@type" if p == RDF.type else _compact(str(p)),
                 terms.node(o) if p == RDF.type else terms.value(o, None))
            if isinstance(o, BNode):
                todo.append(o)
        write(",\n" + json.dumps(node, ensure_ascii=False))
    write("\n]\n}\n")
