"""The node of a substance a composition record names: by CAS number, else EC number (the CAS number the store
knows for it), else a name the identifier database or one list entry resolves, else the declared name itself
(a `substance/declared/` node, whose membership by name is `name_membership`)."""

from __future__ import annotations

from pyoxigraph import NamedNode, Triple

from complygraph.identifiers import InvalidIdentifier, name_key, normalise_cas, normalise_ec
from complygraph.loaders import rdf
from complygraph.loaders.identity import name_facts
from complygraph.loaders.import_state import ImportState
from complygraph.loaders.records import Record, RecordChecker
from complygraph.vocab import ID, RDF_TYPE, cg, rdfs, substance_iri


def substance_node(rec: Record, state: ImportState,
                   checks: RecordChecker) -> tuple[NamedNode, str, list[Triple]] | None:
    """The substance's node, its key within a material (CAS, else EC, else name) and its own facts."""
    f = rec.fields
    try:
        if f.get("cas"):
            key = normalise_cas(f["cas"])
            node = substance_iri(cas=key)
            facts = [rdf.t(node, cg.casNumber, rdf.text(key))]
            if f.get("ec"):
                facts.append(rdf.t(node, cg.ecNumber, rdf.text(normalise_ec(f["ec"]))))
        elif f.get("ec") and (cas := state.cas_of_ec(normalise_ec(f["ec"]))) is not None:
            key = cas  # the substance the store knows by both numbers
            node = substance_iri(cas=key)
            facts = [rdf.t(node, cg.casNumber, rdf.text(key)),
                     rdf.t(node, cg.ecNumber, rdf.text(normalise_ec(f["ec"])))]
        elif f.get("ec"):
            node = substance_iri(ec=(key := normalise_ec(f["ec"])))
            facts = [rdf.t(node, cg.ecNumber, rdf.text(key))]
        elif (name := f.get("substance_name")) and (found := state.names.resolve(name)) is not None:
            key, node = found[0], substance_iri(cas=found[0])  # a name only: the database's record, or a list label
            facts = [rdf.t(node, cg.casNumber, rdf.text(key)), *name_facts(node, name, found[1])]
        elif f.get("substance_name"):
            node = NamedNode(f"{ID}substance/declared/{name_key(f['substance_name'])}")
            key, facts = f["substance_name"], []
            state.declared_names[node.value].add(f["substance_name"])  # loaders/name_membership.py
        else:
            checks.problem(rec, "cas", "a substance needs a CAS number, an EC number or a substance_name")
            return None
    except InvalidIdentifier as exc:
        checks.problem(rec, "cas" if "CAS" in str(exc) else "ec", str(exc))
        return None
    facts.insert(0, rdf.t(node, RDF_TYPE, cg.Substance))
    if f.get("substance_name"):
        facts.append(rdf.t(node, rdfs.label, rdf.text(f["substance_name"], "en")))
    return node, key, facts
