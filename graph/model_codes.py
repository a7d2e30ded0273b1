"""How the read model (graph/read_model.py) numbers the predicates it keeps: shared by the model, its reads
(graph/composition_reads.py) and the where-used rows derived from it (graph/impact_rows.py)."""

from __future__ import annotations

from complygraph.vocab import ID, cg, dct, rdfs

COMPOSITION = {cg.substance: 1, cg.concentrationPpm: 2, cg.massMg: 3, cg.contains: 4, cg.hasMaterial: 5,
               cg.suppliedBy: 6, cg.child: 7, cg.parent: 8, cg.quantity: 9,
               cg.intentionallyAdded: 14, cg.claimedExemption: 15}  # the last two: a part's tree (api/part_trees)
NAMED = {dct.identifier: 10, rdfs.label: 11}  # kept for subjects in ENTITIES only
PRODUCT_TYPE = 12  # (s, rdf:type, cg:Product)
PART_TYPE = 13  # (s, rdf:type, cg:Part): which nodes a part(id) finds (graph/part_tree_reads.py)
SUPPLIER_TYPE = 16  # (s, rdf:type, cg:Supplier): a part's supplier, as part(id) shows it
TYPES = {cg.Product: PRODUCT_TYPE, cg.Part: PART_TYPE, cg.Supplier: SUPPLIER_TYPE}  # kept for any subject
ENTITIES = tuple(f"{ID}{kind}/" for kind in ("part", "product", "material", "supplier"))
P = {**{k.value.rsplit("#", 1)[-1]: v for k, v in COMPOSITION.items()}, "identifier": 10, "label": 11,
     "product": PRODUCT_TYPE, "part": PART_TYPE,
     "supplier": SUPPLIER_TYPE}
