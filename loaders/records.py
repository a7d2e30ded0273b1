"""A record of an import and the checks every importer makes of its fields.

Compositions, supplier governance, evidence, supplier declarations and surveys all check the same kinds
of value (required fields, numbers, masses, dates, yes/no flags, unique ids). The checks live here once,
so the same text is refused with the same message wherever it comes from, and each problem names the
file, the line and the field as the source names it (a column, or an XML path for a declaration).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from complygraph.dates import iso_date
from complygraph.identifiers import InvalidIdentifier, normalise_cas
from complygraph.loaders.errors import Problems
from complygraph.loaders.tabular import YES_NO
from complygraph.loaders.textfile import invalid_character

# Mass units and concentration units a record may give, as lower-case names, with their factor to mg and ppm.
MASS_UNITS = {"mg": Decimal(1), "g": Decimal(1000), "kg": Decimal(1_000_000)}
CONCENTRATION_UNITS = {"ppm": Decimal(1), "wt%": Decimal(10_000), "%": Decimal(10_000),
                       "wt %": Decimal(10_000), "masspercent": Decimal(10_000)}

# The numbers a record may give. Oxigraph holds an xsd:decimal in 128 bits with at most 18 digits after the
# point (about 1.7e20 in all): a literal beyond that is ill-typed, and every comparison a shape makes with it
# silently fails. Python's decimals stop at an exponent of 999999 (`9e999999 g` in mg overflows). Nothing real
# is near either bound, so a number is refused, naming its field, unless it is below LARGEST with at most
# DECIMALS digits after the point; a mass (in mg, whatever unit it came in) is at most MAX_MASS_MG, 1,000 t,
# and a BOM quantity at most MAX_QUANTITY, so that a mass times a quantity through a BOM stays in range too.
LARGEST = Decimal(10) ** 12
DECIMALS = 12
MAX_MASS_MG = Decimal(10) ** 12
MAX_QUANTITY = Decimal(10) ** 6


# a decimal as xs:decimal writes it (digits, one point, a sign), with an exponent as CSV tools write one ("1E-3"):
# no digit grouping, no hexadecimal, no "NaN"
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # ASCII digits only


def parse_number(text: str | None, positive: bool = True) -> tuple[Decimal | None, str]:
    """`text` as a decimal in the range every record shares (zero or more; above zero with `positive`), else
    None and the reason, worded for a problem; one check for CSV, JSON Lines and XML declarations alike."""
    stripped = (text or "").strip()
    if not _NUMBER.fullmatch(stripped):  # Decimal() also reads "1_0" as 10 (PEP 515 grouping): QA13 B03
        return None, f"not a number: {text!r}"
    try:
        value = Decimal(stripped)
    except InvalidOperation:
        return None, f"not a number: {text!r}"
    if not value.is_finite():
        return None, f"not a finite number: {text!r}"
    if abs(value) >= LARGEST:
        return None, f"out of range: {_short(text)} (a number here is below {LARGEST:,})"
    if _decimals(value) > DECIMALS:
        return None, f"out of range: {_short(text)} has more than {DECIMALS} digits after the decimal point"
    if value < 0 or (positive and value == 0):
        return None, f"must be {'positive' if positive else 'zero or more'}, got {value}"
    return value, ""


def _decimals(value: Decimal) -> int:
    """How many digits after the point `value` needs (trailing zeros do not count)."""
    if value == 0:
        return 0
    _, digits, exponent = value.as_tuple()
    kept = len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(int(exponent) + len(digits) - kept))


def _short(text: str | None) -> str:
    """A number as the file gives it, cut short if it is long, for a message."""
    text = (text or "").strip()
    return repr(text if len(text) <= 40 else text[:20] + "..." + text[-10:] + f" ({len(text)} characters)")


@dataclass(slots=True)  # a million-part import keeps some of them (BOM lines) to name in problems
class Record:
    """One record as read: its kind, where it stands, its fields as text, and for fields the source names
    otherwise than the field (an XML element path), that name."""

    kind: str
    file: str
    line: int
    fields: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        """The field's text, "" when absent."""
        return self.fields.get(name, "") or ""


class RecordChecker:
    """Checks fields of records and collects what is wrong in `problems`; each check returns the value
    (None when it is missing or wrong), so an importer checks everything before deciding to write."""

    def __init__(self, problems: Problems | None = None) -> None:
        self.problems = problems if problems is not None else Problems()

    def problem(self, rec: Record, name: str | None, reason: str) -> None:
        self.problems.add(rec.file, rec.line, rec.labels.get(name, name) if name else name, reason)

    def required(self, rec: Record, names: Iterable[str]) -> bool:
        """Every named field has a value, a CSV row has no more values than its header has columns, and no
        value holds a character that no value may hold (`textfile.invalid_character`: a NUL, other control
        characters), which a text file is refused for when it is opened, but a JSON escape (`\\u0000`) or an
        XML declaration's value can still bring."""
        ok = True
        if "__extra__" in rec.fields:
            self.problem(rec, None, "more values than columns")
            ok = False
        for name, value in rec.fields.items():
            reason = invalid_character(value)
            if reason:
                self.problem(rec, name, reason)
                ok = False
        for name in names:
            if not rec.fields.get(name):
                self.problem(rec, name, "required value is missing")
                ok = False
        return ok

    def number(self, rec: Record, name: str, positive: bool = True,
               most: Decimal | None = None) -> Decimal | None:
        """A decimal in range (`parse_number`), more than zero (or, with `positive=False`, zero or more), and
        at most `most` if given."""
        value, reason = parse_number(rec.fields.get(name), positive)
        if value is not None and most is not None and value > most:
            value, reason = None, f"{value} is more than {most:,}, the most a {name} may be"
        if value is None:
            self.problem(rec, name, reason)
        return value

    def mass_mg(self, rec: Record, name: str = "mass", unit_name: str = "mass_unit") -> Decimal | None:
        """A positive mass in milligrams, from a number field and a unit field (mg, g or kg), at most
        MAX_MASS_MG."""
        unit = rec.fields.get(unit_name, "").lower()
        if unit not in MASS_UNITS:
            self.problem(rec, unit_name, f"unknown mass unit {rec.fields.get(unit_name)!r}; expected mg, g or kg")
            return None
        value = self.number(rec, name)
        if value is None:
            return None
        if value * MASS_UNITS[unit] > MAX_MASS_MG:
            self.problem(rec, name, f"{value} {rec.fields[unit_name]} is more than 1,000 t, the most a mass may be")
            return None
        return value * MASS_UNITS[unit]

    def date(self, rec: Record, name: str, required: bool = True, leading: bool = False) -> dt.date | None:
        """An ISO date (with `leading`, the date of a date-time too); an empty optional field is None without
        a problem."""
        text = rec.fields.get(name, "")
        if not text and not required:
            return None
        try:
            return iso_date(text, leading=leading)
        except ValueError as exc:
            self.problem(rec, name, str(exc))
            return None

    def cas(self, rec: Record, name: str = "cas") -> str | None:
        """A CAS number (format and check digit), normalised."""
        try:
            return normalise_cas(rec.fields.get(name, ""))
        except InvalidIdentifier as exc:
            self.problem(rec, name, str(exc))
            return None

    def yes_no(self, rec: Record, name: str) -> bool | None:
        value = YES_NO.get(rec.fields.get(name, "").lower())
        if value is None:
            self.problem(rec, name, f"expected yes or no, got {rec.fields.get(name)!r}")
        return value

    def unique(self, rec: Record, seen: Collection[str], key: str, name: str) -> bool:
        """`key` is not among the ids already `seen` in this import."""
        if key in seen:
            self.problem(rec, name, f"duplicate id {key!r}")
            return False
        return True
