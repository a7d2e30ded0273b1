"""Findings name the list entries and restrictions they are about as impact and list-diff do, not by the last
segment of their IRI (QA, S4: "exceeds the limit of 1,000 ppm (lead-pb)", "(cas-84852-53-9)"). The name is
looked up set-at-a-time and only the message changes: the result's details keep the IRIs."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Literal, URIRef

import complygraph.graph.shacl.term_names as term_names
from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.messages import fill_message
from complygraph.graph.shacl.term_names import TermNames

from .shacl_cases import build, hits, material, part, sub

AT = dt.date(2026, 12, 1)
DEHP, LEAD_MONOXIDE, DBDPE = "117-81-7", "1317-36-8", "84852-53-9"
ROHS = "https://w3id.org/complygraph/id/restriction/eu-rohs-annex-ii/"
SVHC_ENTRY = "https://w3id.org/complygraph/id/list/eu-reach-svhc/entry/"


@pytest.mark.parametrize(("cas", "lists", "pack", "shape", "focus", "shown", "slug", "detail", "iri"), [
    # 5 mg DEHP in 1 g: 5,000 ppm over 1,000 ppm, named as Annex II names it
    (DEHP, "eu-rohs-annex-ii", "eu-rohs", "#HomogeneousMaterialLimits", "m1",
     "exceeds the limit of 1,000 ppm (Bis(2-ethylhexyl) phthalate (DEHP)); substances: 117-81-7",
     "bis-2-ethylhexyl-phthalate-dehp", "restriction", ROHS + "bis-2-ethylhexyl-phthalate-dehp"),
    # 5 mg lead monoxide in 1 g: 4,642 ppm of Pb; the restriction concerns the group "lead and its compounds", and
    # the entry of Annex II that concerns the same group is "Lead (Pb)"
    (LEAD_MONOXIDE, "eu-rohs-annex-ii", "eu-rohs", "#HomogeneousMaterialLimits", "m1",
     "ppm of Pb (as the element) exceeds the limit of 1,000 ppm (Lead (Pb));", "lead-pb", "restriction",
     ROHS + "lead-pb"),
    # 5 mg DBDPE in a 1 g article: 0.5 % w/w, above 0.1 %
    (DBDPE, "eu-reach-svhc", "eu-reach-svhc", "#ArticleThreshold", "p1",
     "(1,1'-(ethane-1,2-diyl)bis[pentabromobenzene] (DBDPE)); substances: 84852-53-9", "cas-84852-53-9", "entry",
     SVHC_ENTRY + "cas-84852-53-9"),
])
def test_a_finding_names_its_list_entry_not_its_iri(tmp_path, cas, lists, pack, shape, focus, shown, slug, detail,
                                                    iri):
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub(cas, 5)))], [lists])
    found = hits(validate(store, [pack], AT), shape)
    message = str(found[focus].message)
    assert shown in message and f"({slug})" not in message
    assert found[focus].detail(detail) == URIRef(iri)  # the details keep the IRI


def test_names_are_asked_once_per_constraint_never_per_result(tmp_path, monkeypatch):
    """Twelve materials over two restrictions: each lookup asks IRIs no earlier lookup of the run asked, and
    there are fewer lookups than constraints, let alone results."""
    asked: list[list[str]] = []
    real = term_names.select_batched

    def counting(store, query, var, values, *args, **kwargs):
        if query == term_names.NAMES_QUERY:
            asked.append([v.value for v in values])
        return real(store, query, var, values, *args, **kwargs)

    monkeypatch.setattr(term_names, "select_batched", counting)
    parts = [part(f"p{i}", 1000, material(f"m{i}", 1000, sub(DEHP if i % 2 else LEAD_MONOXIDE, 5)))
             for i in range(12)]
    store = build(tmp_path, parts, ["eu-rohs-annex-ii"])
    report = validate(store, ["eu-rohs"], AT)
    found = hits(report, "#HomogeneousMaterialLimits")
    assert len(found) == 12
    assert sum("(Lead (Pb))" in str(r.message) for r in found.values()) == 6
    assert sum("(Bis(2-ethylhexyl) phthalate (DEHP))" in str(r.message) for r in found.values()) == 6
    flat = [iri for batch in asked for iri in batch]
    assert len(flat) == len(set(flat)), "an IRI was looked up twice in one run"
    assert ROHS + "lead-pb" in flat and ROHS + "bis-2-ethylhexyl-phthalate-dehp" in flat
    assert 1 <= len(asked) < len(found)


def _store_with(turtle: str):
    store = open_store(None)
    store.update(f"INSERT DATA {{ {turtle} }}")
    return store


def test_the_names_rules():
    """An entry's English or untagged label (shortest, then alphabetical, whatever the order the store answers);
    a restriction: its list's entry about the same target, else its entry number; a group: its skos:prefLabel;
    anything else: no name (its slug is shown)."""
    store = _store_with("""
        <urn:x:list> a cg:SubstanceList .
        <urn:x:e1> cg:inList <urn:x:list> ; cg:concerns <urn:x:s1> ;
            rdfs:label "Zeta names"@en , "Beta names" , "Alpha name"@en , "短い"@ja , "Alpha longer name"@en-GB .
        <urn:x:e2> cg:inList <urn:x:list> ; cg:concerns <urn:x:g1> ; rdfs:label "名前"@ja .
        <urn:x:r1> a cg:Restriction ; dct:isPartOf <urn:x:list> ; cg:concerns <urn:x:s1> ; cg:entryNumber "7" .
        <urn:x:r2> a cg:Restriction ; dct:isPartOf <urn:x:list> ; cg:concerns <urn:x:s9> ; cg:entryNumber "63" .
        <urn:x:r3> a cg:Restriction ; dct:isPartOf <urn:x:list> ; cg:concerns <urn:x:s9> .
        <urn:x:g1> a cg:SubstanceGroup ; skos:prefLabel "Lead and its compounds"@en ; rdfs:label "ignored" .
        <urn:x:s1> rdfs:label "a substance is no list entry" .
    """)
    names = TermNames(store)
    iris = [f"urn:x:{n}" for n in ("e1", "e2", "r1", "r2", "r3", "g1", "s1", "nothing")]
    assert names.of(iris) == {"urn:x:e1": "Alpha name", "urn:x:r1": "Alpha name", "urn:x:r2": "entry 63",
                              "urn:x:g1": "Lead and its compounds"}


def test_a_run_asks_each_iri_once():
    store = _store_with('<urn:x:e1> cg:inList <urn:x:list> ; rdfs:label "One" .')
    calls = []

    class Counting:
        def select(self, query, bindings=None):
            calls.append(sorted(v.value for v in bindings["iri"]))
            return store.select(query, bindings)

    names = TermNames(Counting())
    assert names.of(["urn:x:e1", "urn:x:other"]) == {"urn:x:e1": "One"}
    assert names.of(["urn:x:other", "urn:x:e1"]) == {"urn:x:e1": "One"}
    assert names.of(["urn:x:e1", "urn:x:third"]) == {"urn:x:e1": "One"}
    assert calls == [["urn:x:e1", "urn:x:other"], ["urn:x:third"]]


def test_fill_message_shows_a_named_iri_by_its_name_and_the_rest_as_before():
    entry, other = URIRef("https://example.org/list/entry/cas-1-2-3"), URIRef("https://example.org/x/slug-here")
    values = {"entry": entry, "other": other, "limit": Literal(1000), "text": Literal("cas-1-2-3")}
    template = "{?limit} ppm ({?entry}) {?other} {?text} {?unknown}"
    assert fill_message(template, values) == "1,000 ppm (cas-1-2-3) slug-here cas-1-2-3 {?unknown}"
    assert fill_message(template, values, {entry: "Name (N)"}) == "1,000 ppm (Name (N)) slug-here cas-1-2-3 {?unknown}"
