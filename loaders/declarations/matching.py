"""Which stored supplier and part a declaration is about.

The supplier: the stored supplier whose name is the declaring company's, compared as people write company names,
without regard to letter case or to spaces around and between words (`name_form`): "OSAKA ASSEMBLIES K.K." is
the stored "Osaka Assemblies K.K." (QA12 B04: an exact comparison made the newer declaration a new supplier and
an orphan part `DUNS-777:ASM-1` outside every BOM, and the product kept the superseded composition). A stored
supplier with the file's `CompanyID@identity` (as its `cg:companyId` or its id) is the same company too. When the
name and the company id point at two different stored suppliers, or the name at two, the file is refused naming
them: which one is meant cannot be told, and guessing would replace the wrong composition or create an orphan.
No stored supplier: a new one, with the company id (else a key of the name) as its id.

The part: the stored part of that supplier with the item number, else a new part with the item number as its id
(`<supplier>:<item number>` if another supplier's part already has that id).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from complygraph.graph.store import Store
from complygraph.identifiers import name_key
from complygraph.loaders.declarations.model import Declaration
from complygraph.loaders.errors import InputError, Problem

COMPANY = "BusinessInfo/Response/SupplyCompany@name"


def name_form(name: str) -> str:
    """A company name as names are compared: case folded, runs of white space as one space, none around it."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Supplier:
    """The supplier a declaration is written for: its id, and whether it is stored already (its name and company id
    are then kept as stored, never given a second value)."""

    id: str
    stored: bool
    company_id: str = ""  # the stored company id, if any


def match_supplier(store: Store, decl: Declaration) -> Supplier:
    """The stored supplier of the declaring company (by name as `name_form` compares names, or by company id), else
    a new one; InputError when the name and the id name different stored suppliers, or the name names several."""
    # every stored supplier (a few thousand at most): names are compared here, as `name_form` says, the same on
    # every SPARQL engine
    rows = store.select("""SELECT ?id ?name ?cid WHERE { ?s a cg:Supplier ; dct:identifier ?id ; rdfs:label ?name .
                                                          OPTIONAL { ?s cg:companyId ?cid } }""")
    by_name = {r["id"].value: r for r in rows if name_form(r["name"].value) == name_form(decl.company)}
    exact = {i: r for i, r in by_name.items() if r["name"].value == decl.company}
    by_name = exact or by_name
    by_id = {r["id"].value: r for r in rows if decl.company_id and decl.company_id in (
        r["id"].value, r["cid"].value if "cid" in r else None)}
    found = set(by_name) | set(by_id)
    if len(found) > 1:
        shown = "; ".join(f"{i} {r['name'].value!r} (by {'name' if i in by_name else 'company id'})"
                          for i, r in sorted({**by_id, **by_name}.items()))
        raise InputError([Problem(decl.file, decl.date_line, COMPANY, (
            f"the declaring company {decl.company!r}" + (f" (CompanyID {decl.company_id!r})" if decl.company_id
                                                         else "") + f" matches several stored suppliers: {shown}; "
            "which one declares cannot be told, so nothing was stored (give the stored supplier's name, or merge "
            "the suppliers)"))])
    if found:
        [sid] = found
        row = {**by_id, **by_name}[sid]
        return Supplier(sid, True, row["cid"].value if "cid" in row else "")
    return Supplier(decl.company_id or name_key(decl.company), False)


def part_id(store: Store, item_number: str, supplier: NamedNode, sid: str) -> str:
    """The stored part of this supplier with the item number, else the item number, prefixed with the
    supplier id when another supplier's part already has it as its id."""
    # not a sub-product another declaration of the supplier describes inside its own item: a standalone declaration
    # of that number landed on it and superseded the whole parent's declaration (a review of 2026-12-07)
    rows = store.select("""SELECT ?id WHERE { ?p cg:itemNumber ?n ; a cg:Part ; cg:suppliedBy ?s ;
                                               dct:identifier ?id .
                                            FILTER NOT EXISTS { ?d cg:declares ?p , ?parent .
                                                                ?u cg:parent ?parent ; cg:child ?p } }""",
                        {"n": Literal(item_number), "s": supplier})
    if rows:
        return rows[0]["id"].value
    other = store.select("""SELECT ?s WHERE { ?p dct:identifier ?id ; a cg:Part . OPTIONAL { ?p cg:suppliedBy ?s } }""",
                         {"id": Literal(item_number)})
    if other and other[0].get("s") not in (None, supplier):
        return f"{sid}:{item_number}"
    return item_number
