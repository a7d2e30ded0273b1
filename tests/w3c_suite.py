"""The W3C SHACL test suite (core + SPARQL, vendored in tests/w3c/), read from its manifests and run three ways.

- `pyshacl`: `pyshacl.validate` on the file paths, `inference="none"` (the reference we measure against);
- `whole`: our whole validator through the CLI, `complygraph shacl DATA -s SHAPES -f turtle` (compiled shapes on
  Oxigraph, pySHACL for the shapes the compiler cannot translate);
- `compiled`: `validate_report(..., fallback=False)`, right only if no shape was left to pySHACL.

Reports are compared as the suite's own page prescribes (https://w3c.github.io/data-shapes/data-shapes-test-suite/,
"Validate RDF data", full compliance): from the expected report (the `mf:result` node of the test) and from the
actual report, keep only `rdf:type sh:ValidationReport`, `sh:conforms`, `sh:result`, `rdf:type sh:ValidationResult`,
`sh:focusNode`, `sh:resultPath` (with its path structure, cloned per result), `sh:resultSeverity`,
`sh:sourceConstraint`, `sh:sourceConstraintComponent`, `sh:sourceShape`, `sh:value`, and `sh:resultMessage` only
when the expected report has a result with that same message; drop everything else (`sh:detail` and the nested
results it holds, `sh:resultMessage`, extra types, our `cg:` annotations). The two graphs must then be isomorphic
(rdflib `isomorphic`): the conforms flag is equal and the results are equal as a multiset of (focus node, path,
value, severity, component, source shape, source constraint), blank nodes matched by structure. This is stricter
than pySHACL's own runner, which matches results by (focus, value, path) only and compares literals by value.
A test whose `mf:result` is `sht:Failure` is right when validation fails with an error: exit code 2 from the CLI,
an exception from `validate_report`, and an exception or a returned `ValidationFailure` from pySHACL.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl  # imported before any CliRunner swaps sys.stderr: pySHACL's logger binds to the stderr it imports
from pyshacl.errors import ValidationFailure
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH
from rdflib.term import Node

SUITE_DIR = Path(__file__).resolve().parent / "w3c" / "data-shapes-test-suite" / "tests"
ROOT_MANIFEST = SUITE_DIR / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
WAYS = ("compiled", "whole", "pyshacl")
PYSHACL_OPTIONS = {"inference": "none", "advanced": False, "meta_shacl": False, "debug": False,
                   "allow_warnings": False}

_RESULT_KEEP = {SH.focusNode, SH.resultSeverity, SH.sourceConstraint, SH.sourceConstraintComponent, SH.sourceShape,
                SH.value}
_PATH_PREDICATES = {RDF.first, RDF.rest, SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath,
                    SH.zeroOrOnePath}


@dataclass(frozen=True)
class SuiteTest:
    id: str  # the entry IRI relative to the suite's tests/ folder, e.g. core/node/minInclusive-001
    label: str
    data: Path
    shapes: Path
    expected_failure: bool  # mf:result sht:Failure: validation must fail with an error
    expected: Graph | None = field(default=None, compare=False, repr=False)  # the comparable expected report
    messages: frozenset = field(default=frozenset(), compare=False, repr=False)  # expected sh:resultMessage values

    @property
    def expected_conforms(self) -> bool | None:
        if self.expected is None:
            return None
        return bool(next(self.expected.objects(None, SH.conforms)).toPython())


@dataclass
class Outcome:
    verdict: str  # "right", "wrong" (a report, not the expected one) or "error" (no report where one was expected)
    detail: str = ""  # why wrong, or the error
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()

    @property
    def right(self) -> bool:
        return self.verdict == "right"


def _file_of(iri: Node) -> Path:
    text = str(iri)
    if not text.startswith("file://"):
        raise ValueError(f"{iri}: not a file IRI (the suite refers to its files by relative IRIs)")
    return Path(text.removeprefix("file://"))


def _parse(path: Path) -> Graph:
    with warnings.catch_warnings():  # or-datatypes-001 has the ill-typed "none"^^xsd:boolean on purpose
        warnings.filterwarnings("ignore", "Parsing weird boolean", UserWarning)
        return Graph().parse(path, format="turtle")


def load_suite(root: Path = ROOT_MANIFEST) -> list[SuiteTest]:
    """Every test reachable from the root manifest through mf:include (included files in IRI order)."""
    tests: list[SuiteTest] = []
    seen: set[Path] = set()

    def visit(path: Path) -> None:
        if path in seen:
            return
        seen.add(path)
        g = _parse(path)
        for manifest in g.subjects(RDF.type, MF.Manifest):
            for entries in g.objects(manifest, MF.entries):
                tests.extend(_entry(g, entry) for entry in Collection(g, entries))
            for included in sorted(g.objects(manifest, MF.include)):
                visit(_file_of(included))

    visit(root.resolve())
    return tests


def _entry(g: Graph, entry: Node) -> SuiteTest:
    action = g.value(entry, MF.action)
    result = g.value(entry, MF.result)
    test_id = str(_file_of(entry).relative_to(SUITE_DIR))
    data, shapes = _file_of(g.value(action, SHT.dataGraph)), _file_of(g.value(action, SHT.shapesGraph))
    label = str(g.value(entry, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) or "")
    if result == SHT.Failure:
        return SuiteTest(test_id, label, data, shapes, True)
    if (result, RDF.type, SH.ValidationReport) not in g:
        raise ValueError(f"{test_id}: mf:result is neither sht:Failure nor a sh:ValidationReport")
    messages = frozenset(m for r in g.objects(result, SH.result) for m in g.objects(r, SH.resultMessage))
    return SuiteTest(test_id, label, data, shapes, False, comparable(g, result, messages), messages)


# --- comparing reports ---------------------------------------------------------------------------------------------

def comparable(g: Graph, report: Node, messages: frozenset = frozenset()) -> Graph:
    """The part of the report `report` in `g` that the suite compares (see the module docstring)."""
    out = Graph()
    node = BNode()
    out.add((node, RDF.type, SH.ValidationReport))
    for conforms in g.objects(report, SH.conforms):
        out.add((node, SH.conforms, Literal(bool(conforms.toPython()))))
    for result in g.objects(report, SH.result):
        r = BNode()
        out.add((node, SH.result, r))
        out.add((r, RDF.type, SH.ValidationResult))
        for p, o in g.predicate_objects(result):
            if p in _RESULT_KEEP:
                out.add((r, p, o))
            elif p == SH.resultPath:
                out.add((r, p, _clone_path(g, o, out)))
            elif p == SH.resultMessage and o in messages:
                out.add((r, p, o))
    return out


def _clone_path(g: Graph, path: Node, out: Graph, depth: int = 0) -> Node:
    """A copy of the path's blank-node structure with new blank nodes (the suite compares unshared paths)."""
    if not isinstance(path, BNode) or depth > 50:
        return path
    copy = BNode()
    for p, o in g.predicate_objects(path):
        if p in _PATH_PREDICATES:
            out.add((copy, p, _clone_path(g, o, out, depth + 1)))
    return copy


def actual_report(g: Graph, messages: frozenset = frozenset()) -> Graph:
    reports = set(g.subjects(RDF.type, SH.ValidationReport))
    if len(reports) != 1:
        raise ValueError(f"the report graph has {len(reports)} sh:ValidationReport nodes, not 1")
    return comparable(g, reports.pop(), messages)


def rows(report: Graph, nm: Graph | None = None) -> Counter:
    """The results of a comparable report as readable rows (blank nodes other than paths shown as `[]`)."""
    nm = nm or report

    def show(term: Node | None) -> str:
        if term is None:
            return "-"
        if isinstance(term, BNode):
            return "[]"
        return term.n3(nm.namespace_manager)

    out: Counter = Counter()
    for r in report.objects(None, SH.result):
        path = report.value(r, SH.resultPath)
        out[(show(report.value(r, SH.focusNode)),
             "-" if path is None else show_path(report, path, nm),
             show(report.value(r, SH.value)),
             show(report.value(r, SH.resultSeverity)),
             show(report.value(r, SH.sourceConstraintComponent)),
             show(report.value(r, SH.sourceShape)),
             show(report.value(r, SH.sourceConstraint)),
             show(report.value(r, SH.resultMessage)))] += 1
    return out


def show_path(g: Graph, path: Node, nm: Graph | None = None, depth: int = 0) -> str:
    """A SHACL path in SPARQL property-path syntax; `?` marks a blank node with no path structure."""
    nm = nm or g
    if not isinstance(path, BNode):
        return path.n3(nm.namespace_manager)
    if depth > 20:
        return "..."
    if g.value(path, RDF.first) is not None:
        return "(" + " / ".join(show_path(g, p, nm, depth + 1) for p in Collection(g, path)) + ")"
    for predicate, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                           (SH.zeroOrOnePath, "{}?")):
        inner = g.value(path, predicate)
        if inner is not None:
            return fmt.format(show_path(g, inner, nm, depth + 1))
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(show_path(g, p, nm, depth + 1) for p in Collection(g, alternatives)) + ")"
    return "_:?"


def compare(test: SuiteTest, actual: Graph) -> tuple[bool, str]:
    """(equal, what differs) between the test's expected report and a comparable actual report."""
    assert test.expected is not None
    if isomorphic(test.expected, actual):
        return True, ""
    nm = _namespaces(test)
    lines = []
    expected_conforms = test.expected_conforms
    actual_conforms = next(actual.objects(None, SH.conforms), None)
    if actual_conforms is None or bool(actual_conforms.toPython()) != expected_conforms:
        lines.append(f"conforms: expected {expected_conforms}, got {actual_conforms}")
    want, got = rows(test.expected, nm), rows(actual, nm)
    missing, extra = want - got, got - want
    columns = "(focus, path, value, severity, component, shape, constraint, message)"
    if missing or extra:
        lines.append(f"results {columns}: expected {sum(want.values())}, got {sum(got.values())}")
        lines += [f"  missing {', '.join(row)}" + (f" x{n}" if n > 1 else "") for row, n in sorted(missing.items())]
        lines += [f"  extra   {', '.join(row)}" + (f" x{n}" if n > 1 else "") for row, n in sorted(extra.items())]
    elif not lines:
        lines.append("same result rows, but the blank nodes are shared differently (not isomorphic)")
    return False, "\n".join(lines)


_NAMESPACES: dict[Path, Graph] = {}


def _namespaces(test: SuiteTest) -> Graph:
    """A graph carrying the test file's prefixes, to show terms briefly."""
    if test.shapes not in _NAMESPACES:
        _NAMESPACES[test.shapes] = _parse(test.shapes)
    return _NAMESPACES[test.shapes]


# --- the three ways of running a test ------------------------------------------------------------------------------

def run_pyshacl(test: SuiteTest) -> Outcome:
    """`pyshacl.validate(DATA, shacl_graph=SHAPES, inference="none")` on the file paths, as pySHACL's own suite
    runner and CLI do: pySHACL then parses the files itself (keeping "1"^^xsd:boolean apart from true, which a
    plain rdflib parse does not: see uniqueLang-002)."""
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():  # rdflib's Dataset, which pySHACL loads files into, warns thousands of times
            warnings.simplefilter("ignore", DeprecationWarning)
            _conforms, graph, _text = pyshacl.validate(str(test.data), shacl_graph=str(test.shapes),
                                                       data_graph_format="turtle", shacl_graph_format="turtle",
                                                       **PYSHACL_OPTIONS)
    except Exception as exc:  # noqa: BLE001 - any exception is pySHACL reporting a failure
        return _failed(test, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
    seconds = time.perf_counter() - started
    if isinstance(graph, ValidationFailure):
        return _failed(test, f"ValidationFailure: {graph}", seconds)
    return _judge(test, graph, seconds)


def run_cli(test: SuiteTest) -> Outcome:
    """`complygraph shacl DATA -s SHAPES -f turtle`: exit 0 conforms, 1 does not, 2 error."""
    from typer.testing import CliRunner

    from complygraph.cli import app

    started = time.perf_counter()
    result = CliRunner().invoke(app, ["shacl", str(test.data), "-s", str(test.shapes), "-f", "turtle"])
    seconds = time.perf_counter() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exc = result.exception
        return Outcome("error", f"crash (exit {result.exit_code}, not 2): {type(exc).__name__}: {exc}", seconds)
    if result.exit_code == 2:
        return _failed(test, f"exit 2: {result.stderr.strip()}", seconds)
    if result.exit_code not in (0, 1):
        return Outcome("error", f"exit {result.exit_code}: {result.output.strip()[:500]}", seconds)
    try:
        graph = Graph().parse(data=result.stdout, format="turtle")
    except Exception as exc:  # noqa: BLE001
        return Outcome("error", f"the output is not Turtle: {exc}", seconds)
    outcome = _judge(test, graph, seconds)
    said = next(graph.objects(None, SH.conforms), None)
    if outcome.right and (said is None or bool(said.toPython()) != (result.exit_code == 0)):
        return Outcome("wrong", f"exit {result.exit_code} disagrees with sh:conforms {said}", seconds)
    return outcome


def run_compiled(test: SuiteTest) -> Outcome:
    """`validate_report(DATA, SHAPES, fallback=False)` on the file paths (parsed as the CLI parses them): right
    only if every shape was compiled."""
    from complygraph.graph.shacl.standalone import validate_report

    started = time.perf_counter()
    try:
        report = validate_report(test.data, test.shapes, fallback=False)
    except Exception as exc:  # noqa: BLE001 - an exception is the validator reporting a failure
        return _failed(test, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
    seconds = time.perf_counter() - started
    warnings = tuple(report.warnings)
    left_out = [w for w in warnings if "not compiled" in w or "pySHACL" in w]
    outcome = _judge(test, report.graph(), seconds)
    outcome.warnings = warnings
    if left_out:
        outcome.verdict = "wrong"
        outcome.detail = "\n".join(["shapes not compiled: " + "; ".join(left_out)] + [outcome.detail] * bool(
            outcome.detail))
    return outcome


RUNNERS = {"compiled": run_compiled, "whole": run_cli, "pyshacl": run_pyshacl}


def _failed(test: SuiteTest, why: str, seconds: float) -> Outcome:
    """Validation failed with an error: right for an sht:Failure test, an error otherwise."""
    if test.expected_failure:
        return Outcome("right", why, seconds)
    return Outcome("error", why, seconds)


def _judge(test: SuiteTest, graph: Graph, seconds: float) -> Outcome:
    if test.expected_failure:
        return Outcome("wrong", "expected a failure (sht:Failure), got a report", seconds)
    try:
        actual = actual_report(graph, test.messages)
    except ValueError as exc:
        return Outcome("error", str(exc), seconds)
    equal, diff = compare(test, actual)
    return Outcome("right" if equal else "wrong", diff, seconds)


def run_test(test: SuiteTest, ways: tuple[str, ...] = WAYS) -> dict[str, Outcome]:
    return {way: RUNNERS[way](test) for way in ways}


def run_suite(tests: list[SuiteTest] | None = None, ways: tuple[str, ...] = WAYS) -> dict[str, dict[str, Outcome]]:
    """{test id: {way: outcome}} for every test, all ways in this process."""
    return {t.id: run_test(t, ways) for t in (tests if tests is not None else load_suite())}


def totals(outcomes: dict[str, dict[str, Outcome]]) -> dict[str, int]:
    """How many tests each way gets right."""
    ways = {w for per_test in outcomes.values() for w in per_test}
    return {w: sum(per_test[w].right for per_test in outcomes.values() if w in per_test) for w in WAYS if w in ways}
