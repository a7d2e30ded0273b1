"""Running compiled shapes on a store, and pySHACL for what the compiler cannot translate."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pyoxigraph import NamedNode
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from complygraph.graph.bindings import select_batched
from complygraph.graph.shacl.compiler import CompiledConstraint, compile_shapes, root_shape
from complygraph.graph.shacl.messages import fill_message, placeholders
from complygraph.graph.shacl.packs import load_pack_data, shapes_graph
from complygraph.graph.shacl.report import SEVERITY_ORDER, ValidationReport, ValidationResult
from complygraph.graph.shacl.terms import to_rdflib
from complygraph.graph.store import Store
from complygraph.graph.turtle import load_ontology
from complygraph.vocab import CG, CGSH

DETAILS = ("substance", "entry", "restriction", "exemption", "limit", "measured")
_WANTED = {"this", "value", "path", "message", *DETAILS}


def validate(store: Store, packs: list[str] | None = None, at: dt.date | None = None,
             progress: Callable[[str], None] | None = None, load_data: bool = True,
             pack_dirs: list[Path] | None = None) -> ValidationReport:
    """Validate the store against the named shape packs (all when None) as of `at` (default today).

    `pack_dirs` adds a company's own packs to the shipped ones.
    """
    at = at or dt.date.today()
    g, owner, names = shapes_graph(packs, at, pack_dirs)
    if load_data:
        load_ontology(store)
        load_pack_data(store, names, pack_dirs)
    compiled = compile_shapes(g)
    report = ValidationReport(at=at.isoformat(), packs=names)
    regulations = {owner.get(p): g.value(p, URIRef(CG + "underRegulation"))
                   for p in g.subjects(RDF.type, URIRef(CGSH + "ShapePack"))}
    seen = set()
    answers: dict[str, list] = {}  # shapes with the same component and parameters ask the same query
    for c in compiled.constraints:
        started = time.perf_counter()
        if c.query not in answers:
            rows = store.select(c.query)
            if c.generator_query and any("this" not in r for r in rows):
                rows = store.select(c.generator_query)  # the query relies on $this being pre-bound
            answers[c.query] = rows
        pack = owner.get(root_shape(g, c.shape))
        keep = _WANTED | {name for msg in c.messages for name in placeholders(str(msg))}
        for row in answers[c.query]:
            result = _result(c, {k: to_rdflib(v) for k, v in row.items() if k in keep}, pack)
            if (result.key(), result.component) not in seen:
                seen.add((result.key(), result.component))
                report.results.append(result)
        report.timings[f"{c.shape} {c.component}"] = time.perf_counter() - started
        if progress:
            progress(str(c.shape))
    if compiled.fallback:
        report.warnings += [f"validated by pySHACL, not compiled: {why}" for why in compiled.fallback.values()]
        report.results += pyshacl_results(store_graph(store), fallback_graph(g, list(compiled.fallback)), owner)
    report.results = [replace(r, details=r.details + (("regulation", regulations[r.pack]),))
                      if regulations.get(r.pack) is not None else r for r in _with_parts(store, report.results)]
    report.results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), str(r.pack), str(r.focus), str(r.shape)))
    return report


def _result(c: CompiledConstraint, row: dict[str, Node], pack: str | None) -> ValidationResult:
    focus = row["this"]
    if c.has_value and "value" in row:
        value = row["value"]
    elif c.sparql_based and c.node_shape:
        value = focus  # SHACL 5.3.2: without ?value, a node shape's value node is the focus node
    else:
        value = None  # sh:minCount, sh:maxCount, sh:hasValue report no value
    path = row.get("path", c.path)
    message = None
    if c.messages:
        message = fill_message(str(c.messages[0]), {**c.params, **row})
    elif "message" in row:
        message = str(row["message"])
    details = tuple((k, row[k]) for k in DETAILS if k in row)
    return ValidationResult(focus, c.shape, c.component, c.severity, path, value, message, pack, details)


def _with_parts(store: Store, results: list[ValidationResult]) -> list[ValidationResult]:
    """Add the part (and material) each result is about: one set query for all material focus nodes."""
    materials = list({str(r.focus) for r in results if "/material/" in str(r.focus)})
    parts: dict[str, Node] = {}
    query = "SELECT ?m ?part WHERE { ?part cg:hasMaterial ?m }"
    if len(materials) > 20_000:  # most materials are concerned: one scan beats many lookups
        rows = store.select(query)
    else:
        rows = select_batched(store, query, "m", [NamedNode(m) for m in materials])
    for row in rows:
        parts[row["m"].value] = URIRef(row["part"].value)
    out = []
    for r in results:
        extra: tuple = ()
        if str(r.focus) in parts:
            extra = (("part", parts[str(r.focus)]), ("material", r.focus))
        elif "/part/" in str(r.focus):
            extra = (("part", r.focus),)
        out.append(replace(r, details=extra + r.details) if extra else r)
    return out


def store_graph(store: Store) -> Graph:
    """The store's default graph as an rdflib Graph, for pySHACL (reference runs and fallback)."""
    g = Graph()
    for row in store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
        g.add((to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])))
    return g


def fallback_graph(g: Graph, shapes: list[Node]) -> Graph:
    """The shapes graph with only the given shapes active: others are deactivated, components kept."""
    out = Graph()
    out += g
    for shape in set(g.subjects(RDF.type, SH.NodeShape)) | {s for p in (SH.targetClass, SH.targetNode,
                                                                         SH.targetSubjectsOf, SH.targetObjectsOf)
                                                             for s in g.subjects(p, None)}:
        if shape not in shapes:
            out.set((shape, SH.deactivated, Literal(True)))
    return out


def pyshacl_results(data: Graph, shapes: Graph, owner: dict) -> list[ValidationResult]:
    """Run pySHACL and read its report into the same results."""
    import pyshacl

    _, results_graph, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                           allow_warnings=True)
    out = []
    for r in results_graph.subjects(RDF.type, SH.ValidationResult):
        shape = results_graph.value(r, SH.sourceShape)
        message = results_graph.value(r, SH.resultMessage)
        out.append(ValidationResult(
            focus=results_graph.value(r, SH.focusNode), shape=shape,
            component=results_graph.value(r, SH.sourceConstraintComponent),
            severity=results_graph.value(r, SH.resultSeverity), path=results_graph.value(r, SH.resultPath),
            value=results_graph.value(r, SH.value), message=str(message) if message is not None else None,
            pack=owner.get(root_shape(shapes, shape))))
    return out
