"""Reading one declaration file into a `Declaration`: which format it is (by its namespace, or as the user
says), who declares and when (the same BusinessInfo in both formats), and the declared product, read by
the format's own reader. Every problem names the file, the line and the element or attribute; a file with
any problem is refused whole, including an item declared lighter than its parts (`model.item_problems`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from lxml import etree

from complygraph.dates import iso_date
from complygraph.loaders.declarations.iec62474 import READER as IEC62474
from complygraph.loaders.declarations.ipc1752a import READER as IPC1752A
from complygraph.loaders.declarations.model import Declaration, item_problems
from complygraph.loaders.declarations.xmldoc import DeclarationXml
from complygraph.loaders.errors import InputError, Problem
from complygraph.loaders.provenance import file_sha256
from complygraph.loaders.xmlsafe import local, namespace, read_xml

READERS = {reader.name: reader for reader in (IPC1752A, IEC62474)}
FORMATS = {name: reader.namespace for name, reader in READERS.items()}
_DATE = "BusinessInfo/Response@date"


def read_declaration(path: Path, fmt: str | None = None) -> Declaration:
    """Parse one file (in format `fmt`, or the one its namespace names); raise InputError on any problem."""
    root = read_xml(path)
    ns = namespace(root)
    fmt = fmt or next((k for k, v in FORMATS.items() if v == ns), None)
    if fmt not in FORMATS:
        raise InputError([Problem(str(path), root.sourceline, local(root),
                                  f"not a declaration this loader reads: namespace {ns!r}; expected "
                                  + " or ".join(FORMATS.values()))])
    if ns != FORMATS[fmt]:
        raise InputError([Problem(str(path), root.sourceline, local(root),
                                  f"namespace {ns!r} is not {fmt}'s ({FORMATS[fmt]})")])
    reader = READERS[fmt]
    doc = DeclarationXml(path, reader.namespace)
    if local(root) != reader.root:
        doc.problem(root, local(root), f"the root element must be {reader.root}")
        raise InputError(doc.problems)
    company, company_id = _company(doc, root)
    date, issued = _date(doc, root)
    products = doc.findall(root, "Product")
    if len(products) != 1:
        doc.problem(root, "Product", f"exactly one Product is expected, found {len(products)}")
        raise InputError(doc.problems)
    item = reader.item(doc, products[0], "Product")
    # a Product with several ProductIDs declares each of those items (QA12 B05: the second was dropped silently)
    others = [reader.alias(doc, pid, item) for pid in doc.findall(products[0], "ProductID")[1:]]
    seen: set[str] = set()
    for found in [item, *others]:
        if found.number in seen:
            doc.problem(products[0], "Product/ProductID", f"item {found.number!r} is named by two ProductIDs "
                        f"(line {found.line}); name each item once")
        seen.add(found.number)
    if not doc.problems:  # masses are compared once every amount has been read and checked
        for found in [item, *others]:
            doc.problems += item_problems(found, str(path))
    if doc.problems:
        raise InputError(doc.problems)
    response = doc.find(root, "BusinessInfo/Response")
    return Declaration(format=fmt, file=str(path), sha256=file_sha256(path), company=company, company_id=company_id,
                       date=date, item=item, declaration_class="D" if item.has_composition() else "C",
                       date_line=getattr(response, "sourceline", None), issued=issued, others=others)


def _company(doc: DeclarationXml, root: etree._Element) -> tuple[str, str]:
    """The supplying company's name (required) and its id (DUNS or the like), if given."""
    company_el = doc.find(root, "BusinessInfo/Response/SupplyCompany")
    if company_el is None:
        company, company_id = "", ""
    else:
        cid = doc.find(company_el, "CompanyID")
        company, company_id = doc.attr(company_el, "name"), doc.attr(cid, "identity") if cid is not None else ""
    if not company:
        doc.problem(company_el if company_el is not None else root, "BusinessInfo/Response/SupplyCompany@name",
                    "the supplying company's name is required")
    return company, company_id


def _date(doc: DeclarationXml, root: etree._Element) -> tuple[dt.date | None, dt.datetime | None]:
    """The response date and, when the file gives a time (`Response@date` is an xs:dateTime in IPC-1752A), the
    date-time, aware when a zone is given (QA12 B03: two declarations of one day were ordered by their date only).
    A time without seconds and a zone without a time (an xs:date with a zone) are read too; anything else after
    the date is refused, never read as the date alone."""
    response = doc.find(root, "BusinessInfo/Response")
    text = doc.attr(response, "date", "responseDate") if response is not None else ""
    if not text:
        doc.problem(response if response is not None else root, _DATE, "the declaration date is required")
        return None, None
    found = _DATE_TIME.fullmatch(text)
    try:
        date = iso_date(found.group("date") if found else text)
    except ValueError:
        date = None
    if found is None or date is None:
        doc.problem(response, _DATE, f"not a date or date-time (YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss with a zone "
                                     f"such as Z or +09:00): {text!r}")
        return None, None
    if found.group("time") is None:
        return date, None
    zone = found.group("zone")
    try:
        clock = dt.time.fromisoformat(found.group("time"))
        tz = None if not zone else dt.UTC if zone == "Z" else dt.timezone(
            (-1 if zone[0] == "-" else 1) * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:])))
    except ValueError:
        doc.problem(response, _DATE, f"not a time of day with a zone (hh:mm:ss, Z or +hh:mm): {text!r}")
        return None, None
    return date, dt.datetime.combine(date, clock, tzinfo=tz)


_DATE_TIME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?"
                        r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?")
