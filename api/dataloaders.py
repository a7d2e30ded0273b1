"""Batched loading: each level of a GraphQL response is one store query for all its objects.

A DataLoader collects the keys asked for in one tick of the event loop and resolves them with a single
VALUES-bound SPARQL query, so a page of 100 parts with their materials and substances costs three queries,
not three hundred. (GraphQL data loaders; the importers are the `complygraph.loaders` package.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pyoxigraph import NamedNode
from strawberry.dataloader import DataLoader

from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store
from complygraph.graph.suppliers import evaluations

T = TypeVar("T")


def _batch(store: Store, query: str, var: str, keys: list[str]) -> list[dict]:
    return select_batched(store, query, var, [NamedNode(k) for k in keys], size=1000)


def _one(rows: list[dict], var: str) -> dict[str, dict]:
    return {r[var].value: {k: v.value for k, v in r.items()} for r in rows}


def _many(rows: list[dict], var: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r[var].value].append({k: v.value for k, v in r.items()})
    return out


async def _inline(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


class Loaders:
    """One set of loaders per request (their caches must not outlive it). `run(fn, *args)` runs a store
    query off the event loop (`api.work.Work.read`); without it the queries run inline."""

    def __init__(self, store: Store, run: Callable[..., Awaitable[Any]] | None = None) -> None:
        self.store = store
        self._run = run or _inline
        self.part = DataLoader(self._parts)
        self.supplier = DataLoader(self._suppliers)
        self.materials = DataLoader(self._materials)
        self.occurrences = DataLoader(self._occurrences)
        self.used_in = DataLoader(self._used_in)
        self.substance = DataLoader(self._substances)
        self.listings = DataLoader(self._listings)
        self.certifications = DataLoader(self._certifications)
        self.approvals = DataLoader(self._approvals)
        self.sustainability = DataLoader(self._sustainability)
        self.evaluation = DataLoader(self._evaluations)  # keys: (supplier IRI, date or None)
        self.declarations = DataLoader(self._declarations)
        self.evidence = DataLoader(self._evidence)
        self.survey = DataLoader(self._survey)

    async def _select(self, query: str, var: str, keys: list) -> list[dict]:
        return await self._run(_batch, self.store, query, var, keys)

    async def _parts(self, keys: list[str]) -> list[dict | None]:
        rows = _one(await self._select("""
            SELECT ?part ?id ?name ?mass ?supplier WHERE {
              ?part a cg:Part ; dct:identifier ?id .
              OPTIONAL { ?part rdfs:label ?name } OPTIONAL { ?part cg:massMg ?mass }
              OPTIONAL { ?part cg:suppliedBy ?supplier }
            }""", "part", keys), "part")
        return [rows.get(k) for k in keys]

    async def _suppliers(self, keys: list[str]) -> list[dict | None]:
        rows = _one(await self._select("""
            SELECT ?supplier ?id ?name WHERE {
              ?supplier a cg:Supplier ; dct:identifier ?id . OPTIONAL { ?supplier rdfs:label ?name }
            }""", "supplier", keys), "supplier")
        return [rows.get(k) for k in keys]

    async def _certifications(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?supplier ?standard ?until ?from ?number ?body WHERE {
              ?cert cg:aboutSupplier ?supplier ; a cg:Certification ; cg:standard ?standard ; cg:validUntil ?until .
              OPTIONAL { ?cert cg:validFrom ?from } OPTIONAL { ?cert cg:certificateNumber ?number }
              OPTIONAL { ?cert cg:certificationBody ?body }
            } ORDER BY DESC(?until)""", "supplier", keys), "supplier")
        return [rows.get(k, []) for k in keys]

    async def _approvals(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?supplier ?programme ?audit ?score ?pass ?until ?status ?reason WHERE {
              ?a cg:aboutSupplier ?supplier ; a cg:Approval ; cg:programme ?programme ; cg:auditDate ?audit ;
                 cg:auditScore ?score ; cg:validUntil ?until ; cg:approvalStatus ?status .
              OPTIONAL { ?a cg:passScore ?pass } OPTIONAL { ?a cg:statusReason ?reason }
            } ORDER BY DESC(?audit)""", "supplier", keys), "supplier")
        return [rows.get(k, []) for k in keys]

    async def _sustainability(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?supplier ?date ?policy ?dd ?grievance WHERE {
              ?st cg:aboutSupplier ?supplier ; a cg:SustainabilityStatus ; dct:date ?date ;
                  cg:humanRightsPolicy ?policy ; cg:dueDiligence ?dd ; cg:grievanceMechanism ?grievance .
            } ORDER BY DESC(?date)""", "supplier", keys), "supplier")
        return [rows.get(k, []) for k in keys]

    async def _declarations(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?part ?date ?class ?file ?format ?gone WHERE {
              ?d cg:declares ?part ; a cg:Declaration .
              OPTIONAL { ?d dct:date ?date } OPTIONAL { ?d cg:declarationClass ?class }
              OPTIONAL { ?d prov:wasDerivedFrom ?src . ?src dct:title ?file . OPTIONAL { ?src dct:format ?format } }
              OPTIONAL { ?d prov:invalidatedAtTime ?gone }
            } ORDER BY DESC(?date)""", "part", keys), "part")
        return [rows.get(k, []) for k in keys]

    async def _survey(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?part ?date ?form ?stop ?item ?rank ?name ?present ?ppm ?where ?purpose ?phase WHERE {
              ?r cg:declares ?part ; cg:surveyForm ?f ; dct:date ?date ; cg:hasSurveyAnswer ?a .
              ?a cg:surveyItem ?i ; cg:present ?present .
              OPTIONAL { ?f dct:identifier ?form } OPTIONAL { ?r cg:discontinuedDate ?stop }
              OPTIONAL { ?i dct:identifier ?item } OPTIONAL { ?i cg:rank ?rank }
              OPTIONAL { ?i rdfs:label ?name FILTER(lang(?name) = "en") }
              OPTIONAL { ?a cg:concentrationPpm ?ppm } OPTIONAL { ?a cg:whereUsed ?where }
              OPTIONAL { ?a cg:purpose ?purpose } OPTIONAL { ?a cg:phaseOutDate ?phase }
            } ORDER BY DESC(?date) ?item""", "part", keys), "part")
        return [rows.get(k, []) for k in keys]

    async def _evidence(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?part ?id ?kind ?date ?material ?signer ?issuer ?method ?cas ?measured ?document WHERE {
              ?e cg:supports ?part ; a ?kind ; dct:identifier ?id ; dct:date ?date .
              FILTER(?kind IN (cg:CertificateOfNonUse, cg:LabReport, cg:SafetyDataSheet, cg:ConstituentList,
                               cg:ChangeNotice))
              OPTIONAL { ?e cg:aboutMaterial ?material } OPTIONAL { ?e cg:signer ?signer }
              OPTIONAL { ?e cg:issuer ?issuer } OPTIONAL { ?e cg:method ?method }
              OPTIONAL { ?e cg:measuredSubstance/cg:casNumber ?cas } OPTIONAL { ?e cg:measuredPpm ?measured }
              OPTIONAL { ?e cg:documentRef ?document }
            } ORDER BY DESC(?date) ?id""", "part", keys), "part")
        return [rows.get(k, []) for k in keys]

    async def _evaluations(self, keys: list[tuple[str, dt.date | None]]) -> list:
        by_date: dict = defaultdict(list)
        for iri, day in keys:
            by_date[day].append(iri)
        found = {}
        for day, iris in by_date.items():
            for e in (await self._run(evaluations, self.store, day, [NamedNode(i) for i in iris])).values():
                found[(e.supplier_iri, day)] = e
        return [found.get(k) for k in keys]

    async def _materials(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?part ?material ?id ?name ?mass WHERE {
              ?part cg:hasMaterial ?material . ?material dct:identifier ?id .
              OPTIONAL { ?material rdfs:label ?name } OPTIONAL { ?material cg:massMg ?mass }
            } ORDER BY ?id""", "part", keys), "part")
        return [rows.get(k, []) for k in keys]

    async def _occurrences(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?material ?occ ?substance ?ppm ?mg ?intentional ?exemption WHERE {
              ?material cg:contains ?occ . ?occ cg:substance ?substance .
              OPTIONAL { ?occ cg:concentrationPpm ?ppm } OPTIONAL { ?occ cg:massMg ?mg }
              OPTIONAL { ?occ cg:intentionallyAdded ?intentional }
              OPTIONAL { ?occ cg:claimedExemption/cg:exemptionId ?exemption }
            }""", "material", keys), "material")
        return [rows.get(k, []) for k in keys]

    async def _used_in(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?child ?parent ?kind ?quantity WHERE {
              ?u cg:child ?child ; cg:parent ?parent ; cg:quantity ?quantity . ?parent a ?kind .
              FILTER(?kind IN (cg:Product, cg:Part))
            }""", "child", keys), "child")
        return [rows.get(k, []) for k in keys]

    async def _substances(self, keys: list[str]) -> list[dict | None]:
        found: dict[str, dict] = {}
        for r in await self._select("""
            SELECT ?substance ?cas ?ec ?name WHERE {
              ?substance a cg:Substance .
              OPTIONAL { ?substance cg:casNumber ?cas } OPTIONAL { ?substance cg:ecNumber ?ec }
              OPTIONAL { ?substance rdfs:label ?name }
            }""", "substance", keys):
            entry = found.setdefault(r["substance"].value, {"iri": r["substance"].value, "names": set()})
            entry["cas"] = r["cas"].value if "cas" in r else None
            entry["ec"] = r["ec"].value if "ec" in r else None
            if "name" in r:
                entry["names"].add((r["name"].value, r["name"].language))
        return [found.get(k) for k in keys]

    async def _listings(self, keys: list[str]) -> list[list[dict]]:
        rows = _many(await self._select("""
            SELECT ?substance ?list ?included ?reason ?name WHERE {
              ?entry cg:concerns ?substance ; cg:inList ?l . ?l dct:identifier ?list .
              OPTIONAL { ?entry cg:dateOfInclusion ?included } OPTIONAL { ?entry cg:reason ?reason }
              OPTIONAL { ?entry rdfs:label ?name FILTER(lang(?name) = "en") }
            }""", "substance", keys), "substance")
        return [rows.get(k, []) for k in keys]
