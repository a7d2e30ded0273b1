"""Shape packs: reading them, injecting the evaluation date, and loading their data into the store.

A pack is a folder of `shapes/`: its Turtle files hold shapes, its `data/` folder holds facts the shapes
refer to (substance groups of a company policy, tin mass fractions, ...), and its README says what it
enforces. `shapes/components.ttl` holds the constraint components all packs share.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from pyoxigraph import NamedNode, parse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from complygraph.graph.store import Store
from complygraph.graph.turtle import load_turtle
from complygraph.vocab import CG, CGSH, ID

EVALUATION_DATE = URIRef(CG + "evaluationDate")
BY_DEFAULT = URIRef(CGSH + "byDefault")


class UnknownPack(ValueError):
    """A pack name that is neither shipped nor in the folders given; the message lists what is available."""


def shapes_dir() -> Path:
    return Path(str(resources.files("complygraph.shapes")))


def available(extra: list[Path] | None = None) -> dict[str, Path]:
    """Shipped packs, plus the packs in `extra` folders (a pack folder, or a folder of pack folders)."""
    found = {p.name: p for p in sorted(shapes_dir().iterdir())
             if p.is_dir() and p.name != "data" and any(p.glob("*.ttl"))}  # data: shared by the packs
    for folder in extra or []:
        folder = Path(folder)
        if not folder.is_dir():
            raise ValueError(f"shape pack folder not found: {folder}")
        candidates = [folder] if any(folder.glob("*.ttl")) else sorted(p for p in folder.iterdir() if p.is_dir())
        found.update({p.name: p for p in candidates if any(p.glob("*.ttl"))})
    return found


def check_names(names: list[str], extra: list[Path] | None = None) -> None:
    """Raise UnknownPack naming every pack in `names` that is not available."""
    packs = available(extra)
    unknown = [n for n in names if n not in packs]
    if unknown:
        raise UnknownPack(f"unknown shape pack(s) {unknown}; available: {sorted(packs)}")


def data_members(predicate: str) -> dict[str, frozenset[str]]:
    """From every pack's data files: the `dct:identifier` of each subject of `predicate` mapped to the
    identifiers of its objects (an evaluation scheme's items, a survey form's items)."""
    dct_id = "http://purl.org/dc/terms/identifier"
    out: dict[str, set[str]] = {}
    for folder in available().values():
        for path in sorted((folder / "data").glob("*.ttl")) if (folder / "data").is_dir() else []:
            quads = list(parse(path=str(path)))
            ids = {q.subject: q.object.value for q in quads if q.predicate.value == dct_id}
            for q in quads:
                if q.predicate.value == predicate and q.subject in ids and q.object in ids:
                    out.setdefault(ids[q.subject], set()).add(ids[q.object])
    return {k: frozenset(v) for k, v in out.items()}


def default_packs(extra: list[Path] | None = None) -> list[str]:
    """The packs a validation runs when none is named: all but those marked `cgsh:byDefault false`
    (packs that need company data the store may not hold, such as supplier approvals)."""
    out = []
    for name, folder in available(extra).items():
        g = Graph()
        for f in sorted(folder.glob("*.ttl")):
            g.parse(f, format="turtle")
        if (None, BY_DEFAULT, Literal(False)) not in g:
            out.append(name)
    return out


def shapes_graph(names: list[str] | None, at: dt.date,
                 extra: list[Path] | None = None) -> tuple[Graph, dict, list[str]]:
    """The shapes of the named packs (all when None) with the shared components, the evaluation date
    injected as a parameter value, and which pack each shape belongs to."""
    packs = available(extra)
    names = names or default_packs(extra)
    check_names(names, extra)
    g = Graph()
    g.parse(shapes_dir() / "components.ttl", format="turtle")
    owner: dict = {}
    for name in names:
        pack_graph = Graph()
        for f in sorted(packs[name].glob("*.ttl")):
            try:
                pack_graph.parse(f, format="turtle")
            except Exception as exc:  # rdflib raises several parser error types
                raise ValueError(f"{f}: not valid Turtle: {exc}") from exc
        for s in set(pack_graph.subjects()):
            owner.setdefault(s, name)
        g += pack_graph
    _inject_date(g, at)
    return g, owner, names


def _inject_date(g: Graph, at: dt.date) -> None:
    """Give every shape that activates a date-dependent component its `cg:evaluationDate` parameter."""
    date = Literal(at.isoformat(), datatype=XSD.date)
    for comp in set(g.subjects(predicate=SH.parameter)):
        params = [(g.value(p, SH.path), g.value(p, SH.optional) == Literal(True))
                  for p in g.objects(comp, SH.parameter)]
        if not any(path == EVALUATION_DATE for path, _ in params):
            continue
        others = [path for path, optional in params if path != EVALUATION_DATE and not optional]
        candidates = set(g.subjects(others[0], None)) if others else set()
        for shape in candidates:
            if all((shape, p, None) in g for p in others):
                g.set((shape, EVALUATION_DATE, date))


def load_pack_data(store: Store, names: list[str], extra: list[Path] | None = None) -> int:
    """Write each pack's data files into the store, replacing that pack's previous data."""
    packs = available(extra)
    total = 0
    for name in names:
        files = sorted((packs[name] / "data").glob("*.ttl")) if (packs[name] / "data").is_dir() else []
        total += load_turtle(store, files, NamedNode(f"{ID}import/pack/{name}"))
    # the shape library's shared data (material classes), which several packs' rules read; last, so that a
    # pack load replacing a subject it once shared cannot leave it deleted
    total += load_turtle(store, sorted((shapes_dir() / "data").glob("*.ttl")), NamedNode(f"{ID}import/pack/shared"))
    return total
