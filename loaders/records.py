"""A record of an import and the checks every importer makes of its fields.

Compositions, supplier governance, evidence, supplier declarations and surveys all check the same kinds
of value (required fields, numbers, masses, dates, yes/no flags, unique ids). The checks live here once,
so the same text is refused with the same message wherever it comes from, and each problem names the
file, the line and the field as the source names it (a column, or an XML path for a declaration).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from complygraph.dates import iso_date
from complygraph.identifiers import InvalidIdentifier, normalise_cas
from complygraph.loaders.errors import Problems
from complygraph.loaders.tabular import YES_NO

# Mass units and concentration units a record may give, as lower-case names, with their factor to mg and ppm.
MASS_UNITS = {"mg": Decimal(1), "g": Decimal(1000), "kg": Decimal(1_000_000)}
CONCENTRATION_UNITS = {"ppm": Decimal(1), "wt%": Decimal(10_000), "%": Decimal(10_000),
                       "wt %": Decimal(10_000), "masspercent": Decimal(10_000)}


@dataclass
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
        """Every named field has a value, and a CSV row has no more values than its header has columns."""
        ok = True
        if "__extra__" in rec.fields:
            self.problem(rec, None, "more values than columns")
            ok = False
        for name in names:
            if not rec.fields.get(name):
                self.problem(rec, name, "required value is missing")
                ok = False
        return ok

    def number(self, rec: Record, name: str, positive: bool = True) -> Decimal | None:
        """A finite decimal, more than zero (or, with `positive=False`, zero or more)."""
        try:
            value = Decimal(rec.fields[name])
        except (InvalidOperation, KeyError):
            self.problem(rec, name, f"not a number: {rec.fields.get(name)!r}")
            return None
        if not value.is_finite():
            self.problem(rec, name, f"not a finite number: {rec.fields[name]!r}")
            return None
        if value < 0 or (positive and value == 0):
            self.problem(rec, name, f"must be {'positive' if positive else 'zero or more'}, got {value}")
            return None
        return value

    def mass_mg(self, rec: Record, name: str = "mass", unit_name: str = "mass_unit") -> Decimal | None:
        """A positive mass in milligrams, from a number field and a unit field (mg, g or kg)."""
        unit = rec.fields.get(unit_name, "").lower()
        if unit not in MASS_UNITS:
            self.problem(rec, unit_name, f"unknown mass unit {rec.fields.get(unit_name)!r}; expected mg, g or kg")
            return None
        value = self.number(rec, name)
        return None if value is None else value * MASS_UNITS[unit]

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
