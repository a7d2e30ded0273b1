"""The SCIP-ready dataset: for each article (a part, each one an article of its own after CJEU C-106/14) that
holds a Candidate List substance above 0.1 % w/w at a date, the substance, its concentration range as SCIP
asks for it, the material it is in with that material's category, the article's supplier, and where the
article sits in each product's BOM. Written as CSV (UTF-8) or xlsx.

Which list and which limit are the data of the SVHC pack, not code: every shape of the named packs that has
`cg:substanceList` and `cg:limitPercent` (the parameters of `cgsh:ListArticleThresholdComponent`,
shapes/components.ttl) gives one set query with that component's semantics: the substance's mass summed
over the part's own materials, divided by the part's own mass, listed entries in force at the date. So a
(article, entry) has rows exactly when the pack has an ArticleThreshold result for them (tests/test_exports.py
checks it). The five concentration ranges are SCIP's; docs/exports.md says what could be confirmed of them
and where.

A supplier may also state that the article holds a substance of the list above the threshold without naming it
(an IPC-1752A Class C statement, `cgsh:DeclaredOverThresholdComponent`, the pack's `cg:overThresholdDeclaredFor`):
the article must be notified all the same (REACH Art. 33(1), Directive 2008/98/EC Art. 9(1)(i)), so it has a row
of its own whose substance is "not identified" (QA12 B07: such an article had no row and nothing said so).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from pyoxigraph import Literal, NamedNode, parse
from rdflib import Graph, URIRef

from complygraph.graph.bindings import select_batched
from complygraph.graph.shacl.packs import shapes_dir, shapes_graph
from complygraph.graph.shacl.preconditions import check_inputs
from complygraph.graph.store import Row, Store
from complygraph.vocab import CG
from complygraph.xlsx_tables import Table, write_workbook

# (exclusive lower bound, inclusive upper bound, label), % w/w of the article
SCIP_RANGES = (
    (Decimal("0.1"), Decimal("0.3"), ">0.1 % - 0.3 %"),
    (Decimal("0.3"), Decimal("1.0"), ">0.3 % - 1.0 %"),
    (Decimal("1.0"), Decimal("10"), ">1.0 % - 10 %"),
    (Decimal("10"), Decimal("20"), ">10 % - 20 %"),
    (Decimal("20"), Decimal("100"), ">20 % - 100 %"),
)
DEFAULT_PACKS = ["eu-reach-svhc"]
COLUMNS = ["list", "product_id", "product_name", "bom_path", "quantity_in_product", "article_id", "article_name",
           "article_item_number", "supplier_id", "supplier_name", "article_mass_mg", "svhc_name", "cas", "ec",
           "substance_name", "date_of_inclusion", "svhc_mass_mg", "concentration_percent", "concentration_range",
           "material_id", "material_name", "material_category", "material_mass_mg", "substance_mass_mg"]
PATH_SEPARATOR = " > "
NUMBER_FORMATS = {"quantity_in_product": "0.###", "article_mass_mg": "#,##0.######", "svhc_mass_mg": "#,##0.######",
                  "concentration_percent": "0.0000##", "material_mass_mg": "#,##0.######",
                  "substance_mass_mg": "#,##0.######"}
# the substance of an article whose supplier states the list over the threshold without naming the substance
NOT_IDENTIFIED = "Candidate List substance not identified (supplier declaration of {date} states over {limit} %)"
_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")
_DECIMAL = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
_IDENTITY_PATTERN, _IDENTIFIES, _DATE_TEMPLATE = (f"{CG}identityPattern", f"{CG}identifiesList",
                                                   f"{CG}versionDateTemplate")

# The article shares of one list at one date, above the limit, with what each is made of: the inner query is
# the ListArticleThresholdComponent's own (GROUP BY part and entry, HAVING the share above the limit).
_SHARES = """
SELECT ?part ?entry ?partMg ?entryMg ?substance ?material ?mg
       (MIN(STR(?partId)) AS ?pid) (MIN(STR(?partName)) AS ?pname) (MIN(STR(?number)) AS ?pnum)
       (MIN(STR(?supplierId)) AS ?sid) (MIN(STR(?supplierName)) AS ?sname)
       (MIN(STR(?entryName)) AS ?ename) (MIN(STR(?included)) AS ?incl)
       (MIN(STR(?cas)) AS ?casNo) (MIN(STR(?ec)) AS ?ecNo) (MIN(STR(?substanceName)) AS ?subname)
       (MIN(STR(?materialId)) AS ?mid) (MIN(STR(?materialName)) AS ?mname) (MIN(STR(?category)) AS ?cat)
       (MIN(?materialMg) AS ?mmass) WHERE {
  { SELECT ?part ?entry ?partMg (SUM(?m) AS ?entryMg) WHERE {
      # BINDINGS
      ?entry cg:inList ?list ; cg:dateOfInclusion ?included0 ; cg:concerns ?s .
      FILTER(?included0 <= ?at)
      FILTER NOT EXISTS { ?entry cg:dateOfRemoval ?removed FILTER(?removed <= ?at) }
      ?o cg:substance ?s ; cg:massMg ?m .
      ?mat cg:contains ?o .
      ?part cg:hasMaterial ?mat ; cg:massMg ?partMg .
    } GROUP BY ?part ?entry ?partMg ?limit
      HAVING (100 * SUM(?m) / ?partMg > ?limit) }
  ?entry cg:concerns ?substance .
  ?part cg:hasMaterial ?material . ?material cg:contains ?occ . ?occ cg:substance ?substance ; cg:massMg ?mg .
  OPTIONAL { ?part dct:identifier ?partId } OPTIONAL { ?part rdfs:label ?partName }
  OPTIONAL { ?part cg:itemNumber ?number }
  OPTIONAL { ?part cg:suppliedBy ?supplier . OPTIONAL { ?supplier dct:identifier ?supplierId }
             OPTIONAL { ?supplier rdfs:label ?supplierName } }
  OPTIONAL { ?entry rdfs:label ?entryName FILTER(LANG(?entryName) = "" || LANGMATCHES(LANG(?entryName), "en")) }
  OPTIONAL { ?entry cg:dateOfInclusion ?included }
  OPTIONAL { ?substance cg:casNumber ?cas } OPTIONAL { ?substance cg:ecNumber ?ec }
  OPTIONAL { ?substance rdfs:label ?substanceName
             FILTER(LANG(?substanceName) = "" || LANGMATCHES(LANG(?substanceName), "en")) }
  OPTIONAL { ?material dct:identifier ?materialId } OPTIONAL { ?material rdfs:label ?materialName }
  OPTIONAL { ?material cg:materialCategory ?category } OPTIONAL { ?material cg:massMg ?materialMg }
} GROUP BY ?part ?entry ?partMg ?entryMg ?substance ?material ?mg"""

# The articles whose supplier's declaration states the list over its threshold (IPC-1752A Class C), with no
# exemption: cgsh:DeclaredOverThresholdComponent's statements, one group per article (its latest declaration).
# The statement's list is read from its declared list identity by the patterns the store's derived
# `cg:aboutList` comes from (graph/derived.py), bound as ?pattern: `scip` reads, it derives nothing, and a store
# never validated has no `cg:aboutList` yet.
_DECLARED = """
SELECT ?part (MAX(STR(?declared)) AS ?date) (MIN(?mass) AS ?partMg)
       (MIN(STR(?partId)) AS ?pid) (MIN(STR(?partName)) AS ?pname) (MIN(STR(?number)) AS ?pnum)
       (MIN(STR(?supplierId)) AS ?sid) (MIN(STR(?supplierName)) AS ?sname) WHERE {
  # BINDINGS
  ?statement cg:overThreshold true ; cg:categoryList ?identity ; cg:aboutPart ?part ; cg:categoryName ?category .
  FILTER(REGEX(STR(?identity), ?pattern, "i"))
  FILTER NOT EXISTS { ?statement cg:statedExemption ?exemption }
  ?declaration cg:hasStatement ?statement ; dct:date ?declared .
  ?part a cg:Part .
  OPTIONAL { ?part cg:massMg ?mass }
  OPTIONAL { ?part dct:identifier ?partId } OPTIONAL { ?part rdfs:label ?partName }
  OPTIONAL { ?part cg:itemNumber ?number }
  OPTIONAL { ?part cg:suppliedBy ?supplier . OPTIONAL { ?supplier dct:identifier ?supplierId }
             OPTIONAL { ?supplier rdfs:label ?supplierName } }
} GROUP BY ?part"""

# Every BOM line above the articles, and what each parent is: the paths are walked from these in Python.
_ANCESTRY = """
SELECT DISTINCT ?child ?parent ?qty ?kind ?pid ?pname WHERE {
  ?article (^cg:child/cg:parent)* ?child .
  ?u cg:child ?child ; cg:parent ?parent ; cg:quantity ?qty .
  OPTIONAL { ?parent a ?kind FILTER(?kind = cg:Product) }
  OPTIONAL { ?parent dct:identifier ?pid } OPTIONAL { ?parent rdfs:label ?pname }
}"""


def concentration_range(percent: Decimal) -> str | None:
    """The SCIP concentration range of a share in % w/w: each range excludes its lower bound and includes its
    upper one, so exactly 0.1 % is in none (not above the threshold) and 0.3 % is in the first. A share a
    little over 100 % (masses agree within the imports' 1 % tolerance) is in the last range."""
    for low, high, label in SCIP_RANGES:
        if low < percent <= high:
            return label
    return SCIP_RANGES[-1][2] if percent > SCIP_RANGES[-1][1] else None


def article_thresholds(g: Graph, owner: dict, names: list[str]) -> list[tuple[NamedNode, Decimal]]:
    """(substance list, limit in %) of every article-share shape of the named packs (`packs.shapes_graph`), as
    the shapes state them: the parameters of `cgsh:ListArticleThresholdComponent`."""
    found = set()
    for shape, lst in g.subject_objects(URIRef(CG + "substanceList")):
        limit = g.value(shape, URIRef(CG + "limitPercent"))
        if owner.get(shape) in names and limit is not None:
            found.add((NamedNode(str(lst)), Decimal(str(limit))))
    return sorted(found, key=lambda t: (t[0].value, t[1]))


def declared_lists(g: Graph, owner: dict, names: list[str]) -> set[NamedNode]:
    """The lists whose over-threshold statements the named packs report (`cg:overThresholdDeclaredFor`, the
    parameter of `cgsh:DeclaredOverThresholdComponent`): the packs', not code's, say which statements count."""
    return {NamedNode(str(lst)) for shape, lst in g.subject_objects(URIRef(CG + "overThresholdDeclaredFor"))
            if owner.get(shape) in names}


def identity_patterns(lst: NamedNode) -> list[Literal]:
    """The declared list identity patterns that name `lst` (shapes/data/declared-list-identities.ttl, the
    shared pack data graph/derived.py reads `cg:aboutList` by), as SPARQL literals to bind as ?pattern."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for path in sorted((shapes_dir() / "data").glob("*.ttl")):
        for quad in parse(path=str(path)):
            if quad.predicate.value in (_IDENTITY_PATTERN, _IDENTIFIES, _DATE_TEMPLATE):
                found[str(quad.subject)][quad.predicate.value] = quad.object.value
    # as the derived step, a pattern counts only with its list and its version template
    return sorted({Literal(p[_IDENTITY_PATTERN]) for p in found.values()
                   if p.get(_IDENTIFIES) == lst.value and _IDENTITY_PATTERN in p and _DATE_TEMPLATE in p},
                  key=lambda t: t.value)


def scip_rows(store: Store, at: dt.date, packs: list[str] | None = None) -> list[dict]:
    """One row per article, Candidate List substance above the limit, material holding it and place in a BOM
    (a product's path down to the article; an article in no product is its own top), in a stable order.
    An article whose supplier states the list over the threshold without naming the substance, and that no
    composition shows above it, has one row per place whose substance is `NOT_IDENTIFIED` (no CAS, no mass:
    `not_identified`), so that it is notified and its supplier asked. Raises `MissingInput` (a ValueError) when
    the store has no part or the pack's list has no version in force at `at`, as `complygraph validate` does."""
    g, owner, names = shapes_graph(packs or DEFAULT_PACKS, at)
    check_inputs(store, g, owner, names, at)
    stated = declared_lists(g, owner, names)
    rows: list[dict] = []
    for lst, limit in article_thresholds(g, owner, names):
        found = store.select(_SHARES, {"list": lst, "at": Literal(at.isoformat(), datatype=_DATE),
                                       "limit": Literal(str(limit), datatype=_DECIMAL)})
        articles = {r["part"].value: r["pid"].value if "pid" in r else r["part"].value for r in found}
        patterns = identity_patterns(lst) if lst in stated else []
        # an article whose composition names a substance above the limit is described by those rows already
        declared = [r for r in (store.select(_DECLARED, {"pattern": patterns}) if patterns else [])
                    if r["part"].value not in articles]
        places = _places(store, articles | {r["part"].value: r["pid"].value if "pid" in r else r["part"].value
                                            for r in declared})
        list_id = lst.value.rsplit("/", 1)[-1]
        for r in found:
            rows += [_row(list_id, r, place) for place in places[r["part"].value]]
        for r in declared:
            rows += [_declared_row(list_id, limit, r, place) for place in places[r["part"].value]]
    rows.sort(key=lambda r: (r["list"], r["product_id"], r["bom_path"], r["article_id"], r["svhc_name"], r["cas"],
                             r["ec"], r["material_id"]))
    return rows



def _row(list_id: str, r: Row, place: tuple[str, str, str, Decimal]) -> dict:
    product_id, product_name, path, quantity = place
    part_mg, entry_mg = Decimal(r["partMg"].value), Decimal(r["entryMg"].value)
    share = 100 * entry_mg / part_mg
    text = {k: r[k].value if k in r else "" for k in ("pid", "pname", "pnum", "sid", "sname", "ename", "incl",
                                                      "casNo", "ecNo", "subname", "mid", "mname", "cat")}
    return {
        "list": list_id, "product_id": product_id, "product_name": product_name, "bom_path": path,
        "quantity_in_product": quantity, "article_id": text["pid"], "article_name": text["pname"] or text["pid"],
        "article_item_number": text["pnum"], "supplier_id": text["sid"], "supplier_name": text["sname"],
        "article_mass_mg": _plain(part_mg), "svhc_name": text["ename"] or text["subname"] or text["casNo"],
        "cas": text["casNo"], "ec": text["ecNo"], "substance_name": text["subname"],
        "date_of_inclusion": text["incl"], "svhc_mass_mg": _plain(entry_mg),
        "concentration_percent": _plain(share.quantize(Decimal("0.000001"))),
        "concentration_range": concentration_range(share) or "", "material_id": text["mid"],
        "material_name": text["mname"] or text["mid"], "material_category": text["cat"],
        "material_mass_mg": _plain(Decimal(r["mmass"].value)) if "mmass" in r else None,
        "substance_mass_mg": _plain(Decimal(r["mg"].value)),
    }


def not_identified(row: dict) -> bool:
    """Whether a row is an article declared over the threshold without its substance (`NOT_IDENTIFIED`): the
    only rows without the entry's mass in the article."""
    return row.get("svhc_mass_mg") is None


def unidentified_articles(rows: list[dict]) -> list[str]:
    """The ids of the articles declared over the threshold without their substance, each once, sorted: what the
    SCIP preparer has to ask the suppliers for before notifying."""
    return sorted({row["article_id"] for row in rows if not_identified(row)})


def _declared_row(list_id: str, limit: Decimal, r: Row, place: tuple[str, str, str, Decimal]) -> dict:
    """A row for an article its supplier declares over the threshold without naming the substance: the article
    and its place as in every row, the substance `NOT_IDENTIFIED` with the declaration's date, no CAS, EC,
    inclusion date, mass, share or material (nothing known of them), the range "above the limit"."""
    product_id, product_name, path, quantity = place
    text = {k: r[k].value if k in r else "" for k in ("pid", "pname", "pnum", "sid", "sname", "date")}
    text["pid"] = text["pid"] or r["part"].value.rsplit("/", 1)[-1]  # counted by id: never an empty one
    name = NOT_IDENTIFIED.format(date=text["date"], limit=_cell_text(_plain(limit)))
    return {
        "list": list_id, "product_id": product_id, "product_name": product_name, "bom_path": path,
        "quantity_in_product": quantity, "article_id": text["pid"], "article_name": text["pname"] or text["pid"],
        "article_item_number": text["pnum"], "supplier_id": text["sid"], "supplier_name": text["sname"],
        "article_mass_mg": _plain(Decimal(r["partMg"].value)) if "partMg" in r else None, "svhc_name": name,
        "cas": "", "ec": "", "substance_name": name, "date_of_inclusion": "", "svhc_mass_mg": None,
        "concentration_percent": None, "concentration_range": f">{_cell_text(_plain(limit))} %", "material_id": "",
        "material_name": "", "material_category": "", "material_mass_mg": None, "substance_mass_mg": None,
    }


def _places(store: Store, articles: dict[str, str]) -> dict[str, list[tuple[str, str, str, Decimal]]]:
    """Per article (IRI -> id): (product id, product name, path of ids from the top down to it, how many of it
    one top holds), one per way down from each product or top-level part; an article in no BOM is its own
    top, and its path is its id."""
    nodes = [NamedNode(a) for a in sorted(articles)]
    lines = select_batched(store, _ANCESTRY, "article", nodes) if nodes else []
    parents: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    info: dict[str, tuple[str, str, bool]] = {}
    for r in sorted({(r["child"].value, r["parent"].value): r for r in lines}.values(),
                    key=lambda r: (r["child"].value, r["parent"].value)):
        parents[r["child"].value].append((r["parent"].value, Decimal(r["qty"].value)))
        pid = r["pid"].value if "pid" in r else r["parent"].value.rsplit("/", 1)[-1]
        info[r["parent"].value] = (pid, r["pname"].value if "pname" in r else pid, "kind" in r)
    ids = dict(articles) | {node: pid for node, (pid, _, _) in info.items()}

    def up(node: str, seen: tuple[str, ...]) -> list[tuple[list[str], Decimal]]:
        if node in seen:  # a cycle: imports refuse them, so stop rather than loop
            return []
        if not parents.get(node):
            return [([node], Decimal(1))]
        return [(path + [node], qty * q) for parent, q in parents[node] for path, qty in up(parent, (*seen, node))]

    out: dict[str, list[tuple[str, str, str, Decimal]]] = {}
    for article in sorted(articles):
        places = []
        for path, qty in up(article, ()):
            top = info.get(path[0])
            is_product = bool(top and top[2])
            names = [ids.get(n, n.rsplit("/", 1)[-1]) for n in path]
            places.append((top[0] if is_product else "", top[1] if is_product else "",
                           PATH_SEPARATOR.join(names), _plain(qty)))
        out[article] = sorted(set(places)) or [("", "", articles[article], Decimal(1))]
    return out


def _plain(value: Decimal) -> Decimal:
    """A decimal without trailing zeros or exponent (5.000000 -> 5), for files people read."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def write_scip(rows: list[dict], path: Path, fmt: str = "csv", excel_bom: bool = False) -> Path:
    """Write the rows as CSV (UTF-8, a header row; `excel_bom` starts it with a byte order mark so that Excel
    reads UTF-8) or as an xlsx workbook people can filter (styled header, frozen header row, auto-filter,
    column widths, number formats); returns `path`."""
    path = Path(path)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(COLUMNS)
        writer.writerows([_cell_text(row.get(c)) for c in COLUMNS] for row in rows)
        path.write_text(buf.getvalue(), encoding="utf-8-sig" if excel_bom else "utf-8", newline="")
    elif fmt == "xlsx":
        _xlsx(rows, path)
    else:
        raise ValueError(f"unknown format {fmt!r}: csv or xlsx")
    return path


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _xlsx(rows: list[dict], path: Path) -> None:
    """The shared formatted table (complygraph/xlsx_tables.py), the inclusion date as an Excel date."""
    table = Table("SCIP", COLUMNS, [[row.get(c) for c in COLUMNS] for row in rows], NUMBER_FORMATS,
                  frozenset({"date_of_inclusion"}))
    write_workbook(path, [table])
