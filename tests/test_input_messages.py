"""What a refused input file is told, as the QA run of 2026-12-06 found it lacking (B6, B8, B9, B10, B15): each
message names the file, the line or field where there is one, and the reason, the command exits 2 and the store
keeps exactly what it held.

- B6: another list's file given to `load-list` says which known export it looks like, for every pair of the
  shipped exports, and an Excel workbook given to a list read from CSV is named as one (before: "not UTF-8:
  byte 0xb5 ... save the file as UTF-8").
- B8: a UTF-16 CSV without a byte order mark is hinted at as such, and no NUL reaches the message.
- B9: a JSON Lines line that is not JSON is refused with the parser's full message, column included.
- B10: a directory, and an `.xlsx` that is empty, garbage or truncated, are said to be what they are (before:
  "file not found", "no header row").
- B15: a JSON Lines record without "record", a JSON `true` for a mass, an older declaration with its line.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store
from complygraph.loaders.catalog import data_dir, load_list
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import import_declarations

from .test_bad_input import MANIFEST, everything, one_problem, refused
from .test_compositions import GOOD, write_dataset

runner = CliRunner()
D = Path(__file__).parent / "declarations"
ECHA_XLSX = data_dir() / "echa" / "candidate_list_full.xlsx"
ECHA_CSV = data_dir() / "echa" / "candidate-list-of-svhc-for-authorisation-export.csv"
ANNEX_II = data_dir() / "eu-rohs" / "annex-ii.csv"
EXEMPTIONS = data_dir() / "eu-rohs" / "exemptions.csv"
CSCL = data_dir() / "jp-cscl" / "class1-items-ja.tsv"


@pytest.fixture
def stored(tmp_path):
    """An in-memory store holding the good compositions data set (without its BOM), as in test_bad_input."""
    store = open_store(None)
    import_compositions(store, write_dataset(tmp_path / "good", **{"bom.csv": None}))
    return store


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A store directory holding a list (RoHS Annex II) and the good compositions data set, made once."""
    path = tmp_path_factory.mktemp("seeded") / "store"
    store = open_store(str(path))
    load_list(store, "eu-rohs-annex-ii")
    import_compositions(store, write_dataset(tmp_path_factory.mktemp("good") / "data"))
    store.close()
    return path


@pytest.fixture
def store_dir(seeded, tmp_path) -> Path:
    return Path(shutil.copytree(seeded, tmp_path / "store"))


def _snapshot(path: Path) -> set[str]:
    store = open_store(str(path), create=False)
    try:
        return everything(store)
    finally:
        store.close()


def refused_cli(store_dir: Path, *args: str) -> str:
    """Run the command on `store_dir`, expect exit 2, "nothing was stored", no control character in the output
    and the store unchanged; return the output with its lines joined (the console wraps long messages)."""
    before = _snapshot(store_dir)
    result = runner.invoke(app, [*args, "--store", str(store_dir)])
    assert result.exit_code == 2, result.output
    assert "nothing was stored" in result.output, result.output
    assert not any(ord(c) < 32 and c not in "\n\t\r" for c in result.output), repr(result.output)
    assert _snapshot(store_dir) == before
    return " ".join(result.output.split())


# ------------------------------------------------------------------------------------------------------- B6
@pytest.mark.parametrize("list_id, form", [
    ("eu-rohs-annex-ii", "eu-rohs/annex-ii.csv"),
    ("eu-rohs-annex-iii", "eu-rohs/exemptions.csv"),
    ("jp-cscl-class1", "jp-cscl/class1-items-ja.tsv"),
])
def test_an_echa_workbook_given_to_a_list_read_from_csv_is_named_a_workbook_not_refused_as_not_utf8(
        store_dir, tmp_path, list_id, form):
    xlsx = Path(shutil.copy(ECHA_XLSX, tmp_path / "export.xlsx"))
    named = xlsx.with_name("export.csv")  # by its content, not its name
    shutil.copy(xlsx, named)
    for given in (xlsx, named):
        output = refused_cli(store_dir, "load-list", list_id, str(given))
        assert f"{given}: this is an Excel workbook (it looks like ECHA's Candidate List export); the {list_id} list " \
               f"is read from" in output, output
        assert form in output and "not UTF-8" not in output and "0xb5" not in output, output


@pytest.mark.parametrize("list_id, given, looks", [
    ("eu-reach-svhc", ANNEX_II, "the RoHS Annex II file"),
    ("eu-pops", EXEMPTIONS, "the RoHS exemptions file"),
    ("eu-reach-annex-xvii", CSCL, "the CSCL Class I items file"),
    ("eu-reach-svhc-proposed", ANNEX_II, "the RoHS Annex II file"),
    ("eu-rohs-annex-ii", ECHA_CSV, "ECHA's Candidate List export"),
    ("eu-rohs-annex-ii", EXEMPTIONS, "the RoHS exemptions file"),
    ("eu-rohs-annex-iv", CSCL, "the CSCL Class I items file"),
    ("jp-cscl-class1", ANNEX_II, "the RoHS Annex II file"),
    ("jp-cscl-class1", ECHA_CSV, "ECHA's Candidate List export"),
], ids=lambda v: v.name if isinstance(v, Path) else v)
def test_another_lists_file_says_which_list_it_looks_like_in_both_directions(store_dir, tmp_path, list_id, given,
                                                                             looks):
    copy = Path(shutil.copy(given, tmp_path / given.name))
    output = refused_cli(store_dir, "load-list", list_id, str(copy))
    assert f"{copy}: not " in output and "no header row with the columns" in output, output
    assert f"it looks like {looks}" in output, output


# ------------------------------------------------------------------------------------------------------ B10
def test_load_list_of_a_directory_says_it_is_a_directory_not_that_no_file_was_found(store_dir, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(ANNEX_II, folder / "annex-ii.csv")
    output = refused_cli(store_dir, "load-list", "eu-rohs-annex-ii", str(folder))
    assert f"{folder}: is a directory, not a file" in output and "annex-ii.csv" in output, output
    assert "file not found" not in output, output


def _truncated(path: Path) -> None:
    path.write_bytes(ECHA_XLSX.read_bytes()[:3000])


@pytest.mark.parametrize("name, make, why", [
    ("empty", lambda p: p.write_bytes(b""), "the file is empty (0 bytes)"),
    ("garbage", lambda p: p.write_bytes(b"hello\n"), "it is not a zip archive"),
    ("truncated", _truncated, "truncated or damaged"),
], ids=["empty", "garbage", "truncated"])
def test_an_xlsx_that_is_no_readable_zip_is_said_to_be_one_not_to_lack_a_header_row(store_dir, tmp_path, name,
                                                                                   make, why):
    xlsx = tmp_path / f"{name}.xlsx"
    make(xlsx)
    for list_id in ("eu-reach-svhc", "eu-pops", "eu-rohs-annex-ii"):
        output = refused_cli(store_dir, "load-list", list_id, str(xlsx))
        assert f"{xlsx}: not a readable xlsx (zip) workbook: " in output and why in output, output
        assert "no header row" not in output, output


def test_a_zip_that_is_no_workbook_is_named_for_what_it_is(store_dir, tmp_path):
    archive = tmp_path / "lists.xlsx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("annex-ii.csv", ANNEX_II.read_text(encoding="utf-8"))
    output = refused_cli(store_dir, "load-list", "eu-reach-svhc", str(archive))
    assert f"{archive}: this is a zip archive, not an Excel workbook; the eu-reach-svhc list is read from" in output


# ------------------------------------------------------------------------------------------------------- B8
def test_a_utf16_csv_without_a_byte_order_mark_and_a_non_ascii_letter_gets_the_utf16_hint(stored, store_dir,
                                                                                         tmp_path):
    folder = write_dataset(tmp_path / "bad")
    text = GOOD["suppliers.csv"].replace("Acme Metals", "Müller GmbH")
    (folder / "suppliers.csv").write_bytes(text.encode("utf-16-le"))
    error = refused(stored, folder)
    one_problem(error, "suppliers.csv", 2, "name", "not UTF-8", "UTF-16 without a byte order mark")
    assert "\x00" not in str(error)
    output = refused_cli(store_dir, "import", str(folder))
    assert f"{folder / 'suppliers.csv'}:2: name: not UTF-8" in output, output
    assert "is the file UTF-16 without a byte order mark?" in output, output


def test_a_control_character_of_any_problem_is_escaped_in_the_message():
    from complygraph.loaders.errors import InputError, Problem

    message = str(InputError([Problem("a.csv", 1, "n\x00a\x00m\x00e", "bad \x1b value")]))
    assert "\x00" not in message and "\x1b" not in message and "n\\x00a" in message and "\\x1b" in message


# ------------------------------------------------------------------------------------------------------- B9
def _jsonl(path: Path, *lines: str, end: str = "\n") -> Path:
    path.write_text("\n".join([json.dumps(MANIFEST), *lines]) + end, encoding="utf-8")
    return path


def test_a_truncated_json_line_is_refused_with_the_parsers_full_message_and_column(stored, tmp_path):
    line = '{"record": "supplier", "supplier_id": "S9", "name": "Ac'
    column = line.index('"Ac') + 1
    for name, end, reason in (("nonl", "", "Unterminated string starting at"),
                              ("cut", '\n{"record": "supplier", "supplier_id": "S8", "name": "B"}\n',
                               "Invalid control character at")):
        source = _jsonl(tmp_path / f"{name}.jsonl", line, end=end)
        error = refused(stored, source)
        found = one_problem(error, f"{name}.jsonl", 2, None, "not JSON", reason)
        where = column if name == "nonl" else len(line) + 1
        assert f"column {where}" in found.reason, str(found)


# ------------------------------------------------------------------------------------------------------ B15
def test_a_jsonl_record_without_the_record_key_says_the_key_is_missing(stored, tmp_path):
    source = _jsonl(tmp_path / "nokind.jsonl", json.dumps({"supplier_id": "S9", "name": "Acme"}))
    found = one_problem(refused(stored, source), "nokind.jsonl", 2, "record", "missing", "supplier", "part")
    assert "None" not in found.reason, str(found)


def test_a_json_true_for_a_mass_is_reported_as_true_not_yes(stored, tmp_path):
    source = _jsonl(tmp_path / "bool.jsonl", json.dumps({"record": "supplier", "supplier_id": "S9", "name": "A"}),
                    json.dumps({"record": "part", "part_id": "P9", "name": "Pin", "supplier_id": "S9", "mass": True,
                                "mass_unit": "g"}))
    found = one_problem(refused(stored, source), "bool.jsonl", 3, "mass", "not a number", "true")
    assert "yes" not in found.reason, str(found)


def test_a_key_given_twice_in_one_json_line_is_refused_naming_it(stored, tmp_path):
    """Regression (QA B11): {"name": "A", "name": "B"} was stored as "B" without a word."""
    source = _jsonl(tmp_path / "twice.jsonl", '{"record": "supplier", "supplier_id": "S9", "name": "A", "name": "B"}')
    one_problem(refused(stored, source), "twice.jsonl", 2, "name", "given twice")


def test_an_older_declaration_is_refused_naming_the_line_of_its_date(tmp_path):
    store = open_store(None)
    newer = tmp_path / "newer.xml"
    newer.write_text((D / "ipc-class-d.xml").read_text().replace("2026-03-10T09:00:00Z", "2026-06-01"))
    import_declarations(store, [newer])
    before = everything(store)
    with pytest.raises(Exception) as info:
        import_declarations(store, [D / "ipc-class-d.xml"])
    [problem] = info.value.problems
    assert problem.file.endswith("ipc-class-d.xml") and problem.field == "BusinessInfo/Response@date"
    assert problem.line == 4 and "older than the stored declaration" in problem.reason, str(problem)
    assert str(problem).startswith(f"{D / 'ipc-class-d.xml'}:4: ")
    assert everything(store) == before
