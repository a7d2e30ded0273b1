"""The IEC 62474 material class table as data (data/eu-rohs/iec62474-material-classes.csv), read by the IEC 62474
reader (loaders/declarations/iec62474.py): rules are data, so a compliance engineer changes which category a class
writes by editing the file. The table replaced a Python dict; every class maps as it did, and a bad file is
refused naming the file and the line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from complygraph.loaders.declarations import iec62474, read_declaration
from complygraph.loaders.declarations.iec62474 import (
    MaterialClassesError,
    material_classes,
    material_classes_path,
)

ROOT = Path(__file__).parents[1]

# The former Python table (MATERIAL_CLASSES of loaders/declarations/iec62474.py before the move), copied as it was:
# code -> (the name a MaterialClass@name is compared with, the category written).
FORMER = {
    "M-001": ("stainless steel", "stainless steel"),
    "M-003": ("aluminium and its alloys", "aluminium and its alloys"),
    "M-004": ("copper and its alloys", "copper alloy (copper and its alloys)"),
    "M-010": ("ceramics/glass", "glass or ceramic (ceramics/glass)"),
    "M-012": ("polyvinylchloride (pvc)", "pvc (polyvinylchloride)"),
    "M-013": ("other thermoplastics", "thermoplastic (other thermoplastics)"),
    "M-014": ("other plastics and rubber", "plastic or rubber (other plastics and rubber)"),
}
# the classes the former table left out on purpose: no category, so a material-limited exemption stays unknown
WITHOUT_CATEGORY = ["M-002", "M-005", "M-006", "M-007", "M-008", "M-009", "M-011", "M-015"]

HEADER = "code,name,category,note\n"


def _table(tmp_path: Path, body: str, name: str = "classes.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _read_category(tmp_path: Path, material_attrs: str = "", wrapper: tuple[str, str] = ("", ""),
                   inner: str = "") -> str:
    path = tmp_path / "decl.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Main xmlns="http://std.iec.ch/iec62474"><BusinessInfo>'
        '<Response responseDate="2026-05-01"><SupplyCompany name="Osaka Parts KK"/></Response></BusinessInfo>'
        '<Product unitType="each"><ProductID name="part X" identifier="X" version="1">'
        '<Mass mass="1" unitOfMeasure="g"/></ProductID><Composition>'
        f'{wrapper[0]}<Material name="Metal"{material_attrs}><Mass mass="1000" unitOfMeasure="mg"/>{inner}'
        '<Substance name="Tin"><SubstanceID authority="CAS" identity="7440-31-5"/>'
        f'<Mass mass="1000" unitOfMeasure="mg"/></Substance></Material>{wrapper[1]}</Composition></Product></Main>',
        encoding="utf-8")
    [material] = read_declaration(path).item.materials
    return material.category


# ---------------------------------------------------------------------------------------- the shipped table

def test_every_class_of_the_former_table_maps_to_the_same_category():
    table = material_classes()
    for code, (name, category) in FORMER.items():
        assert table.category(code) == category, code
        assert table.category(code.lower()) == category, code
        assert table.category(name) == category, name
    assert iec62474.MATERIAL_CLASSES == FORMER  # the view kept for the former table's callers


def test_the_classes_the_former_table_left_out_still_map_to_nothing():
    """M-002 (other ferrous alloys, non-stainless steels: steel or cast iron) and the others: listed in the data
    with their names, and no category, by code or by name."""
    table = material_classes()
    assert sorted(table.by_code) == sorted([*FORMER, *WITHOUT_CATEGORY])  # M-001 ... M-015
    for code in WITHOUT_CATEGORY:
        assert table.category(code) == "", code
        assert table.category(table.by_code[code].name) == "", code
    assert table.by_code["M-002"].name == "Other Ferrous alloys, non-stainless steels"
    assert table.category("M-999") == table.category("steel") == table.category("") == ""


def test_the_names_are_compared_as_before():
    """Case, "aluminum" for "aluminium" and runs of spaces do not matter, as in the former lookup."""
    table = material_classes()
    assert table.category("Aluminum and its alloys") == "aluminium and its alloys"
    assert table.category("  ALUMINIUM   and its\talloys ") == "aluminium and its alloys"
    assert table.category("PolyVinylChloride (PVC)") == "pvc (polyvinylchloride)"


@pytest.mark.parametrize(("attrs", "wrapper", "inner", "category"), [
    (' materialClassID="M-004"', ("", ""), "", "copper alloy (copper and its alloys)"),
    ("", ("", ""), '<MaterialClassID><EntryID entryIdentity="M-012"/></MaterialClassID>', "pvc (polyvinylchloride)"),
    ("", ('<MaterialClass id="M-001" name="Stainless steel">', "</MaterialClass>"), "", "stainless steel"),
    ("", ('<MaterialClass name="Other Thermoplastics">', "</MaterialClass>"), "",
     "thermoplastic (other thermoplastics)"),
    (' materialClassID="M-002"', ("", ""), "", ""),
    ("", ('<MaterialClass id="M-009" name="Other non-ferrous metals and alloys">', "</MaterialClass>"), "", ""),
    # a class without a category does not hide the one given after it
    (' materialClassID="M-002"', ('<MaterialClass id="M-001">', "</MaterialClass>"), "", "stainless steel"),
])
def test_the_reader_writes_the_category_of_the_table(tmp_path, attrs, wrapper, inner, category):
    assert _read_category(tmp_path, attrs, wrapper, inner) == category


def test_the_table_is_read_once():
    assert material_classes() is material_classes()
    assert material_classes(material_classes_path()) is material_classes()


def test_the_table_is_shipped_with_the_package():
    """A wheel holds only the files pyproject lists: without the table every IEC 62474 material would fail."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    path = material_classes_path()
    assert path == ROOT / "data" / "eu-rohs" / "iec62474-material-classes.csv"
    globs = config["package-data"]["complygraph.data"]
    assert any(path.relative_to(ROOT / "data").match(g) for g in globs)


# ------------------------------------------------------------------------------------------- an edited table

def test_an_edit_to_the_data_changes_the_mapping(tmp_path, monkeypatch):
    """A compliance engineer gives M-002 a category and changes M-004's: the reader writes the new ones."""
    shipped = material_classes_path().read_text(encoding="utf-8")
    edited = (shipped.replace('M-002,"Other Ferrous alloys, non-stainless steels",,',
                              'M-002,"Other Ferrous alloys, non-stainless steels",ferrous alloy (steel or cast iron),')
              .replace("M-004,Copper and its alloys,copper alloy (copper and its alloys),",
                       "M-004,Copper and its alloys,copper alloy,"))
    assert edited != shipped
    path = _table(tmp_path, edited)
    table = material_classes(path)
    assert table.category("M-002") == table.category("other ferrous alloys, non-stainless steels") \
        == "ferrous alloy (steel or cast iron)"
    assert table.category("M-004") == "copper alloy"
    assert table.category("M-001") == "stainless steel"  # the rest as shipped

    monkeypatch.setattr(iec62474, "material_classes_path", lambda: path)
    assert _read_category(tmp_path, ' materialClassID="M-002"') == "ferrous alloy (steel or cast iron)"
    assert _read_category(tmp_path, ' materialClassID="M-004"') == "copper alloy"


def test_a_row_added_to_the_data_maps(tmp_path):
    table = material_classes(_table(tmp_path, "# a comment, with \"quotes\n" + HEADER
                                    + "M-016,Some future class,future category,\n"))
    assert table.category("M-016") == table.category("some FUTURE class") == "future category"
    assert table.by_code["M-016"].line == 3


# ------------------------------------------------------------------------------------------- a bad table

def _refused(path: Path) -> str:
    with pytest.raises(MaterialClassesError) as exc:
        material_classes(path)
    return str(exc.value)


def test_a_duplicate_code_is_refused_with_file_and_line(tmp_path):
    path = _table(tmp_path, "# provenance\n# more\n" + HEADER + "M-001,Stainless steel,stainless steel,\n"
                  + "M-003,Aluminum and its alloys,aluminium and its alloys,\nm-001,Stainless steel 2,steel,\n")
    message = _refused(path)
    assert f"{path}:6: code M-001 is given twice (first at line 4)" in message


def test_a_duplicate_name_is_refused_with_file_and_line(tmp_path):
    path = _table(tmp_path, HEADER + "M-003,Aluminum and its alloys,aluminium and its alloys,\n"
                  + "M-099,ALUMINIUM and its  alloys,aluminium,\n")
    assert f"{path}:3: name 'ALUMINIUM and its  alloys' is given twice (first at line 2)" in _refused(path)


def test_an_unknown_column_is_refused_with_file_and_line(tmp_path):
    path = _table(tmp_path, "# provenance\n" + "code,name,category,note,material_class\n"
                  + "M-001,Stainless steel,stainless steel,,steel\n")
    message = _refused(path)
    assert f"{path}:2: unknown column 'material_class'" in message


def test_a_missing_column_and_a_bad_code_are_refused_with_file_and_line(tmp_path):
    missing = _table(tmp_path, "code,name\nM-001,Stainless steel\n", "missing.csv")
    assert f"{missing}:1: the column 'category' is required" in _refused(missing)
    bad = _table(tmp_path, HEADER + "M-1,Stainless steel,stainless steel,\nM-003,,aluminium,\n"
                 + "M-004,Copper and its alloys,copper alloy,extra,cell\n", "bad.csv")
    message = _refused(bad)
    assert f"{bad}:2: code 'M-1' is not an IEC 62474 material class code" in message
    assert f"{bad}:3: M-003 needs a name" in message
    assert f"{bad}:4: 5 cells, the header names 4 columns" in message


def test_a_bad_shipped_table_stops_the_reader_naming_the_table(tmp_path, monkeypatch):
    """Not an input error of the declaration: the table is wrong, and the message says where."""
    path = _table(tmp_path, HEADER + "M-001,Stainless steel,stainless steel,\nM-001,Steel,steel,\n")
    monkeypatch.setattr(iec62474, "material_classes_path", lambda: path)
    with pytest.raises(MaterialClassesError, match=re.escape(f"{path}:3: code M-001 is given twice")):
        _read_category(tmp_path, ' materialClassID="M-001"')
