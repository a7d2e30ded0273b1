"""Shapes that check value nodes against other shapes (sh:node, sh:or, sh:not, sh:xone, sh:qualifiedValueShape;
SHACL 4.6, 4.7) compiled as set queries, against pySHACL, which until 2026-12-06 validated every such shape.

`python benchmarks/nested_shapes.py [--sizes 200 1000]` generates parts data of each size and prints, per size:
triples, the compiled queries' seconds (`run_shapes(..., fallback=False)` on an in-memory store), pySHACL's
seconds on the same graph and shapes, the ratio, and whether the results are the same (focus, shape, component,
path, value, severity; blank nodes made equal). `--store DIR` times each shape alone on an existing store (a
generated 100k-part store: `complygraph generate` + `import`), compiled only.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix cg: <https://w3id.org/complygraph/ontology#> .
@prefix ex: <http://example.org/shapes#> .
"""
LEAD = "<https://w3id.org/complygraph/id/substance/cas/7439-92-1>"
SHAPES = {
    "sh:node, part -> materials -> occurrences": """ex:N a sh:NodeShape ; sh:targetClass cg:Part ;
      sh:property [ sh:path cg:hasMaterial ; sh:node [
        sh:property [ sh:path cg:massMg ; sh:minCount 1 ; sh:datatype xsd:decimal ; sh:minExclusive 0 ] ;
        sh:property [ sh:path cg:contains ; sh:node [ sh:property [ sh:path cg:concentrationPpm ; sh:minCount 1 ;
                      sh:minInclusive 0 ; sh:maxInclusive 1000000 ] ] ] ] ] .""",
    "sh:or, materials": """ex:O a sh:NodeShape ; sh:targetClass cg:HomogeneousMaterial ; sh:or (
      [ sh:property [ sh:path cg:materialCategory ; sh:hasValue "solder" ] ]
      [ sh:property [ sh:path cg:massMg ; sh:maxInclusive 5 ] ] ) .""",
    "sh:not, occurrences": """ex:T a sh:NodeShape ; sh:targetClass cg:SubstanceOccurrence ;
      sh:not [ sh:property [ sh:path cg:declaredUnit ; sh:hasValue "kg" ] ] .""",
    "sh:qualifiedMaxCount 0, no lead in a material": f"""ex:Q a sh:NodeShape ; sh:targetClass cg:HomogeneousMaterial ;
      sh:property [ sh:path cg:contains ; sh:qualifiedMaxCount 0 ;
                    sh:qualifiedValueShape [ sh:property [ sh:path cg:substance ; sh:hasValue {LEAD} ] ] ] .""",
    "sh:xone, occurrences": """ex:X a sh:NodeShape ; sh:targetClass cg:SubstanceOccurrence ; sh:xone (
      [ sh:property [ sh:path cg:concentrationPpm ; sh:minInclusive 1000 ] ]
      [ sh:property [ sh:path cg:declaredUnit ; sh:in ( "mg" ) ] ] ) .""",
}


def _shapes(texts):
    from rdflib import Graph

    return Graph().parse(data=PREFIXES + "\n".join(texts), format="turtle")


def _keys(results) -> Counter:
    from rdflib import BNode

    def n(t):
        return "_" if isinstance(t, BNode) else t
    return Counter((n(r.focus), n(r.shape), r.component, n(r.path), n(r.value), r.severity) for r in results)


def compare(parts: int, workdir: Path) -> dict:
    from complygraph.generate import generate
    from complygraph.graph import open_store
    from complygraph.graph.shacl.validator import pyshacl_results, run_shapes, store_graph
    from complygraph.loaders.compositions import import_compositions

    generate(workdir / f"d{parts}", products=max(2, parts // 100), parts=parts, seed=2)
    store = open_store(None)
    import_compositions(store, workdir / f"d{parts}")
    shapes, data = _shapes(SHAPES.values()), store_graph(store)
    t0 = time.perf_counter()
    ours = run_shapes(store, shapes, fallback=False)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = pyshacl_results(data, shapes, {})
    t_ref = time.perf_counter() - t0
    return {"parts": parts, "triples": len(data), "compiled_s": round(t_ours, 2), "pyshacl_s": round(t_ref, 2),
            "ratio": round(t_ref / t_ours, 1), "results": len(ours.results), "left_to_pyshacl": len(ours.warnings),
            "same_results": _keys(ours.results) == _keys(theirs)}


def on_store(folder: str) -> None:
    from complygraph.graph import open_store
    from complygraph.graph.shacl.validator import run_shapes

    store = open_store(folder)
    for name, text in SHAPES.items():
        t0 = time.perf_counter()
        report = run_shapes(store, _shapes([text]), fallback=False)
        print(f"{name}: {time.perf_counter() - t0:.2f} s, {len(report.results)} results"
              + (f", NOT compiled: {report.warnings}" if report.warnings else ""), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 1000])
    parser.add_argument("--store", help="time each shape on this store instead (compiled only)")
    args = parser.parse_args()
    if args.store:
        on_store(args.store)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            print(compare(n, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
