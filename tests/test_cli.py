"""The command line, run as a user runs it."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store

runner = CliRunner()
COMMANDS = ["load-lists", "load-list", "lists", "list-diff", "import", "generate", "query", "check-ontology", "demo",
            "validate", "impact", "serve", "shacl"]


def test_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert re.search(rf"\b{command}\b", result.output), command


def test_demo_prints_the_parts_touched_by_the_new_svhcs():
    result = runner.invoke(app, ["demo", "--parts", "400", "--products", "4", "--seed", "3"])
    assert result.exit_code == 0, result.output
    out = result.output
    for header in ("part", "material", "substance", "CAS", "concentration (ppm)", "supplier"):
        assert header in out
    assert "84852-53-9" in out and "1478-61-1" in out
    hits = int(re.search(r"(\d+) material/substance hits", out).group(1))
    assert hits > 0


def test_demo_answer_equals_a_hand_written_sparql_query(tmp_path):
    store_dir = tmp_path / "demo-store"
    result = runner.invoke(app, ["demo", "--parts", "300", "--products", "3", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    hits = int(re.search(r"(\d+) material/substance hits", result.output).group(1))
    store = open_store(store_dir)
    rows = store.select("""
        SELECT DISTINCT ?entry ?occ WHERE {
          ?entry cg:inList <https://w3id.org/complygraph/id/list/eu-reach-svhc> ; cg:dateOfInclusion ?d ;
                 cg:concerns ?substance .
          FILTER(?d > "2025-06-25"^^xsd:date && ?d <= "2026-02-04"^^xsd:date)
          ?part cg:hasMaterial ?material . ?material cg:contains ?occ . ?occ cg:substance ?substance .
        }""")
    assert len(rows) == hits


def test_load_lists_then_lists_and_diff(tmp_path):
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["load-lists", "--store", store]).exit_code == 0
    result = runner.invoke(app, ["lists", "--store", store])
    assert result.exit_code == 0
    for list_id in ("eu-reach-svhc", "eu-reach-annex-xvii", "eu-pops", "eu-rohs-annex-ii", "jp-cscl-class1"):
        assert list_id in result.output
    assert "2026-02-04: 253" in result.output
    diff = runner.invoke(app, ["list-diff", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04",
                               "--store", store])
    assert "added (3)" in diff.output and "n-hexane" in diff.output


def test_bad_input_exits_2_with_the_reason(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,A\n")
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\nP1,x,S2,1,lb\n")
    result = runner.invoke(app, ["import", str(folder), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "parts.csv:2: supplier_id: unknown supplier 'S2'" in result.output
    assert "mass_unit: unknown mass unit 'lb'" in result.output


def test_generate_writes_the_import_format(tmp_path):
    result = runner.invoke(app, ["generate", "--products", "2", "--parts", "50", "--seed", "1", "--out",
                                 str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["import", str(tmp_path / "g"), "--store", str(tmp_path / "s")]).exit_code == 0


def test_query_prints_rows(tmp_path):
    store = str(tmp_path / "s")
    runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-rohs-annex-ii"])
    result = runner.invoke(app, ["query", "SELECT ?cas WHERE { ?s cg:casNumber ?cas } ORDER BY ?cas LIMIT 2",
                                 "--store", store])
    assert result.exit_code == 0 and "2 rows" in result.output
