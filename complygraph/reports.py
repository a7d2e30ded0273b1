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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, Literal, NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.bom_index import bom_index
from complygraph.graph.entry_changes import EntryChange
from complygraph.graph.impact import ImpactRow
from complygraph.graph.queries import ListInfo
from complygraph.graph.store import Row, Store

if TYPE_CHECKING:  # the validator's modules load rdflib: only `validate` needs them, not every command
    from complygraph.graph.shacl.report import ValidationReport, ValidationResult

COLUMNS = ["change", "part_id", "part_name", "material_id", "material_name", "cas", "substance_name", "ppm",
           "article_percent", "over_threshold", "supplier_id", "supplier_name", "products", "entry_name", "entry",
           "limit_basis"]
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
    """CSV or JSON text (the xlsx workbook is complygraph/report_workbooks.py's `impact_workbook`)."""
    if fmt == "csv":
        return csv_text(COLUMNS, ([_flat(i)[c] for c in COLUMNS] for i in rows))
    if fmt == "json":
        return json_text(impact_json(rows))
    raise ValueError(f"unknown format {fmt!r}" + (" (xlsx: complygraph/report_workbooks.py)" if fmt == "xlsx" else ""))


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


_NO_LABEL = Label()

# One set query for all the nodes a table names (parts, substances, suppliers, any other focus node),
# bound as VALUES and batched by `select_batched`; never one query per result.
_LABELS = """
    SELECT ?n ?id ?name ?dbName ?cas ?sid ?sname ?isSupplier WHERE {
      OPTIONAL { ?n dct:identifier ?id }
      OPTIONAL { ?n rdfs:label ?name }
      OPTIONAL { ?n cg:databaseName ?dbName }
      OPTIONAL { ?n cg:casNumber ?cas }
      OPTIONAL { ?n cg:suppliedBy ?s . OPTIONAL { ?s dct:identifier ?sid } OPTIONAL { ?s rdfs:label ?sname } }
      OPTIONAL { ?n a cg:Supplier . BIND(true AS ?isSupplier) }
    }"""
# (the OPTIONAL with a BIND last: before the supplier's, Virtuoso 7.2 dropped the supplier of a lone node, QA6 B05)


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
        # a declared or listed name in English (or no language) first, then the identity database's (English, as
        # the tables of graph/queries.py `substance_names` show it), then a name in another language
        for var in ("name", "dbName"):
            if var in r:
                name = r[var]
                english = isinstance(name, Literal) and (name.language or "en").startswith("en")
                rank = (1 if var == "dbName" else 0 if english else 2, len(name.value))
                if key not in best or rank < best[key]:
                    best[key], got["name"] = rank, name.value
    return {k: Label(v.get("id", ""), v.get("name", ""), v.get("cas", ""), v.get("sid", ""), v.get("sname", ""),
                     "is_supplier" in v) for k, v in found.items()}


def short(term: object) -> str:
    """The last segments of an IRI, for nodes that have no name in the store."""
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else "/".join(text.rsplit("/", 2)[-2:])


# --- validation results ---------------------------------------------------------------------------------

# The columns of `validate --format csv` and of the xlsx results sheet; columns are added at the end, never
# renamed or removed. measured and limit are in `unit`, the unit the rule's message states.
RESULT_COLUMNS = ["severity", "pack", "part_id", "part_name", "supplier_id", "supplier_name", "substance_names",
                  "cas", "message", "focus", "focus_label", "part", "material", "shape", "component", "path", "value",
                  "products", "product_names", "material_id", "material_name", "regulation", "measured", "limit",
                  "unit", "basis", "exemption", "restriction", "entry"]
_SEVERITIES = {"Violation": 0, "Warning": 1, "Info": 2}
_LAST = re.compile(r"[/#]")
_NAMED_DETAILS = ("part", "material", "substance", "regulation", "exemption", "restriction", "entry")
# a unit the message template writes after the measured value or the limit, e.g. "{?measured} % w/w"
_UNIT = r"\s*(% w/w|%|ppm|mg/kg)"
_MEASURED, _LIMIT = re.compile(r"\{\?measured\}" + _UNIT), re.compile(r"\{([?$])(limit\w*)\}" + _UNIT)
UNIT_FORMATS = {"ppm": "#,##0.####", "mg/kg": "#,##0.####", "%": "0.0#####", "% w/w": "0.0#####"}


def in_order(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """The results in the order every named format (text, json, csv, xlsx) shows them, whatever order the
    engine found them in: severity, pack, focus node, shape, then value, message and details."""
    return sorted(results, key=lambda r: (_SEVERITIES.get(str(r.severity).rsplit("#", 1)[-1], 9), r.pack or "",
                                          str(r.focus), str(r.shape), str(r.value or ""), str(r.message or ""),
                                          [(k, str(v)) for k, v in r.details]))


@dataclass
class ResultContext:
    """What named results show beside each result: labels, the products each part goes into (through the
    BOM), and per rule the unit of its measured value and a limit given as a shape parameter."""

    names: dict[str, Label]
    products: dict[str, list[tuple[str, str]]]
    measures: dict[tuple[str, str], tuple[str | None, object]]
    # a blank-node path as a SPARQL property path ("(^<...#declares>)"): its label is new at every run (QA6 B10)
    paths: dict[str, str] = field(default_factory=dict)


def result_context(store: Store, report: ValidationReport, results: list[ValidationResult]) -> ResultContext:
    """One set query for the labels and the products from the BOM kept per store revision (read by the
    validation's derived facts just before), none per result."""
    parts = sorted({str(v) for r in results for k, v in r.details if k == "part"})
    return ResultContext(labels(store, result_nodes(results)), bom_index(store).products_above(parts),
                         _measures(report, results), report.path_texts(results))


def _measures(report: ValidationReport, results: list[ValidationResult]) -> dict[tuple[str, str], tuple]:
    """(unit, limit parameter value) per (shape, component), read from the rules: the unit the message
    template writes after `{?measured}`, and the value the shape gives the `{$limit...}` parameter the
    template names (sh:parameter paths: `$limitPercent` is the shape's cg:limitPercent)."""
    from rdflib.namespace import SH

    g, out = report.shapes, {}
    for r in results if g is not None else ():
        key = (str(r.shape), str(r.component))
        if key in out:
            continue
        nodes = [r.shape, r.constraint, *g.objects(r.component, SH.validator),
                 *g.objects(r.component, SH.nodeValidator), *g.objects(r.component, SH.propertyValidator)]
        text = " ".join(str(m) for n in nodes if n is not None for m in g.objects(n, SH.message))
        unit, limit = _MEASURED.search(text), _LIMIT.search(text)
        value = None
        if limit and limit.group(1) == "$":
            paths = (p for param in g.objects(r.component, SH.parameter) for p in g.objects(param, SH.path))
            value = next((g.value(r.shape, p) for p in paths if str(p).endswith(limit.group(2))), None)
        out[key] = (unit.group(1) if unit else (limit.group(3) if limit else None), value)
    return out


def result_nodes(results: Iterable[ValidationResult]) -> set[str]:
    """The nodes a results table names: focus nodes, their parts, materials, substances, rules."""
    return {str(v) for r in results for v in (r.focus, *(v for k, v in r.details if k in _NAMED_DETAILS))}


def result_row(r: ValidationResult, names: dict[str, Label] | ResultContext) -> dict:
    """One result with names: the part and its supplier (or the supplier a result is about), the
    substances, the products, what was measured against which limit, and the IRIs for programs that join
    further."""
    context = names if isinstance(names, ResultContext) else ResultContext(names, {}, {})
    names, one = context.names, dict(r.details)  # one value of each detail; `details` below keeps them all
    part, material, measured = one.get("part"), one.get("material"), one.get("measured")
    focus = names.get(str(r.focus), _NO_LABEL)
    owner = names.get(str(part), _NO_LABEL) if part is not None else focus
    mat = names.get(str(material), _NO_LABEL)
    supplier = (owner.supplier_id, owner.supplier_name) if owner.supplier_id else (
        (focus.id, focus.name) if focus.is_supplier else ("", ""))
    substances = [str(v) for k, v in r.details if k == "substance"] or ([str(r.focus)] if focus.cas else [])
    details: dict[str, list[str]] = defaultdict(list)
    for k, v in r.details:
        if k not in ("part", "material", "substance"):
            details[k].append(str(v))
    unit, limit = context.measures.get((str(r.shape), str(r.component)), (None, None))
    limit = one.get("limit", limit)

    def named(key: str) -> str | None:  # a rule's or regulation's identifier, else the end of its IRI
        return "; ".join(names.get(v, _NO_LABEL).id or _LAST.split(v)[-1] for v in details[key]) or None

    return {"severity": str(r.severity).rsplit("#", 1)[-1], "pack": r.pack, "focus": str(r.focus),
            "focus_label": focus.text or short(r.focus), "part": _text(part),
            "part_id": owner.id if part is not None else None, "part_name": owner.name if part is not None else None,
            "material": _text(material), "supplier_id": supplier[0] or None, "supplier_name": supplier[1] or None,
            "substances": [{"iri": s, "name": names.get(s, _NO_LABEL).name or None,
                            "cas": names.get(s, _NO_LABEL).cas or None} for s in substances],
            "shape": str(r.shape), "component": str(r.component),
            "path": context.paths.get(str(r.path)) or _text(r.path), "value": _text(r.value),
            "message": _text(r.message), "details": dict(details),
            "products": [{"id": i, "name": n} for i, n in context.products.get(str(part), [])],
            "material_id": mat.id or None if material is not None else None,
            "material_name": mat.name or None if material is not None else None,
            "regulation": named("regulation"), "measured": _text(measured), "limit": _text(limit),
            "unit": unit if measured is not None or limit is not None else None,
            "basis": _text(one.get("basis")), "exemption": named("exemption"),
            "restriction": named("restriction"), "entry": named("entry")}


def _text(term: object) -> str | None:
    return None if term is None else str(term)


def result_csv_row(row: dict) -> list[object]:
    """A named result flattened to RESULT_COLUMNS: several substances, CAS numbers or products joined by "; "."""
    products = row.get("products", [])
    flat = {**row, "substance_names": "; ".join(s["name"] or short(s["iri"]) for s in row["substances"]),
            "cas": "; ".join(s["cas"] or "" for s in row["substances"]),
            "products": "; ".join(p["id"] for p in products), "product_names": "; ".join(p["name"] for p in products)}
    return [flat.get(c) for c in RESULT_COLUMNS]


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
