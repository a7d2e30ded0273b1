"""A number is read only in the form a decimal is written (QA13 B03, a false pass from bad input).

Python's Decimal() and float() read PEP 515 digit grouping: "1_0" was 10. A part and its material of "1_0" g with
1.5 mg DEHP were stored as 10 g, 0.015 % DEHP, no REACH Art. 33(1) duty; read as 1.0 g the article holds 0.15 %,
above 0,1 % w/w. IPC-1752A's Amount@value is an xs:decimal (XML Schema Part 2, 3.2.3), where "1_0" is no value at
all. Each such number is now refused (exit 2, file, line and field, nothing stored), in CSV, JSON Lines and XML
declarations alike (loaders/records.py parse_number), and in the supplier survey's ppm column, whose thousands
commas ("1,000") stay allowed but "1,5" (a decimal comma, 15 after the commas were dropped) does not.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError
from complygraph.loaders.records import parse_number
from complygraph.loaders.survey import import_survey

from .test_bad_input import everything, one_problem, refused, stored  # noqa: F401 (the fixture)
from .test_compositions import GOOD, write_dataset
from .test_survey import HEADER
from .test_survey import store as survey_store  # noqa: F401 (the fixture)

D = Path(__file__).parent / "declarations"


@pytest.mark.parametrize("text", ["1_0", "0_6", "1__0", "_1", "1_000.5", "0x10", "1e", ".", "1.2.3", "- 1",
                                  "NaN", "Infinity", "1 mg", "1,0", "１０", "٣"])
def test_what_is_no_decimal_is_refused(text):
    value, reason = parse_number(text)
    assert value is None and "not a" in reason, (text, value, reason)


@pytest.mark.parametrize(("text", "value"), [("10", "10"), ("1.0", "1.0"), ("+2", "2"), (".5", "0.5"), ("5.", "5"),
                                             ("1E-3", "0.001"), ("2.5e2", "250"), (" 7 ", "7")])
def test_decimals_are_read(text, value):
    assert parse_number(text)[0] == Decimal(value)


def test_a_grouped_mass_in_a_compositions_csv_is_refused(stored, tmp_path):  # noqa: F811
    source = write_dataset(tmp_path / "grouped", **{
        "parts.csv": GOOD["parts.csv"].replace("P1,Brass pin,S1,2,g", "P1,Brass pin,S1,2_0,g"),
        "bom.csv": None})
    one_problem(refused(stored, source), "parts.csv", 2, "mass", "not a number", "2_0")


def test_a_grouped_amount_in_an_ipc_1752a_declaration_is_refused(stored, tmp_path):  # noqa: F811
    text = (D / "ipc-class-d.xml").read_text(encoding="utf-8")
    assert '<Amount value="2.5" UOM="g"/>' in text
    path = tmp_path / "grouped.xml"
    path.write_text(text.replace('<Amount value="2.5" UOM="g"/>', '<Amount value="2_5" UOM="g"/>', 1),
                    encoding="utf-8")
    before = everything(stored)
    with pytest.raises(InputError) as info:
        import_declarations(stored, [path])
    assert any(p.file.endswith("grouped.xml") and "Amount@value" in (p.field or "") and "2_5" in p.reason
               for p in info.value.problems), [str(p) for p in info.value.problems]
    assert everything(stored) == before


@pytest.mark.parametrize(("ppm", "ok"), [("1,000", True), ("12,345.5", True), ("1_0", False), ("1,5", False),
                                         ("1,0000", False), ("1000", True), ("0,500", False), ("00,123", False)])
def test_survey_concentrations_allow_thousands_commas_only(survey_store, tmp_path, ppm, ok):  # noqa: F811
    f = tmp_path / "survey.csv"
    f.write_text(HEADER + f'p1,2026-04-01,A05,yes,"{ppm}",PVC cable,,,\n')
    if ok:
        import_survey(survey_store, [f])
        rows = survey_store.select("SELECT ?ppm WHERE { ?a a cg:SurveyAnswer ; cg:concentrationPpm ?ppm }")
        assert [Decimal(r["ppm"].value) for r in rows] == [Decimal(ppm.replace(",", ""))]
        return
    before = survey_store.count()
    with pytest.raises(InputError) as info:
        import_survey(survey_store, [f])
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "ppm")]
    assert survey_store.count() == before


def test_a_survey_answers_full_width_where_used_is_stored_folded(survey_store, tmp_path):  # noqa: F811
    f = tmp_path / "survey.csv"
    f.write_text(HEADER + "p1,2026-04-01,A05,yes,500,ＰＶＣケーブル,,,\n", encoding="utf-8")
    import_survey(survey_store, [f])
    rows = survey_store.select("SELECT ?w WHERE { ?a a cg:SurveyAnswer ; cg:whereUsed ?w }")
    assert [r["w"].value for r in rows] == ["PVCケーブル"]
