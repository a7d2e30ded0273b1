"""Small hand-made data sets for the shape pack tests, written in the import format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from complygraph.graph import open_store
from complygraph.graph.queries import lists
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.packs import available, shapes_graph
from complygraph.graph.shacl.preconditions import lists_named
from complygraph.graph.shacl.validator import pyshacl_results, store_graph
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions


def build(tmp: Path, parts: list[dict], lists: list[str] | None = None, identities: str | None = None,
          products: list[dict] | None = None, bom: list[tuple[str, str, int]] | None = None, into=None):
    """A store with the reference lists and the given parts (and `identities.csv`, if given, as its text;
    `products`, if given, as products with their EEE categories and the parts they contain: see `product`;
    `into`, a store to load them into instead of a new one in memory).

    Each part: {"id", "mass_mg", "packaging": bool, "materials": [{"id", "mass_mg", "category",
    "substances": [(cas, amount, unit, intentional, exemption)]}]}.
    """
    folder = tmp / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if identities is not None:
        (folder / "identities.csv").write_text(identities)
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Test Supplier\n")
    uses = any(p.get("uses") for p in parts)  # a part's own uses (parts.csv `uses`), when a case gives some
    p_rows = ["part_id,name,supplier_id,mass,mass_unit,declaration_date,packaging" + (",uses" if uses else "")]
    m_rows = ["material_id,part_id,name,mass,mass_unit,category"]
    s_rows = ["material_id,cas,amount,unit,intentional,exemption"]
    for p in parts:
        packaging = "yes" if p.get("packaging") else "no"
        declared = p.get("declaration_date", "2025-01-01")  # "" for a part nobody declared
        p_rows.append(f"{p['id']},part {p['id']},S1,{p['mass_mg']},mg,{declared},{packaging}"
                      + (f",{p.get('uses', '')}" if uses else ""))
        for m in p["materials"]:
            m_rows.append(f"{m['id']},{p['id']},material {m['id']},{m['mass_mg']},mg,{m.get('category', '')}")
            for cas, amount, unit, intentional, exemption in m["substances"]:
                s_rows.append(f"{m['id']},{cas},{amount},{unit},{intentional or ''},{exemption or ''}")
    (folder / "parts.csv").write_text("\n".join(p_rows) + "\n")
    (folder / "materials.csv").write_text("\n".join(m_rows) + "\n")
    (folder / "substances.csv").write_text("\n".join(s_rows) + "\n")
    if products:
        (folder / "products.csv").write_text("product_id,name,eee_category,uses\n" + "".join(
            f"{p['id']},product {p['id']},{p['categories']},{p.get('uses', '')}\n" for p in products))
    if products or bom:  # `bom`: (parent part, child part, quantity) lines besides the products'
        (folder / "bom.csv").write_text("parent_id,child_id,quantity\n" + "".join(
            f"{p['id']},{child},1\n" for p in products or [] for child in p["parts"])
            + "".join(f"{parent},{child},{n}\n" for parent, child, n in bom or []))
    store = into or open_store(None)
    load_reference(store, lists)
    import_compositions(store, folder)
    return store


def material(mid: str, mass_mg, *substances, category: str = "") -> dict:
    return {"id": mid, "mass_mg": mass_mg, "category": category, "substances": list(substances)}


def part(pid: str, mass_mg, *materials, packaging: bool = False) -> dict:
    return {"id": pid, "mass_mg": mass_mg, "packaging": packaging, "materials": list(materials)}


def product(pid: str, categories: str, *part_ids: str) -> dict:
    """A product of the given RoHS Annex I categories ("3", "8;9", or "" for unknown) containing the parts."""
    return {"id": pid, "categories": categories, "parts": list(part_ids)}


def sub(cas: str, amount, unit: str = "mg", intentional: str | None = None, exemption: str | None = None):
    return (cas, amount, unit, intentional, exemption)


def hits(report, shape_suffix: str) -> dict[str, object]:
    """focus id -> result, for the results of one shape."""
    return {str(r.focus).rsplit("/", 1)[-1]: r for r in report.results if str(r.shape).endswith(shape_suffix)}


def compare_with_pyshacl(store, packs: list[str], at: dt.date) -> tuple[set, set]:
    """The result keys of the validator and of pySHACL (the reference) on the same store and shapes."""
    ours = validate(store, packs, at)
    shapes, owner, _ = shapes_graph(packs, at)
    reference = pyshacl_results(store_graph(store), shapes, owner)
    return {r.key() for r in ours.results}, {r.key() for r in reference}


def packs_in_force(store, at: dt.date, names: list[str] | None = None) -> list[str]:
    """The packs (all by default) whose lists all have a version in force on `at` in the store: validating
    the others is refused (a list not yet in force would pass everything)."""
    names = names or sorted(available())
    shapes, owner, _ = shapes_graph(names, at)
    first = {info.id: min((d for d, _ in info.versions), default="9999") for info in lists(store)}
    needs = lists_named(shapes, owner, names)
    return [n for n in names if all(first.get(lst, "9999") <= at.isoformat() for lst, ps in needs.items() if n in ps)]
