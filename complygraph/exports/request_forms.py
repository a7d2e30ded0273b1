"""What a declaration request sends a supplier: the customer's Form 2-1 survey as XLSX with the part numbers
filled in, an IPC-1752A request listing the parts, and a summary (CSV and XLSX) of what is asked and why.

**Form 2-1** (seed 003, Nishishiba guideline NG-G9-20-001, 様式2-1): a preamble (form title, supplier,
request id, dates, 回答日 / answer date left blank) and one table, one row per part and item, with the
form's own column headers: 西芝手配コード／製品コード (part number), 品名, 番号 (item), 物質(群)名,
含有濃度の閾値, then the answer columns 含有有無, 含有量 (ppm), コメント, 含有目的, 全廃予定時期,
製造中止時期 left blank. That is the layout `loaders.survey` reads back (`load --format survey FILE --date
D`): the part from the part-number column, the answer date from `--date`. The items, their names and
thresholds come from the form's data (shapes/supplier-survey/data), never from here. `lang="en"` writes the
English form's headers, which the loader reads too.

**IPC-1752A request** (namespace http://webstds.ipc.org/175x/2.0, root MainDeclaration, version 2.0), one
Product per part:

    MainDeclaration @version="2.0"
      BusinessInfo @mode="Request"
        Request @requestDate @respondByDate @requestDocID @comment
          RequestCompany @name / CompanyID @identity
        Response
          SupplyCompany @name / CompanyID @identity          (pre-filled; the supplier adds its date)
      Include / Sectional @name="MaterialInfo" / SubSectional @name="D"   (the class asked for)
      Product @unitType="Each"
        ProductID @itemNumber @itemName @requesterItemNumber @requesterItemName
                  (the supplier's item number where the store has it, else our part id; ours as requester's)

Where each element was read (no IPC-1752A XSD could be reached; docs/exports.md lists the searches):
the namespace, root, `version`, `Product@unitType`, `ProductID@itemNumber/@itemName` and
`BusinessInfo/Response/SupplyCompany/CompanyID@identity` are what this project already writes and reads
(exports/ipc1752a.py, loaders/declarations/ipc1752a.py). `BusinessInfo@mode`, `Include/Sectional@name
="MaterialInfo"/SubSectional@name` (the declaration class) and `ProductID@requesterItemNumber/
@requesterItemName` are as a public Class C generator writes them (it writes mode "Distribute"). That the
standard has a requester part with the company name and id, a request date and a due date, mandatory in
request/reply mode, is from IPC-1751A's generic requirements as summarised publicly and from a vendor's
IPC-1752 editor manual ("Requester Information: Company Name, Company ID, Request Date, Due Date, Contact
Name, Requester Comments"). **Unverified:** the element and attribute names `Request`, `RequestCompany`,
`@requestDate`, `@respondByDate`, `@requestDocID`, `@comment`, and the mode value "Request"; a Response
without its required date (a request is not a declaration: `complygraph load` refuses it, naming
BusinessInfo/Response@date).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS

from complygraph.graph.requests import SentRequest
from complygraph.graph.shacl.packs import available
from complygraph.loaders.declarations.ipc1752a import NAMESPACE, ROOT
from complygraph.vocab import CG

FORM = "nishishiba-form2-1"
# (part number, item, answer date, present, ppm, where used) as the loader's aliases spell them
HEADERS = {
    "ja": ["西芝手配コード／製品コード", "品名", "番号", "物質(群)名", "含有濃度の閾値", "含有有無", "含有量 (ppm)",
           "コメント (含有部位を具体的にご記入願います)", "含有目的", "全廃予定時期", "製造中止時期"],
    "en": ["Nishishiba part number", "Part name", "No.", "Substance (group)", "Threshold", "Present (Y/N)",
           "Material Substance Mass(ppm)", "If yes, information on where it is used.", "含有目的", "全廃予定時期",
           "製造中止時期"],
}
SUMMARY_COLUMNS = ["request", "supplier_id", "supplier_name", "sent", "respond_by", "part_id", "part_name",
                   "reason", "due", "detail"]


@dataclass(frozen=True)
class FormItem:
    id: str
    names: dict[str, str]  # language -> name
    threshold: dict[str, str]


@cache
def form_items(form: str = FORM) -> tuple[str, tuple[FormItem, ...]]:
    """The form's title and its items in order, from the survey pack's data."""
    g = Graph()
    for folder in available().values():
        for f in sorted((folder / "data").glob("*.ttl")) if (folder / "data").is_dir() else []:
            g.parse(f, format="turtle")
    node = next((s for s in g.subjects(DCTERMS.identifier, None)
                 if str(g.value(s, DCTERMS.identifier)) == form and (s, URIRef(CG + "hasSurveyItem"), None) in g),
                None)
    if node is None:
        raise ValueError(f"no survey form {form!r} in the packs' data")
    items = []
    for item in g.objects(node, URIRef(CG + "hasSurveyItem")):
        names = {getattr(v, "language", None) or "": str(v) for v in g.objects(item, RDFS.label)}
        limit = g.value(item, URIRef(CG + "limitPpm"))
        intentional = g.value(item, URIRef(CG + "prohibitsIntentionalAddition"))
        ja = " または ".join(x for x in (f"{limit}ppm" if limit is not None else "",
                                          "意図的添加" if intentional is not None else "") if x)
        en = " or ".join(x for x in (f"{limit} ppm" if limit is not None else "",
                                     "intentional addition" if intentional is not None else "") if x)
        items.append(FormItem(str(g.value(item, DCTERMS.identifier)), names, {"ja": ja, "en": en}))
    title = {getattr(v, "language", None) or "": str(v) for v in g.objects(node, RDFS.label)}
    return title.get("ja", form), tuple(sorted(items, key=lambda i: i.id))


def write_form21(path: Path, request: SentRequest, lang: str = "ja") -> Path:
    """The Form 2-1 survey for the request's parts (each part once, whatever its reasons), as XLSX."""
    import openpyxl

    if lang not in HEADERS:
        raise ValueError(f"form language {lang!r}: one of {', '.join(HEADERS)}")
    title, items = form_items()
    wb = openpyxl.Workbook(write_only=True)  # streamed: a supplier with 300 parts is 10,000 rows
    ws = wb.create_sheet("Form 2-1")
    for row in ([title], ["NG-G9-20-001"], ["依頼番号 / Request", request.id],
                ["会社名 / Company", request.supplier_name or request.supplier_id, request.supplier_id],
                ["依頼日 / Requested", request.sent.isoformat()],
                ["回答期限 / Respond by", request.due.isoformat() if request.due else ""],
                ["回答日 / Answer date", None], []):
        ws.append(row)
    ws.append(HEADERS[lang])
    seen = set()
    for it in request.items:
        if it.part_id in seen:
            continue
        seen.add(it.part_id)
        for item in items:
            ws.append([it.part_id, it.part_name, item.id, item.names.get(lang) or item.names.get("en", ""),
                       item.threshold[lang], None, None, None, None, None, None])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: etree._Element, tag: str, /, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, _q(tag), {k: v for k, v in attrs.items() if v})


def ipc1752a_request(request: SentRequest, company: str, company_id: str = "", declaration_class: str = "D") -> bytes:
    """The IPC-1752A request for the request's parts (each once), as UTF-8 XML."""
    root = etree.Element(_q(ROOT), nsmap={None: NAMESPACE})
    root.set("version", "2.0")
    info = _sub(root, "BusinessInfo", mode="Request")
    req = _sub(info, "Request", requestDate=request.sent.isoformat(),
               respondByDate=request.due.isoformat() if request.due else "", requestDocID=request.id,
               comment="; ".join(sorted({i.reason for i in request.items})))
    requester = _sub(req, "RequestCompany", name=company)
    if company_id:
        _sub(requester, "CompanyID", identity=company_id)
    supplier = _sub(_sub(info, "Response"), "SupplyCompany", name=request.supplier_name or request.supplier_id)
    _sub(supplier, "CompanyID", identity=request.supplier_id)
    _sub(_sub(_sub(root, "Include"), "Sectional", name="MaterialInfo"), "SubSectional", name=declaration_class)
    seen = set()
    for it in request.items:
        if it.part_id in seen:
            continue
        seen.add(it.part_id)
        product = _sub(root, "Product", unitType="Each")
        _sub(product, "ProductID", itemNumber=it.item_number or it.part_id, itemName=it.part_name or it.part_id,
             requesterItemNumber=it.part_id, requesterItemName=it.part_name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def summary_rows(request: SentRequest) -> list[list[str]]:
    return [[request.id, request.supplier_id, request.supplier_name, request.sent.isoformat(),
             request.due.isoformat() if request.due else "", it.part_id, it.part_name, it.reason,
             it.due.isoformat() if it.due else "", it.detail] for it in request.items]


def write_summary(folder: Path, request: SentRequest) -> list[Path]:
    """<request>-summary.csv (UTF-8 with a BOM, which Excel needs to read Japanese names) and -summary.xlsx."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    rows = summary_rows(request)
    csv_path, xlsx_path = folder / f"{_safe(request.id)}-summary.csv", folder / f"{_safe(request.id)}-summary.xlsx"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(SUMMARY_COLUMNS)
        w.writerows(rows)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Request")
    ws.append(SUMMARY_COLUMNS)
    for r in rows:
        ws.append(r)
    wb.save(xlsx_path)
    return [csv_path, xlsx_path]


def write_request_files(out: Path, request: SentRequest, company: str, company_id: str = "",
                        declaration_class: str = "D", lang: str = "ja") -> list[Path]:
    """Everything one supplier is sent, in `out/<supplier id>/`; returns the files written."""
    folder = out / _safe(request.supplier_id)
    files = [write_form21(folder / f"{_safe(request.id)}-form2-1.xlsx", request, lang)]
    xml = folder / f"{_safe(request.id)}-ipc1752a-request.xml"
    xml.write_bytes(ipc1752a_request(request, company, company_id, declaration_class))
    return files + [xml] + write_summary(folder, request)


def _safe(name: str) -> str:
    """An id (a supplier's, a request's) as one file or folder name: path separators and the like replaced,
    and never "." or ".." or a leading dot, so nothing is written outside the folder it is given."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "_"
    return "_" + safe[1:] if safe.startswith(".") else safe
