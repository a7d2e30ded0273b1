"""Running compiled shapes on a store, and pySHACL for what the compiler cannot translate."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from functools import lru_cache
from pathlib import Path

from pyoxigraph import NamedNode
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

import complygraph.graph.shacl.query_costs as query_costs
from complygraph.graph import derived, memory
from complygraph.graph.shacl.compiler import CompiledConstraint, compile_shapes, root_shape
from complygraph.graph.shacl.completion import Completion
from complygraph.graph.shacl.errors import ShapesError
from complygraph.graph.shacl.messages import fill_message, placeholders
from complygraph.graph.shacl.packs import load_pack_data, shapes_graph
from complygraph.graph.shacl.preconditions import check_inputs, lists_named
from complygraph.graph.shacl.query_pool import answers_as_done, start_order
from complygraph.graph.shacl.report import SEVERITY_ORDER, ValidationReport, ValidationResult
from complygraph.graph.shacl.targets import TARGETS, shapes_with_targets
from complygraph.graph.shacl.term_names import TermNames
from complygraph.graph.shacl.terms import to_rdflib
from complygraph.graph.store import Store, StoreError
from complygraph.graph.turtle import load_ontology

NAMES_TIMING = "names of the list entries, restrictions and groups in messages (lookups)"
# eeeScope: the EEE scope a result holds for (RoHS exemptions per category), so that a product of another scope
# does not take it (graph/status_reads.py, QA12 B02)
DETAILS = ("substance", "entry", "restriction", "exemption", "limit", "measured", "basis", "uncheckedGroups",
           "eeeScope")
_WANTED = {"this", "value", "path", "message", "substances", *DETAILS}


def validate(store: Store, packs: list[str] | None = None, at: dt.date | None = None,
             progress: Callable[[str, int, int], None] | None = None, load_data: bool = True,
             pack_dirs: list[Path] | None = None) -> ValidationReport:
    """Validate the store against the named shape packs (all when None) as of `at` (default today).

    `pack_dirs` adds a company's own packs to the shipped ones.
    """
    at = at or dt.date.today()
    g, owner, names = shapes_graph(packs, at, pack_dirs)
    check_inputs(store, g, owner, names, at)
    memory.limit_arenas()  # before the writes and query threads allocate: what they free is given back (memory.py)
    started = time.perf_counter()
    try:
        if load_data:
            load_ontology(store)
            load_pack_data(store, names, pack_dirs)
        derived.refresh(store)  # from the store as it is now: never stale
    except StoreError as exc:  # a read-only endpoint (QA6 B07): say why a read command writes
        raise StoreError(f"validation writes into the store before its queries (the ontology and the packs' data "
                         f"when they changed, and the facts it derives: product scopes, material classes, uses), so "
                         f"it needs a store that accepts updates; preparing them failed: {exc}") from None
    memory.trim()
    deriving = time.perf_counter() - started
    report = run_shapes(store, g, owner, progress, complete=Completion(store, g, owner))
    dialect = getattr(store, "dialect", None)
    report.warnings += getattr(store, "engine_warnings", list)()  # a SPARQL server's own settings (graph/dialects.py)
    report.warnings += [f"pack {pack}: {why}" for pack, why in getattr(dialect, "unreliable_packs", ())
                        if pack in names]
    report.timings["derived facts (product categories and material classes of materials)"] = deriving
    report.at, report.packs, report.lists = at.isoformat(), names, sorted(lists_named(g, owner, names))
    return report


def run_shapes(store: Store, g: Graph, owner: dict | None = None,
               progress: Callable[[str, int, int], None] | None = None,
               fallback: bool = True, complete: Callable[[list], list] | None = None) -> ValidationReport:
    """Validate the store's default graph against the shapes graph `g`: each compiled constraint is one query
    over all focus nodes; what the compiler cannot translate goes to pySHACL (unless `fallback` is false,
    when it is only listed in the report's warnings). `owner` maps shapes to the pack they come from;
    `progress(shape, i, n)` is called after constraint i of n; `complete` (completion.py), when given, receives
    each constraint's results as they are read and gives them back with what the report adds to them. Messages
    name the list entries, restrictions and groups their placeholders are bound to (term_names.py)."""
    owner = owner or {}
    memory.limit_arenas()  # also when run_shapes is called alone
    compiled = compile_shapes(g, getattr(getattr(store, "dialect", None), "shape_based", True))
    report = ValidationReport(shapes=g)
    # shapes with the same component and parameters ask the same query: it runs once
    asked = [q for c in compiled.constraints for q in (c.query, c.multiplicity) if q is not None]
    folder = getattr(store, "folder", None)  # the embedded store's folder: each query's time is kept there
    order = start_order(asked, query_costs.known(folder, asked),
                        {c.query for c in compiled.constraints if c.sparql_based})
    ran: dict[str, float] = {}
    names = TermNames(store)
    select = _select(store, compiled, owner)
    with closing(answers_as_done(select, order)) as answers:  # a failure stops the queries still to run
        _read_answers(compiled, answers, owner, report, progress, ran, complete or (lambda results: results),
                      names)
    query_costs.record(folder, ran)
    report.timings[NAMES_TIMING] = names.seconds
    if compiled.fallback:
        verb = "validated by pySHACL" if fallback else "NOT validated (no fallback)"
        report.warnings += [f"{verb}, not compiled: {why}" for why in compiled.fallback.values()]
        if fallback:
            found = pyshacl_results(store_graph(store), fallback_graph(g, list(compiled.fallback)), owner)
            report.results += complete(found) if complete else found
    report.results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), str(r.pack), str(r.focus), str(r.shape)))
    return report


def _select(store: Store, compiled, owner: dict) -> Callable[[str], list]:
    """The store's select, with the engine's pragma before the queries of the packs it must run in the written
    join order (graph/dialects.py `ordered_packs`: Virtuoso's sampled plans answered eu-rohs wrongly)."""
    dialect = getattr(store, "dialect", None)
    packs, pragma = getattr(dialect, "ordered_packs", ()), getattr(dialect, "order_pragma", "")
    ordered = {q for c in compiled.constraints if owner.get(c.root, owner.get(c.shape)) in packs
               for q in _queries(c)}
    if not ordered or not pragma:
        return store.select
    return lambda q: store.select(pragma + q if q in ordered else q)


def _read_answers(compiled, answers: Iterator[tuple[str, list, float]], owner: dict, report: ValidationReport,
                  progress: Callable[[str, int, int], None] | None, ran: dict[str, float],
                  complete: Callable[[list], list], names: TermNames | None = None) -> None:
    """The results of each compiled constraint from its query's rows (and its multiplicity query's counts), read
    as the answers come, each constraint's kept in its own place and added to the report in the constraints'
    order: the same report whatever finished first. A term is converted once per run, whatever the rows it is in
    (a material's IRI, a restriction, a limit): one rdflib term shared by its results, in less time and memory.
    `ran` receives each query's seconds; `names` gives the names messages show (looked up on this thread, the
    one that reads the answers, while the query threads go on)."""
    convert = lru_cache(maxsize=1 << 18)(to_rdflib)
    waiting: dict[str, list[int]] = {}  # query -> the constraints that wait for its answer
    needs: dict[str, int] = {}  # query -> the constraints not yet read that need its answer
    for i, c in enumerate(compiled.constraints):
        for q in _queries(c):
            waiting.setdefault(q, []).append(i)
            needs[q] = needs.get(q, 0) + 1
    got: dict[str, list] = {}
    placed: list[list[ValidationResult] | None] = [None] * len(compiled.constraints)
    done = 0
    for q, rows, seconds in answers:
        ran[q], got[q] = seconds, rows
        del rows
        for i in waiting.pop(q):
            c = compiled.constraints[i]
            if any(other in waiting for other in _queries(c)):
                continue  # its other answer is still to come
            started = time.perf_counter()
            placed[i] = complete(_results_of(c, got[c.query], got[c.multiplicity] if c.multiplicity else [], owner,
                                             convert, names))
            # the query's own time (queries run side by side, query_pool.py) and the reading of its rows
            report.timings[f"{c.shape} {c.component}"] = (sum(ran[a] for a in _queries(c))
                                                          + time.perf_counter() - started)
            for answered in _queries(c):
                needs[answered] -= 1
                if not needs[answered]:
                    del got[answered]  # no constraint needs it any more
            done += 1
            if progress:
                progress(str(c.shape), done, len(compiled.constraints))
        memory.trim()
    for results in placed:
        report.results += results or []


def _queries(c: CompiledConstraint) -> tuple[str, ...]:
    return (c.query, c.multiplicity) if c.multiplicity and c.multiplicity != c.query else (c.query,)


def _results_of(c: CompiledConstraint, rows: list, counts: list, owner: dict, convert,
                names: TermNames | None = None) -> list[ValidationResult]:
    if c.key is not None:  # a query shared by the core constraints of a property shape: this one's rows
        rows = [row for row in rows if int(row["k"].value) == c.key]
    pack = owner.get(c.root, owner.get(c.shape))
    keep = _WANTED | {name for msg in c.messages for name in placeholders(str(msg))}
    named = _names(c, rows, names) if names is not None else {}
    # One result per distinct result of this constraint: rows that differ only in variables the report
    # does not show (a sequence path's middle node) are one result, except in those the component says keep
    # results apart (`distinct_by`: a sh:closed value node, a sh:lessThan pair); rows that differ in a detail
    # (?substance, ?entry) are results of their own, and so are the results of another constraint.
    results = dict.fromkeys((_result(c, {k: convert(v) for k, v in row.items() if k in keep}, pack, named),
                             tuple(row.get(v) for v in c.distinct_by)) for row in rows)
    times = {convert(r["this"]): int(r["n"].value) for r in counts}
    return [result for result, _ in results for _ in range(times.get(result.focus, 1))]


def _names(c: CompiledConstraint, rows: list, names: TermNames) -> dict[Node, str]:
    """The names of the IRIs the constraint's message shows (its placeholders' values in `rows`, and its
    parameters'), from one lookup for the batch: the rdflib IRI -> its name, for those the store names."""
    if not c.messages:
        return {}
    used = list(dict.fromkeys(placeholders(str(c.messages[0]))))
    iris = {str(v) for var in used if isinstance(v := c.params.get(var), URIRef)}
    iris.update(v.value for row in rows for var in used if isinstance(v := row.get(var), NamedNode))
    if not iris:
        return {}
    return {URIRef(iri): name for iri, name in names.of(iris).items()}


def _result(c: CompiledConstraint, row: dict[str, Node], pack: str | None,
            named: dict[Node, str] | None = None) -> ValidationResult:
    focus = row["this"]
    if c.has_value and "value" in row:
        value = row["value"]
    elif c.sparql_based and c.node_shape:
        value = focus  # SHACL 5.3.2: without ?value, a node shape's value node is the focus node
    else:
        value = None  # sh:minCount, sh:maxCount, sh:hasValue report no value
    path = row.get("path", c.path)
    message = None
    if c.messages:  # the filled message keeps the language of its sh:message (SHACL 3.6.2.6)
        template = c.messages[0]
        language = template.language if isinstance(template, Literal) else None
        text = fill_message(str(template), {**c.params, **row}, named)
        message = Literal(text, lang=language) if language else text
    elif "message" in row:
        message = row["message"] if getattr(row["message"], "language", None) else str(row["message"])
    details = tuple((k, row[k]) for k in DETAILS if k in row) + _substances(row)
    return ValidationResult(focus, c.shape, c.component, c.severity, path, value, message, pack, details,
                            constraint=c.constraint)


def _substances(row: dict[str, Node]) -> tuple[tuple[str, Node], ...]:
    """A result that sums several substances (a group, an entry's members) names each of them: the query
    gives their IRIs space-separated in ?substances (one result per restriction, every substance named)."""
    if "substances" not in row or "substance" in row:
        return ()
    return tuple(("substance", URIRef(iri)) for iri in sorted(set(str(row["substances"]).split())))


def store_graph(store: Store) -> Graph:
    """The store's default graph as an rdflib Graph, for pySHACL (reference runs and fallback)."""
    g = Graph()
    for row in store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
        g.add((to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])))
    return g


def fallback_graph(g: Graph, shapes: list[Node]) -> Graph:
    """The shapes graph in which only `shapes` select focus nodes: every other shape loses its targets (implicit
    class targets included) but stays active, since a fallback shape may refer to it through sh:node, sh:not,
    sh:and, sh:or, sh:xone or sh:qualifiedValueShape."""
    out = Graph()
    out += g
    for shape, flag in g.subject_objects(SH.uniqueLang):
        if not (isinstance(flag, Literal) and str(flag) == "true"):  # SHACL 4.4.4: only true activates it;
            out.remove((shape, SH.uniqueLang, flag))  # pySHACL would also take "1"^^xsd:boolean
    for shape in set(shapes_with_targets(g)) - set(shapes):
        for p in TARGETS:
            out.remove((shape, p, None))
        for cls in (RDFS.Class, OWL.Class):
            out.remove((shape, RDF.type, cls))
    return out


def pyshacl_results(data: Graph, shapes: Graph, owner: dict) -> list[ValidationResult]:
    """Run pySHACL and read the results of its report (`sh:result` of the report only, never the results
    nested under `sh:detail`). A failure pySHACL reports (e.g. a SPARQL query SHACL forbids) raises."""
    import pyshacl

    _, results_graph, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                           allow_warnings=True)
    if isinstance(results_graph, Exception):  # pySHACL returns its ValidationFailure instead of a report
        raise ShapesError(f"pySHACL: {results_graph}")
    out = []
    for report in results_graph.subjects(RDF.type, SH.ValidationReport):
        for r in results_graph.objects(report, SH.result):
            shape = results_graph.value(r, SH.sourceShape)
            message = results_graph.value(r, SH.resultMessage)
            out.append(ValidationResult(
                focus=results_graph.value(r, SH.focusNode), shape=shape,
                component=results_graph.value(r, SH.sourceConstraintComponent),
                severity=results_graph.value(r, SH.resultSeverity), path=results_graph.value(r, SH.resultPath),
                value=results_graph.value(r, SH.value), message=str(message) if message is not None else None,
                pack=owner.get(root_shape(shapes, shape))))
    return out
