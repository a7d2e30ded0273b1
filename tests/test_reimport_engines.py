"""The re-import check's decided types (loaders/reimport.py: a part's packaging, an evidence record's kind)
answer alike on every engine: the embedded store, an Oxigraph server and Virtuoso.

Before: on Virtuoso 7.2 a second import holding one evidence record (or one part that says whether it is
packaging) into a store with company data failed with "SP031: SPARQL compiler: Internal error:
ssg_print_rvr_fixed_val(): no SPART_VARR_FIXED", and with more records the check answered wrongly (a part
stored as packaging and imported as packaging again was refused as changed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.errors import InputError
from complygraph.vocab import entity_iri

SUPPLIERS = "supplier_id,name\nS1,Supplier one\n"
PARTS = ("part_id,name,supplier_id,mass,mass_unit,packaging\n"
         "P1,part one,S1,100,mg,no\nP2,box,S1,50,g,yes\nP3,part three,S1,10,mg,no\nP4,tray,S1,20,g,yes\n")
HEADER = "evidence_id,kind,part_id,date,signer,issuer,method,cas,measured_ppm,note\n"
CERTIFICATE = "C1,certificate-of-non-use,P1,2026-01-10,K. Sato,,,,,\n"
NOTICE = "N1,change-notice,P2,2026-03-01,,,,,,moulding moved to plant 2\n"
LAB_REPORT = "C1,lab-report,P1,2026-01-10,,Kobe Lab,ICP-AES,7439-92-1,300,\n"


def _import(store, folder: Path, **files: str) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    import_compositions(store, folder)


def _refused(store, folder: Path, **files: str) -> list[tuple[int, str, str]]:
    """Import `files`, expect them refused; (line, field, reason up to its explanation) of each problem."""
    with pytest.raises(InputError) as info:
        _import(store, folder, **files)
    return sorted((p.line, p.field, p.reason.split(": an import")[0]) for p in info.value.problems)


def _kinds(store, evidence: str) -> list[str]:
    """The classes stored for one evidence record, by local name."""
    rows = store.select("SELECT ?c WHERE { ?e a ?c }", {"e": entity_iri("evidence", evidence)})
    return sorted(r["c"].value.rsplit("#", 1)[-1] for r in rows)


@pytest.fixture
def company(any_store, tmp_path):
    """`any_store` holding a supplier and four parts, two of them packaging."""
    _import(any_store, tmp_path / "company", **{"suppliers.csv": SUPPLIERS, "parts.csv": PARTS})
    return any_store


def test_one_evidence_record_imported_into_a_store_holding_company_data_is_stored_on_every_engine(company, tmp_path):
    """The report: the second import, of one evidence record, failed on Virtuoso with SP031."""
    _import(company, tmp_path / "evidence", **{"evidence.csv": HEADER + CERTIFICATE})
    assert _kinds(company, "C1") == ["CertificateOfNonUse", "Evidence"]
    _import(company, tmp_path / "again", **{"evidence.csv": HEADER + CERTIFICATE})  # the same again: accepted
    _import(company, tmp_path / "more", **{"evidence.csv": HEADER + CERTIFICATE + NOTICE})
    assert _kinds(company, "C1") == ["CertificateOfNonUse", "Evidence"]
    assert _kinds(company, "N1") == ["ChangeNotice", "Evidence"]


def test_one_evidence_record_of_another_kind_is_refused_on_every_engine(company, tmp_path):
    """A stored certificate re-imported as a lab report, alone or beside another record, is refused naming
    both kinds, and the stored kind stays."""
    _import(company, tmp_path / "evidence", **{"evidence.csv": HEADER + CERTIFICATE})
    want = [(2, "kind", "evidence 'C1' is stored with kind 'CertificateOfNonUse', this data set gives 'LabReport'")]
    assert _refused(company, tmp_path / "alone", **{"evidence.csv": HEADER + LAB_REPORT}) == want
    assert _refused(company, tmp_path / "beside", **{"evidence.csv": HEADER + LAB_REPORT + NOTICE}) == want
    assert _kinds(company, "C1") == ["CertificateOfNonUse", "Evidence"]


def test_one_part_reimported_with_its_packaging_is_accepted_on_every_engine(company, tmp_path):
    """One part, packaging or not, imported again as it is stored."""
    header, rows = PARTS.split("\n", 1)
    for n, row in enumerate(rows.splitlines()):
        _import(company, tmp_path / f"part{n}", **{"suppliers.csv": SUPPLIERS, "parts.csv": f"{header}\n{row}\n"})


def test_packaging_and_evidence_kinds_are_compared_alike_on_every_engine(company, tmp_path):
    """Every case in one batch: a part staying packaging or not (accepted), turning into packaging or out of
    it (refused); evidence of the same kind (accepted), of a kind other than one of its stored two (refused
    naming the other). Before: on Virtuoso P2 and P4, imported as stored, were refused too."""
    _import(company, tmp_path / "evidence", **{"evidence.csv": HEADER + CERTIFICATE + NOTICE})
    company.update(f"INSERT DATA {{ {entity_iri('evidence', 'N1')} a cg:LabReport }}")
    parts = PARTS.replace("P2,box,S1,50,g,yes", "P2,box,S1,50,g,no").replace("P3,part three,S1,10,mg,no",
                                                                            "P3,part three,S1,10,mg,yes")
    got = _refused(company, tmp_path / "again", **{"suppliers.csv": SUPPLIERS, "parts.csv": parts,
                                                   "evidence.csv": HEADER + CERTIFICATE + NOTICE})
    assert [(line, field) for line, field, _ in got] == [(3, "kind"), (3, "packaging"), (4, "packaging")]
    assert [reason for _, _, reason in got] == [
        "evidence 'N1' is stored with kind 'LabReport', this data set gives 'ChangeNotice'",
        "part 'P2' is stored with packaging 'yes', this data set gives 'no'",
        "part 'P3' is stored with packaging 'no', this data set gives 'yes'"]
