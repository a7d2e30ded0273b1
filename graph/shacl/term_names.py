"""The names messages show for the IRIs their placeholders are bound to, where the store knows one: a finding
reads "(Lead (Pb))" as impact and list-diff name the entry, not "(lead-pb)", the IRI's last segment.

- a list entry (`cg:inList`): its `rdfs:label` in English or with no language;
- a restriction (`cg:Restriction`, which has no label of its own): the name of the entry of its list that
  concerns what it concerns (RoHS Annex II: lead and its compounds, "Lead (Pb)"), else, where it has an entry
  number (REACH Annex XVII), "entry <number>";
- a substance group (`cg:SubstanceGroup`): its `skos:prefLabel` in English or with no language.

Anything else keeps its last segment (messages.py `show_term`). Several names for one IRI: the first kind above
that gives one, then the shortest, then the first in code point order, the same whichever the store answers
first. Only the message text is named: a result's details (cg:restriction, cg:entry) stay IRIs.

Names are asked set-at-a-time: one query per constraint for the distinct IRIs of its rows that no earlier
constraint of the run asked (a batch of values at a time: graph/bindings.py), never one per result, and kept
for the validation run (one `TermNames` per run: a store's names can change between runs).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store

# ?rank orders the kinds of name: an entry's or group's own name, a restriction's entry's, its entry number
NAMES_QUERY = """
    SELECT ?iri ?name ?rank WHERE {
      { ?iri cg:inList ?inList ; rdfs:label ?name . BIND(0 AS ?rank) }
      UNION
      { ?iri a cg:SubstanceGroup ; skos:prefLabel ?name . BIND(0 AS ?rank) }
      UNION
      { ?iri a cg:Restriction ; dct:isPartOf ?list ; cg:concerns ?target .
        ?entry cg:inList ?list ; cg:concerns ?target ; rdfs:label ?name . BIND(1 AS ?rank) }
      UNION
      { ?iri a cg:Restriction ; cg:entryNumber ?number .
        BIND(CONCAT("entry ", STR(?number)) AS ?name) BIND(2 AS ?rank) }
      FILTER(LANG(?name) = "" || LANGMATCHES(LANG(?name), "en"))
    }"""


class TermNames:
    """The names of IRIs in messages for one validation run, looked up as constraints need them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.names: dict[str, str] = {}  # IRI -> its name (IRIs without one are absent)
        self.asked: set[str] = set()  # IRIs looked up, named or not
        self.seconds = 0.0  # time spent in the lookups
        self._lock = threading.Lock()  # results are read on one thread today; a second reader must not race

    def of(self, iris: Iterable[str]) -> dict[str, str]:
        """IRI -> name for those of `iris` the store names; the ones not asked yet are looked up in one query."""
        wanted = set(iris)
        with self._lock:
            missing = sorted(wanted - self.asked)
            if missing:
                started = time.perf_counter()
                found: dict[str, tuple[int, int, str]] = {}
                for row in select_batched(self.store, NAMES_QUERY, "iri", [NamedNode(i) for i in missing]):
                    name = row["name"].value.strip()
                    if not name:
                        continue
                    iri, choice = row["iri"].value, (int(row["rank"].value), len(name), name)
                    if iri not in found or choice < found[iri]:
                        found[iri] = choice
                self.names.update((iri, choice[2]) for iri, choice in found.items())
                self.asked.update(missing)
                self.seconds += time.perf_counter() - started
            return {i: self.names[i] for i in wanted if i in self.names}
