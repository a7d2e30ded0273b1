"""The OWL vocabulary (complygraph.ttl) and its consistency check with owlready2.

The reasoner is Pellet: HermiT rejects xsd:date, which is outside the OWL 2 datatype map but is how
lists date their versions and entries.
"""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

ONTOLOGY_IRI = "https://w3id.org/complygraph/ontology"


def ontology_path() -> Path:
    return Path(str(resources.files("complygraph.ontology") / "complygraph.ttl"))


def _to_ntriples(turtle: Path, target: Path) -> None:
    # owlready2 reads RDF/XML, OWL/XML and N-Triples, not Turtle.
    import rdflib

    rdflib.Graph().parse(turtle, format="turtle").serialize(target, format="nt", encoding="utf-8")


def load(world=None, extra_ntriples: list[Path] | None = None):
    """Load the ontology (and optional data as N-Triples) into an owlready2 World; returns (world, onto)."""
    import owlready2

    world = world or owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "complygraph.nt"
        _to_ntriples(ontology_path(), nt)
        onto = world.get_ontology(nt.as_uri()).load()
        for i, extra in enumerate(extra_ntriples or []):
            world.get_ontology(f"http://complygraph.invalid/data{i}").load(fileobj=open(extra, "rb"),
                                                                            format="ntriples")
    return world, onto


def check_consistency(extra_ntriples: list[Path] | None = None) -> str:
    """Run Pellet over the ontology plus any data given as N-Triples files (the shipped lists, a store's
    dump: `complygraph.consistency` prepares those).

    Raises owlready2.OwlReadyInconsistentOntologyError when the whole is inconsistent.
    """
    import owlready2

    world, onto = load(extra_ntriples=list(extra_ntriples or []))
    with onto:
        owlready2.sync_reasoner_pellet(world, infer_property_values=False,
                                       infer_data_property_values=False, debug=0)
    inconsistent = list(world.inconsistent_classes())
    if inconsistent:
        raise ValueError(f"unsatisfiable classes: {inconsistent}")
    n_individuals = len({i for c in onto.classes() for i in world.search(type=c)})
    return (f"consistent: {len(list(onto.classes()))} classes, {len(list(onto.properties()))} properties, "
            f"{n_individuals} individuals checked by Pellet")
