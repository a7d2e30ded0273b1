"""What a validation adds to each result beyond the SHACL report: the part (and material) it is about, the
regulation of its pack, the duties its shape triggers and the status it gives a part.

It is added as each constraint's results are read (graph/shacl/validator.py `run_shapes(complete=...)`), while
the store still answers the next queries on the other threads, not after the last answer: at 10^6 parts the
832,152 results took 16.7 s on one core after the queries, with both cores busy for the queries before.
"""

from __future__ import annotations

from dataclasses import replace

from pyoxigraph import NamedNode
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from complygraph.graph.bindings import select_batched
from complygraph.graph.shacl.group_reach import holders, narrow_targets, packs_reaching_groups
from complygraph.graph.shacl.report import ValidationResult
from complygraph.graph.store import Store
from complygraph.vocab import CG, CGSH

FINDING_STATUS = URIRef(CGSH + "findingStatus")
EVERY_PACK = URIRef(CGSH + "concernsEveryPack")  # a pack about the inputs (data quality): its findings count for all


class Completion:
    """Called with each constraint's results, gives them completed. The context depends on the shape and pack
    only: asked of the shapes graph once per pair, not once per result (6.8 s of a 100k-part store's 56 s went to
    asking it per result). A material's part is looked up once per validation, whichever constraints report it."""

    def __init__(self, store: Store, g: Graph, owner: dict) -> None:
        self.store, self.g = store, g
        packs = list(g.subjects(RDF.type, URIRef(CGSH + "ShapePack")))
        self.regulations = {owner.get(p): g.value(p, URIRef(CG + "underRegulation")) for p in packs}
        self.statuses = {owner.get(p): (g.value(p, FINDING_STATUS), g.value(p, EVERY_PACK)) for p in packs}
        self.contexts: dict[tuple, tuple] = {}
        self.parts: dict[str, Node] = {}  # material -> its part
        self.asked: set[str] = set()  # materials looked up (some have no part)
        self.owner = owner
        self.reach: dict[str, set[str]] | None = None  # group -> packs reaching it, read when first needed
        self.narrow: dict[str, set[str]] = {}  # pack -> its target classes, if it targets no part or material

    def __call__(self, results: list[ValidationResult]) -> list[ValidationResult]:
        """Each result with the part (and material) it is about in front of its details and its context after
        them."""
        self._look_up_parts(results)
        parts, out = self.parts, []
        for r in results:
            key = (r.shape, r.pack)
            context = self.contexts.get(key)
            if context is None:
                context = self.contexts[key] = self._context(r.shape, r.pack)
            focus = str(r.focus)
            if focus in parts:
                front: tuple = ((("part", parts[focus]), ("material", r.focus)) if "/material/" in focus
                                else (("part", parts[focus]),))
            elif "/part/" in focus:
                front = (("part", r.focus),)
            else:
                front = ()
            out.append(replace(r, details=front + r.details + context) if front or context else r)
        scoped = [i for i, r in enumerate(out) if any(k == "uncheckedGroups" for k, _ in r.details)]
        for i, r in zip(scoped, self._scoped([out[i] for i in scoped]), strict=True):
            out[i] = r
        return out

    def _scoped(self, results: list[ValidationResult]) -> list[ValidationResult]:
        """A finding that names the groups it could not check (?uncheckedGroups, space-separated IRIs) counts in
        its own pack and in each pack of the run that reaches one of them (`concernsPack`), not in every pack:
        graph/shacl/group_reach.py. A pack whose shapes target neither parts nor materials (packaging
        components) counts it only for the parts of its target classes (graph/status.py reads them)."""
        if not results:
            return []
        if self.reach is None:
            self.reach = packs_reaching_groups(self.store, self.g, self.owner)
            self.narrow = narrow_targets(self.g, self.owner)
        run = set(self.owner.values())
        held = holders(self.store, sorted({str(r.focus) for r in results}),
                       sorted({c for p in run for c in self.narrow.get(p, ())}))
        out = []
        for r in results:
            groups = " ".join(str(v) for k, v in r.details if k == "uncheckedGroups").split()
            packs = sorted(p for p in {p for g in groups for p in self.reach.get(g, ())} & run - {r.pack}
                           if p not in self.narrow or held.get(str(r.focus), set()) & self.narrow[p])
            kept = tuple((k, v) for k, v in r.details if k not in ("uncheckedGroups", "everyPack"))
            # a narrow pack's name is followed by its classes: it counts for the parts of those classes only
            out.append(replace(r, details=kept + tuple(
                ("concernsPack", Literal(" ".join([p, *sorted(self.narrow.get(p, ()))]))) for p in packs)))
        return out

    def _context(self, shape: Node, pack: str | None) -> tuple:
        """The regulation of the result's pack, the duties its shape triggers (`cg:duty`, such as the REACH
        Art. 33 information duty of an SVHC above 0.1 %) and the status it gives a part (`cgsh:findingStatus` of
        its shape, else of its pack: graph/status.py) and whether it counts for every pack's status (a pack about
        the inputs every pack relies on, `cgsh:concernsEveryPack`), as details of its results."""
        g = self.g
        extra = tuple(("duty", d) for d in sorted(g.objects(shape, URIRef(CG + "duty")), key=str))
        if self.regulations.get(pack) is not None:
            extra += (("regulation", self.regulations[pack]),)
        pack_status, every_pack = self.statuses.get(pack, (None, None))
        status = g.value(shape, FINDING_STATUS) or pack_status
        if status is not None:
            extra += (("status", status),)
        if every_pack is not None and every_pack.toPython() is True:
            extra += (("everyPack", every_pack),)
        return extra

    def _look_up_parts(self, results: list[ValidationResult]) -> None:
        """The part of each material that is a focus node and not looked up yet, for those materials only, a
        batch of values at a time: at 10^6 parts the scan of every part's materials took 39.6 s (1.86M rows
        decoded), the lookup of 97,661 materials 4.0 s; at 10^5 parts the lookups also beat the scan."""
        materials = sorted({f for r in results if "/material/" in (f := str(r.focus)) and f not in self.asked})
        # a declaration's part, and a survey answer's (its response declares the part): a supplier survey that
        # declared a prohibited group present was a finding about no part, so `status` passed the part (QA5 B02)
        declared = sorted({f for r in results if ("/declaration/" in (f := str(r.focus)) or "/survey/" in f)
                           and f not in self.asked})
        if not materials and not declared:
            return
        self.asked.update(materials + declared)
        rows = select_batched(self.store, "SELECT ?m ?part WHERE { ?part cg:hasMaterial ?m }", "m",
                              [NamedNode(m) for m in materials])
        rows += select_batched(self.store, """
            SELECT ?m ?part WHERE { { ?m cg:declares ?part }
                                    UNION { ?d cg:hasSurveyAnswer ?m ; cg:declares ?part } }""",
                               "m", [NamedNode(d) for d in declared])
        self.parts.update((row["m"].value, URIRef(row["part"].value)) for row in rows)
