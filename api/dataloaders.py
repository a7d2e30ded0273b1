"""Batched loading: each level of a GraphQL response is one store query for all its objects.

A DataLoader collects the keys asked for in one tick of the event loop and resolves them with a single
VALUES-bound SPARQL query, so a page of 100 parts with their materials and substances costs three queries,
not three hundred. (GraphQL data loaders; the importers are the `complygraph.loaders` package.)

A part and what a query asks below it (supplier, materials, their substances) are read in advance, in one
hand-over to a read thread (`Loaders.part_tree`, `part_plan`): the same queries, level after level, but on
the thread, which primes the loaders of the levels below. Every hand-over to a thread and back costs the
event loop's thread about 0.2 ms of Python under the GIL (measured: a fifth of its time in
`ThreadPoolExecutor.submit` under load), and a `part(id)` with its supplier, materials and substances took
five. Fields whose loader already holds the value answer at once (`then`) instead of through a coroutine.
What is primed lives in this request's loaders only; across requests only substance rows are kept, per store
revision (api/substance_rows.py `substances_at`). The tree's own levels come from the composition read model
where it is current (graph/part_tree_reads.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode
from pyoxigraph import NamedNode
from strawberry.dataloader import DataLoader
from strawberry.types import Info

import complygraph.graph.part_tree_reads as tree_reads
from complygraph.api.substance_rows import iri_nodes, substances, substances_at
from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store
from complygraph.graph.suppliers import evaluations

T = TypeVar("T")
R = TypeVar("R")

PARTS = """
    SELECT ?part ?id ?name ?mass ?supplier WHERE {
      ?part a cg:Part ; dct:identifier ?id .
      OPTIONAL { ?part rdfs:label ?name } OPTIONAL { ?part cg:massMg ?mass }
      OPTIONAL { ?part cg:suppliedBy ?supplier }
    }"""
SUPPLIERS = """
    SELECT ?supplier ?id ?name WHERE {
      ?supplier a cg:Supplier ; dct:identifier ?id . OPTIONAL { ?supplier rdfs:label ?name }
    }"""
MATERIALS = """
    SELECT ?part ?material ?id ?name ?mass WHERE {
      ?part cg:hasMaterial ?material . ?material dct:identifier ?id .
      OPTIONAL { ?material rdfs:label ?name } OPTIONAL { ?material cg:massMg ?mass }
    } ORDER BY ?id"""
OCCURRENCES = """
    SELECT ?material ?occ ?substance ?ppm ?mg ?intentional ?exemption WHERE {
      ?material cg:contains ?occ . ?occ cg:substance ?substance .
      OPTIONAL { ?occ cg:concentrationPpm ?ppm } OPTIONAL { ?occ cg:massMg ?mg }
      OPTIONAL { ?occ cg:intentionallyAdded ?intentional }
      OPTIONAL { ?occ cg:claimedExemption/cg:exemptionId ?exemption }
    }"""
def _batch(store: Store, query: str, var: str, keys: list[str]) -> list[dict]:
    """The rows of the keys that are IRIs. A blank node (a material written as `[ ... ]`) comes back from a query
    as its id, which no query can name again, and a literal where a node belongs (`cg:suppliedBy "ACME"`) is no
    IRI: they have no rows here (they failed the whole request before)."""
    return select_batched(store, query, var, iri_nodes(keys), size=1000)


def _one(store: Store, query: str, var: str, keys: list[str]) -> list[dict | None]:
    """One row (as plain strings) per key, None for a key the store does not hold."""
    rows = {r[var].value: {k: v.value for k, v in r.items()} for r in _batch(store, query, var, keys)}
    return [rows.get(k) for k in keys]


def _many(store: Store, query: str, var: str, keys: list[str]) -> list[list[dict]]:
    """Every row (as plain strings) of each key, in the query's order (a material's occurrences, which the
    query leaves unordered, in the order the read model gives them: graph/part_tree_reads.py)."""
    out: dict[str, list[dict]] = defaultdict(list)
    for r in _batch(store, query, var, keys):
        out[r[var].value].append({k: v.value for k, v in r.items()})
    if query is OCCURRENCES:
        return [sorted(out.get(k, []), key=tree_reads.occurrence_order) for k in keys]
    return [out.get(k, []) for k in keys]


@dataclass(frozen=True)
class PartPlan:
    """What a query asks below a part, as far as `part_trees` reads it in advance."""

    supplier: bool = False
    materials: bool = False
    substances: bool = False  # the substance occurrences of each material
    substance: bool = False  # the substance of each occurrence


def part_trees(store: Store, plans: dict[PartPlan, list[str]]) -> dict[str, dict[str, Any]]:
    """Parts and what each plan asks below them, one query per level for all the parts of a plan: loader
    name -> key -> the value that loader would have loaded. Runs on one read thread in one go. Parts,
    suppliers, materials and occurrences come from the read model where it is at the store's revision
    (graph/part_tree_reads.py), the store answering the keys the model cannot answer exactly."""
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    named: set[str] = set()  # substances to name, after the model's read transaction (kept short)
    with store.current_model() as con:
        from_model = con is not None
        for plan, keys in plans.items():
            parts = _tree_level(con, keys, tree_reads.parts,
                                lambda k: dict(zip(k, _one(store, PARTS, "part", k), strict=True)))
            out["part"].update(parts)
            found = [k for k, d in parts.items() if d is not None]
            if plan.supplier:
                wanted = sorted({parts[k]["supplier"] for k in found if "supplier" in parts[k]})
                out["supplier"].update(_tree_level(con, wanted, tree_reads.suppliers,
                                                   lambda k: dict(zip(k, _one(store, SUPPLIERS, "supplier", k),
                                                                      strict=True))))
            if not plan.materials:
                continue
            materials = _tree_level(con, found, tree_reads.materials,
                                    lambda k: dict(zip(k, _many(store, MATERIALS, "part", k), strict=True)))
            out["materials"].update(materials)
            if not plan.substances:
                continue
            iris = list(dict.fromkeys(r["material"] for k in found for r in materials[k]))
            occurrences = _tree_level(
                con, iris, lambda c, k: tree_reads.occurrences(c, k, lambda e: _exemption_ids(store, e)),
                lambda k: dict(zip(k, _many(store, OCCURRENCES, "material", k), strict=True)))
            out["occurrences"].update(occurrences)
            if plan.substance:
                named.update(r["substance"] for rows in occurrences.values() for r in rows)
    if named:
        wanted = sorted(named)
        # kept per revision where the model answered (an embedded store: its revision is one lookup), the
        # revision read before the rows: what is kept under it is at least that new
        rows = substances_at(store, wanted, store.revision()) if from_model else substances(store, wanted)
        out["substance"].update(zip(wanted, rows, strict=True))
    return out


def _tree_level(con, keys: list[str], from_model: Callable, from_store: Callable[[list[str]], dict]) -> dict:
    """One level of part trees for `keys`: from the model (`con`, None when it is not current) for the keys it
    answers, from the store for the others."""
    if con is None:
        return from_store(keys)
    found, ask = from_model(con, keys)
    if ask:
        found.update(from_store(ask))
    return {k: found[k] for k in keys}


EXEMPTION_IDS = "SELECT ?exemption ?id WHERE { ?exemption cg:exemptionId ?id }"


def _exemption_ids(store: Store, exemptions: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in _batch(store, EXEMPTION_IDS, "exemption", exemptions):
        out[r["exemption"].value].append(r["id"].value)
    return out


def _children(nodes: Iterable[FieldNode], fragments: dict) -> dict[str, list[FieldNode]]:
    """The fields selected below `nodes` by name (aliases, inline fragments and fragment spreads merged)."""
    out: dict[str, list[FieldNode]] = defaultdict(list)
    seen: set[str] = set()

    def walk(selection_set) -> None:
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, FieldNode):
                out[sel.name.value].append(sel)
            elif isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                seen.add(sel.name.value)
                fragment = fragments.get(sel.name.value)
                walk(fragment.selection_set if fragment else None)
    for node in nodes:
        walk(node.selection_set)
    return out


def part_plan(info: Info, path: tuple[str, ...] = ()) -> PartPlan:
    """What the field being resolved asks below its parts; `path` leads from the field to the part (`edges`,
    `node` for a connection). Directives are ignored: a field skipped by @skip is read for nothing, never
    missed."""
    raw = getattr(info, "_raw_info", None)  # graphql-core's resolve info: the field's nodes, the fragments
    if raw is None:  # another strawberry: nothing is read in advance, every level is loaded as it is reached
        return PartPlan()
    fragments = raw.fragments
    nodes: list[FieldNode] = list(raw.field_nodes)
    for name in path:
        nodes = _children(nodes, fragments).get(name, [])
    below = _children(nodes, fragments)
    materials = _children(below.get("materials", []), fragments)
    occurrences = _children(materials.get("substances", []), fragments)
    return PartPlan(supplier="supplier" in below, materials="materials" in below,
                    substances="substances" in materials, substance="substance" in occurrences)


async def _inline(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


async def _later(awaitable: Awaitable[T], fn: Callable[[T], R]) -> R:
    return fn(await awaitable)


def then(loader: DataLoader, key: Hashable, fn: Callable[[Any], R]) -> R | Awaitable[R]:
    """`fn(value)` at once when `loader` already holds the value of `key` (a prefetch primed it), else an
    awaitable of it. A resolver that returns this costs graphql-core no coroutine when the value is there."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return fn(future.result())
    return _later(loader.load(key), fn)


class Loaders:
    """One set of loaders per request (their caches must not outlive it), each made when first used.
    `run(fn, *args)` runs a store query off the event loop (`api.work.Work.read`); without it the queries
    run inline."""

    def __init__(self, store: Store, run: Callable[..., Awaitable[Any]] | None = None) -> None:
        self.store = store
        self._run = run or _inline

    def _loader(self, query: str, var: str, many: bool) -> DataLoader:
        fetch = _many if many else _one

        async def load(keys: list[str]) -> list:
            return await self._run(fetch, self.store, query, var, keys)
        return DataLoader(load)

    @cached_property
    def part(self) -> DataLoader:
        return self._loader(PARTS, "part", many=False)

    @cached_property
    def part_tree(self) -> DataLoader:
        """Keys (part IRI, PartPlan): the part, read with what the plan asks below it (see the module)."""
        return DataLoader(self._part_trees)

    async def _part_trees(self, keys: list[tuple[str, PartPlan]]) -> list[dict | None]:
        plans: dict[PartPlan, list[str]] = defaultdict(list)
        for iri, plan in keys:
            plans[plan].append(iri)
        trees = await self._run(part_trees, self.store, dict(plans))
        for name, values in trees.items():
            getattr(self, name).prime_many(values)
        return [trees["part"].get(iri) for iri, _ in keys]

    @cached_property
    def supplier(self) -> DataLoader:
        return self._loader(SUPPLIERS, "supplier", many=False)

    @cached_property
    def materials(self) -> DataLoader:
        return self._loader(MATERIALS, "part", many=True)

    @cached_property
    def occurrences(self) -> DataLoader:
        return self._loader(OCCURRENCES, "material", many=True)

    @cached_property
    def substance(self) -> DataLoader:
        async def load(keys: list[str]) -> list:
            return await self._run(substances, self.store, keys)
        return DataLoader(load)

    @cached_property
    def used_in(self) -> DataLoader:
        return self._loader("""
            SELECT ?child ?parent ?kind ?quantity WHERE {
              ?u cg:child ?child ; cg:parent ?parent ; cg:quantity ?quantity . ?parent a ?kind .
              FILTER(?kind IN (cg:Product, cg:Part))
            }""", "child", many=True)

    @cached_property
    def listings(self) -> DataLoader:
        return self._loader("""
            SELECT ?substance ?entry ?list ?included ?reason ?name WHERE {
              ?entry cg:concerns ?substance ; cg:inList ?l . ?l dct:identifier ?list .
              OPTIONAL { ?entry cg:dateOfInclusion ?included } OPTIONAL { ?entry cg:reason ?reason }
              OPTIONAL { ?entry rdfs:label ?name FILTER(lang(?name) = "en") }
            }""", "substance", many=True)

    @cached_property
    def certifications(self) -> DataLoader:
        return self._loader("""
            SELECT ?supplier ?standard ?until ?from ?number ?body WHERE {
              ?cert cg:aboutSupplier ?supplier ; a cg:Certification ; cg:standard ?standard ; cg:validUntil ?until .
              OPTIONAL { ?cert cg:validFrom ?from } OPTIONAL { ?cert cg:certificateNumber ?number }
              OPTIONAL { ?cert cg:certificationBody ?body }
            } ORDER BY DESC(?until)""", "supplier", many=True)

    @cached_property
    def approvals(self) -> DataLoader:
        return self._loader("""
            SELECT ?supplier ?programme ?audit ?score ?pass ?until ?status ?reason WHERE {
              ?a cg:aboutSupplier ?supplier ; a cg:Approval ; cg:programme ?programme ; cg:auditDate ?audit ;
                 cg:auditScore ?score ; cg:validUntil ?until ; cg:approvalStatus ?status .
              OPTIONAL { ?a cg:passScore ?pass } OPTIONAL { ?a cg:statusReason ?reason }
            } ORDER BY DESC(?audit)""", "supplier", many=True)

    @cached_property
    def sustainability(self) -> DataLoader:
        return self._loader("""
            SELECT ?supplier ?date ?policy ?dd ?grievance WHERE {
              ?st cg:aboutSupplier ?supplier ; a cg:SustainabilityStatus ; dct:date ?date ;
                  cg:humanRightsPolicy ?policy ; cg:dueDiligence ?dd ; cg:grievanceMechanism ?grievance .
            } ORDER BY DESC(?date)""", "supplier", many=True)

    @cached_property
    def declarations(self) -> DataLoader:
        return self._loader("""
            SELECT ?part ?date ?class ?file ?format ?gone WHERE {
              ?d cg:declares ?part ; a cg:Declaration .
              OPTIONAL { ?d dct:date ?date } OPTIONAL { ?d cg:declarationClass ?class }
              OPTIONAL { ?d prov:wasDerivedFrom ?src . ?src dct:title ?file . OPTIONAL { ?src dct:format ?format } }
              OPTIONAL { ?d prov:invalidatedAtTime ?gone }
            } ORDER BY DESC(?date)""", "part", many=True)

    @cached_property
    def survey(self) -> DataLoader:
        return self._loader("""
            SELECT ?part ?date ?form ?stop ?item ?rank ?name ?present ?ppm ?where ?purpose ?phase WHERE {
              ?r cg:declares ?part ; cg:surveyForm ?f ; dct:date ?date ; cg:hasSurveyAnswer ?a .
              ?a cg:surveyItem ?i ; cg:present ?present .
              OPTIONAL { ?f dct:identifier ?form } OPTIONAL { ?r cg:discontinuedDate ?stop }
              OPTIONAL { ?i dct:identifier ?item } OPTIONAL { ?i cg:rank ?rank }
              OPTIONAL { ?i rdfs:label ?name FILTER(lang(?name) = "en") }
              OPTIONAL { ?a cg:concentrationPpm ?ppm } OPTIONAL { ?a cg:whereUsed ?where }
              OPTIONAL { ?a cg:purpose ?purpose } OPTIONAL { ?a cg:phaseOutDate ?phase }
            } ORDER BY DESC(?date) ?item""", "part", many=True)

    @cached_property
    def evidence(self) -> DataLoader:
        return self._loader("""
            SELECT ?part ?id ?kind ?date ?material ?signer ?issuer ?method ?cas ?measured ?document WHERE {
              ?e cg:supports ?part ; a ?kind ; dct:identifier ?id ; dct:date ?date .
              FILTER(?kind IN (cg:CertificateOfNonUse, cg:LabReport, cg:SafetyDataSheet, cg:ConstituentList,
                               cg:ChangeNotice))
              OPTIONAL { ?e cg:aboutMaterial ?material } OPTIONAL { ?e cg:signer ?signer }
              OPTIONAL { ?e cg:issuer ?issuer } OPTIONAL { ?e cg:method ?method }
              OPTIONAL { ?e cg:measuredSubstance/cg:casNumber ?cas } OPTIONAL { ?e cg:measuredPpm ?measured }
              OPTIONAL { ?e cg:documentRef ?document }
            } ORDER BY DESC(?date) ?id""", "part", many=True)

    @cached_property
    def evaluation(self) -> DataLoader:
        """Keys: (supplier IRI, date or None)."""
        return DataLoader(self._evaluations)

    async def _evaluations(self, keys: list[tuple[str, dt.date | None]]) -> list:
        by_date: dict = defaultdict(list)
        for iri, day in keys:
            by_date[day].append(iri)
        found = {}
        for day, iris in by_date.items():
            for e in (await self._run(evaluations, self.store, day, [NamedNode(i) for i in iris])).values():
                found[(e.supplier_iri, day)] = e
        return [found.get(k) for k in keys]
