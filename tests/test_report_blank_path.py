"""A result whose shape has a blank-node path (data-quality's `[ sh:inversePath cg:declares ]`) shows the path as
a SPARQL property path in the JSON and CSV reports: its blank node's label was new at every run, so two reports of
an unchanged store differed (QA6 B10). The Turtle and JSON-LD reports keep the path's structure (SHACL 3.6.2)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from complygraph.cli import app

from .shacl_cases import build, material, part, sub

runner = CliRunner()


def test_a_blank_node_path_reads_the_same_in_every_report(tmp_path):
    undeclared = {**part("P1", 1000, material("M1", 1000, sub("7440-50-8", 1000))), "declaration_date": ""}
    build(tmp_path, [undeclared], [])
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-rohs-annex-ii"]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "data"), "--store", store]).exit_code == 0

    def paths() -> list[str]:
        out = runner.invoke(app, ["validate", "--store", store, "--pack", "data-quality", "--format", "json"])
        return [r["path"] for r in json.loads(out.stdout)["results"] if "declaration" in (r["message"] or "")]

    first = paths()
    assert first == ["(^<https://w3id.org/complygraph/ontology#declares>)"]
    assert paths() == first
