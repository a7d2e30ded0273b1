"""A newer declaration of an assembly replaces the BOM lines below it, whatever wrote them (QA10 B05): an assembly
imported from the compositions format with the line SUB1 -> C1, then declared by its supplier in IPC-1752A with C1
as a SubProduct, held both C1 and SUB1/C1, and impact listed the connector's decaBDE (REACH Candidate List,
19 December 2012) twice. docs/declarations.md: the stored composition, sub-product BOM lines included, moves to
the history graph."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub

runner = CliRunner()
DECA_BDE, SILICA = "1163-19-5", "7631-86-9"


def test_a_newer_declaration_of_an_assembly_replaces_the_lines_below_it(tmp_path):
    build(tmp_path, [part("SUB1", 30000, material("m-sub1", 20000, sub(DECA_BDE, 30))),
                     part("C1", 10000, material("m-c1", 10000, sub(DECA_BDE, 20)))],
          ["eu-reach-svhc"], products=[product("PR1", "3", "SUB1")], bom=[("SUB1", "C1", 1)])
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-reach-svhc"]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "data"), "--store", store]).exit_code == 0
    exported = tmp_path / "sub1.xml"
    assert runner.invoke(app, ["export", "--part", "SUB1", "--format", "ipc1752a", "--out", str(exported),
                               "--store", store]).exit_code == 0
    text = exported.read_text(encoding="utf-8")
    start = text.index("<Substance ")
    end = text.index("</Substance>", start) + len("</Substance>")
    newer = tmp_path / "sub1-newer.xml"  # SUB1's own decaBDE replaced by silica
    newer.write_text(text[:start] + f'<Substance name="Silicon dioxide"><SubstanceID identity="{SILICA}" '
                     'authority="CAS"/><Amount value="30" UOM="mg"/></Substance>' + text[end:], encoding="utf-8")
    loaded = runner.invoke(app, ["load", str(newer), "--store", store])
    assert loaded.exit_code == 0 and "replaced" in loaded.output, loaded.output
    s = open_store(store, create=False)
    try:
        children = sorted(r["c"].value.rsplit("/", 1)[-1] for r in s.select(
            f"SELECT ?c WHERE {{ ?u cg:parent <{ID}part/SUB1> ; cg:child ?c }}"))
    finally:
        s.close()
    assert children == ["SUB1%2FC1"], children
    impact = runner.invoke(app, ["impact", "--list", "eu-reach-svhc", "--from", "2012-12-18", "--to", "2012-12-19",
                                 "--store", store, "--format", "csv"])
    assert impact.exit_code == 0, impact.output
    rows = list(csv.DictReader(io.StringIO(impact.stdout)))
    # the router holds the connector once, through the declaration's SUB1/C1; the part C1 stays a part of its own
    assert sorted((r["part_id"], r["products"]) for r in rows) == [("C1", ""), ("SUB1/C1", "PR1")], rows
