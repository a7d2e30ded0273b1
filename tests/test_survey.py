"""Answers on the customer's survey form (seed 003, Form 2-1) as CSV and as the returned XLSX form, and the
supplier-survey pack's judgement of them (checked against pySHACL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from complygraph.graph.shacl import validate
from complygraph.loaders.errors import InputError
from complygraph.loaders.survey import import_survey

from .shacl_cases import build, material, part, sub

ITEMS = [f"A{i:02d}" for i in range(1, 25)] + [f"B{i:02d}" for i in range(1, 10)]
AT = dt.date(2026, 6, 1)
HEADER = "part_id,date,item,present,ppm,where_used,purpose,phase_out_date,discontinued_date\n"


@pytest.fixture
def store(tmp_path):
    return build(tmp_path / "data", [part("p1", 1000, material("m1", 1000, sub("7440-02-0", 10))),
                                     part("p2", 1000, material("m2", 1000, sub("7440-02-0", 10)))])


def _rows(pid: str, special: dict[str, str], skip: tuple[str, ...] = (), stop: str = "") -> list[str]:
    out = []
    for item in ITEMS:
        if item in skip:
            continue
        rest = special.get(item, "no,,,,")
        out.append(f"{pid},2026-04-01,{item},{rest},{stop}")
    return out


def _results(store, names=("supplier-survey",)) -> set[tuple[str, str, str]]:
    report = validate(store, list(names), AT)
    return {(str(r.focus).rsplit("/", 3)[-3] if "/survey/" in str(r.focus) else str(r.focus),
             str(r.shape).rsplit("#", 1)[-1], str(r.severity).rsplit("#", 1)[-1]) for r in report.results}


def test_flat_csv_answers_judged_by_the_form_data(store, tmp_path):
    f = tmp_path / "survey.csv"
    f.write_text(HEADER + "\n".join(
        _rows("p1", {"A05": "no,500,PVC cable sheath,stabiliser,", "A03": "no,50,plating,,",
                     "A17": "yes,1200,housing,flame retardant,2026-12-31", "B06": "yes,,plating,corrosion,"})
        + _rows("p2", {"A05": "no,500,brass pin,free-cutting,"}, skip=("B07", "B08", "B09"), stop="2026-09-30"))
        + "\n")
    counts = import_survey(store, [f])
    assert counts == {"surveys": 2, "answers": 63, "triples": counts["triples"]}
    report = validate(store, ["supplier-survey"], AT)
    got = sorted((str(r.shape).rsplit("#", 1)[-1], r.message) for r in report.results)
    assert got == sorted([
        ("AnswerContradictsConcentration", "A05: declared absent, yet 500 ppm is above the limit of 300 ppm"),
        ("ProhibitedPresent", "A17 Polybrominated Diphenylethers(PBDEs): prohibited substance group declared "
                              "present (where used: housing; phase-out: 2026-12-31)"),
        ("ManagedPresent", "B06 Nickel: managed substance group present (where used: plating)"),
        ("SurveyComplete", "item B07 of the form is not answered"),
        ("SurveyComplete", "item B08 of the form is not answered"),
        ("SurveyComplete", "item B09 of the form is not answered"),
        ("Discontinued", "production stops (stopped) on 2026-09-30"),
    ]), "A03 at 50 ppm is under 100 ppm; p2's lead at 500 ppm in brass is under the general 1000 ppm"


def test_the_returned_xlsx_form_with_japanese_headers_and_a_preamble(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["【様式2-1】環境関連規制化学物質含有有無及び含有量調査書"])
    ws.append(["会社名", "Kobe Connectors Ltd."])
    ws.append(["回答日", "2026-04-01"])
    ws.append([])
    ws.append(["番号", "物質(群)名", "使用例", "含有有無", "含有濃度の閾値", "含有量 (ppm)",
               "コメント (含有部位を具体的にご記入願います)"])
    for item in ITEMS:
        ws.append([item, "", "", "有" if item == "B01" else "無", "", 2000 if item == "B01" else None,
                   "難燃助剤 (ハウジング)" if item == "B01" else None])
    path = tmp_path / "form2-1.xlsx"
    wb.save(path)
    counts = import_survey(store, [path], part="p1", date=dt.date(2026, 4, 1))
    assert (counts["surveys"], counts["answers"]) == (1, 33)
    assert {s for _, s, _ in _results(store)} == {"ManagedPresent"}


def test_answering_again_replaces_the_answers(store, tmp_path):
    f = tmp_path / "s.csv"
    f.write_text(HEADER + "\n".join(_rows("p1", {"A17": "yes,1200,housing,,"})) + "\n")
    import_survey(store, [f])
    f.write_text(HEADER + "\n".join(_rows("p1", {})) + "\n")
    import_survey(store, [f])
    assert _results(store) == set()
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?a cg:present ?p }")[0]["n"].value == "33"


def test_bad_answers_name_file_line_and_field_and_store_nothing(store, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(HEADER + "p1,2026-04-01,A99,no,,,,,\np1,2026-04-01,A01,maybe,,,,,\n"
                 "nope,2026-04-01,A02,no,,,,,\np1,2026-04-01,A03,no,lots,,,,\np1,01/04/2026,A04,no,,,,,\n"
                 "p1,2026-04-01,A01,no,,,,,\n")
    before = store.count()
    with pytest.raises(InputError) as exc:
        import_survey(store, [f])
    got = {(Path(p.file).name, p.line, p.field) for p in exc.value.problems}
    assert got == {("bad.csv", 2, "item"), ("bad.csv", 3, "present"), ("bad.csv", 4, "part_id"),
                   ("bad.csv", 5, "ppm"), ("bad.csv", 6, "date")}
    assert store.count() == before


def test_the_survey_pack_gives_the_same_results_as_pyshacl(store, tmp_path):
    from .shacl_cases import compare_with_pyshacl

    f = tmp_path / "survey.csv"
    f.write_text(HEADER + "\n".join(
        _rows("p1", {"A05": "no,500,PVC cable,,", "A17": "yes,1200,housing,,", "B06": "yes,,plating,,"})
        + _rows("p2", {}, skip=("B09",), stop="2026-09-30")) + "\n")
    import_survey(store, [f])
    ours, reference = compare_with_pyshacl(store, ["supplier-survey"], AT)
    assert ours == reference and len(ours) == 5


def test_graphql_part_shows_its_latest_survey_answers(store, tmp_path):
    import httpx

    from .test_api import serve

    f = tmp_path / "s.csv"
    f.write_text(HEADER + "\n".join(_rows("p1", {"B06": "yes,1500,plating,corrosion,2027-03-31"},
                                          stop="2027-12-31")) + "\n")
    import_survey(store, [f])
    gen = serve(store)
    url = next(gen)
    try:
        r = httpx.post(f"{url}/graphql", json={"query": """{ part(id: "p1") { survey { form date discontinuedDate
            answers { item name rank present ppm whereUsed purpose phaseOutDate } } } }"""}).json()
    finally:
        next(gen, None)
    survey = r["data"]["part"]["survey"]
    assert (survey["form"], survey["date"], survey["discontinuedDate"]) == ("nishishiba-form2-1", "2026-04-01",
                                                                            "2027-12-31")
    assert len(survey["answers"]) == 33
    assert [a for a in survey["answers"] if a["present"]] == [
        {"item": "B06", "name": "Nickel", "rank": "B", "present": True, "ppm": 1500.0, "whereUsed": "plating",
         "purpose": "corrosion", "phaseOutDate": "2027-03-31"}]


def test_a_prohibited_group_declared_present_makes_the_part_and_its_product_non_compliant(tmp_path):
    """QA5 B02: the survey's findings were about the response and its answers, which `status` could not place, so
    a part whose supplier declared SCCP (A21, rank A: prohibited) present was compliant; and an unanswered
    phase-out date showed as `{?phaseOut}`."""
    from complygraph.graph.status import status_index
    from complygraph.vocab import ID

    from .shacl_cases import product

    store = build(tmp_path / "data", [part("p1", 1000, material("m1", 1000, sub("7440-02-0", 10))),
                                      part("p2", 1000, material("m2", 1000, sub("7440-02-0", 10)))],
                  products=[product("box", "3", "p1")])
    f = tmp_path / "survey.csv"
    f.write_text(HEADER + "\n".join(_rows("p1", {"A21": "yes,,cable,,"}) + _rows("p2", {})) + "\n")
    import_survey(store, [f])
    report = validate(store, ["supplier-survey"], AT)
    [found] = [r for r in report.results if str(r.shape).endswith("#ProhibitedPresent")]
    assert str(found.detail("part")) == f"{ID}part/p1"
    assert found.message.endswith("(where used: cable; phase-out: none stated)")
    index = status_index(store, report)
    assert index.part(f"{ID}part/p1", "supplier-survey").status == "non-compliant"
    assert index.part(f"{ID}part/p2", "supplier-survey").status == "compliant"
    ps = index.product(f"{ID}product/box", "supplier-survey")
    assert ps.status == "non-compliant" and [d.part for d in ps.deciding] == [f"{ID}part/p1"]


@pytest.mark.parametrize(("where", "limit"), [
    ("PVC cable sheath", 300), ("cable with PVC jacket", 300), ("polyvinyl chloride wire", 300),
    ("塩化ビニルケーブル", 300),
    ("PVC grommet", 1000), ("non-PVC cable", 1000), ("brass pin", 1000),
    # a review of 2026-12-07: a letter or hyphen before the PVC word took "FR-PVC" for "non-PVC"
    ("FR-PVC cable", 300), ("S-PVC cord", 300), ("PVC-free cable", 1000), ("ethylene vinyl acetate cable", 1000),
])
def test_the_300_ppm_lead_limit_is_for_pvc_cable_only(store, tmp_path, where, limit):
    """QA5 B15: Form 2-1 (Nishishiba guideline) "A05 鉛/鉛化合物に関して、塩化ビニルケーブルのみ閾値を 300ppm": any
    where-used that mentioned PVC took 300 ppm. 301 ppm declared absent contradicts 300 ppm, not 1000 ppm."""
    f = tmp_path / "survey.csv"
    f.write_text(HEADER + "\n".join(_rows("p1", {"A05": f"no,301,{where},,"})) + "\n")
    import_survey(store, [f])
    found = {shape for _, shape, _ in _results(store)}
    assert ("AnswerContradictsConcentration" in found) == (limit == 300)
