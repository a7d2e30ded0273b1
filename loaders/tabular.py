"""Reading spreadsheet and delimited exports row by row, with the line number each row came from."""

from __future__ import annotations

import csv
import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from complygraph.loaders.errors import InputError, Problem, Problems
from complygraph.loaders.textfile import csv_problem, invalid_character, open_text
from complygraph.loaders.xmlsafe import check_package

# How users write yes and no in CSV and spreadsheet cells.
YES_NO = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


class NoHeaderRow(InputError):
    """The file has no header row with the required columns: it is not the export asked for (a caller that
    tells exports apart catches this, and only this, to try another)."""

    def __init__(self, path: Path, required: set[str]) -> None:
        super().__init__([Problem(str(path), None, None, f"no header row with the columns {sorted(required)}")])


@dataclass
class Row:
    file: str
    line: int
    fields: dict[str, str]

    def get(self, key: str) -> str:
        return self.fields.get(key, "") or ""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


def read_xlsx(path: Path, aliases: dict[str, str], required: set[str]) -> Iterator[Row]:
    """Rows of the first sheet whose header row holds the required columns, keyed by canonical names."""
    import openpyxl

    check_package(path)  # the hardened XML gate first: openpyxl would expand a worksheet's entities
    fh = open(path, "rb")  # opened here, so that openpyxl goes by the content, not by the name (`.csv`)
    try:
        with warnings.catch_warnings():
            # ECHA's exports have no default style; openpyxl warns about it on every load.
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        fh.close()
        raise InputError([Problem(str(path), None, None, f"not a readable xlsx workbook: {exc}")]) from exc
    try:
        ws = wb.worksheets[0]
        header: list[str | None] | None = None
        for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if header is None:
                if _is_header(aliases, required, values):
                    header = [_alias(aliases, v) for v in values]
                continue
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield Row(str(path), line, {h: _cell(v) for h, v in zip(header, values, strict=False) if h})
        if header is None:
            raise NoHeaderRow(path, required)
    finally:
        wb.close()
        fh.close()


def read_delimited(path: Path, aliases: dict[str, str], required: set[str],
                   delimiter: str | None = None) -> Iterator[Row]:
    """Rows of a CSV/TSV export after any preamble, up to the header row holding the required columns.

    A value holding a character no value may hold (`textfile.invalid_character`) is refused naming its line and
    column, once every row was read: a reader that looks for the header row (which export is this?) must not
    take the refusal for a missing header."""
    bad = Problems()
    with open_text(path, characters=False) as fh:
        sample = fh.read(65536)
        fh.seek(0)
        if delimiter is None:
            delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(fh, delimiter=delimiter)
        header: list[str | None] | None = None
        line = 0
        try:
            for values in reader:
                line = reader.line_num
                _check_values(bad, str(path), line, header, values)
                if header is None:
                    if _is_header(aliases, required, values):
                        header = [_alias(aliases, v) for v in values]
                    continue
                if not any(v.strip() for v in values):
                    continue
                yield Row(str(path), line, {h: v.strip() for h, v in zip(header, values, strict=False) if h})
        except csv.Error as exc:
            names = [h or "" for h in header or []]
            raise InputError([csv_problem(path, exc, reader.line_num, names, line + 1, delimiter)]) from None
        if header is None:
            raise NoHeaderRow(path, required)
        bad.raise_if_any()


def _check_values(problems: Problems, file: str, line: int, header: list[str | None] | None,
                  values: list[str]) -> None:
    """Note each of `values` that holds a character no value may hold, by its column's name (its number in a
    preamble, or in a column the header does not name)."""
    for column, value in enumerate(values):
        reason = invalid_character(value)
        if reason:
            name = header[column] if header and column < len(header) else None
            problems.add(file, line, name or f"column {column + 1}", reason)


def _is_header(aliases: dict[str, str], required: set[str], values: Sequence[object]) -> bool:
    """Whether a row is the header row: it names every required column (by any of its aliases)."""
    return required <= {n for n in (_alias(aliases, v) for v in values) if n}


def _norm_header(value: object) -> str:
    return " ".join(str(value or "").split()).strip().lower()


def _alias(aliases: dict[str, str], value: object) -> str | None:
    """Canonical name of a header cell; a parenthesised note after the name ("name_ja (source...)") is
    ignored."""
    h = _norm_header(value)
    return aliases.get(h) or aliases.get(h.split(" (")[0].strip())
