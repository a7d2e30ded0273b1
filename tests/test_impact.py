"""Impact analysis of a list change: where-used through the BOM, share of the article, reports."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph.impact import impact
from complygraph.loaders.compositions import import_compositions

from .shacl_cases import build, material, part, sub

DBDPE, BPAF = "84852-53-9", "1478-61-1"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("impact")
    s = build(tmp, [
        part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110))),           # 0.11 % of the article
        part("bezel", 100_000, material("pc", 50_000, sub(DBDPE, 30)), material("pc2", 50_000, sub(DBDPE, 30))),
        part("seal", 1_000, material("fkm", 1_000, sub(BPAF, 20))),                     # 2 %, group member
        part("assembly", 500, material("solder", 500, sub("7440-31-5", 500))),
    ], ["eu-reach-svhc"])
    bom = tmp / "bom"
    bom.mkdir()
    (bom / "suppliers.csv").write_text("supplier_id,name\nS9,Assembler\n")
    (bom / "products.csv").write_text("product_id,name\nPRD1,Controller\nPRD2,Display\n")
    (bom / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\nSUB,sub-assembly,S9,1,g\n")
    (bom / "bom.csv").write_text("parent_id,child_id,quantity\nPRD1,SUB,1\nPRD2,SUB,1\n")
    import_compositions(s, bom)
    # parts from the first data set go into the sub-assembly: housing two levels below both products
    s.update("""INSERT DATA {
      <https://w3id.org/complygraph/id/bom/SUB/housing> a cg:BomUsage ;
        cg:parent <https://w3id.org/complygraph/id/part/SUB> ; cg:child <https://w3id.org/complygraph/id/part/housing> .
    }""")
    return s


def test_added_entries_reach_parts_with_their_share_of_the_article(store):
    rows = impact(store, "eu-reach-svhc", "2025-06-25", "2026-02-04")
    by_material = {r.material_id: r for r in rows}
    assert set(by_material) == {"abs", "pc", "pc2", "fkm"}
    assert by_material["abs"].article_percent == pytest.approx(0.11) and by_material["abs"].over_threshold
    # 30 + 30 mg over 100 g: the share of the article sums the materials, each under the threshold alone
    assert by_material["pc"].article_percent == pytest.approx(0.06) and by_material["pc"].over_threshold is False
    assert by_material["fkm"].article_percent == pytest.approx(2) and "trifluoro" in by_material["fkm"].entry_name
    assert by_material["abs"].ppm == pytest.approx(1100)
    assert all(r.change == "added" for r in rows)


def test_where_used_is_recursive_through_the_bom(store):
    rows = impact(store, "eu-reach-svhc", "2025-06-25", "2026-02-04")
    housing = next(r for r in rows if r.part_id == "housing")
    assert housing.products == [("PRD1", "Controller"), ("PRD2", "Display")]
    assert next(r for r in rows if r.part_id == "seal").products == []


def test_removed_entries_are_reported_too(store):
    # read backwards, the same change is a removal
    rows = impact(store, "eu-reach-svhc", "2026-02-04", "2025-06-25")
    assert {r.change for r in rows} == {"removed"} and {r.material_id for r in rows} == {"abs", "pc", "pc2", "fkm"}


def test_no_change_no_impact(store):
    assert impact(store, "eu-reach-svhc", "2026-02-04", "2026-03-01") == []


def test_cli_impact_formats(store, tmp_path):
    path = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(app, ["load-lists", "--store", str(path), "--list", "eu-reach-svhc"]).exit_code == 0
    data = tmp_path / "d"
    build(data, [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], [])
    assert runner.invoke(app, ["import", str(data / "data"), "--store", str(path)]).exit_code == 0
    args = ["impact", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04", "--store", str(path)]
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "housing" in table.output and "0.11 (over)" in table.output
    as_csv = runner.invoke(app, args + ["--format", "csv"])
    row = next(csv.DictReader(io.StringIO(as_csv.output)))
    assert row["part_id"] == "housing" and row["cas"] == DBDPE and row["over_threshold"] == "True"
    as_json = json.loads(runner.invoke(app, args + ["--format", "json"]).output)
    assert as_json[0]["article_percent"] == pytest.approx(0.11)
    out = tmp_path / "impact.xlsx"
    assert runner.invoke(app, args + ["--format", "xlsx", "--out", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["by part", "by supplier", "by product"]
    assert wb["by supplier"].cell(2, 1).value == "S1" and wb["by supplier"].cell(2, 4).value == 1
    assert runner.invoke(app, args + ["--format", "xlsx"]).exit_code == 2


def test_where_used_ends_in_a_bom_cycle_and_names_the_product_above_it(tmp_path):
    """A cycle (SUBA in SUBB in SUBA) below a product: the walk up stops once round, and the product is named."""
    s = build(tmp_path, [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], ["eu-reach-svhc"])
    id_ = "https://w3id.org/complygraph/id"
    lines = [("product/PRD1", "part/SUBB"), ("part/SUBB", "part/SUBA"), ("part/SUBA", "part/SUBB"),
             ("part/SUBA", "part/housing")]
    s.update("INSERT DATA {\n"
             + f'<{id_}/product/PRD1> a cg:Product ; dct:identifier "PRD1" ; rdfs:label "Controller" .\n'
             + "".join(f"<urn:l{n}> cg:parent <{id_}/{p}> ; cg:child <{id_}/{c}> .\n" for n, (p, c) in enumerate(lines))
             + "}")
    rows = impact(s, "eu-reach-svhc", "2025-06-25", "2026-02-04")
    assert [r.products for r in rows if r.part_id == "housing"] == [[("PRD1", "Controller")]]


@pytest.mark.parametrize("model", [True, False], ids=["read-model", "store"])
def test_a_part_of_a_product_inside_another_product_reaches_both_products(tmp_path, model):
    """Before: the walk up stopped at the first product (a kit holding a controller named only the controller),
    and the store's walk went above a product only when that product itself held the substance, so the answer
    depended on which other parts the change reached."""
    s = build(tmp_path, [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], ["eu-reach-svhc"])
    id_ = "https://w3id.org/complygraph/id"
    s.update("INSERT DATA {\n"
             + f'<{id_}/product/PRD1> a cg:Product ; dct:identifier "PRD1" ; rdfs:label "Controller" .\n'
             + f'<{id_}/product/KIT> a cg:Product ; dct:identifier "KIT" ; rdfs:label "Starter kit" .\n'
             + f"<urn:l1> cg:parent <{id_}/product/PRD1> ; cg:child <{id_}/part/housing> .\n"
             + f"<urn:l2> cg:parent <{id_}/product/KIT> ; cg:child <{id_}/product/PRD1> .\n"
             + "}")
    if not model:
        s.model = None
    rows = impact(s, "eu-reach-svhc", "2025-06-25", "2026-02-04")
    assert [r.products for r in rows if r.part_id == "housing"] == [[("KIT", "Starter kit"), ("PRD1", "Controller")]]
