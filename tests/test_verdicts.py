"""Two verdicts that must never blur: SHACL's `sh:conforms` (any result at all makes it false, SHACL 3.6.1)
and the compliance verdict `compliant` (no result of severity Violation), which `complygraph validate`
exits with. And the validator used like pySHACL on any data: `validate_graph` and `complygraph shacl`."""

from __future__ import annotations

import datetime as dt

import pyshacl
import rdflib
from rdflib.namespace import SH
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph.shacl import validate, validate_graph
from complygraph.graph.shacl.report import ValidationReport, ValidationResult
from complygraph.vocab import CG

from .shacl_cases import build, material, part, sub

PB = "7439-92-1"
EX = rdflib.Namespace("http://example.org/")
COMPLIANT = rdflib.URIRef(CG + "compliant")


def _report(*severities) -> ValidationReport:
    return ValidationReport(results=[ValidationResult(EX[f"f{i}"], EX.S, SH.MinCountConstraintComponent, s)
                                     for i, s in enumerate(severities)])


def test_a_warning_or_an_info_result_makes_shacl_conforms_false_but_leaves_compliant_true():
    for severities, conforms, compliant in [((), True, True), ((SH.Warning,), False, True),
                                            ((SH.Info,), False, True), ((SH.Info, SH.Violation), False, False)]:
        report = _report(*severities)
        assert (report.conforms, report.compliant) == (conforms, compliant), severities
        g = report.graph()
        assert (None, SH.conforms, rdflib.Literal(conforms)) in g
        assert (None, COMPLIANT, rdflib.Literal(compliant)) in g


def test_validate_exits_0_on_an_exempted_part_whose_report_does_not_conform(tmp_path):
    """A valid RoHS exemption (Annex III 6(c), lead in copper alloy) is an Info result: compliant, exit 0,
    yet the W3C report says sh:conforms false, as SHACL requires."""
    build(tmp_path / "d", [part("brass", 2000, material("m-brass", 2000, sub(PB, 60, exemption="6(c)")))],
          ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    store = str(tmp_path / "store")
    runner = CliRunner()
    for list_id in ("eu-rohs-annex-ii", "eu-rohs-annex-iii"):
        assert runner.invoke(app, ["load-lists", "--store", store, "--list", list_id]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "d" / "data"), "--store", store]).exit_code == 0
    out = tmp_path / "report.ttl"
    run = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-rohs", "--at", "2026-11-23",
                              "--format", "turtle", "--report", str(out)])
    assert run.exit_code == 0, run.output
    g = rdflib.Graph().parse(out)
    assert (None, SH.conforms, rdflib.Literal(False)) in g and (None, COMPLIANT, rdflib.Literal(True)) in g
    assert "compliant: True" in run.output and "SHACL conforms: False" in run.output


def test_the_validate_function_gives_both_verdicts(tmp_path):
    # 6(c) in force for every category on 2020-01-01 (Delegated Directive (EU) 2018/741, verified rows), in brass
    store = build(tmp_path, [part("brass", 2000, material("m-brass", 2000, sub(PB, 60, exemption="6(c)"),
                                                          category="brass"))],
                  ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    report = validate(store, ["eu-rohs"], dt.date(2020, 1, 1))
    assert [r.severity for r in report.results] == [SH.Info]
    assert report.compliant and not report.conforms


DATA = """@prefix ex: <http://example.org/> .
ex:a a ex:Person ; ex:age "x" .
ex:b a ex:Person ; ex:age 5 .
ex:c a ex:Person .
"""
SHAPES = """@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:age ; sh:datatype xsd:integer ] ;
  sh:property [ sh:path ex:age ; sh:minCount 1 ; sh:severity sh:Warning ] .
"""


def _keys(g: rdflib.Graph) -> set:
    return {(g.value(r, SH.focusNode), g.value(r, SH.resultPath), g.value(r, SH.value), g.value(r, SH.resultSeverity),
             g.value(r, SH.sourceConstraintComponent)) for r in g.subjects(rdflib.RDF.type, SH.ValidationResult)}


def test_validate_graph_answers_like_pyshacl():
    ours = validate_graph(DATA, shacl_graph=SHAPES)
    theirs = pyshacl.validate(DATA, shacl_graph=SHAPES, data_graph_format="turtle", shacl_graph_format="turtle")
    assert ours[0] is theirs[0] is False
    assert _keys(ours[1]) == _keys(theirs[1]) and len(_keys(ours[1])) == 2
    assert "Conforms: False" in ours[2] and "DatatypeConstraintComponent" in ours[2]
    # allow_warnings: the Warning alone no longer fails the data, as in pySHACL
    warned = DATA.replace('"x"', "7")
    assert validate_graph(warned, shacl_graph=SHAPES, allow_warnings=True)[0] is True
    assert pyshacl.validate(warned, shacl_graph=SHAPES, data_graph_format="turtle", shacl_graph_format="turtle",
                            allow_warnings=True)[0] is True
    assert validate_graph(warned, shacl_graph=SHAPES)[0] is False


def test_shacl_command_exit_codes_and_turtle_report(tmp_path):
    data, shapes = tmp_path / "data.ttl", tmp_path / "shapes.ttl"
    data.write_text(DATA, encoding="utf-8")
    shapes.write_text(SHAPES, encoding="utf-8")
    runner = CliRunner()
    failed = runner.invoke(app, ["shacl", str(data), "-s", str(shapes), "-f", "turtle"])
    assert failed.exit_code == 1, failed.output
    assert _keys(rdflib.Graph().parse(data=failed.output, format="turtle")) == _keys(
        validate_graph(DATA, shacl_graph=SHAPES)[1])
    data.write_text(DATA.replace('"x"', "7").replace("ex:c a ex:Person .", ""), encoding="utf-8")
    passed = runner.invoke(app, ["shacl", str(data), "-s", str(shapes)])
    assert passed.exit_code == 0 and "Conforms: True" in passed.output
    missing = runner.invoke(app, ["shacl", str(tmp_path / "nope.ttl"), "-s", str(shapes)])
    assert missing.exit_code == 2 and "nope.ttl" in missing.output
