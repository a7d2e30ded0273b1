"""List entries whose name names a group of substances that no membership rule reaches (QA10 B03)."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal

from complygraph.graph.store import Store
from complygraph.vocab import list_iri

# what an entry's name says when it names a group of substances beyond those it lists by number
GROUP_WORDING = "salts|compounds|isomers|esters|homologues|congeners|related substances|derivatives"


def groups_without_rules(store: Store, list_ids: Iterable[str]) -> list[str]:
    """A warning for each entry whose name names a group ("... and its salts") for which no membership rule is
    known, of a list its entries decide (the Candidate List, CSCL): only the substances the export names are
    reached. A new Candidate List entry "PFPeA and its salts"
    reached the acid alone, and a part with 0.5 % of a sodium salt passed without a word (QA10 B03); a rule
    (data/echa/*-membership-rules.ttl, a company's own) reaches the rest."""
    out = []
    for list_id in list_ids:
        rows = store.select("""
            SELECT DISTINCT ?name WHERE {
              ?entry cg:inList ?list .
              # a list whose restrictions carry its rules (Annex XVII: its conditions name the groups) is judged
              # by them, not by what its entries concern
              FILTER NOT EXISTS { ?restriction dct:isPartOf ?list ; cg:concerns ?anything }
              FILTER NOT EXISTS { ?rule cg:ruleFor ?entry }
              FILTER NOT EXISTS { ?entry cg:concerns ?group . ?groupRule cg:ruleFor ?group }
              FILTER NOT EXISTS { ?restriction cg:concerns ?entry ; cg:concerns ?target .
                                  ?targetRule cg:ruleFor ?target }
              ?entry rdfs:label|skos:prefLabel ?name .
              FILTER(REGEX(?name, ?wording, "i"))
            }""", {"list": list_iri(list_id), "wording": Literal(GROUP_WORDING)})
        names = sorted({r["name"].value for r in rows})
        if names:
            out.append(f"list {list_id}: {len(names)} entries name a group of substances for which no membership "
                       f"rule is known, so only the substances the export names are reached (add a rule to reach "
                       f"the rest): {'; '.join(names)}")
    return out
