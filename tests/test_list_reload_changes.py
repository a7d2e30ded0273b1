"""A reload of the Candidate List says what ECHA changed, and only that, dated by the export (QA10 B01, B02, B07).

Before, over the shipped load (xlsx and CSV together):
- the CSV alone showed all 251 older entries "changed" (the CSV has no date of last update), one entry's date
  of inclusion moved from 13-Jan-2010 to 19-dec-2011 (the CSV dates Aluminosilicate RCF by its 2011 update), and
  an unchanged list got a version of its own;
- the xlsx alone "removed" two group entries and added them again under another IRI (the CSV gives them a list
  number, the xlsx none), so the version of 2026-02-04 counted 255 entries;
- an entry gone from a newer export was dated removed on the day of the load, not on the export's date.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store
from complygraph.loaders.catalog import data_dir, load_list
from complygraph.loaders.list_exports import export_date

from .xlsx_dates import set_core_dates

runner = CliRunner()
SVHC = "eu-reach-svhc"
CSV = data_dir() / "echa" / "candidate-list-of-svhc-for-authorisation-export.csv"
XLSX = data_dir() / "echa" / "candidate_list_full.xlsx"
DBDPE = "84852-53-9"  # 1,1'-(ethane-1,2-diyl)bis[pentabromobenzene], included 05-Nov-2025
RCF = "Aluminosilicate Refractory Ceramic Fibres"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """A store with the shipped Candidate List (both exports), copied by each test that changes it."""
    path = tmp_path_factory.mktemp("shipped") / "store"
    store = open_store(path)
    load_list(store, SVHC)
    store.close()
    return path


def _copy(shipped: Path, tmp_path: Path) -> str:
    import shutil

    target = tmp_path / "store"
    shutil.copytree(shipped, target)
    return str(target)


def _diff(store: str, start: str, end: str) -> dict:
    result = runner.invoke(app, ["list-diff", "--list", SVHC, "--from", start, "--to", end, "--store", store,
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _versions(store: str) -> dict[str, int]:
    s = open_store(store)
    try:
        rows = s.select("SELECT ?d ?n WHERE { ?v cg:versionOf ?l ; cg:validFrom ?d ; cg:entryCount ?n }",
                        {"l": __import__("pyoxigraph").NamedNode("https://w3id.org/complygraph/id/list/" + SVHC)})
        return {r["d"].value: int(r["n"].value) for r in rows}
    finally:
        s.close()


def _load(store: str, *files: Path) -> str:
    result = runner.invoke(app, ["load-list", SVHC, *map(str, files), "--store", store])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _names(rows: list[dict]) -> list[str]:
    return sorted(r["name"] for r in rows)


@pytest.mark.parametrize("export", [CSV, XLSX], ids=["csv", "xlsx"])
def test_a_reload_of_one_export_of_the_same_list_changes_nothing(shipped, tmp_path, export):
    store = _copy(shipped, tmp_path)
    before = _versions(store)
    said = _load(store, export)
    diff = _diff(store, "2008-01-01", "2026-12-31")
    assert diff["changed"] == [] and diff["removed"] == []
    assert len(diff["added"]) == before["2026-02-04"] == 253
    assert _versions(store) == before  # no version of its own, the 2026-02-04 one still counts 253
    assert "removed" not in said


def test_the_csv_keeps_the_earlier_date_of_inclusion_of_an_entry_it_dates_by_its_update(shipped, tmp_path):
    store = _copy(shipped, tmp_path)
    said = _load(store, CSV)
    assert f"{RCF} (2011-12-19 in the export, 2010-01-13 kept)" in said
    assert RCF in _names(_diff(store, "2010-01-12", "2010-01-13")["added"])  # in force from the day of inclusion
    assert RCF not in _names(_diff(store, "2010-01-13", "2011-12-19")["added"])


def test_a_reload_states_what_it_kept_where_the_export_is_silent(shipped, tmp_path):
    store = _copy(shipped, tmp_path)
    assert "date of last update of 253 entries" in _load(store, CSV)


def _csv_without_dbdpe(path: Path, exported: str | None, reason: str | None = None) -> Path:
    lines = CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if f'"{DBDPE}"' not in line]
    assert len(kept) == len(lines) - 1
    kept = [line for line in kept if not line.startswith("Export date")]
    if exported:
        kept.insert(2, f"Export date: {exported} 08:00:00\n")
    if reason:
        kept = [line.replace('"vPvB (Article 57e)"\t"23-jan-2024"', f'"{reason}"\t"23-jan-2024"', 1)
                if line.startswith('"Oligomerisation and alkylation') else line for line in kept]
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_a_removal_is_dated_by_the_export_date_of_a_csv(shipped, tmp_path):
    store = _copy(shipped, tmp_path)
    said = _load(store, _csv_without_dbdpe(tmp_path / "newer.csv", "15-mei-2026"))
    assert "1 entries removed and 0 changed, dated 2026-05-15 (the export's date)" in said
    dbdpe = "1,1'-(ethane-1,2-diyl)bis[pentabromobenzene] (DBDPE)"
    assert _diff(store, "2026-05-13", "2026-05-14")["removed"] == []  # still listed the day before
    assert _names(_diff(store, "2026-05-14", "2026-05-15")["removed"]) == [dbdpe]
    versions = _versions(store)
    assert versions["2026-05-15"] == 252 and versions["2026-02-04"] == 253


def test_a_removal_is_dated_by_the_creation_date_of_an_xlsx(shipped, tmp_path):
    store = _copy(shipped, tmp_path)
    wb = openpyxl.load_workbook(XLSX)
    ws = wb.active
    row = next(r for r in ws.iter_rows(min_row=2) if r[3].value == DBDPE)
    ws.delete_rows(row[0].row)
    wb.save(tmp_path / "newer.xlsx")
    set_core_dates(tmp_path / "newer.xlsx", dt.date(2026, 6, 30))
    assert "dated 2026-06-30 (the export's date)" in _load(store, tmp_path / "newer.xlsx")
    assert _diff(store, "2026-06-28", "2026-06-29")["removed"] == []
    assert len(_diff(store, "2026-06-29", "2026-06-30")["removed"]) == 1


def test_an_export_that_states_no_date_is_dated_today_and_says_so(shipped, tmp_path):
    store = _copy(shipped, tmp_path)
    said = _load(store, _csv_without_dbdpe(tmp_path / "undated.csv", None))
    assert f"dated {dt.date.today()} (today: the export states no date)" in said


def test_a_real_change_is_still_reported(shipped, tmp_path):
    """What the carrying over of unstated facts must not hide: a reason ECHA changed."""
    store = _copy(shipped, tmp_path)
    newer = _csv_without_dbdpe(tmp_path / "newer.csv", "15-mei-2026", reason="PBT (Article 57d)")
    assert "1 entries removed and 1 changed" in _load(store, newer)
    changed = _diff(store, "2026-05-14", "2026-05-15")["changed"]
    assert [c["name"] for c in changed] == ["Oligomerisation and alkylation reaction products of 2-phenylpropene "
                                            "and phenol"]
    assert changed[0]["changes"] == [{"field": "reasons", "before": ["vPvB (Article 57e)"],
                                      "after": ["PBT (Article 57d)"]}]


def test_a_removal_is_never_dated_on_or_before_a_stored_export_that_listed_the_entry(shipped, tmp_path):
    """The shipped CSV export of 01-apr-2026 lists DBDPE: an export made earlier (an old workbook) that lacks it
    dates the removal the day after, not before; a workbook re-saved later counts by its modification date."""
    store = _copy(shipped, tmp_path)
    wb = openpyxl.load_workbook(XLSX)
    ws = wb.active
    ws.delete_rows(next(r for r in ws.iter_rows(min_row=2) if r[3].value == DBDPE)[0].row)
    wb.save(tmp_path / "old.xlsx")
    set_core_dates(tmp_path / "old.xlsx", dt.date(2021, 3, 1))
    assert "dated 2026-04-02 (the day after the stored export of 2026-04-01)" in _load(store, tmp_path / "old.xlsx")
    assert _diff(store, "2026-03-31", "2026-04-01")["removed"] == []
    assert len(_diff(store, "2026-04-01", "2026-04-02")["removed"]) == 1
    wb.save(tmp_path / "resaved.xlsx")
    set_core_dates(tmp_path / "resaved.xlsx", dt.date(2021, 3, 1), dt.date(2026, 8, 1))
    assert export_date(tmp_path / "resaved.xlsx") == dt.date(2026, 8, 1)
    # UTC times: 20:59 is still that day in Helsinki (UTC+3 at most), 21:00 may be the next
    set_core_dates(tmp_path / "resaved.xlsx", dt.date(2026, 8, 1), hour=20)
    assert export_date(tmp_path / "resaved.xlsx") == dt.date(2026, 8, 1)
    set_core_dates(tmp_path / "resaved.xlsx", dt.date(2026, 8, 1), hour=21)
    assert export_date(tmp_path / "resaved.xlsx") == dt.date(2026, 8, 2)


def test_export_dates_as_the_files_state_them(tmp_path):
    assert export_date(CSV) == dt.date(2026, 4, 1)  # "Export date: 01-apr-2026 23:44:30"
    assert export_date(XLSX) == dt.date(2026, 2, 27)  # the workbook's dcterms:created (and modified)
    (tmp_path / "plain.csv").write_text("name,date\n")
    assert export_date(tmp_path / "plain.csv") is None
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    assert export_date(tmp_path / "broken.xlsx") is None
