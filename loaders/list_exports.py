"""The files the list loaders read, and telling them apart: a file given to the wrong list is refused before any
row is read, naming what the file is and which known export it looks like.

`EXPORTS` is the one place that knows the header row of each list's main file: ECHA's four list exports, the
RoHS Annex II and exemptions files, and the CSCL Class I items file, by the catalog format that reads it (the
`format` of data/lists.toml). Every loader reads its main file through `read_export`, which refuses

- a file that is no readable workbook where one is expected: an `.xlsx` that is empty, not a zip archive or a
  truncated one (before, "no header row"; the workbook's own error was swallowed);
- a workbook (or another binary spreadsheet: a legacy `.xls`, an OpenDocument file) given to a list that is
  read from a CSV file (before, "not UTF-8: byte 0xb5 ... save the file as UTF-8", misleading for an xlsx);
- a file without the export's header row, adding which other export it looks like.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from complygraph.dates import parse_date
from complygraph.loaders.errors import InputError, Problem
from complygraph.loaders.tabular import NoHeaderRow, Row, read_delimited, read_xlsx
from complygraph.loaders.textfile import open_text

# Header names as ECHA exports them in English and Dutch, mapped to one vocabulary.
ECHA_ALIASES = {
    "substance name": "name", "naam van de stof": "name",
    "description": "description", "beschrijving": "description",
    "ec number": "ec", "eg-nr.": "ec", "ec-nr.": "ec", "eg-nummer": "ec",
    "cas number": "cas", "cas-nr.": "cas", "cas-nummer": "cas",
    "date of inclusion": "date", "datum van opname": "date",
    "reason for inclusion": "reason", "reden voor opname": "reason",
    "decision": "decision", "besluit": "decision",
    "supporting document": "support", "ondersteunend document": "support",
    "entry number": "entry_number", "conditions": "conditions",
    "regulatory outcome date": "outcome_date",
    "pops regulation annex": "annex",
    "current stage": "stage", "current stage date": "stage_date", "status": "status",
}
ANNEX_II = {
    "substance": "name", "cas_number": "cas", "group": "group",
    "max_concentration_wt_percent": "limit", "basis": "basis", "source": "legal_basis",
}
EXEMPTIONS = {c: c for c in ("annex", "exemption", "substance_scope", "text", "categories", "material", "max_percent",
                             "max_mg", "valid_from", "valid_until", "legal_basis", "source", "verification",
                             "chemsherpa_code")}
CSCL_ITEMS = {"item": "item", "name_ja": "name_ja"}
XLSX = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Export:
    name: str  # as a message names it: "ECHA's Candidate List export"
    aliases: dict[str, str]  # header cell (lower case) -> column name
    required: frozenset[str]  # the column names that tell it apart from the other exports
    workbook: bool  # read from an xlsx workbook too (else from delimited text only)
    form: str  # what the list is read from, for a message


def _echa(name: str, required: set[str]) -> Export:
    return Export(f"ECHA's {name} export", ECHA_ALIASES, frozenset(required), True,
                  f"ECHA's {name} export (the xlsx ECHA publishes, or its tab-separated CSV export)")


# The POPs export has a name and a date of inclusion too, so name and date alone would let it load as the
# Candidate List: each set of columns is one that no other export has.
EXPORTS: dict[str, Export] = {
    "echa-candidate-list": _echa("Candidate List", {"name", "date", "reason"}),
    "echa-pops-list": _echa("POPs list", {"name", "date", "annex"}),
    "echa-restriction-list": _echa("restriction list (REACH Annex XVII)", {"name", "entry_number"}),
    "echa-svhc-identification": _echa("SVHC identification (registry of intentions)", {"name", "stage"}),
    "rohs-annex-ii": Export(
        "the RoHS Annex II file (eu-rohs/annex-ii.csv)", ANNEX_II, frozenset({"name", "limit", "basis"}), False,
        "a UTF-8 CSV file laid out as eu-rohs/annex-ii.csv (columns substance, cas_number, group, "
        "max_concentration_wt_percent, basis, source)"),
    "rohs-exemptions": Export(
        "the RoHS exemptions file (eu-rohs/exemptions.csv)", EXEMPTIONS,
        frozenset({"annex", "exemption", "substance_scope", "text", "categories", "valid_from", "verification"}),
        False, "a UTF-8 CSV file laid out as eu-rohs/exemptions.csv (columns annex, exemption, substance_scope, "
               "text, categories, valid_from, verification, ...)"),
    "cscl-class1": Export(
        "the CSCL Class I items file (jp-cscl/class1-items-ja.tsv)", CSCL_ITEMS, frozenset({"item", "name_ja"}),
        False, "a UTF-8 tab-separated file laid out as jp-cscl/class1-items-ja.tsv (columns item, name_ja)"),
}


def read_export(path: Path, fmt: str, list_id: str) -> Iterator[Row]:
    """The rows of `path`, which must be the export that catalog format `fmt` reads for list `list_id`; else
    InputError naming what the file is and, when it is another known export, which (module docstring)."""
    export = EXPORTS[fmt]
    read_from = f"the {list_id} list is read from {export.form}"
    container = _container(path)
    if container is None and path.suffix.lower() in XLSX:
        container = _Container("", True, _not_zip(path))
    if container is not None and container.reason is not None:
        _refuse(path, f"not a readable xlsx (zip) workbook: {container.reason}"
                + ("" if export.workbook else f"; {read_from}"))
    workbook = container is not None and container.xlsx
    if container is not None and not (workbook and export.workbook):
        looks = _looks_like(path, export, True, " (it looks like {})") if workbook else ""
        _refuse(path, f"this is {container.what}{looks}; {read_from}")
    if not _has_header(path, export, workbook, NoHeaderRow):
        if path.stat().st_size == 0:
            _refuse(path, f"the file is empty (0 bytes), not {export.name}")
        looks = _looks_like(path, export, workbook, "; it looks like {}")
        _refuse(path, f"not {export.name}: no header row with the columns {sorted(export.required)}{looks}")
    return _rows(path, export, workbook)


def _refuse(path: Path, reason: str) -> NoReturn:
    raise InputError([Problem(str(path), None, None, reason)])


def _rows(path: Path, export: Export, workbook: bool) -> Iterator[Row]:
    if workbook:
        return read_xlsx(path, export.aliases, set(export.required))
    return read_delimited(path, export.aliases, set(export.required))


def _has_header(path: Path, export: Export, workbook: bool, absent: type[Exception]) -> bool:
    """Whether `path` has `export`'s header row; `absent` is the error that says it has not (any InputError when
    trying other exports, so that a file one of them cannot read is simply not that export)."""
    try:
        next(iter(_rows(path, export, workbook)), None)
    except absent:
        return False
    return True


def _looks_like(path: Path, export: Export, workbook: bool, wording: str) -> str:
    """`wording` naming the first other known export `path` has the header row of, else ""."""
    others = [e for e in EXPORTS.values() if e.name != export.name and (e.workbook or not workbook)]
    found = next((e.name for e in others if _has_header(path, e, workbook, InputError)), None)
    return wording.format(found) if found else ""


@dataclass(frozen=True)
class _Container:
    what: str  # "an Excel workbook", ...
    xlsx: bool  # an xlsx workbook, or a file that should be one (named .xlsx, or a zip that cannot be opened)
    reason: str | None = None  # why it cannot be opened as one, when it cannot


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _container(path: Path) -> _Container | None:
    """What binary spreadsheet or archive `path` is, by its first bytes; None for anything else (text)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE2):
        return _Container("a legacy Excel 97-2003 workbook (.xls) or another OLE2 document, which is not read "
                          "(save it as xlsx or CSV UTF-8)", False)
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        return _Container("a zip archive", True, f"it starts as a zip archive but cannot be opened, truncated or "
                                                 f"damaged ({exc})")
    if "xl/workbook.xml" in names:
        return _Container("an Excel workbook", True)
    if "opendocument" in mimetype:
        return _Container(f"an OpenDocument file ({mimetype}), which is not read (save it as xlsx or CSV UTF-8)",
                          False)
    return _Container("a zip archive, not an Excel workbook", False)


def _not_zip(path: Path) -> str:
    """Why `path`, named as a workbook, is none: it is empty, or what the zip module says."""
    if path.stat().st_size == 0:
        return "the file is empty (0 bytes)"
    try:
        zipfile.ZipFile(path).close()
    except (zipfile.BadZipFile, OSError) as exc:
        return f"it is not a zip archive ({exc})"
    return "it is not a zip archive"


# "Export date: 01-apr-2026 23:44:30" in the preamble of ECHA's CSV exports (English or Dutch), before the header
_EXPORT_LINE = re.compile(r"^\W*(?:export date|exportdatum|datum (?:van )?export)\s*:\s*(\S+)", re.IGNORECASE)
# the workbook's creation and modification times in its core properties: ECHA sets both when it writes the export;
# a user who pastes an export into an older workbook leaves an old creation date and a new modification date
_CREATED = re.compile(rb"<dcterms:(?:created|modified)[^>]*>(\d{4}-\d{2}-\d{2})(?:T(\d{2}))?")
# a workbook's times are UTC; ECHA works in Helsinki (UTC+2, +3 in summer): an export written just after midnight
# there is dated by the day after, never before (its UTC date would date a removal a day early)
_HELSINKI_AT_MOST = 3


def export_date(path: Path) -> dt.date | None:
    """The date `path` says it was exported on, when it says so: the "Export date" line of a CSV export's
    preamble, or the later of an xlsx workbook's creation and modification dates (never earlier than the export);
    None for a file that states neither or cannot be read."""
    try:
        if _container(path) is not None:
            with zipfile.ZipFile(path) as archive:
                found = _CREATED.findall(archive.read("docProps/core.xml")[:10_000])
            return max((_local_day(day, hour) for day, hour in found), default=None)
        with open_text(path, characters=False) as fh:
            for line in itertools.islice(fh, 10):
                match = _EXPORT_LINE.match(line)
                if match:
                    return parse_date(match.group(1))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InputError):
        return None
    return None


def _local_day(day: bytes, hour: bytes) -> dt.date:
    """The day in Helsinki of a workbook's UTC time, at the latest (`_HELSINKI_AT_MOST`)."""
    late = int(hour or 0) + _HELSINKI_AT_MOST >= 24
    return dt.date.fromisoformat(day.decode()) + dt.timedelta(days=1 if late else 0)
