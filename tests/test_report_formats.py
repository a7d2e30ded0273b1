"""The report formats compliance engineers open: `validate --format xlsx` (the CSV's rows, formatted), the
compact JSON-LD report (the same triples as the W3C report), the formatted impact workbook, and the one xlsx
table writer behind them (complygraph/xlsx_tables.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.report_stream import CONTEXT, write_report
from complygraph.graph.shacl.standalone import validate_report
from complygraph.report_workbooks import validation_workbook
from complygraph.reports import RESULT_COLUMNS, in_order, result_context, result_row
from complygraph.xlsx_tables import EXCEL_ROWS, MAX_WIDTH, Number, Table, sheet_titles, write_workbook

from .shacl_cases import build, material, part, product, sub

AT = "2026-11-23"
PACKS = ["--pack", "eu-rohs", "--pack", "eu-reach-svhc", "--at", AT]
LEAD, CADMIUM, DEHP = "7439-92-1", "7440-43-9", "117-81-7"
runner = CliRunner()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """A store on disk: P1 (lead 20,000 ppm, cadmium 1,000 ppm, DEHP 5,000 ppm in one material; 2 % lead and
    0.5 % DEHP of the article), P2 (DEHP), both in product PR1, P3 in no product (DEHP at 0.1 % exactly: no
    SVHC result, a RoHS result)."""
    tmp = tmp_path_factory.mktemp("formats")
    build(tmp, [part("P1", 1000, material("M1", 1000, sub(LEAD, 20), sub(CADMIUM, 1), sub(DEHP, 5))),
                part("P2", 1000, material("M2", 1000, sub(DEHP, 5))),
                part("P3", 10_000, material("M3", 1000, sub(DEHP, 10)))],
          [], products=[product("PR1", "3", "P1", "P2")])
    path = str(tmp / "store")
    loaded = runner.invoke(app, ["load-lists", "--store", path, "--list", "eu-rohs-annex-ii",
                                 "--list", "eu-reach-svhc"])
    assert loaded.exit_code == 0, loaded.output
    imported = runner.invoke(app, ["import", str(tmp / "data"), "--store", path])
    assert imported.exit_code == 0, imported.output
    return path


def _validate(store_path, *args):
    return runner.invoke(app, ["validate", "--store", store_path, *PACKS, *args])


@pytest.fixture(scope="module")
def csv_rows(store_path):
    result = _validate(store_path, "--format", "csv")
    assert result.exit_code == 1, result.output  # RoHS violations
    return list(csv.reader(io.StringIO(result.stdout)))


@pytest.fixture(scope="module")
def workbook(store_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "results.xlsx"
    result = _validate(store_path, "--format", "xlsx", "--report", str(out))
    assert result.exit_code == 1 and "5 Violation" in result.stdout, result.output
    return openpyxl.load_workbook(out)


def _column(name: str) -> int:
    return RESULT_COLUMNS.index(name) + 1


# --- validate --format csv: the context columns -----------------------------------------------------------

def test_the_csv_has_every_result_with_its_context(csv_rows):
    header, *rows = csv_rows
    assert header == RESULT_COLUMNS
    found = [dict(zip(header, r, strict=True)) for r in rows]
    assert len(found) == 8  # P1: Pb, Cd, DEHP; P2, P3: DEHP (RoHS); P1: Pb, DEHP; P2: DEHP (SVHC)
    lead = next(r for r in found if r["cas"] == LEAD and r["pack"] == "eu-rohs")
    assert (lead["part_id"], lead["material_id"], lead["material_name"], lead["products"], lead["product_names"],
            lead["measured"], lead["limit"], lead["unit"], lead["basis"], lead["regulation"],
            lead["restriction"], lead["severity"]) == (
        "P1", "M1", "material M1", "PR1", "product PR1", "20000", "1000", "ppm", "Pb", "eu-rohs", "lead-pb",
        "Violation")
    svhc = next(r for r in found if r["cas"] == LEAD and r["pack"] == "eu-reach-svhc")
    # the limit of an article share is a parameter of the shape (cg:limitPercent), the unit the rule's message
    assert (svhc["measured"], svhc["limit"], svhc["unit"], svhc["entry"], svhc["regulation"], svhc["severity"]) == (
        "2", "0.1", "% w/w", "cas-7439-92-1", "eu-reach", "Warning")
    no_product = next(r for r in found if r["part_id"] == "P3")
    assert (no_product["products"], no_product["measured"], no_product["limit"]) == ("", "10000", "1000")
    # exactly at the SVHC threshold (0.1 % of P3) is not above it: no SVHC row for P3
    assert not any(r["part_id"] == "P3" and r["pack"] == "eu-reach-svhc" for r in found)


def test_the_json_results_carry_the_same_context(store_path):
    result = _validate(store_path, "--format", "json")
    rows = json.loads(result.stdout)["results"]
    lead = next(r for r in rows if r["pack"] == "eu-rohs" and r["basis"] == "Pb")
    assert lead["products"] == [{"id": "PR1", "name": "product PR1"}]
    assert (lead["measured"], lead["limit"], lead["unit"], lead["material_id"]) == ("20000", "1000", "ppm", "M1")


# --- validate --format xlsx -------------------------------------------------------------------------------

def test_the_results_sheet_is_the_csv_formatted(workbook, csv_rows):
    assert workbook.sheetnames == ["results", "summary"]
    ws = workbook["results"]
    header, *rows = csv_rows
    assert [c.value for c in ws[1]] == header == RESULT_COLUMNS
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:AC{len(rows) + 1}" and len(RESULT_COLUMNS) == 29  # AC is column 29
    assert ws.max_row == len(rows) + 1
    # the same rows in the same order: text cells equal the CSV's, numbers its values
    for csv_row, xlsx_row in zip(rows, ws.iter_rows(min_row=2, values_only=True), strict=True):
        for name, text, value in zip(header, csv_row, xlsx_row, strict=True):
            if name in ("measured", "limit") and text:
                assert Decimal(str(value)) == Decimal(text), name
            else:
                assert (value or "") == text, name


def test_measured_and_limit_are_numbers_in_the_csv_unit(workbook):
    ws = workbook["results"]
    rows = list(ws.iter_rows(min_row=2))
    lead = next(r for r in rows if r[_column("basis") - 1].value == "Pb")
    measured, limit = lead[_column("measured") - 1], lead[_column("limit") - 1]
    assert (measured.value, measured.number_format) == (20000, "#,##0.####")
    assert (limit.value, limit.number_format) == (1000, "#,##0.####")
    share = next(r for r in rows if r[_column("unit") - 1].value == "% w/w")
    assert share[_column("measured") - 1].number_format == "0.0#####"
    assert share[_column("limit") - 1].value == pytest.approx(0.1)  # % kept as the CSV writes it, not 0.001


def test_column_widths_fit_the_content_and_are_capped(workbook):
    ws = workbook["results"]
    letter = openpyxl.utils.get_column_letter
    assert ws.column_dimensions[letter(_column("message"))].width == MAX_WIDTH  # messages are longer
    assert ws.column_dimensions[letter(_column("severity"))].width == len("Violation") + 2
    assert ws.column_dimensions[letter(_column("unit"))].width == 8  # "% w/w", "unit": the minimum


def test_the_summary_sheet_tells_the_run(workbook):
    items = {}
    for key, value in workbook["summary"].iter_rows(min_row=2, values_only=True):
        items.setdefault(key, []).append(value)
    assert items["evaluation date"] == [dt.datetime(2026, 11, 23)]  # a real date, not text
    assert isinstance(items["validated at"][0], dt.datetime)
    assert items["store revision"][0].startswith("r")
    assert items["compliant (no Violation)"] == ["no"] and items["SHACL conforms"] == ["no"]
    assert items["pack"] == ["eu-rohs", "eu-reach-svhc"]
    assert (items["results"], items["results: Violation"], items["results: Warning"]) == ([8], [5], [3])
    assert items["results: eu-rohs, Violation"] == [5] and items["results: eu-reach-svhc"] == [3]
    assert workbook["summary"].freeze_panes == "A2"


def test_the_order_is_the_same_on_every_run_and_whatever_order_results_come_in(store_path, tmp_path, csv_rows):
    again = _validate(store_path, "--format", "csv")
    assert list(csv.reader(io.StringIO(again.stdout))) == csv_rows
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (a, b):
        assert _validate(store_path, "--format", "xlsx", "--report", str(out)).exit_code == 1
    first, second = (list(openpyxl.load_workbook(p)["results"].iter_rows(values_only=True)) for p in (a, b))
    assert first == second
    store = open_store(store_path)
    try:
        report = validate(store, ["eu-rohs", "eu-reach-svhc"], dt.date(2026, 11, 23))
        forward, backward = in_order(report.results), in_order(list(reversed(report.results)))
    finally:
        store.close()
    assert forward == backward
    assert [r.severity.rsplit("#", 1)[-1] for r in forward] == ["Violation"] * 5 + ["Warning"] * 3


def test_xlsx_needs_a_report_file_it_can_write(store_path, tmp_path):
    result = _validate(store_path, "--format", "xlsx")
    assert result.exit_code == 2 and "--report" in result.output
    missing = tmp_path / "no-such-folder" / "results.xlsx"
    result = _validate(store_path, "--format", "xlsx", "--report", str(missing))
    assert result.exit_code == 2 and f"--report {missing}: the folder {missing.parent} does not exist" in result.output
    assert "Traceback" not in result.output and not missing.parent.exists()


def test_rows_past_the_sheet_limit_go_on_to_more_sheets(store_path, tmp_path):
    store = open_store(store_path)
    try:
        report = validate(store, ["eu-rohs", "eu-reach-svhc"], dt.date(2026, 11, 23))
        results = in_order(report.results)
        context = result_context(store, report, results)
    finally:
        store.close()
    rows = [result_row(r, context) for r in results]
    out = tmp_path / "split.xlsx"
    # 3 rows per sheet (a header and 2 results): 8 results take 4 sheets, none dropped
    assert validation_workbook(report, rows, out, max_rows=3) == [
        "results", "results (2)", "results (3)", "results (4)", "summary"]
    wb = openpyxl.load_workbook(out)
    kept = []
    for name in wb.sheetnames[:-1]:
        ws = wb[name]
        assert [c.value for c in ws[1]] == RESULT_COLUMNS and ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:AC{ws.max_row}" and ws.max_row <= 3
        kept += [r[_column("focus") - 1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert kept == [r["focus"] for r in rows]
    sheets = [v for k, v in wb["summary"].iter_rows(min_row=2, values_only=True) if k == "results sheet"]
    assert sheets == ["results", "results (2)", "results (3)", "results (4)"]


# --- the shared writer --------------------------------------------------------------------------------------

def test_the_sheet_limit_is_excels_and_titles_are_numbered():
    assert EXCEL_ROWS == 1_048_576
    assert sheet_titles("results", 0, EXCEL_ROWS - 1) == ["results"]  # an empty table still has its header
    assert sheet_titles("results", EXCEL_ROWS - 1, EXCEL_ROWS - 1) == ["results"]  # exactly full: one sheet
    assert sheet_titles("results", EXCEL_ROWS, EXCEL_ROWS - 1) == ["results", "results (2)"]  # one more row
    long = sheet_titles("x" * 40, 5, 2)
    assert long == ["x" * 31, "x" * 27 + " (2)", "x" * 27 + " (3)"] and all(len(t) <= 31 for t in long)


def test_cells_hold_dates_numbers_yes_no_and_text_never_a_formula(tmp_path):
    out = tmp_path / "t.xlsx"
    write_workbook(out, [Table("t", ["day", "n", "flag", "text", "unit-number"],
                               [["2025-06-25", Decimal("0.10"), True, "=1+1", Number(Decimal("2"), "0.0#")],
                                ["not a date", 3, False, "bell\x07", None]],
                               formats={"n": "0.00"}, dates=frozenset({"day"}))])
    ws = openpyxl.load_workbook(out)["t"]
    day, n, flag, text, number = ws[2]
    assert day.value == dt.datetime(2025, 6, 25) and day.number_format == "yyyy-mm-dd"
    assert (n.value, n.number_format) == (0.1, "0.00")
    assert (flag.value, ws["C3"].value) == ("yes", "no")
    assert text.value == "=1+1" and text.data_type == "s"  # supplier text is never run as a formula
    assert (number.value, number.number_format) == (2, "0.0#")
    assert ws["A3"].value == "not a date" and ws["D3"].value == "bell\\x07"  # XML cannot hold \x07
    assert ws.auto_filter.ref == "A1:E3"


def test_a_sheet_needs_room_for_a_row_and_two_tables_cannot_share_a_sheet(tmp_path):
    with pytest.raises(ValueError, match="max_rows 1"):
        write_workbook(tmp_path / "x.xlsx", [Table("t", ["a"], [[1]], max_rows=1)])
    with pytest.raises(ValueError, match="'t'"):
        write_workbook(tmp_path / "x.xlsx", [Table("t", ["a"], [[1]]), Table("t", ["a"], [[2]])])


# --- compact JSON-LD ----------------------------------------------------------------------------------------

def test_the_compact_json_ld_expands_to_the_w3c_report(store_path, tmp_path):
    out = tmp_path / "report.jsonld"
    assert _validate(store_path, "--format", "json-ld", "--report", str(out)).exit_code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["@context"]["focusNode"] == {"@id": "sh:focusNode", "@type": "@id"}
    assert doc["@context"]["sh"] == "http://www.w3.org/ns/shacl#"
    report_node = doc["@graph"][0]
    assert report_node["conforms"] is False and report_node["evaluationDate"] == AT
    first = report_node["result"][0]  # the W3C report's order: by pack first (report_stream.ordered)
    assert (first["resultSeverity"], first["pack"], first["measured"]) == ("sh:Warning", "eu-reach-svhc", "0.5")
    assert first["sourceConstraintComponent"] == "cgsh:ListArticleThresholdComponent"
    store = open_store(store_path)
    try:
        report = validate(store, ["eu-rohs", "eu-reach-svhc"], dt.date(2026, 11, 23))
    finally:
        store.close()
    expanded = Graph().parse(out, format="json-ld")
    assert len(expanded) == len(report.graph()) and isomorphic(expanded, report.graph())
    # the same bytes on stdout and in a file, and on a second run
    printed = _validate(store_path, "--format", "json-ld")
    again = tmp_path / "again.jsonld"
    _validate(store_path, "--format", "json-ld", "--report", str(again))
    assert printed.stdout_bytes == out.read_bytes() == again.read_bytes()


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:T ;
  sh:property [ sh:path [ sh:inversePath ex:owns ] ; sh:minCount 1 ] ;
  sh:property [ sh:path ( ex:a ex:b ) ; sh:datatype xsd:integer ] ;
  sh:property [ sh:path ex:label ; sh:languageIn ( "en" ) ] ;
  sh:property [ sh:path ex:n ; sh:maxInclusive 10 ; sh:message "too big"@en ] .
"""
DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:x a ex:T ; ex:a [ ex:b "seven" ] ; ex:label "Etikett"@de ; ex:n 11 .
_:y a ex:T ; ex:a [ ex:b "3.5"^^xsd:decimal ] .
"""


def test_blank_node_paths_lists_and_literals_round_trip_in_compact_json_ld(tmp_path):
    """Inverse and sequence paths (blank nodes, an RDF list), a blank focus node, language-tagged, typed and
    plain literal values: the compact document is the same graph, and the same text however the report
    came about."""
    report = validate_report(DATA, SHAPES, data_graph_format="turtle", shacl_graph_format="turtle")
    assert len(report.results) == 6
    a, b = tmp_path / "a.jsonld", tmp_path / "b.jsonld"
    assert write_report(report, a, "json-ld") == 6
    assert isomorphic(Graph().parse(a, format="json-ld"), report.graph())
    report.results.reverse()
    write_report(report, b, "json-ld")
    assert a.read_bytes() == b.read_bytes()
    values = [r.get("value") for r in json.loads(a.read_text())["@graph"][0]["result"]]
    assert {"@value": "Etikett", "@language": "de"} in values and {"@value": "seven"} in values
    assert {"@value": "11", "@type": "xsd:integer"} in values


def test_the_context_maps_the_result_context_columns_to_cg_terms():
    for key in ("part", "material", "substance", "regulation", "exemption"):
        assert CONTEXT[key] == {"@id": f"cg:{key}", "@type": "@id"}
    assert CONTEXT["measured"] == {"@id": "cg:measured", "@type": "xsd:decimal"}
    assert CONTEXT["resultMessage"] == "sh:resultMessage"


# --- impact --format xlsx -----------------------------------------------------------------------------------

DBDPE = "84852-53-9"  # added to the SVHC Candidate List between 2025-06-25 and 2026-02-04


def test_the_impact_workbook_has_one_value_per_cell(tmp_path):
    path = str(tmp_path / "store")
    assert runner.invoke(app, ["load-lists", "--store", path, "--list", "eu-reach-svhc"]).exit_code == 0
    build(tmp_path / "d", [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110))),
                           part("seal", 1000, material("fkm", 1000, sub(DBDPE, 1)))], [],
          products=[product("PRD1", "3", "housing"), product("PRD2", "3", "housing")])
    assert runner.invoke(app, ["import", str(tmp_path / "d" / "data"), "--store", path]).exit_code == 0
    out = tmp_path / "impact.xlsx"
    done = runner.invoke(app, ["impact", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04",
                               "--store", path, "--format", "xlsx", "--out", str(out)])
    assert done.exit_code == 0, done.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["by part", "by supplier", "by product"]
    for ws in wb:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:") and all(c.font.bold for c in ws[1])
    by_part = wb["by part"]
    header = [c.value for c in by_part[1]]
    assert "products" not in header and header[12:14] == ["product_id", "product_name"]
    rows = [dict(zip(header, r, strict=True)) for r in by_part.iter_rows(min_row=2, values_only=True)]
    # the housing in two products is two rows, the seal in none is one row without a product
    assert [(r["part_id"], r["product_id"]) for r in rows] == [("housing", "PRD1"), ("housing", "PRD2"),
                                                             ("seal", None)]
    # 0.11 % of the housing is over the 0.1 % threshold; exactly 0.1 % of the seal is not
    assert rows[0]["over_threshold"] == "yes" and rows[2]["over_threshold"] == "no"
    percent = by_part.cell(2, header.index("article_percent") + 1)
    assert percent.value == pytest.approx(0.11) and percent.number_format == "0.0000##"
    assert by_part.cell(2, header.index("ppm") + 1).number_format == "#,##0.###"
    supplier = [c.value for c in wb["by supplier"][2]]
    assert supplier[:5] == ["S1", "Test Supplier", 2, 1, DBDPE] and supplier[6] == 1100  # parts, over, max ppm
    products = [[c.value for c in r] for r in wb["by product"].iter_rows(min_row=2)]
    assert [(r[0], r[2], r[4], r[6]) for r in products] == [("PRD1", 1, "S1", DBDPE), ("PRD2", 1, "S1", DBDPE)]


def test_csv_files_start_with_a_byte_order_mark_for_excel_only_when_asked(store_path, tmp_path, csv_rows):
    """Excel reads a CSV without a BOM in the machine's code page (issue 13, item 5: "CSV with an optional
    UTF-8 BOM for Excel"); the same rows either way."""
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert _validate(store_path, "--format", "csv", "--report", str(plain)).exit_code == 1
    assert _validate(store_path, "--format", "csv", "--report", str(excel), "--excel-bom").exit_code == 1
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf") and excel.read_bytes()[3:] == plain.read_bytes()
    assert list(csv.reader(io.StringIO(excel.read_text(encoding="utf-8-sig")))) == csv_rows
    impact = tmp_path / "impact.csv"
    done = runner.invoke(app, ["impact", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04",
                               "--store", store_path, "--format", "csv", "--out", str(impact), "--excel-bom"])
    assert done.exit_code == 0, done.output
    assert impact.read_bytes().startswith(b"\xef\xbb\xbf")
