"""Errors in input files, each naming the file, the line, the field and the reason.

Loaders collect every problem they find before giving up, so a user fixes a file in one pass, and raise
before anything is written, so the store never holds half an import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The control characters a message never prints raw (a NUL of a UTF-16 file, an escape of binary data): they
# are shown as escapes (a NUL as backslash x00), in whatever part of a problem holds them (a file name, a header
# cell, a reason).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """`text` with each control character of `_CONTROL` as its escape (a NUL as backslash x00)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        return printable(f"{where}: {self.field + ': ' if self.field else ''}{self.reason}")


class InputError(ValueError):
    """One or more problems in input files; nothing of the files in question was stored. `stored` names the
    files of the same batch that were written, each in its own transaction, before the problem was found (a
    declaration batch is written one file at a time), so the message never claims that nothing was stored."""

    def __init__(self, problems: list[Problem], stored: list[str] | None = None) -> None:
        self.problems = problems
        self.stored = list(stored or [])
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        what = ("nothing was stored" if not self.stored else
                f"that file was not stored; stored before it, each whole: {', '.join(self.stored)}")
        super().__init__(f"{len(problems)} problem(s) in the input, {what}:\n{shown}{more}")


class Problems:
    """Collects problems up to a limit, then stops the load."""

    def __init__(self, limit: int = 200) -> None:
        self.items: list[Problem] = []
        self.limit = limit

    def add(self, file: str, line: int | None, field: str | None, reason: str) -> None:
        self.items.append(Problem(file, line, field, reason))
        if len(self.items) >= self.limit:
            raise InputError(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
