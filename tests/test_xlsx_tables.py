"""The shared xlsx writer (complygraph/xlsx_tables.py): what Excel cannot hold is said, never lost silently,
and a report that cannot be written leaves the one already there."""

from __future__ import annotations

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
