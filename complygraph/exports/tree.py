"""What a declaration export says, read from the graph with set queries: the declared item (a part, or a
product and the parts it is made of), every part below it through the BOM with its quantity, each part's own
materials and their substance occurrences, and the company that declares.

Five queries whatever the size of the BOM (the item, its BOM lines, the parts, their materials, the
materials' substances; the last three batched by `select_batched` for a large BOM): the XML writers only walk the tree
built here. Masses stay `Decimal`s, as stored, so that a declared mass read back gives the same mg.

The graph stores each part's own mass (docs/declarations.md, "Mass basis"); both XML standards declare an
item's whole mass, its sub-products included, so `ExportItem.whole_mg` adds the children back (each times its
quantity), the inverse of what the loaders subtract (`loaders.declarations.model.DeclaredItem.own_mg`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree
from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Row, Store
from complygraph.loaders.exemption_claims import DEFAULT_EXEMPTION_LIST
from complygraph.vocab import ID, entity_iri

_EXEMPTION = f"{ID}exemption/"


class ExportError(ValueError):
    """The export cannot be made: an unknown or ambiguous item, no declaring company, a BOM cycle."""


@dataclass
class ExportSubstance:
    """One substance occurrence: identity, mass in mg and, when the import kept them, the amount and unit
    the supplier declared (re-declaring those gives back exactly the stored mass and concentration)."""

    name: str  # "" when the graph has none: the SubstanceID (CAS or EC) then names it
    cas: str
    ec: str
    mass_mg: Decimal
    declared_amount: Decimal | None = None
    declared_unit: str = ""
    exemption: str = ""  # "6(c)", or "<list id>:<id>" for another list than RoHS Annex III, as imports read it;
    # several are separated by "; "


@dataclass
class ExportMaterial:
    id: str
    name: str
    mass_mg: Decimal
    category: str = ""
    substances: list[ExportSubstance] = field(default_factory=list)


@dataclass
class ExportItem:
    """A part (or the product at the top) with its own mass and materials and its BOM children."""

    node: NamedNode
    id: str
    name: str
    item_number: str
    version: str = ""
    own_mg: Decimal | None = None
    is_product: bool = False
    materials: list[ExportMaterial] = field(default_factory=list)
    children: list[tuple[ExportItem, Decimal]] = field(default_factory=list)  # (child, quantity)

    def whole_mg(self) -> Decimal | None:
        """The whole item's mass, what both standards declare: its own mass plus each child's whole mass times
        its quantity; None when any of them is unknown (a part declared without a mass)."""
        own = self.own_mg if self.own_mg is not None else (Decimal(0) if self.is_product else None)
        if own is None:
            return None
        total = own
        for child, qty in self.children:
            mass = child.whole_mg()
            if mass is None:
                return None
            total += mass * qty
        return total


@dataclass(frozen=True)
class Company:
    """Who declares: the name is what an import matches a stored supplier by, the id its fallback."""

    name: str
    identity: str = ""


@dataclass
class Export:
    item: ExportItem
    company: Company


def read_export(store: Store, item_id: str, kind: str | None = None, company: Company | None = None) -> Export:
    """The item `item_id` (a part or a product; `kind` "part" or "product" when both exist) with everything
    below it, and the declaring company: `company` if given, else the supplier of the part (a product has
    none: the caller names its own company)."""
    root, is_product = _root(store, item_id, kind)
    # DISTINCT on the BOM line: Virtuoso answers a path once per way it is reached (QA6 B04: a part below a part
    # reached twice was exported twice as often, and the declared mass grew from 9 g to 47 g)
    lines = store.select("""
        SELECT DISTINCT ?u ?parent ?child ?qty WHERE {
          ?root (^cg:parent/cg:child)* ?parent .
          ?u cg:parent ?parent ; cg:child ?child ; cg:quantity ?qty .
        }""", {"root": root})
    nodes = sorted({root.value} | {r["child"].value for r in lines})
    parts = _parts(store, [NamedNode(n) for n in nodes])
    items = {n: _item(NamedNode(n), parts.get(n, {}), is_product and n == root.value) for n in nodes}
    for material, part in _materials(store, [NamedNode(n) for n in nodes if n != root.value or not is_product]):
        items[part].materials.append(material)
    for r in sorted(lines, key=lambda r: (r["parent"].value, items[r["child"].value].id)):
        if r["parent"].value in items:
            items[r["parent"].value].children.append((items[r["child"].value], Decimal(r["qty"].value)))
    _check_acyclic(items[root.value])
    top = items[root.value]
    if company is None:
        row = parts.get(root.value, {})
        if "sname" not in row and "sid" not in row:
            raise ExportError(f"{'product' if is_product else 'part'} {item_id!r} has no supplier to declare it: "
                              "name the declaring company")
        company = Company(_text(row, "sname") or _text(row, "sid"), _text(row, "company") or _text(row, "sid"))
    return Export(top, company)


def _root(store: Store, item_id: str, kind: str | None) -> tuple[NamedNode, bool]:
    candidates = {"part": entity_iri("part", item_id), "product": entity_iri("product", item_id)}
    if kind is not None and kind not in candidates:
        raise ExportError(f"kind must be 'part' or 'product', not {kind!r}")
    rows = store.select("SELECT ?n ?c WHERE { ?n a ?c FILTER(?c IN (cg:Part, cg:Product)) }",
                        {"n": [candidates[kind]] if kind else list(candidates.values())})
    found = {("product" if r["c"].value.endswith("#Product") else "part"): r["n"] for r in rows}
    if not found:
        raise ExportError(f"no {kind or 'part or product'} with id {item_id!r}")
    if len(found) > 1:
        raise ExportError(f"both a part and a product have id {item_id!r}: say which one to export")
    (which, node), = found.items()
    return node, which == "product"


def _parts(store: Store, nodes: list[NamedNode]) -> dict[str, Row]:
    rows = select_batched(store, """
        SELECT ?p ?id ?label ?number ?version ?mass ?sid ?sname ?company WHERE {
          ?p dct:identifier ?id .
          OPTIONAL { ?p rdfs:label ?label } OPTIONAL { ?p cg:itemNumber ?number }
          OPTIONAL { ?p cg:itemVersion ?version } OPTIONAL { ?p cg:massMg ?mass }
          OPTIONAL { ?p cg:suppliedBy ?s . OPTIONAL { ?s dct:identifier ?sid } OPTIONAL { ?s rdfs:label ?sname }
                     OPTIONAL { ?s cg:companyId ?company } }
        }""", "p", list(nodes))
    out: dict[str, Row] = {}
    for r in sorted(rows, key=lambda r: tuple(str(r.get(k, "")) for k in ("p", "label", "number", "sname", "sid"))):
        out.setdefault(r["p"].value, r)  # the first of several labels, in a stable order
    return out


def _item(node: NamedNode, row: Row, is_product: bool) -> ExportItem:
    pid = _text(row, "id") or node.value.rsplit("/", 1)[-1]
    mass = Decimal(row["mass"].value) if "mass" in row and not is_product else None
    return ExportItem(node, pid, _text(row, "label") or pid, _text(row, "number") or pid, _text(row, "version"),
                      mass, is_product)


def _materials(store: Store, parts: list[NamedNode]) -> list[tuple[ExportMaterial, str]]:
    """Every material of the parts with its substances, in a stable order: (material, part IRI). Two flat
    queries, materials then occurrences: nesting the occurrences' OPTIONALs inside the materials' made
    Oxigraph take minutes on a 700-part BOM, these take about a second."""
    rows = select_batched(store, """
        SELECT ?p ?m ?mid ?mname ?mmass ?cat WHERE {
          ?p cg:hasMaterial ?m . ?m cg:massMg ?mmass .
          OPTIONAL { ?m dct:identifier ?mid } OPTIONAL { ?m rdfs:label ?mname } OPTIONAL { ?m cg:materialCategory ?cat }
        }""", "p", list(parts))
    materials: dict[str, tuple[ExportMaterial, str]] = {}
    for r in sorted(rows, key=lambda r: tuple(str(r.get(k, "")) for k in ("p", "mid", "m", "mname", "cat"))):
        if r["m"].value not in materials:
            mid = _text(r, "mid") or r["m"].value.rsplit("/", 1)[-1]
            materials[r["m"].value] = (ExportMaterial(mid, _text(r, "mname") or mid, Decimal(r["mmass"].value),
                                                      _text(r, "cat")), r["p"].value)
    occurrences = select_batched(store, """
        SELECT ?m ?occ ?s ?cas ?ec ?sname ?mg ?amount ?unit ?ex ?exid WHERE {
          ?p cg:hasMaterial ?m . ?m cg:contains ?occ . ?occ cg:substance ?s ; cg:massMg ?mg .
          OPTIONAL { ?s cg:casNumber ?cas } OPTIONAL { ?s cg:ecNumber ?ec }
          OPTIONAL { ?s rdfs:label ?sname FILTER(LANG(?sname) = "" || LANGMATCHES(LANG(?sname), "en")) }
          OPTIONAL { ?occ cg:declaredAmount ?amount ; cg:declaredUnit ?unit }
          OPTIONAL { ?occ cg:claimedExemption ?ex OPTIONAL { ?ex cg:exemptionId ?exid } }
        }""", "p", list(parts))
    claims: dict[str, list[str]] = {}  # an occurrence may claim several exemptions: each read back
    for r in occurrences:
        if (claim := _exemption(r)) and claim not in claims.setdefault(r["occ"].value, []):
            claims[r["occ"].value].append(claim)
    seen: set[str] = set()
    order = ("occ", "sname", "cas", "ec", "amount", "unit", "ex", "exid")
    for r in sorted(occurrences, key=lambda r: tuple(str(r.get(k, "")) for k in order)):
        if r["occ"].value in seen or r["m"].value not in materials:
            continue
        seen.add(r["occ"].value)
        materials[r["m"].value][0].substances.append(ExportSubstance(
            _text(r, "sname"), _text(r, "cas"), _text(r, "ec"),
            Decimal(r["mg"].value), Decimal(r["amount"].value) if "amount" in r else None, _text(r, "unit"),
            "; ".join(sorted(claims.get(r["occ"].value, [])))))
    out = sorted(materials.values(), key=lambda t: (t[1], t[0].id))
    for mat, _ in out:
        mat.substances.sort(key=lambda s: (s.cas or "~", s.ec, s.name))
    return out


def _exemption(row: Row) -> str:
    """The claimed exemption as an import reads it back: its id ("6(c)"), prefixed with its list when that is
    not RoHS Annex III ("eu-rohs-annex-iv:13"). Without the exemption list loaded, the IRI's slug ("6-c")
    names it, which an import slugs to the same IRI."""
    if "ex" not in row:
        return ""
    iri = row["ex"].value
    list_id, _, slug = iri[len(_EXEMPTION):].partition("/") if iri.startswith(_EXEMPTION) else ("", "", iri)
    ident = _text(row, "exid") or slug
    return ident if list_id in ("", DEFAULT_EXEMPTION_LIST) else f"{list_id}:{ident}"


def _check_acyclic(top: ExportItem) -> None:
    """A BOM that contains itself has no whole mass and no finite XML: refused (imports refuse one too)."""
    def walk(item: ExportItem, path: tuple[str, ...]) -> None:
        if item.node.value in path:
            raise ExportError(f"the BOM of {top.id!r} contains a cycle through {item.id!r}")
        for child, _ in item.children:
            walk(child, (*path, item.node.value))
    walk(top, ())


def _text(row: Row, name: str) -> str:
    return row[name].value.strip() if name in row else ""


def number(value: Decimal) -> str:
    """A decimal as both standards write numbers: plain digits, no exponent, no trailing zeros."""
    return format(value.normalize(), "f") if value != 0 else "0"


def element(parent, namespace: str, tag: str, /, **attrs: str):
    """A child element with the attributes that have a value (an empty one is left out, not written empty)."""
    el = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    for key, value in attrs.items():
        if value:
            el.set(key, value)
    return el


def business_info(root, namespace: str, company: Company, date_attribute: str, at) -> None:
    """BusinessInfo/Response (dated by `date_attribute`, as each standard names it)/SupplyCompany/CompanyID."""
    response = element(element(root, namespace, "BusinessInfo"), namespace, "Response",
                       **{date_attribute: at.isoformat()})
    supplier = element(response, namespace, "SupplyCompany", name=company.name)
    if company.identity:
        element(supplier, namespace, "CompanyID", identity=company.identity)
