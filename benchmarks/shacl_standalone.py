"""`validate_graph` (complygraph's pySHACL-compatible entry point) against `pyshacl.validate` on the same
data graph and shapes graph: plain SHACL Core and SHACL-SPARQL shapes over generated parts data, not the
compliance packs. Times include copying the data graph into the store.

`python benchmarks/shacl_standalone.py [--sizes 200 1000 5000]` prints, per size: triples, seconds for
each, the ratio, and whether the two reports hold the same results (focus, path, value, severity,
component).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix cg: <https://w3id.org/complygraph/ontology#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <http://example.org/shapes#> .
ex:Part a sh:NodeShape ; sh:targetClass cg:Part ;
  sh:property [ sh:path dct:identifier ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
                sh:pattern "^P[0-9]+$" ] ;
  sh:property [ sh:path cg:massMg ; sh:minCount 1 ; sh:datatype xsd:decimal ; sh:maxInclusive 50000 ] ;
  sh:property [ sh:path cg:suppliedBy ; sh:minCount 1 ; sh:class cg:Supplier ] ;
  sh:property [ sh:path ( cg:hasMaterial cg:contains cg:substance ) ; sh:nodeKind sh:IRI ] .
ex:Material a sh:NodeShape ; sh:targetClass cg:HomogeneousMaterial ;
  sh:property [ sh:path rdfs:label ; sh:minLength 3 ; sh:severity sh:Warning ] ;
  sh:sparql [ sh:message "substances weigh more than the material" ; sh:prefixes ex: ;
    sh:select \"\"\"SELECT $this (SUM(?mg) AS ?total) WHERE { $this cg:massMg ?mass ; cg:contains/cg:massMg ?mg }
      GROUP BY $this ?mass HAVING (SUM(?mg) > ?mass)\"\"\" ] .
ex: sh:declare [ sh:prefix "cg" ; sh:namespace "https://w3id.org/complygraph/ontology#"^^xsd:anyURI ] .
"""


def _data(parts: int, workdir: Path):
    from complygraph.generate import generate
    from complygraph.graph import open_store
    from complygraph.graph.shacl.validator import store_graph
    from complygraph.loaders.compositions import import_compositions

    generate(workdir / f"d{parts}", products=max(2, parts // 100), parts=parts, seed=2)
    store = open_store(None)
    import_compositions(store, workdir / f"d{parts}")
    return store_graph(store)


def _keys(graph) -> set:
    from rdflib.namespace import RDF, SH

    return {tuple(graph.value(r, p) for p in (SH.focusNode, SH.resultPath, SH.value, SH.resultSeverity,
                                                SH.sourceConstraintComponent))
            for r in graph.subjects(RDF.type, SH.ValidationResult)}


def run(parts: int, workdir: Path, with_pyshacl: bool) -> dict:
    import pyshacl
    from rdflib import BNode, Graph

    from complygraph.graph.shacl import validate_graph

    data, shapes = _data(parts, workdir), Graph().parse(data=SHAPES, format="turtle")
    t0 = time.perf_counter()
    conforms, ours, _ = validate_graph(data, shacl_graph=shapes)
    t_ours = time.perf_counter() - t0
    row = {"parts": parts, "triples": len(data), "ours_s": round(t_ours, 2), "conforms": conforms,
           "results": len(_keys(ours))}
    if with_pyshacl:
        t0 = time.perf_counter()
        _, theirs, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
        t_ref = time.perf_counter() - t0

        def comparable(keys):  # blank-node paths differ in identity between the two reports
            return {tuple(None if isinstance(x, BNode) else x for x in k) for k in keys}

        row.update(pyshacl_s=round(t_ref, 2), ratio=round(t_ref / t_ours, 1),
                   same_results=comparable(_keys(ours)) == comparable(_keys(theirs)))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 1000])
    parser.add_argument("--alone", type=int, nargs="*", default=[10000], help="sizes without pySHACL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            print(run(n, Path(tmp), with_pyshacl=True), flush=True)
        for n in args.alone:
            print(run(n, Path(tmp), with_pyshacl=False), flush=True)


if __name__ == "__main__":
    main()
