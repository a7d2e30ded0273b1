"""SHACL 4.6 Logical constraint components: sh:not, sh:and, sh:or, sh:xone.

Each value node is checked against the listed shapes as a set: the nodes that do not conform to a shape are one
pattern (core/conformance.py), and each component joins (sh:and as a union, sh:or as an intersection), subtracts
(sh:not) or counts (sh:xone) those sets against the value nodes. One query for all focus nodes.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent, value_nodes
from complygraph.graph.shacl.core.conformance import (
    NOTHING,
    Names,
    Nonconforming,
    as_variable,
    nonconforming,
    value_candidates,
)


def not_(g: Graph, shape: Node, other: Node, focus: str, path: str | None, names: Names) -> str:
    """4.6.1: a value node that conforms to the shape is a result."""
    failing = nonconforming(g, other, value_candidates(focus, path, names), names)
    return f"{focus} {value_nodes(path)}\nMINUS {{ {as_variable(failing, '?value')} }}"


def _failing(g: Graph, members: Node, focus: str, path: str | None, names: Names) -> list[Nonconforming]:
    """For each listed shape, its value nodes that do not conform to it, as ?value (a list may name a shape twice:
    each counts, 4.6.4)."""
    candidates = value_candidates(focus, path, names)
    return [nonconforming(g, m, candidates, names) for m in Collection(g, members)]


def and_(g: Graph, shape: Node, members: Node, focus: str, path: str | None, names: Names) -> str:
    """4.6.2: a value node that does not conform to one of the shapes is a result."""
    failing = _failing(g, members, focus, path, names)
    if not failing:
        return NOTHING
    either = " UNION ".join(f"{{ {as_variable(f, '?value')} }}" for f in failing)
    return f"{focus} {value_nodes(path)}\n{either}"


def or_(g: Graph, shape: Node, members: Node, focus: str, path: str | None, names: Names) -> str:
    """4.6.3: a value node that conforms to none of the shapes is a result (with no shape listed, every one)."""
    failing = _failing(g, members, focus, path, names)
    each = "\n".join(as_variable(f, "?value") for f in failing)
    return f"{focus} {value_nodes(path)}\n{each}"


def xone(g: Graph, shape: Node, members: Node, focus: str, path: str | None, names: Names) -> str:
    """4.6.4: a value node that conforms to no shape or to more than one is a result."""
    flags, optional = [], []
    for f in _failing(g, members, focus, path, names):
        flag = names.fresh()
        flags.append(flag)
        optional.append(f"OPTIONAL {{ {as_variable(f, '?value', flag)} }}")
    conforming = " + ".join(f"IF(BOUND({flag}), 0, 1)" for flag in flags) or "0"
    lines = "\n".join(optional)
    return f"{focus} {value_nodes(path)}\n{lines}\nFILTER(({conforming}) != 1)"


def record(parameter: Node, component: Node, section: str, nested, has_value: bool = True) -> CoreComponent:
    """A component compiled alone (its own fresh names) or inside a conformance check (the check's names)."""
    def compile_(g: Graph, shape: Node, param: Node, focus: str, path: str | None) -> str:
        return nested(g, shape, param, focus, path, Names())
    return CoreComponent(parameter, component, section, compile_, has_value=has_value, nested=nested)


LOGICAL = (
    record(SH["not"], SH.NotConstraintComponent, "4.6.1", not_),
    record(SH["and"], SH.AndConstraintComponent, "4.6.2", and_),
    record(SH["or"], SH.OrConstraintComponent, "4.6.3", or_),
    record(SH.xone, SH.XoneConstraintComponent, "4.6.4", xone),
)
