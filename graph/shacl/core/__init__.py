"""SHACL Core constraint components (SHACL 1.0 section 4), one record per component.

Each record names the component's parameter, its IRI, the specification section, and the function that
turns one parameter value into the body of a query over all focus nodes. The modules follow the
specification: `value_type` (4.1), `cardinality` (4.2), `value_range` (4.3), `string_based` (4.4),
`property_pairs` (4.5), `logical` (4.6), `shape_based` (4.7), `other` (4.8); `conformance` writes which nodes
do not conform to a nested shape, for 4.6 and 4.7. The lookup tables the compiler uses are derived from `COMPONENTS`,
never kept by hand.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.cardinality import CARDINALITY
from complygraph.graph.shacl.core.component import REGISTRY, CoreComponent
from complygraph.graph.shacl.core.logical import LOGICAL
from complygraph.graph.shacl.core.other import OTHER
from complygraph.graph.shacl.core.property_pairs import PROPERTY_PAIRS
from complygraph.graph.shacl.core.shape_based import SHAPE_BASED
from complygraph.graph.shacl.core.string_based import STRING_BASED
from complygraph.graph.shacl.core.value_range import VALUE_RANGE
from complygraph.graph.shacl.core.value_type import VALUE_TYPE

COMPONENTS: tuple[CoreComponent, ...] = (VALUE_TYPE + CARDINALITY + VALUE_RANGE + STRING_BASED + PROPERTY_PAIRS + OTHER
    + LOGICAL + SHAPE_BASED)
BY_PARAMETER: dict[Node, CoreComponent] = {c.parameter: c for c in COMPONENTS}

# Constraint parameters this compiler does not translate: a shape using one is validated by pySHACL.
UNSUPPORTED: frozenset[Node] = frozenset()
REGISTRY.components, REGISTRY.unsupported = COMPONENTS, UNSUPPORTED
# The parameters of the components that check value nodes against other shapes (4.6, 4.7)
SHAPE_PARAMETERS = frozenset({c.parameter for c in LOGICAL + SHAPE_BASED} | {SH.qualifiedValueShape})


def compile_core(g: Graph, shape: Node, component: CoreComponent, focus: str,
                 path: str | None) -> list[str]:
    """Query bodies for one core component of a shape, one per parameter value (sh:class may have several)."""
    if component.needs_path and not path:
        raise ValueError(f"{component.parameter} needs a property shape")
    return [component.compile(g, shape, value, focus, path) for value in g.objects(shape, component.parameter)]


__all__ = ["BY_PARAMETER", "COMPONENTS", "SHAPE_PARAMETERS", "UNSUPPORTED", "CoreComponent", "compile_core"]
