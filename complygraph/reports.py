"""What the commands report, as data: impact files (CSV, JSON, xlsx), the JSON and CSV forms of the table
commands, SPARQL results in the W3C formats, and the names that results show instead of IRIs.

The JSON structures are documented in README.md ("Output for programs") and kept stable: fields are
added, never renamed or removed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, Literal, NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.impact import EntryChange, ImpactRow
from complygraph.graph.queries import ListInfo
from complygraph.graph.store import Row, Store

if TYPE_CHECKING:  # the validator's modules load rdflib: only `validate` needs them, not every command
    from complygraph.graph.shacl.report import ValidationReport, ValidationResult

COLUMNS = ["change", "part_id", "part_name", "material_id", "material_name", "cas", "substance_name", "ppm",
           "article_percent", "over_threshold", "supplier_id", "supplier_name", "products", "entry_name", "entry"]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def json_text(data: object) -> str:
    """JSON for programs: indented (diffable, readable in a pager), non-ASCII names kept as written."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """RFC 4180 CSV (a header row, CRLF line ends, quoting where needed), or TSV with `delimiter="\\t"`."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buf.getvalue()


def _flat(i: ImpactRow) -> dict:
    row = asdict(i)
    row["products"] = "; ".join(p for p, _ in i.products)
    return {c: row[c] for c in COLUMNS}


def impact_json(rows: list[ImpactRow]) -> list[dict]:
    """Impact rows as JSON objects, products as objects with id and name (CSV joins them)."""
    return [{**asdict(i), "products": [{"id": p, "name": n} for p, n in i.products]} for i in rows]


def write_impact(rows: list[ImpactRow], fmt: str, out: Path | None) -> str | None:
    """CSV or JSON text, or (xlsx) a workbook written to `out` with one sheet per view."""
    if fmt == "csv":
        return csv_text(COLUMNS, ([_flat(i)[c] for c in COLUMNS] for i in rows))
    if fmt == "json":
        return json_text(impact_json(rows))
    if fmt == "xlsx" and out is not None:
        _xlsx(rows, out)
        return None
    raise ValueError(f"unknown format {fmt!r}" + (" (xlsx needs --out FILE)" if fmt == "xlsx" else ""))


def _xlsx(rows: list[ImpactRow], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    by_part = wb.active
    by_part.title = "by part"
    by_part.append(COLUMNS)
    for i in rows:
        by_part.append([_flat(i)[c] for c in COLUMNS])
    suppliers: dict[tuple[str, str], list[ImpactRow]] = defaultdict(list)
    products: dict[tuple[str, str], list[ImpactRow]] = defaultdict(list)
    for i in rows:
        suppliers[(i.supplier_id, i.supplier_name)].append(i)
        for p in i.products:
            products[p].append(i)
    _summary_sheet(wb.create_sheet("by supplier"), "supplier", suppliers,
                   lambda items: sorted({i.part_id for i in items}))
    _summary_sheet(wb.create_sheet("by product"), "product", products,
                   lambda items: sorted({i.supplier_id for i in items}))
    wb.save(out)


def _summary_sheet(sheet, kind: str, groups: dict[tuple[str, str], list[ImpactRow]], listed) -> None:
    """One row per supplier or product: parts touched, parts over the threshold, substances, and the
    parts (per supplier) or suppliers (per product) to contact."""
    last = "part_ids" if kind == "supplier" else "suppliers"
    sheet.append([f"{kind}_id", f"{kind}_name", "parts", "over_threshold_parts", "substances", last])
    for (key, name), items in sorted(groups.items()):
        sheet.append([key, name, len({i.part_id for i in items}), len({i.part_id for i in items if i.over_threshold}),
                      "; ".join(sorted({f"{i.substance_name} ({i.cas})" for i in items})), "; ".join(listed(items))])


# --- lists and list-diff -------------------------------------------------------------------------------

LIST_COLUMNS = ["id", "title", "regulation", "valid_from", "version_entries", "entries", "evaluated", "listed_only",
                "sources"]


def lists_json(infos: list[ListInfo]) -> list[dict]:
    """Every version of every list, whatever `--all` says: a program wants the whole history."""
    return [{"id": i.id, "title": i.title, "regulation": i.regulation,
             "versions": [{"valid_from": d, "entries": n} for d, n in i.versions],
             "entries": i.entries, "evaluated": i.evaluated, "listed_only": i.listed_only, "sources": i.sources}
            for i in infos]


def lists_rows(infos: list[ListInfo]) -> list[list[object]]:
    """One CSV row per list version (one row with empty version fields for a list without versions)."""
    return [[i.id, i.title, i.regulation, d, n, i.entries, i.evaluated, i.listed_only, "; ".join(i.sources)]
            for i in infos for d, n in (i.versions or [("", "")])]


DIFF_COLUMNS = ["change", "entry", "name", "field", "before", "after"]


def diff_json(list_id: str, since: str, until: str, added: dict[str, str], removed: dict[str, str],
              changed: list[EntryChange]) -> dict:
    def entries(found: dict[str, str]) -> list[dict]:
        return [{"entry": e, "name": n} for e, n in sorted(found.items(), key=lambda x: (x[1], x[0]))]

    return {"list": list_id, "from": since, "to": until, "added": entries(added), "removed": entries(removed),
            "changed": [{"entry": c.entry, "name": c.name,
                         "changes": [{"field": f.field, "before": f.before, "after": f.after} for f in c.changes]}
                        for c in changed]}


def diff_rows(diff: dict) -> list[list[str]]:
    """The CSV form of `diff_json`: one row per added or removed entry, one per changed field."""
    rows = [[kind, e["entry"], e["name"], "", "", ""] for kind in ("added", "removed") for e in diff[kind]]
    rows += [["changed", c["entry"], c["name"], f["field"], "; ".join(f["before"]), "; ".join(f["after"])]
             for c in diff["changed"] for f in c["changes"]]
    return rows


# --- names instead of IRIs ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    """What a person recognises a node by: its identifier and name, a substance's CAS number, a part's
    supplier."""

    id: str = ""
    name: str = ""
    cas: str = ""
    supplier_id: str = ""
    supplier_name: str = ""
    is_supplier: bool = False

    @property
    def text(self) -> str:
        return " ".join(v for v in (self.id, self.name) if v)

    @property
    def supplier(self) -> str:
        return " ".join(v for v in (self.supplier_id, self.supplier_name) if v)


# One set query for all the nodes a table names (parts, substances, suppliers, any other focus node),
# bound as VALUES and batched by `select_batched`; never one query per result.
_LABELS = """
    SELECT ?n ?id ?name ?cas ?sid ?sname ?isSupplier WHERE {
      OPTIONAL { ?n dct:identifier ?id }
      OPTIONAL { ?n rdfs:label ?name }
      OPTIONAL { ?n cg:casNumber ?cas }
      OPTIONAL { ?n a cg:Supplier . BIND(true AS ?isSupplier) }
      OPTIONAL { ?n cg:suppliedBy ?s . OPTIONAL { ?s dct:identifier ?sid } OPTIONAL { ?s rdfs:label ?sname } }
    }"""


def labels(store: Store, nodes: Iterable[str]) -> dict[str, Label]:
    """Labels of the IRIs in `nodes` (blank nodes and literals are skipped). Of several names the shortest
    English (or language-less) one is taken, as the impact table does: several sources name one substance."""
    iris = sorted({n for n in nodes if n and "://" in n and not n.startswith("_:")})
    found: dict[str, dict[str, str]] = defaultdict(dict)
    best: dict[str, tuple[int, int]] = {}
    for r in select_batched(store, _LABELS, "n", [NamedNode(i) for i in iris]):
        key, got = r["n"].value, found[r["n"].value]
        for var in ("id", "cas", "sid", "sname"):
            if var in r:
                got.setdefault(var, r[var].value)
        if "isSupplier" in r:
            got["is_supplier"] = "1"
        if "name" in r:
            name = r["name"]
            rank = (0 if isinstance(name, Literal) and (name.language or "en").startswith("en") else 1, len(name.value))
            if key not in best or rank < best[key]:
                best[key], got["name"] = rank, name.value
    return {k: Label(v.get("id", ""), v.get("name", ""), v.get("cas", ""), v.get("sid", ""), v.get("sname", ""),
                     "is_supplier" in v) for k, v in found.items()}


def short(term: object) -> str:
    """The last segments of an IRI, for nodes that have no name in the store."""
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else "/".join(text.rsplit("/", 2)[-2:])


# --- validation results ---------------------------------------------------------------------------------

RESULT_COLUMNS = ["severity", "pack", "part_id", "part_name", "supplier_id", "supplier_name", "substance_names",
                  "cas", "message", "focus", "focus_label", "part", "material", "shape", "component", "path", "value"]


def result_nodes(results: Iterable[ValidationResult]) -> set[str]:
    """The nodes a results table names: focus nodes, their parts, the substances they concern."""
    return {str(v) for r in results for v in (r.focus, *(v for k, v in r.details if k in ("part", "substance")))}


def result_row(r: ValidationResult, names: dict[str, Label]) -> dict:
    """One result with names: the part and its supplier (or the supplier a result is about), the
    substances, and the IRIs for programs that join further."""
    part = r.detail("part")
    focus = names.get(str(r.focus), Label())
    owner = names.get(str(part), Label()) if part is not None else focus
    supplier = (owner.supplier_id, owner.supplier_name) if owner.supplier_id else (
        (focus.id, focus.name) if focus.is_supplier else ("", ""))
    substances = [str(v) for k, v in r.details if k == "substance"] or ([str(r.focus)] if focus.cas else [])
    details: dict[str, list[str]] = defaultdict(list)
    for k, v in r.details:
        if k not in ("part", "material", "substance"):
            details[k].append(str(v))
    return {"severity": str(r.severity).rsplit("#", 1)[-1], "pack": r.pack, "focus": str(r.focus),
            "focus_label": focus.text or short(r.focus), "part": str(part) if part is not None else None,
            "part_id": owner.id if part is not None else None, "part_name": owner.name if part is not None else None,
            "material": str(r.detail("material")) if r.detail("material") is not None else None,
            "supplier_id": supplier[0] or None, "supplier_name": supplier[1] or None,
            "substances": [{"iri": s, "name": names.get(s, Label()).name or None,
                            "cas": names.get(s, Label()).cas or None} for s in substances],
            "shape": str(r.shape), "component": str(r.component), "path": _text(r.path), "value": _text(r.value),
            "message": _text(r.message), "details": dict(details)}


def _text(term: object) -> str | None:
    return None if term is None else str(term)


def result_csv_row(row: dict) -> list[object]:
    """A named result flattened to RESULT_COLUMNS: the substances' names and CAS numbers joined by "; "."""
    flat = {**row, "substance_names": "; ".join(s["name"] or short(s["iri"]) for s in row["substances"]),
            "cas": "; ".join(s["cas"] or "" for s in row["substances"])}
    return [flat[c] for c in RESULT_COLUMNS]


def validation_json(report: ValidationReport, rows: list[dict]) -> dict:
    """The verdicts, the counts by pack and severity, the warnings and every result (with names)."""
    return {"compliant": report.compliant, "conforms": report.conforms, "at": report.at, "packs": report.packs,
            "lists": report.lists, "counts": [{"pack": p, "severity": s, "results": n}
                                              for (p, s), n in sorted(report.counts().items(), key=str)],
            "warnings": report.warnings, "results": rows}


# --- SPARQL results in the W3C formats ------------------------------------------------------------------

_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[?$][A-Za-z0-9_]+|'
                     r'\(|\)|\{|\*|\b(?:SELECT|WHERE|FROM|AS)\b', re.IGNORECASE)


def projected_variables(query: str) -> list[str]:
    """The variables the outermost SELECT projects, in order ([] for `SELECT *` or no SELECT), so that a
    column no row binds still has its header. A scan of the projection, not a parser: strings, IRIs and
    comments are skipped so that a `?` or `SELECT` inside them does not count."""
    names: list[str] = []
    depth, started, after_as = 0, False, False
    for m in _TOKENS.finditer(query):
        tok = m.group(0)
        word = tok.upper()
        if not started:
            started = word == "SELECT"
            continue
        if tok[0] in "\"'<#":
            continue
        if word in ("WHERE", "FROM", "{") and depth == 0:
            break
        if tok == "*" and depth == 0:
            return []
        depth += {"(": 1, ")": -1}.get(tok, 0)
        if tok[0] in "?$" and (depth == 0 or after_as):
            names.append(tok[1:])
        after_as = word == "AS"
    return list(dict.fromkeys(names))


def result_columns(query: str, rows: list[Row]) -> list[str]:
    """The header of a query's results: the projection, then any variable a row binds that it missed."""
    found = list(dict.fromkeys(k for r in rows for k in r))
    return list(dict.fromkeys(projected_variables(query) + found))


def _json_term(term: NamedNode | BlankNode | Literal) -> dict:
    """An RDF term as the W3C results JSON writes it (a plain string literal carries no datatype)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}  # an RDF 1.2 triple term


def sparql_json(columns: list[str], rows: list[Row]) -> dict:
    """SPARQL 1.1 Query Results JSON Format (https://www.w3.org/TR/sparql11-results-json/)."""
    return {"head": {"vars": columns},
            "results": {"bindings": [{c: _json_term(r[c]) for c in columns if c in r} for r in rows]}}


def sparql_csv(columns: list[str], rows: list[Row]) -> str:
    """SPARQL 1.1 Query Results CSV (https://www.w3.org/TR/sparql11-results-csv-tsv/): plain values."""
    return csv_text(columns, ([("_:" + r[c].value if isinstance(r[c], BlankNode) else r[c].value) if c in r else ""
                               for c in columns] for r in rows))


def sparql_tsv(columns: list[str], rows: list[Row]) -> str:
    """SPARQL 1.1 Query Results TSV: `?var` headers, terms in N-Triples form (tabs and newlines escaped)."""
    lines = ["\t".join(f"?{c}" for c in columns)]
    lines += ["\t".join(str(r[c]) if c in r else "" for c in columns) for r in rows]
    return "\n".join(lines) + "\n"
