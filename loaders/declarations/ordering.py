"""Which of two declarations of one item is the newer: by their date-times when both files give a time, else by
their dates (QA12 B03).

`Response@date` is an xs:dateTime in IPC-1752A, and suppliers re-issue a corrected declaration on the same day: a
08:00 declaration loaded after the 16:00 re-issue is older and is refused, as an older date is, and in a batch the
16:00 one is written last whatever the files are called. Date-times compare as XML Schema orders them (Part 2,
3.2.7.4): with zones, as instants; both without a zone, as written; one with a zone and one without, only when
they are more than 14 hours apart, else their order is not known (`NOT_KNOWN`: the same instant, or within those
14 hours). When a file gives a date only, the dates are compared, as before.

Loaded one after the other, a declaration whose order to the stored one is not known (or of the same day, by date)
replaces it: the user loads the correction after the original, and the load order is theirs. In one batch nothing
says which is the correction: two declarations of one item that cannot be ordered (the same instant, or the same
day with a date only on either side) are refused before anything is written, naming both files
(`batch_problems`), rather than let their file names decide.
"""

from __future__ import annotations

import datetime as dt

from complygraph.loaders.declarations.matching import name_form
from complygraph.loaders.declarations.model import Declaration
from complygraph.loaders.errors import Problem

FIELD = "BusinessInfo/Response@date"
OLDER, NOT_KNOWN, NEWER = -1, 0, 1
_SLACK = dt.timedelta(hours=14)  # the widest time zone offset, XML Schema Part 2 3.2.7.4


def compare(date: dt.date, issued: dt.datetime | None, old_date: dt.date, old_issued: dt.datetime | None) -> int:
    """OLDER, NEWER or NOT_KNOWN: how a declaration of `date` (`issued`) stands to one of `old_date` (`old_issued`).
    With a date only on either side, the same day is NEWER (it replaces, as before)."""
    if issued is None or old_issued is None:
        return OLDER if date < old_date else NEWER
    if (issued.tzinfo is None) == (old_issued.tzinfo is None):
        return OLDER if issued < old_issued else NEWER if issued > old_issued else NOT_KNOWN
    low, high = _bounds(issued)
    old_low, old_high = _bounds(old_issued)
    return OLDER if high < old_low else NEWER if low > old_high else NOT_KNOWN


def _bounds(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The earliest and latest UTC instant (naive) a date-time may be: itself with a zone, 14 hours either way
    without."""
    if at.tzinfo is not None:
        utc = at.astimezone(dt.UTC).replace(tzinfo=None)
        return utc, utc
    return at - _SLACK, at + _SLACK


def parse_stored(text: str | None) -> dt.datetime | None:
    """A stored `dct:issued` date-time, None if there is none (or it is not one)."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def shown(date: dt.date, issued: dt.datetime | None) -> str:
    """A declaration's date-time as a message shows it, its date when it has no time."""
    return issued.isoformat() if issued is not None else date.isoformat()


def write_order(decl: Declaration) -> tuple[dt.date, dt.datetime, str]:
    """Oldest declaration first: by instant (UTC; a date-time without a zone as written) where the file gives one,
    else by date, then by file (only for declarations of different items, or that `batch_problems` refuses)."""
    at = decl.issued
    if at is not None and at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    # by the instant where the file gives one, not by its local date: 2026-03-02T01:00+09:00 is before
    # 2026-03-01T20:00Z (a review of 2026-12-07: the older was written last, refused, and the batch failed)
    day = at.date() if at is not None else decl.date or dt.date.min
    return day, at or dt.datetime.combine(day, dt.time.min), decl.file


def batch_problems(decls: list[Declaration]) -> list[Problem]:
    """Declarations of one batch that name the same item of the same company (compared as `matching.name_form`
    compares names) and cannot be ordered by their date-times: the file names would decide which is in force."""
    return [problem for _, _, problem in conflicts(decls)]


def conflicts(decls: list[Declaration]) -> list[tuple[Declaration, Declaration, Problem]]:
    """(declaration, the earlier one of the batch it cannot be ordered against, the problem naming both): a batch
    that keeps going (`--skip-invalid`) refuses both files, so that neither wins by its name."""
    seen: dict[tuple[str, str], Declaration] = {}
    out = []
    for decl in decls:
        for item in decl.items:
            key = (name_form(decl.company), item.number)
            first = seen.setdefault(key, decl)
            if first is decl or first.sha256 == decl.sha256 or decl.date is None or first.date is None:
                continue
            same_day = decl.date == first.date and (decl.issued is None or first.issued is None)
            if same_day or compare(decl.date, decl.issued, first.date, first.issued) == NOT_KNOWN:
                out.append((decl, first, Problem(decl.file, decl.date_line, FIELD, (
                    f"item {item.number!r} is declared at {shown(decl.date, decl.issued)} here and at "
                    f"{shown(first.date, first.issued)} in {first.file}: which is the newer cannot be told, so "
                    "nothing was stored; give the date-time of each (a later one for the declaration in force), "
                    "or load the one in force after the other"))))
    return out
