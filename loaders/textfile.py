"""Opening the text files companies send (CSV, JSON Lines, a manifest) in the encoding they were saved in.

The format is UTF-8, but spreadsheets in Japan save CSV as Shift_JIS (Windows code page 932) by default. A
file read in the wrong encoding is stored as mojibake, and one that fails to decode stopped the import with a
codec traceback that named no file. So the encoding of every file is decided once, before it is read:

1. UTF-8 (with or without a BOM), or UTF-16/UTF-32 with a BOM: read as such. A BOM is certain.
2. Else code page 932, when all three hold: every byte decodes as CP932; charset-normalizer's best guess is a
   Shift_JIS encoding; and the text holds a full-width Japanese character (kana or a CJK ideograph). Neither a
   clean decode nor a guess alone is certain: accented Latin letters (cp1252 "ÄÖÜ") decode as CP932 half-width
   katakana, and Chinese text in GBK or Big5 decodes as CP932 kanji.
3. Else the file is refused, naming the line and the column of the first byte that is not UTF-8 and the
   encodings the detector guesses, so that the sender can save it as UTF-8 instead.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import IO

from charset_normalizer import from_bytes

from complygraph.loaders.errors import InputError, Problem

_CHUNK = 1 << 20
_SAMPLE = 1 << 20  # how much of a file the detector reads
SHIFT_JIS = frozenset({"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"})
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_JAPANESE = re.compile("[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
FIELD_LIMIT = csv.field_size_limit()  # the csv module's limit on one value (131,072 characters)


def open_text(path: Path, newline: str | None = "") -> IO[str]:
    """`path` opened for reading in its encoding (`text_encoding`)."""
    return open(path, encoding=text_encoding(path), newline=newline)


def read_text(path: Path) -> str:
    """The whole of a small file (a manifest), decoded by the same rule as the data files beside it."""
    with open_text(path, newline=None) as fh:
        return fh.read()


def text_encoding(path: Path) -> str:
    """The codec `path` is read with, by the rule in the module's docstring; InputError when it is not certain."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    for bom, codec in _BOMS:
        if head.startswith(bom):
            bad = _first_invalid(path, codec)
            if bad is not None:
                raise InputError([Problem(str(path), None, None, f"the file starts with a {codec.upper()} byte "
                                          f"order mark, but byte {bad[0]:,} is not {codec.upper()}")])
            return codec
    bad = _first_invalid(path, "utf-8")
    if bad is None:
        return "utf-8-sig"
    offset, byte = bad
    with open(path, "rb") as fh:  # the detector reads around the first byte that is not UTF-8
        fh.seek(max(0, offset - _SAMPLE // 2))
        sample = fh.read(_SAMPLE)
    guesses = [m.encoding for m in from_bytes(sample)]
    doubt = _cp932_doubt(path, guesses)
    if doubt is None:
        return "cp932"
    line, field = _where(path, offset)
    named = guesses[0] if guesses else "unknown (binary data?)"
    also = f" (also possible: {', '.join(guesses[1:3])})" if len(guesses) > 1 else ""
    raise InputError([Problem(str(path), line, field, (
        f"not UTF-8: byte 0x{byte:02x} is not valid UTF-8; the encoding detected is {named}{also}; {doubt}. "
        "Save the file as UTF-8 (in Excel: CSV UTF-8)"))])


def _first_invalid(path: Path, codec: str) -> tuple[int, int] | None:
    """The offset and value of the first byte of `path` that does not decode in `codec`, else None."""
    decoder = codecs.getincrementaldecoder(codec)()
    done = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                where = done - pending + exc.start
                return where, (exc.object[exc.start] if exc.start < len(exc.object) else 0)
            if not chunk:
                return None
            done += len(chunk)


def _cp932_doubt(path: Path, guesses: list[str]) -> str | None:
    """None when `path` is certainly CP932 (rule 2 of the module's docstring), else why it is not taken as CP932."""
    if not guesses or guesses[0] not in SHIFT_JIS:
        return "Shift_JIS (CP932) is read only when it is the detector's best guess"
    decoder = codecs.getincrementaldecoder("cp932")()
    japanese = False
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                return "some bytes are not Shift_JIS (CP932) either"
            japanese = japanese or bool(_JAPANESE.search(text))
            if not chunk:
                break
    if not japanese:
        return "it holds no full-width Japanese character, so Shift_JIS (CP932) is not certain"
    return None


def _where(path: Path, offset: int) -> tuple[int, str | None]:
    """The line of byte `offset` and, for a CSV file, the column (by its header) or, for JSON Lines, the key
    it is in, so that the sender finds the value to fix."""
    with open(path, "rb") as fh:
        before = fh.read(offset)
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    prefix = before[start:].decode("utf-8", errors="replace")
    if path.suffix.lower() == ".csv":
        header = next(csv.reader([before.split(b"\n", 1)[0].decode("utf-8", errors="replace")]), [])
        row = next(csv.reader([prefix + "x"]), [])
        index = len(row) - 1
        return line, (header[index].strip() if line > 1 and 0 <= index < len(header) else None)
    keys = re.findall(r'"([^"\\]{1,100})"\s*:', prefix)
    return line, (keys[-1] if keys else None)


def csv_problem(path: Path, exc: csv.Error, line: int, header: list[str], start: int,
                delimiter: str = ",") -> Problem:
    """A problem for a CSV file the csv module cannot read on: a value over its size limit (naming the
    column), or anything else it says; the record starts at line `start` and stopped at `line`."""
    reason = str(exc)
    if "field larger than field limit" in reason:
        column = _long_column(path, start, line, delimiter)
        name = header[column] if column is not None and column < len(header) else None
        return Problem(str(path), line, name, f"a value longer than {FIELD_LIMIT:,} characters; no value of "
                                              "this format is that long")
    return Problem(str(path), line, None, f"not readable as CSV: {reason}")


def _long_column(path: Path, start: int, end: int, delimiter: str) -> int | None:
    """The index of the first value of the record on lines `start`..`end` longer than the csv module allows."""
    with open_text(path) as fh:
        text = "".join(line for n, line in enumerate(fh, start=1) if start <= n <= end)
    column, length, quoted, i = 0, 0, False, 0
    while i < len(text):
        ch = text[i]
        if ch == '"' and quoted and text[i + 1:i + 2] == '"':  # an escaped quote is one character of the value
            length, i = length + 1, i + 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            column, length = column + 1, 0
        else:
            length += 1
            if length > FIELD_LIMIT:
                return column
        i += 1
    return None
