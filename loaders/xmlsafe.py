"""Reading XML that comes from outside the company.

Supplier declarations are untrusted: a file may carry a DTD with entity definitions (the "billion
laughs" expansion bomb), external entities that read local files or reach the network, or simply be
huge. A declaration format never needs a DTD, so any DOCTYPE is refused before parsing, and the parser
itself is configured to resolve no entity, load no DTD and open no connection, as a second line.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from complygraph.loaders.errors import InputError, Problem

MAX_BYTES = 50_000_000  # a full material declaration of a complex assembly is a few MB
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def read_xml(path: Path, max_bytes: int = MAX_BYTES) -> etree._Element:
    """The root element of `path`, or InputError naming the file, the line and the reason."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([Problem(name, None, None, f"cannot read the file: {exc.strerror}")]) from None
    if size > max_bytes:
        raise InputError([Problem(name, None, None, f"the file is {size:,} bytes, over the limit of "
                                                    f"{max_bytes:,} bytes for one declaration")])
    data = path.read_bytes()
    probe = data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00<\x00" in data[:200] or b"<\x00" in data[:4]:
        probe = data.decode("utf-16", errors="replace").encode()  # a UTF-16 file hides the DOCTYPE from bytes
    found = _DOCTYPE.search(probe)
    if found:
        line = probe.count(b"\n", 0, found.start()) + 1
        raise InputError([Problem(name, line, "DOCTYPE", "DTDs and entity declarations are not accepted in "
                                                         "declarations (they can expand or read files)")])
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InputError([Problem(name, exc.lineno, None, f"not well-formed XML: {exc.msg}")]) from None
    if root is None:
        raise InputError([Problem(name, None, None, "the file holds no XML element")])
    return root


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def namespace(el: etree._Element) -> str:
    return etree.QName(el).namespace or ""
