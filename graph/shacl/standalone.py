"""The validator for any RDF data and any shapes, used the way pySHACL is used.

`validate_graph(data_graph, shacl_graph=...)` takes what `pyshacl.validate` takes (rdflib graphs, file
paths, or RDF text) and returns the same triple `(conforms, results_graph, results_text)`, so a script
written for pySHACL runs here by changing one import. The data is copied into an in-memory Oxigraph
store and every constraint runs as one query over all focus nodes; shapes the compiler cannot translate go
to pySHACL with a warning in the text, as in `complygraph validate`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import rdflib
from pyoxigraph import Triple
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node
from rdflib.util import guess_format

from complygraph.graph.embedded import EmbeddedStore
from complygraph.graph.shacl.literals import Rewrites, predicates_of, reads_differently, rewritten_literals
from complygraph.graph.shacl.report import SEVERITY_ORDER, ValidationReport, ValidationResult
from complygraph.graph.shacl.targets import shapes_with_targets
from complygraph.graph.shacl.terms import to_oxigraph
from complygraph.graph.shacl.validator import fallback_graph, pyshacl_results, run_shapes

GraphSource = Graph | str | Path


def load_graph(source: GraphSource | None, fmt: str | None = None) -> Graph:
    """An rdflib Graph from a Graph, a file path, or RDF text (Turtle unless `fmt` says otherwise).

    Literals are read as written: rdflib would otherwise turn the ill-formed "none"^^xsd:boolean into a
    well-formed "false", and "1"^^xsd:boolean into "true", before any constraint sees them."""
    if source is None:
        return Graph()
    if isinstance(source, Graph):
        return source
    path = Path(source) if isinstance(source, Path) or "\n" not in source and len(source) < 4096 else None
    if isinstance(source, Path) and not source.is_file():
        raise FileNotFoundError(f"{source}: no such file")
    with _literals_as_written():
        if path is not None and path.is_file():
            return Graph().parse(path, format=fmt or guess_format(str(path)) or "turtle")
        return Graph().parse(data=source, format=fmt or "turtle")


@contextmanager
def _literals_as_written() -> Iterator[None]:
    saved, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved


def validate_report(data_graph: GraphSource, shacl_graph: GraphSource | None = None, *,
                    data_graph_format: str | None = None, shacl_graph_format: str | None = None,
                    fallback: bool = True) -> ValidationReport:
    """The full report object (results with their details, warnings, timings) of validating `data_graph`
    against `shacl_graph` (the data graph itself when None, as in pySHACL)."""
    data = load_graph(data_graph, data_graph_format)
    shapes = load_graph(shacl_graph, shacl_graph_format) if shacl_graph is not None else data
    store = EmbeddedStore(None)
    store.write(Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in data)
    rewrites = rewritten_literals(data)
    if not rewrites:
        return run_shapes(store, shapes, fallback=fallback)
    # Shapes that could read a rewritten literal differently are validated on the data as written; the
    # others run on the store, and their reported values are given back as the data wrote them.
    predicates = predicates_of(data, rewrites.originals())
    targeted = set(shapes_with_targets(shapes))
    as_written = {s for s in targeted if reads_differently(shapes, s, predicates, rewrites.sensitive())}
    report = run_shapes(store, fallback_graph(shapes, list(targeted - as_written)), fallback=fallback)
    report.results = [_as_written(r, rewrites, data) for r in report.results]
    if as_written:
        shown = ", ".join(sorted(lit.n3() for lit in rewrites.originals())[:3])
        report.warnings.append(f"validated by pySHACL on the data as written: {len(as_written)} shape(s) could "
                               f"read literals the store rewrites ({shown}, ...) differently")
        if fallback:
            report.results += pyshacl_results(data, fallback_graph(shapes, list(as_written)), {})
        report.results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), str(r.focus), str(r.shape)))
    return report


def _as_written(result: ValidationResult, rewrites: Rewrites, data: Graph) -> ValidationResult:
    """The result with its value as the data wrote it ("4.0", not the store's "4")."""
    originals = rewrites.stored.get(result.value) if isinstance(result.value, Literal) else None
    if not originals:
        return result
    if len(originals) > 1 and isinstance(result.path, URIRef):  # several spellings: the one on this path
        originals = [o for o in originals if (result.focus, result.path, o) in data] or originals
    return replace(result, value=originals[0])


def validate_graph(data_graph: GraphSource, shacl_graph: GraphSource | None = None, *,
                   data_graph_format: str | None = None, shacl_graph_format: str | None = None,
                   inference: str = "none", abort_on_first: bool = False, allow_warnings: bool = False,
                   **_ignored: object) -> tuple[bool, Graph, str]:
    """`pyshacl.validate`'s signature and answer: (conforms, the W3C validation report graph, its text).

    Inference is not performed (`inference` must be "none"); `allow_warnings` makes Warning and Info
    results not count against `conforms`, as in pySHACL. Other pySHACL options are accepted and ignored.
    """
    if inference not in (None, "none"):
        raise ValueError(f"inference {inference!r} is not supported; only 'none'")
    report = validate_report(data_graph, shacl_graph, data_graph_format=data_graph_format,
                             shacl_graph_format=shacl_graph_format)
    conforms = report.compliant if allow_warnings else report.conforms
    graph = report.graph()
    graph.set((next(graph.subjects(predicate=SH.conforms)), SH.conforms, Literal(conforms)))
    return conforms, graph, results_text(report, conforms)


def results_text(report: ValidationReport, conforms: bool) -> str:
    """The report as pySHACL prints it: a header, then each result's severity, component, shape, focus
    node, value, path and message."""
    lines = ["Validation Report", f"Conforms: {conforms}"]
    if report.results:
        lines.append(f"Results ({len(report.results)}):")
    for r in report.results:
        kind = "Constraint Violation" if r.severity == SH.Violation else "Validation Result"
        lines += [f"{kind} in {_local(r.component)} ({r.component}):",
                  f"\tSeverity: sh:{_local(r.severity)}",
                  f"\tSource Shape: {_show(r.shape)}",
                  f"\tFocus Node: {_show(r.focus)}"]
        if r.value is not None:
            lines.append(f"\tValue Node: {_show(r.value)}")
        if r.path is not None:
            lines.append(f"\tResult Path: {_show(r.path)}")
        if r.message:
            lines.append(f"\tMessage: {r.message}")
    lines += [f"Warning: {w}" for w in report.warnings]
    return "\n".join(lines) + "\n"


def _local(term: Node) -> str:
    return str(term).rsplit("#", 1)[-1]


def _show(term: Node) -> str:
    return term.n3()
