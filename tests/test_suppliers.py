"""Supplier governance: records in the import format, the Form 1 score and rank of seed 003, and the
supplier-governance shape pack (which must agree with the computed ranks).

Seed 003 (Nishishiba Electric guideline, V-5 (1) and Form 1): (2) green procurement items score 10, 10, 10
and 15, (3) 25 environmental items score 5 each, so totals are multiples of 5 up to 170. Ranks: S at 170 or
with external certification acquired (or planned within one year, certification body decided), A from 155,
B from 100, C from 50, D below 50. The required rank is A; the improvement is due 180 days after the
evaluation (scheme data).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.graph.suppliers import evaluations
from complygraph.graph.turtle import load_ontology
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.errors import InputError

GP = ["gp.1", "gp.2", "gp.3", "gp.4"]  # 10, 10, 10, 15
ENV = [f"env.{i}" for i in range(1, 26)]  # 5 each
DATE = "2026-04-01"


def _yes(points: int) -> list[str]:
    """Items answered yes that make exactly `points` (hand-picked: the 15-point item first when it fits)."""
    chosen, left = [], points
    for item, value in [("gp.4", 15), ("gp.1", 10), ("gp.2", 10), ("gp.3", 10)] + [(e, 5) for e in ENV]:
        if value <= left:
            chosen.append(item)
            left -= value
    assert left == 0, points
    return chosen


def _write(folder: Path, suppliers: dict[str, list[tuple]], extra: dict[str, str] | None = None) -> Path:
    """suppliers: id -> rows of (item, answer, item_date, body) for one evaluation on DATE."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "suppliers.csv").write_text("supplier_id,name\n" + "".join(f"{s},Supplier {s}\n" for s in suppliers))
    rows = ["supplier_id,date,item,answer,item_date,body"]
    for sid, answers in suppliers.items():
        for item, answer, item_date, body in answers:
            rows.append(f"{sid},{DATE},{item},{answer},{item_date},{body}")
    (folder / "evaluations.csv").write_text("\n".join(rows) + "\n")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text)
    return folder


def _answers(points: int) -> list[tuple]:
    yes = set(_yes(points))
    return [(i, "yes" if i in yes else "no", "", "") for i in GP + ENV]


CASES = {  # supplier -> (answers, expected points, expected rank)
    "full": (_answers(170), 170, "S"),
    "a-top": (_answers(165), 165, "A"),
    "a-edge": (_answers(155), 155, "A"),
    "b-top": (_answers(150), 150, "B"),
    "b-edge": (_answers(100), 100, "B"),
    "c-top": (_answers(95), 95, "C"),
    "c-edge": (_answers(50), 50, "C"),
    "d-top": (_answers(45), 45, "D"),
    "zero": (_answers(0), 0, "D"),
    "certified": ([("cert.acquired", "yes", "2019-05-01", "JQA")] + _answers(45), 45, "S"),
    "plan-ok": ([("cert.plan", "yes", "2027-03-31", "JQA")] + _answers(100), 100, "S"),
    "plan-late": ([("cert.plan", "yes", "2027-04-02", "JQA")] + _answers(100), 100, "B"),
    "plan-no-body": ([("cert.plan", "yes", "2026-10-01", "")] + _answers(100), 100, "B"),
    "cert-no": ([("cert.acquired", "no", "", "")] + _answers(155), 155, "A"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(None)
    load_ontology(s)
    import_compositions(s, _write(tmp_path_factory.mktemp("gov"), {k: v[0] for k, v in CASES.items()}))
    return s


@pytest.mark.parametrize("supplier", sorted(CASES))
def test_form1_points_and_rank_as_seed_003_defines_them(store, supplier):
    e = evaluations(store, dt.date(2026, 6, 1))[supplier]
    _, points, rank = CASES[supplier]
    assert (e.points, e.rank) == (points, rank)
    assert e.below_required == (rank not in ("S", "A"))
    assert e.improvement_due == (dt.date(2026, 9, 28) if e.below_required else None)


def test_the_rank_warning_of_the_shape_pack_agrees_with_the_computed_ranks(store):
    report = validate(store, ["supplier-governance"], dt.date(2026, 6, 1))
    warned = {str(r.focus).rsplit("/", 1)[-1] for r in report.results
              if str(r.shape).endswith("SupplierEvaluationRank")}
    computed = {sid for sid, e in evaluations(store, dt.date(2026, 6, 1)).items() if e.below_required}
    assert warned == computed == {"b-top", "b-edge", "c-top", "c-edge", "d-top", "zero", "plan-late", "plan-no-body"}
    due = [r.message for r in report.results if str(r.focus).endswith("/d-top")]
    assert due and "2026-09-28" in due[0] and "45" in due[0]


def test_an_evaluation_after_the_date_is_not_used_and_the_latest_before_is(tmp_path):
    s = open_store(None)
    load_ontology(s)
    folder = _write(tmp_path / "a", {"x": _answers(100)})
    later = ["supplier_id,date,item,answer"] + [f"x,2026-08-01,{i},yes" for i in GP + ENV]
    (folder / "evaluations.csv").write_text((folder / "evaluations.csv").read_text() + "\n".join(later[1:]) + "\n")
    import_compositions(s, folder)
    assert evaluations(s, dt.date(2026, 6, 1))["x"].rank == "B"
    assert evaluations(s, dt.date(2026, 9, 1))["x"].rank == "S"
    assert "x" not in evaluations(s, dt.date(2026, 3, 1))


def test_bad_governance_records_name_file_line_and_field(tmp_path):
    folder = _write(tmp_path / "bad", {"x": [("gp.9", "yes", "", ""), ("gp.1", "maybe", "", "")]}, {
        "approvals.csv": "supplier_id,programme,audit_date,audit_score,pass_score,valid_until,status,reason\n"
                         "x,green-partner,2026-01-10,70,80,2027-01-10,approved,\n"
                         "nobody,green-partner,2026-01-10,90,80,2027-01-10,approved,\n"
                         "x,green-partner,2026-02-10,90,80,2027-01-10,revoked,\n",
        "certifications.csv": "supplier_id,standard,valid_until,valid_from\nx,ISO 14001,2025-01-01,2026-01-01\n",
        "sustainability.csv": "supplier_id,date,human_rights_policy,due_diligence,grievance_mechanism\n"
                              "x,2026-03-01,yes,perhaps,no\n"})
    s = open_store(None)
    with pytest.raises(InputError) as exc:
        import_compositions(s, folder)
    got = {(Path(p.file).name, p.line, p.field) for p in exc.value.problems}
    assert got == {("evaluations.csv", 2, "item"), ("evaluations.csv", 3, "answer"),
                   ("approvals.csv", 2, "status"), ("approvals.csv", 3, "supplier_id"),
                   ("approvals.csv", 4, "reason"), ("certifications.csv", 2, "valid_until"),
                   ("sustainability.csv", 2, "due_diligence")}
    assert s.count() == 0


def test_parts_need_a_supplier_with_a_valid_approval_and_certifications_must_be_current(tmp_path):
    folder = _write(tmp_path / "p", {"ok": _answers(170), "lapsed": _answers(170), "revoked": _answers(170),
                                     "none": _answers(170)}, {
        "approvals.csv": "supplier_id,programme,audit_date,audit_score,pass_score,valid_until,status,reason\n"
                         "ok,green-partner,2025-06-01,92,80,2027-05-31,approved,\n"
                         "lapsed,green-partner,2024-01-10,90,80,2026-01-09,approved,\n"
                         "revoked,green-partner,2025-06-01,90,80,2027-05-31,approved,\n"
                         "revoked,green-partner,2026-02-01,60,80,2027-05-31,revoked,renewal audit failed\n",
        "certifications.csv": "supplier_id,standard,valid_until,number\n"
                              "ok,ISO 14001,2027-01-01,C-1\nlapsed,ISO 14001,2026-01-01,C-2\n"
                              "revoked,EA21,2025-12-31,E-1\nrevoked,EA21,2028-12-31,E-2\n",
        "parts.csv": "part_id,name,supplier_id,mass,mass_unit\n"
                     "p-ok,a,ok,1,g\np-lapsed,b,lapsed,1,g\np-revoked,c,revoked,1,g\np-none,d,none,1,g\n"})
    s = open_store(None)
    load_ontology(s)
    import_compositions(s, folder)
    report = validate(s, ["supplier-governance"], dt.date(2026, 6, 1))
    unapproved = {str(r.focus).rsplit("/", 1)[-1] for r in report.results if str(r.shape).endswith("ApprovedSupplier")}
    assert unapproved == {"p-lapsed", "p-revoked", "p-none"}
    expired = {(str(r.focus).rsplit("/", 1)[-1], str(r.severity).rsplit("#", 1)[-1]) for r in report.results
               if str(r.shape).endswith("SupplierCertification")}
    assert expired == {("lapsed", "Warning")}


def test_the_governance_pack_gives_the_same_results_as_pyshacl(store, tmp_path):
    from .shacl_cases import compare_with_pyshacl

    ours, reference = compare_with_pyshacl(store, ["supplier-governance"], dt.date(2026, 6, 1))
    assert ours == reference and len(ours) == 8


def test_graphql_supplier_shows_certifications_approvals_evaluation_and_sustainability(tmp_path):
    import httpx

    from .test_api import serve

    folder = _write(tmp_path / "g", {"ok": [("cert.acquired", "yes", "2019-05-01", "JQA")] + _answers(45)}, {
        "approvals.csv": "supplier_id,programme,audit_date,audit_score,pass_score,valid_until,status,reason\n"
                         "ok,green-partner,2025-06-01,92,80,2027-05-31,approved,\n"
                         "ok,green-partner,2026-02-01,60,80,2027-05-31,revoked,renewal audit failed\n",
        "certifications.csv": "supplier_id,standard,valid_until,number,body\nok,ISO 14001,2027-01-01,C-1,JQA\n",
        "sustainability.csv": "supplier_id,date,human_rights_policy,due_diligence,grievance_mechanism\n"
                              "ok,2025-04-01,yes,no,no\n"})
    s = open_store(None)
    load_ontology(s)
    import_compositions(s, folder)
    gen = serve(s)
    url = next(gen)
    try:
        r = httpx.post(f"{url}/graphql", json={"query": """{ supplier(id: "ok") { id
            certifications(at: "2026-06-01") { standard number current validUntil }
            approvals { status auditScore reason }
            evaluation(at: "2026-06-01") { points rank grantedBy belowRequired improvementDue }
            sustainability { humanRightsPolicy dueDiligence grievanceMechanism } } }"""}).json()
    finally:
        next(gen, None)
    sup = r["data"]["supplier"]
    assert sup["certifications"] == [{"standard": "ISO 14001", "number": "C-1", "current": True,
                                      "validUntil": "2027-01-01"}]
    assert [a["status"] for a in sup["approvals"]] == ["revoked", "approved"]
    assert sup["evaluation"] == {"points": 45, "rank": "S", "grantedBy": ["cert.acquired"], "belowRequired": False,
                                 "improvementDue": None}
    assert sup["sustainability"] == {"humanRightsPolicy": True, "dueDiligence": False, "grievanceMechanism": False}


def test_human_rights_status_gaps_are_reported_as_info(tmp_path):
    folder = _write(tmp_path / "hr", {"done": [], "started": [], "updated": []}, {
        "sustainability.csv": "supplier_id,date,human_rights_policy,due_diligence,grievance_mechanism\n"
                              "done,2025-04-01,yes,yes,yes\nstarted,2025-04-01,yes,no,no\n"
                              "updated,2024-04-01,no,no,no\nupdated,2025-04-01,yes,yes,yes\n"})
    (folder / "evaluations.csv").unlink()
    s = open_store(None)
    load_ontology(s)
    import_compositions(s, folder)
    report = validate(s, ["supplier-governance"], dt.date(2026, 6, 1))
    infos = [(str(r.focus).rsplit("/", 1)[-1], r.message) for r in report.results
             if str(r.shape).endswith("SupplierHumanRights")]
    assert infos == [("started", "business and human rights on 2025-04-01: policy true, due diligence false, "
                                 "grievance mechanism false")]
