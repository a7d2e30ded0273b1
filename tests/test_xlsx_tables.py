"""The shared xlsx writer (complygraph/xlsx_tables.py): what Excel cannot hold is said, never lost silently,
and a report that cannot be written leaves the one already there."""

from __future__ import annotations

import os
import stat

import openpyxl
import pytest

from complygraph.xlsx_tables import EXCEL_CELL, Table, cell_value, write_workbook


def test_text_exactly_at_the_cell_limit_is_kept_whole():
    text = "x" * EXCEL_CELL
    assert cell_value(text) == text


def test_text_one_character_over_the_cell_limit_is_cut_and_says_so():
    text = "x" * (EXCEL_CELL + 1)
    shown = cell_value(text)
    assert len(shown) == EXCEL_CELL
    assert shown.endswith(f"[cut: {EXCEL_CELL + 1:,} characters; the CSV and JSON reports hold all]")


def test_a_long_cell_round_trips_through_the_file_within_excel_limit(tmp_path):
    path = tmp_path / "r.xlsx"
    write_workbook(path, [Table("t", ["a"], [["y" * 40_000]])])
    value = openpyxl.load_workbook(path).active["A2"].value
    assert len(value) == EXCEL_CELL and value.startswith("y" * 100) and "40,000 characters" in value


def test_a_failed_write_leaves_the_earlier_report_as_it_was(tmp_path):
    path = tmp_path / "r.xlsx"
    write_workbook(path, [Table("t", ["a"], [["first"]])])
    before = path.read_bytes()

    class Boom:
        def __len__(self):
            return 1

        def __getitem__(self, i):
            raise RuntimeError("a row that cannot be read")

        def __iter__(self):
            return iter([["w"]])

    with pytest.raises(RuntimeError):
        write_workbook(path, [Table("t", ["a"], Boom())])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_a_folder_given_as_the_report_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(IsADirectoryError):
        write_workbook(tmp_path, [Table("t", ["a"], [["x"]])])


def _units(text: str) -> int:
    """The length Excel counts: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def test_text_of_non_bmp_characters_exactly_at_the_cell_limit_in_utf16_units_is_kept_whole():
    text = "\U0001f600" * (EXCEL_CELL // 2) + "x"  # 16,384 characters, 32,767 units
    assert _units(text) == EXCEL_CELL
    assert cell_value(text) == text


def test_text_of_non_bmp_characters_one_utf16_unit_over_the_cell_limit_is_cut():
    text = "\U0001f600" * (EXCEL_CELL // 2 + 1)  # 16,384 characters, well under the limit, but 32,768 units
    shown = cell_value(text)
    assert _units(shown) <= EXCEL_CELL
    assert shown.endswith(f"[cut: {len(text):,} characters; the CSV and JSON reports hold all]")
    assert shown.startswith("\U0001f600" * 100)


def test_a_non_bmp_character_at_the_cut_is_dropped_whole_never_half():
    note = f" [cut: {EXCEL_CELL + 10:,} characters; the CSV and JSON reports hold all]"
    room = EXCEL_CELL - len(note)
    text = "x" * (room - 1) + "\U00020000" + "x" * (EXCEL_CELL + 10 - room)  # its two units straddle the cut
    assert len(text) == EXCEL_CELL + 10
    shown = cell_value(text)
    assert shown == "x" * (room - 1) + note  # no lone surrogate, and within the limit
    assert _units(shown) == EXCEL_CELL - 1


def test_a_report_written_through_a_symlink_replaces_the_file_it_points_to_and_keeps_the_link(tmp_path):
    target = tmp_path / "real" / "r.xlsx"
    target.parent.mkdir()
    write_workbook(target, [Table("t", ["a"], [["first"]])])
    link = tmp_path / "r.xlsx"
    link.symlink_to(target)
    write_workbook(link, [Table("t", ["a"], [["second"]])])
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert openpyxl.load_workbook(target).active["A2"].value == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.xlsx"]  # the part was written there, and moved


def test_a_rewritten_report_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "r.xlsx"
    write_workbook(path, [Table("t", ["a"], [["first"]])])
    path.chmod(0o600)  # made private by its owner (the default umask gives 0o644 or 0o664)
    write_workbook(path, [Table("t", ["a"], [["second"]])])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o664)
    write_workbook(path, [Table("t", ["a"], [["third"]])])
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_a_private_reports_new_contents_are_never_readable_by_others_while_written(tmp_path, monkeypatch):
    import openpyxl.workbook.workbook as wbmod

    old_umask = os.umask(0o022)
    try:
        target = tmp_path / "report.xlsx"
        write_workbook(target, [Table("T", ["a"], [["secret"]])])
        os.chmod(target, 0o600)
        seen: dict[str, int] = {}
        real_save = wbmod.Workbook.save

        def spy(self, handle):
            real_save(self, handle)
            part = next(p for p in tmp_path.iterdir() if p.name.endswith(".part"))
            seen["mode"] = stat.S_IMODE(part.stat().st_mode)

        monkeypatch.setattr(wbmod.Workbook, "save", spy)
        write_workbook(target, [Table("T", ["a"], [["secret 2"]])])
    finally:
        os.umask(old_umask)
    assert seen == {"mode": 0o600}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
