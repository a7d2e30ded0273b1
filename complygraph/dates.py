"""Reading dates the way users and regulators write them; one place, so every command, loader and API
argument accepts and refuses the same text with the same message."""

from __future__ import annotations

import datetime as dt
import re

# ECHA exports its lists in the user's language; month abbreviations seen in Dutch and English exports.
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "mrt": 3, "apr": 4, "may": 5, "mei": 5, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12,
}
_DMY = re.compile(r"^(\d{1,2})[-/ .]([A-Za-z]{3,4})\.?[-/ .](\d{4})$")


def iso_date(text: str, *, leading: bool = False) -> dt.date:
    """An ISO 8601 calendar date (2026-02-04); with `leading`, the date part of a date-time
    (2026-02-04T10:00:00Z) too. Raises ValueError("not a date (YYYY-MM-DD): '...'")."""
    try:
        return dt.date.fromisoformat(text[:10] if leading else text)
    except (ValueError, TypeError):
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from None


def date_range(since: str, until: str) -> tuple[dt.date, dt.date]:
    """The dates of a `--from` / `--to` pair; a range that ends before it starts is refused (it listed the
    additions as removals, QA 2026-12-06)."""
    start, end = iso_date(since), iso_date(until)
    if start > end:
        raise ValueError(f"--from {start} is after --to {end}: give the earlier date first")
    return start, end


def option_date(text: str | None) -> dt.date | None:
    """The date of an `--at` option, None when the option was not given: `--at ""` (an unset shell variable) is
    refused like any other non-date, never read as today."""
    return None if text is None else iso_date(text)


def parse_date(value: object) -> dt.date:
    """Dates as ECHA and users write them: 04-Feb-2026, 04-feb-2026, 01-mrt-2010, 2026-02-04, Excel dates."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _DMY.match(text)
    if m:
        month = _MONTHS.get(m.group(2).lower()[:3]) or _MONTHS.get(m.group(2).lower())
        if month is None:
            raise ValueError(f"unknown month {m.group(2)!r} in date {text!r}")
        return dt.date(int(m.group(3)), month, int(m.group(1)))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (expected 04-Feb-2026 or 2026-02-04)") from None
