"""What a SHACL-SPARQL query may contain, and whether it can be run as a plain join with the focus nodes.

SHACL 1.0 appendix A restricts the queries that use pre-bound variables, and a processor MUST report a
failure for a shapes graph whose `sh:select` or `sh:ask` breaks a restriction: no MINUS, no SERVICE, no
VALUES, no `AS ?var` for a potentially pre-bound variable, and every subquery returns all potentially
pre-bound variables (`$shapesGraph` and `$currentShape` excepted). A processor that does not support
`$shapesGraph` MUST report a failure for a query that references it (5.3.1). These raise `ShapesError`.

`joins_this` decides how a query runs for all focus nodes at once. The fast form joins the query's own
solutions with the targets (a FILTER EXISTS test); that is pre-binding only when the query binds `$this`
itself at the top and every FILTER, BIND or OPTIONAL that uses `$this` sees it bound. Otherwise the query
runs with the focus nodes enumerated in every group that names `$this` (`sparql_text.inject`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from complygraph.graph.shacl.errors import ShapesError, Unsupported

THIS = Variable("this")
OPTIONAL_PREBOUND = {"shapesGraph", "currentShape"}  # a subquery need not return these (appendix A)


@dataclass(frozen=True)
class Analysis:
    """What the rules need to know of a query, read once per query text (rdflib's parser is slow)."""
    readable: bool  # False when rdflib cannot read it: nothing is checked, and it runs in the generator form
    facts: tuple = ()  # ("minus",), ("service",), ("values",), ("as", var), ("subquery", returned or None), ("limit",)
    joins: bool = False  # see joins_this


@lru_cache(maxsize=1024)
def analyse(prefixes: str, text: str) -> Analysis:
    try:
        tree = parseQuery(prefixes + text)
    except Exception:  # pyparsing and rdflib raise several types; the store reports real syntax errors
        return Analysis(False)
    facts = tuple(dict.fromkeys(f for node in _walk(tree) if isinstance(node, CompValue) for f in _facts(node)))
    return Analysis(True, facts, joins_this(tree))


def _get(node: CompValue, key: str):
    """The value of `key`, None when absent (CompValue.get answers the key itself)."""
    return dict.get(node, key)


def _children(node):
    if isinstance(node, CompValue):
        return [v for k, v in node.items() if k != "_vars"]
    if isinstance(node, list | tuple | ParseResults):
        return list(node)
    return []


def _walk(node):
    yield node
    for child in _children(node):
        yield from _walk(child)


def _projected(select: CompValue) -> set[str] | None:
    """The variables a SELECT returns, None for SELECT *."""
    if not _get(select, "projection"):
        return None
    return {str(_get(v, "evar") or _get(v, "var")) for v in select.projection}


def _facts(node: CompValue):
    if node.name == "MinusGraphPattern":
        yield ("minus",)
    elif node.name == "ServiceGraphPattern":
        yield ("service",)
    elif node.name in ("InlineData", "ValuesClause"):
        yield ("values",)
    elif node.name in ("Bind", "GroupAs"):
        yield ("as", str(node.var))
    elif node.name == "vars" and _get(node, "evar") is not None:
        yield ("as", str(node.evar))
    elif node.name == "SubSelect":
        returned = _projected(node)
        yield ("subquery", frozenset(returned) if returned is not None else None)
    if node.name in ("SubSelect", "SelectQuery") and _get(node, "limitoffset"):
        yield ("limit",)


def check(analysis: Analysis, prebound: set[str], where: str) -> None:
    """Raise ShapesError when the query breaks a rule of appendix A; `prebound` are its potentially pre-bound
    variables, `where` names the shape and constraint for the message."""
    rules = []
    for fact in analysis.facts:
        if fact[0] == "minus":
            rules.append("MINUS is not allowed")
        elif fact[0] == "service":
            rules.append("a federated query (SERVICE) is not allowed")
        elif fact[0] == "values":
            rules.append("VALUES is not allowed")
        elif fact[0] == "as" and fact[1] in prebound:
            rules.append(f"AS ?{fact[1]} rebinds a pre-bound variable")
        elif fact[0] == "subquery" and fact[1] is None:
            rules.append("a subquery uses SELECT *, which does not return the pre-bound variables")
        elif fact[0] == "subquery" and (missing := sorted(prebound - OPTIONAL_PREBOUND - fact[1])):
            rules.append(f"a subquery does not return the pre-bound {', '.join('$' + m for m in missing)}")
    if rules:
        raise ShapesError(f"{where}: {'; '.join(dict.fromkeys(rules))} (SHACL 1.0 appendix A, pre-binding)")
    if ("limit",) in analysis.facts:
        raise Unsupported("LIMIT/OFFSET, which would apply to all focus nodes at once")


def _mentions(node, var: Variable = THIS) -> bool:
    return node == var if isinstance(node, Variable) else any(_mentions(c, var) for c in _children(node))


def _uses(node) -> bool:
    """Whether ?this is read below `node` (a subquery's algebra): in a triple pattern, an expression, a path,
    anything but the name the subquery returns and groups by. A subquery that only returns ?this (as appendix
    A asks of every subquery) gives the same solutions for every focus node, so run once with ?this unbound
    and joined on it, it gives the solutions of pre-binding; any other use needs the focus node bound inside.
    rdflib writes a grouped ?this as SAMPLE(?this) renamed back to ?this: that pair is not a use."""
    renames = {n.expr for n in _walk(node) if isinstance(n, CompValue) and n.name == "Extend"
               and n.var == THIS and isinstance(n.expr, Variable)}

    def reads(n) -> bool:
        if isinstance(n, CompValue):
            if n.name == "Project":
                return reads(n.p)
            if n.name == "Group":
                return reads(n.p) or any(_mentions(e) for e in _get(n, "expr") or [] if e != THIS)
            if n.name == "Extend" and n.var == THIS and n.expr in renames:
                return reads(n.p)
            if n.name == "Aggregate_Sample" and n.vars == THIS and n.res in renames:
                return False
            return any(reads(v) for k, v in n.items() if k != "_vars")
        if isinstance(n, list | tuple | ParseResults | set | frozenset):
            return any(reads(c) for c in n)
        return n == THIS

    return reads(node)


def _certain(node) -> set:
    """The variables every solution of an algebra node binds."""
    if not isinstance(node, CompValue):
        return set()
    name = node.name
    if name == "BGP":
        return {x for t in node.triples for x in t if isinstance(x, Variable)}
    if name == "Join":
        return _certain(node.p1) | _certain(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _certain(node.p1)
    if name == "Union":
        return _certain(node.p1) & _certain(node.p2)
    if name == "Extend":
        inner = _certain(node.p)
        return inner | {node.var} if isinstance(node.expr, Variable) and node.expr in inner else inner
    if name == "Graph":
        return _certain(node.p) | ({node.term} if isinstance(node.term, Variable) else set())
    if name == "Project":
        return _certain(node.p) & set(node.PV)
    if name == "AggregateJoin":
        grouped = {v for v in _get(node.p, "expr") or [] if isinstance(v, Variable)} & _certain(node.p.p)
        return grouped | {a.res for a in node.A if a.name == "Aggregate_Sample" and a.vars in grouped}
    if name in ("Filter", "OrderBy", "Distinct", "Reduced", "Slice", "ToMultiSet", "SelectQuery"):
        return _certain(node.p)
    return set()


def _safe(node) -> bool:
    """Whether every use of ?this below `node` sees the binding of the solution it belongs to."""
    if not isinstance(node, CompValue):
        return True
    name = node.name
    if name in ("Filter", "Extend", "Group") and _mentions(_get(node, "expr")) and THIS not in _certain(node.p):
        return False
    if name == "LeftJoin":
        left = _certain(node.p1)
        if _mentions(node.p2) and THIS not in left:
            return False
        if _mentions(_get(node, "expr")) and THIS not in left | _certain(node.p2):
            return False
    if name == "AggregateJoin" and _mentions(node.A) and THIS not in _certain(node.p.p):
        return False
    if name == "ToMultiSet" and _mentions(node.p) and THIS not in _certain(node.p):
        return not _uses(node.p)  # a subquery evaluated on its own: right if it never reads ?this
    if name == "Graph" and _mentions(node.p) and THIS not in _certain(node.p):
        return False  # a GRAPH pattern evaluated on its own
    return all(_safe(_get(node, k)) for k in ("p", "p1", "p2") if _get(node, k) is not None)


def joins_this(tree) -> bool:
    """Whether the SELECT, run on its own and joined with the focus nodes on ?this, gives the solutions of
    pre-binding: the query binds ?this in every solution and nothing uses ?this where it is not yet bound."""
    if tree[1].name != "SelectQuery":
        return False
    try:
        algebra = translateQuery(tree).algebra
    except Exception:  # rdflib's translation raises several types; the generator form is always right
        return False
    return THIS in _certain(algebra) and _safe(algebra)
