"""The one xlsx table writer: every workbook complygraph writes (validation results, impact, SCIP) has the
tables compliance engineers expect to filter, with the same look.

A table is a header row and one value per cell: a bold header on a dark fill, panes frozen under the header,
an auto-filter over the whole table, column widths fitted to the longest value (capped, so one long message
does not push the next column off the screen), number formats per column (or per cell, when the unit of a
column changes from row to row), dates as real Excel dates, yes/no for booleans as people write them.

Workbooks are written in openpyxl's write-only mode: a worksheet is streamed to the file row by row, so a
validation with a million results does not hold a million styled cell objects. A table longer than one
worksheet (1,048,576 rows, the header included) continues on "title (2)", "title (3)", ... each with its
own header, frozen panes and filter: no row is dropped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

EXCEL_ROWS = 1_048_576  # the rows of one worksheet, the header row included (Excel 2007 and later)
EXCEL_CELL = 32_767  # the characters one cell holds: Excel cuts longer text silently, or refuses the file
MIN_WIDTH, MAX_WIDTH = 8, 60  # column widths in characters
SHEET_TITLE = 31  # the longest sheet name Excel accepts
HEADER_COLOUR = "1F4E78"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
YES_NO = {True: "yes", False: "no"}
SEVERITIES = {"Violation": 0, "Warning": 1, "Info": 2}  # the order results and counts are shown in
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML 1.0 cannot hold: shown escaped


@dataclass(frozen=True)
class Number:
    """A number with its own format, for a column whose unit changes from row to row (ppm in one row, % w/w in
    the next): the cell keeps the value in the unit the CSV uses, and the format shows it."""

    value: Decimal | float | int
    number_format: str


@dataclass
class Table:
    """One table: a sheet (or several, past Excel's row limit) named `title`.

    `formats` are the number formats of numeric columns; `dates` the columns whose ISO text (YYYY-MM-DD) is
    written as an Excel date; `max_rows` the rows of one sheet, the header included (Excel's limit; tests
    give a small one)."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    formats: Mapping[str, str] = field(default_factory=dict)
    dates: frozenset[str] = frozenset()
    max_rows: int = EXCEL_ROWS


def cell_value(value: object, is_date: bool = False) -> object:
    """What a cell holds: numbers stay numbers, ISO dates of a date column become dates, booleans yes/no."""
    if isinstance(value, Number):
        return cell_value(value.value)
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, Decimal):
        return float(value)  # Excel holds doubles; openpyxl would write a Decimal's exponent form as text
    if is_date and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # not a date after all (a partial date as a list writes it): kept as written
    if isinstance(value, str):
        return _fitted(_ILLEGAL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", value))
    return value


def _fitted(text: str) -> str:
    """Text as one cell can hold it: longer text is cut, and says so and how long it was (in characters, as
    the CSV holds it). Excel counts UTF-16 code units, not characters: one outside the Basic Multilingual
    Plane (an emoji, CJK extension B) takes two, so the limit and the cut are counted in units, and the cut
    never splits such a pair (half of one is not text Excel or XML can hold)."""
    if 2 * len(text) <= EXCEL_CELL:  # at most two units a character: the common case, without encoding
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) // 2 <= EXCEL_CELL:
        return text
    note = f" [cut: {len(text):,} characters; the CSV and JSON reports hold all]"  # ASCII: a unit a character
    kept = units[:2 * (EXCEL_CELL - len(note))]
    if 0xD800 <= int.from_bytes(kept[-2:], "little") <= 0xDBFF:  # the first half of a pair: its second is cut
        kept = kept[:-2]
    return kept.decode("utf-16-le", "surrogatepass") + note


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, Number):
        return _width(value.value)
    if isinstance(value, Decimal):
        return len(format(value, "f"))
    return len(str(value))


def column_widths(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> list[int]:
    """Each column's width: its longest value or header, plus a margin, within MIN_WIDTH..MAX_WIDTH."""
    widths = [len(c) for c in columns]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def sheet_titles(title: str, rows: int, per_sheet: int) -> list[str]:
    """The sheets a table of `rows` data rows takes, `per_sheet` data rows each (at least one sheet, so an
    empty table still shows its header)."""
    count = max(1, -(-rows // per_sheet))
    base = title[:SHEET_TITLE]
    return [base] + [f"{base[:SHEET_TITLE - len(f' ({i})')]} ({i})" for i in range(2, count + 1)]


def write_workbook(path: Path, tables: Sequence[Table]) -> list[str]:
    """Write the tables to an xlsx file at `path`, in order; returns the names of the sheets written. A
    table with more rows than a sheet holds continues on more sheets."""
    from openpyxl import Workbook

    planned: list[tuple[Table, list[str]]] = []
    for table in tables:  # every sheet name known before the first is written
        if table.max_rows < 2:
            raise ValueError(f"max_rows {table.max_rows}: a sheet needs a header row and at least one data row")
        titles = sheet_titles(table.title, len(table.rows), table.max_rows - 1)
        if {t for _, done in planned for t in done} & set(titles):
            raise ValueError(f"two tables would write the sheet {titles[0]!r}")
        planned.append((table, titles))
    # written beside the target and moved over it at the end: a path that cannot be written fails before any
    # sheet is streamed, and a failure leaves neither a half-written file nor a lost earlier report
    # a symlink is followed: the file it points to is replaced, not the link by a file (os.replace would)
    path = Path(os.path.realpath(path))
    if path.is_dir():
        raise IsADirectoryError(21, "is a folder, not a file", str(path))
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:  # a report someone made private (or shared) stays so: the new file gets the old one's permissions
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    try:
        # created with the old file's mode (the umask can only narrow it): a private report's new contents are
        # never readable by others while they are written
        part.unlink(missing_ok=True)  # a leftover of a crashed write keeps its own mode: made anew
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            wb = Workbook(write_only=True)
            for table, titles in planned:
                per_sheet, widths = table.max_rows - 1, column_widths(table.columns, table.rows)
                for n, title in enumerate(titles):
                    _sheet(wb.create_sheet(title), table, table.rows[n * per_sheet:(n + 1) * per_sheet], widths)
            wb.save(handle)
        if mode is not None:
            os.chmod(part, mode)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return [t for _, titles in planned for t in titles]


def _sheet(ws, table: Table, rows: Sequence[Sequence[object]], widths: list[int]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i) for i in range(1, len(table.columns) + 1)]
    for letter, width in zip(letters, widths, strict=True):  # before the first row: written at the sheet's top
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    font, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=HEADER_COLOUR)
    header = []
    for name in table.columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill, cell.alignment = font, fill, Alignment(vertical="center")
        header.append(cell)
    ws.append(header)
    formats = [table.formats.get(c) for c in table.columns]
    is_date = [c in table.dates for c in table.columns]
    for row in rows:
        ws.append([_cell(ws, v, fmt, d, WriteOnlyCell) for v, fmt, d in zip(row, formats, is_date, strict=True)])
    ws.auto_filter.ref = f"A1:{letters[-1]}{len(rows) + 1}"


def _cell(ws, value: object, fmt: str | None, is_date: bool, make):
    """A plain value, or a cell carrying its number or date format."""
    shown = cell_value(value, is_date)
    if isinstance(value, Number):
        fmt = value.number_format
    elif isinstance(shown, dt.datetime):
        fmt = DATETIME_FORMAT
    elif isinstance(shown, dt.date):
        fmt = DATE_FORMAT
    elif not isinstance(shown, (int, float, Decimal)) or isinstance(shown, bool):
        fmt = None
    if fmt is None and not (isinstance(shown, str) and shown.startswith("=")):
        return shown
    cell = make(ws, value=shown)
    if fmt is None:  # text that starts with "=" is text, never a formula Excel would run
        cell.data_type = "s"
    else:
        cell.number_format = fmt
    return cell
