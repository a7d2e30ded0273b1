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
   encodings the detector guesses, so that the sender can save it as UTF-8 instead; a file whose every other
   byte is NUL is said to look like UTF-16 without a byte order mark (no NUL of it reaches the message).

Every file read through `open_text` is also refused, naming the file, line and column (or JSON key) of each
value concerned, when it holds a character no value can hold: a NUL or another C0 control character than tab,
line feed and carriage return, or U+FFFE/U+FFFF. XML 1.0 allows none of them, so a value holding one cannot be
written to a declaration export or an RDF/XML or SHACL report, and a NUL is what a UTF-16 file saved without a
byte order mark reads as. Checked here, once per file, so that every text loader refuses them alike; the list and
survey exports (`tabular.read_delimited`), whose header row follows a preamble, check each value with
`invalid_character` instead, and so do the record checks, for the values a JSON escape (`\\u0000`) brings.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from charset_normalizer import from_bytes

from complygraph.loaders.errors import InputError, Problem, Problems

_CHUNK = 1 << 20
_SAMPLE = 1 << 20  # how much of a file the detector reads
SHIFT_JIS = frozenset({"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"})
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_JAPANESE = re.compile("[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
FIELD_LIMIT = csv.field_size_limit()  # the csv module's limit on one value (131,072 characters)
INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # the characters XML 1.0 does not allow


def open_text(path: Path, newline: str | None = "", characters: bool = True) -> IO[str]:
    """`path` opened for reading in its encoding (`text_encoding`), once it is known to hold no character that
    no value may hold (`INVALID`; a reader that checks its values itself, naming them by a header row it has to
    find first, passes `characters=False`)."""
    codec = text_encoding(path)
    if characters:
        _check_characters(path, codec)
    return open(path, encoding=codec, newline=newline)


def invalid_character(value: str) -> str | None:
    """Why `value` cannot be stored when it holds a character of `INVALID`, worded for a problem; else None."""
    found = INVALID.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "a NUL character, which no value holds (is the file UTF-16 without a byte order mark?)"
    return (f"the control character U+{ord(found.group()):04X}, which no value holds (XML and RDF exports cannot "
            "carry it)")


def _check_characters(path: Path, codec: str) -> None:
    """Refuse `path` when it holds a character of `INVALID`: read in chunks, so a large file costs one decoding
    pass; only a file that holds one is read again to say where (`_invalid_values`)."""
    decoder = codecs.getincrementaldecoder(codec)()
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if INVALID.search(decoder.decode(chunk, final=not chunk)):
                break
            if not chunk:
                return
    with open(path, encoding=codec, newline="") as fh:
        text = fh.read()
    problems = Problems()
    for line, field, reason in _invalid_values(path, text):
        problems.add(str(path), line, field, reason)
    problems.raise_if_any()


def _invalid_values(path: Path, text: str) -> Iterator[tuple[int, str | None, str]]:
    """The line, field and reason of each value of `text` that holds a character of `INVALID`: for a JSON Lines
    file the key it follows, for a CSV file its column (by the header, the first row), else the line alone."""
    lines = text.split("\n")
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for number, line in enumerate(lines, start=1):
            for found in INVALID.finditer(line):
                keys = re.findall(r'"([^"\\]{1,100})"\s*:', line[:found.start()])
                yield number, keys[-1] if keys else None, invalid_character(found.group()) or ""
        return
    try:
        found = list(_invalid_csv_values(text, lines))
    except csv.Error:  # not CSV after all (or a value over the csv module's limit): the lines alone
        found = [(number, None, invalid_character(m.group()) or "")
                 for number, line in enumerate(lines, start=1) for m in INVALID.finditer(line)]
    yield from found


def _invalid_csv_values(text: str, lines: list[str]) -> Iterator[tuple[int, str | None, str]]:
    """`_invalid_values` of a CSV file: the line each character is on (in a quoted value over several lines, not
    the line the record starts on), and its column by the header row."""
    names: list[str] | None = None
    ends = [0]  # the offset at which each line starts, to turn a character's offset into its line
    for line in lines:
        ends.append(ends[-1] + len(line) + 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        is_header = names is None
        cursor = ends[start - 1]  # the record's characters of INVALID come in the order of its values
        for column, value in enumerate(row):
            count = len(INVALID.findall(value))
            if not count:
                continue
            found = INVALID.search(text, cursor)
            where = found.start() if found else cursor
            for _ in range(count):
                found = INVALID.search(text, cursor)
                cursor = found.end() if found else cursor
            name = names[column] if names and column < len(names) else None
            yield bisect.bisect_right(ends, where), name or f"column {column + 1}", invalid_character(value) or ""
        if is_header:
            names = [INVALID.sub("", v).strip() for v in row]
        start = reader.line_num + 1


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
        utf16 = _utf16_without_bom(fh.read(1 << 16))
        fh.seek(max(0, offset - _SAMPLE // 2))
        sample = fh.read(_SAMPLE)
    if utf16:  # said as such: the detector's guess alone ("utf_16_le") left the sender guessing
        line, field = _where(path, offset)
        raise InputError([Problem(str(path), line, field, (
            f"not UTF-8: byte 0x{byte:02x} is not valid UTF-8, and every other byte is NUL, as in {utf16}: is the "
            "file UTF-16 without a byte order mark? Save the file as UTF-8 (in Excel: CSV UTF-8)"))])
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


def _utf16_without_bom(sample: bytes) -> str | None:
    """"UTF-16LE" or "UTF-16BE" when most of the bytes at odd (or even) offsets of `sample` (the start of a file)
    are NUL and almost none of the others: text of Latin letters saved as UTF-16 without a byte order mark."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 4:
        return None
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.5 and nul_even < 0.05:
        return "UTF-16LE"
    if nul_even > 0.5 and nul_odd < 0.05:
        return "UTF-16BE"
    return None


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
    # no NUL or control character of the bytes (UTF-16's NULs, binary data) ever reaches a message
    prefix = INVALID.sub("", before[start:].decode("utf-8", errors="replace"))
    if path.suffix.lower() == ".csv":
        try:
            header = next(csv.reader([INVALID.sub("", before.split(b"\n", 1)[0].decode("utf-8", errors="replace"))]),
                          [])
            row = next(csv.reader([prefix + "x"]), [])
        except csv.Error:  # a bare CR (an old Mac "CSV") or binary bytes in the line: the line alone is named
            return line, None
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
