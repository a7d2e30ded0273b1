"""Reading XML that comes from outside the company.

Supplier declarations are untrusted: a file may carry a DTD with entity definitions (the "billion laughs"
expansion bomb), external entities that read local files or reach the network, or simply be huge. A
declaration format never needs a DTD, so any document type declaration is refused, in every encoding.

The gate is the parser itself, with one hardened configuration (`OPTIONS`: no entity resolved, no DTD
loaded, no network, libxml2's size and depth limits kept). libxml2 decodes the bytes as XML says (UTF-8,
UTF-16 and UTF-32 with or without a byte order mark, or the declared encoding), so no encoding can hide a
DOCTYPE from it, as UTF-32 and UTF-16 BE without a BOM hid it from the byte scan this replaced. A first parse
builds nothing and stops at the DOCTYPE, before the parser reads a single entity declaration; only a file
that passes it is parsed into a tree, with the same configuration, and checked once more for a DTD.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from lxml import etree

from complygraph.loaders.errors import InputError, Problem

MAX_BYTES = 50_000_000  # a full material declaration of a complex assembly is a few MB
OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False,
           "huge_tree": False, "remove_comments": True, "remove_pis": True}
REFUSED = "DTDs and entity declarations are not accepted in files from outside (they can expand or read files)"
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")


class _Doctype(Exception):
    """Raised by the gate's parser target to stop the parse at a document type declaration."""


class _Gate:
    """A parser target that builds nothing and stops at the first document type declaration."""

    def doctype(self, name: str | None, pubid: str | None, system: str | None) -> None:
        raise _Doctype(name)

    def close(self) -> None:
        return None


def parser(target: object | None = None) -> etree.XMLParser:
    """The one parser configuration every untrusted XML file is read with."""
    return etree.XMLParser(target=target, **OPTIONS)


def read_xml(path: Path, max_bytes: int = MAX_BYTES) -> etree._Element:
    """The root element of `path`, or InputError naming the file, the line and the reason."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError([Problem(name, None, None, f"cannot read the file: {exc.strerror}")]) from None
    if len(data) > max_bytes:
        size = path.stat().st_size
        raise InputError([Problem(name, None, None, f"the file is {size:,} bytes, over the limit of "
                                                    f"{max_bytes:,} bytes for one declaration")])
    try:
        etree.fromstring(data, parser(_Gate()))
        root = etree.fromstring(data, parser())
    except _Doctype:
        raise InputError([Problem(name, doctype_line(data), "DOCTYPE", REFUSED)]) from None
    except etree.XMLSyntaxError as exc:
        raise InputError([Problem(name, exc.lineno, None, f"not well-formed XML: {exc.msg}")]) from None
    if root is None:
        raise InputError([Problem(name, None, None, "the file holds no XML element")])
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise InputError([Problem(name, doctype_line(data), "DOCTYPE", REFUSED)])
    return root


def check_package(path: Path, max_bytes: int = 10 * MAX_BYTES) -> None:
    """Pass every XML part of an Office Open XML package (an xlsx workbook) through the same gate before a
    reader that parses it less strictly opens it: openpyxl reads worksheets with the standard library's
    parser, which expands internal entities into cell values. A package that unpacks to more than `max_bytes`
    (a zip bomb) is refused too. A file that is no zip archive is left to the reader to refuse."""
    name = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        size = sum(m.file_size for m in members)
        if size > max_bytes:
            raise InputError([Problem(name, None, None, f"the workbook unpacks to {size:,} bytes, over the limit "
                                                        f"of {max_bytes:,} bytes")])
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            gate = parser(_Gate())
            head = b""
            try:
                with archive.open(member) as fh:
                    while chunk := fh.read(1 << 20):
                        head = head or chunk
                        gate.feed(chunk)
                gate.close()
            except _Doctype:
                raise InputError([Problem(name, doctype_line(head), f"{member.filename}: DOCTYPE", REFUSED)]) from None
            except etree.XMLSyntaxError as exc:
                raise InputError([Problem(name, exc.lineno, member.filename,
                                          f"not well-formed XML: {exc.msg}")]) from None


def doctype_line(data: bytes) -> int | None:
    """The line of the DOCTYPE, for the message only (the parser decides that there is one): the bytes decoded
    as XML's appendix F detects their encoding, from a byte order mark, the first bytes or the declaration."""
    codec, skip = "utf-8", 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec, skip = name, len(bom)
            break
    else:
        if data[:4] == b"\x00\x00\x00<":
            codec = "utf-32-be"
        elif data[:4] == b"<\x00\x00\x00":
            codec = "utf-32-le"
        elif data[:1] == b"\x00":
            codec = "utf-16-be"
        elif data[1:2] == b"\x00":
            codec = "utf-16-le"
        elif found := _DECLARED.match(data):
            codec = found.group(1).decode("ascii")
    try:
        text = data[skip:].decode(codec, errors="replace")
    except LookupError:
        return None
    at = text.find("<!DOCTYPE")
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def namespace(el: etree._Element) -> str:
    return etree.QName(el).namespace or ""
