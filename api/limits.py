"""Limits checked on the parsed query before anything else runs: depth, aliases, page sizes and cost.

Depth, alias and token limits bound the size of a query's text, not the work it asks for: five nested
lists of 100 are a short query and 10^10 objects. As GitHub's GraphQL API does, each field is priced by
how many objects it may return: a connection returns at most `first` nodes (its default if not given, the
page maximum if given as a variable), any other list is priced at `LIST_ESTIMATE` items, and a field's
children cost once per object. Fields that run a set computation over the whole graph are priced by that
computation, whatever page they return: a validation (`validate`, `parts(nonCompliantWith:)`) costs
`VALIDATION_COST` (a fifth of the limit: 3 s on 10k parts, 50 s on 100k), an impact analysis (`listChange`,
`whereUsed`, `whereUsedPage`, `whatIf`) `IMPACT_COST`. Introspection is free, so GraphiQL works.

A page size is refused unless it is 1 to 100: multiplying by a negative `first` once let a costly query
price itself under the limit. Fragments are measured once each, so a fragment spread a thousand times
costs the checker nothing more (graphql-core's own rules would take seconds on such a "fragment bomb",
which is why `Limits` runs these checks before them and skips them when a limit is exceeded).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    validate,
)
from strawberry.extensions import SchemaExtension

from complygraph.api.work import Work

MAX_COST = 50_000
MAX_DEPTH = 9  # nested fields; introspection fields are not counted
MAX_ALIASES = 20
LIST_ESTIMATE = 10
PAGE_MAX = 100
VALIDATION_COST = 10_000
IMPACT_COST = 2_000
FIELD_COSTS = {"listChange": IMPACT_COST, "whereUsed": IMPACT_COST, "whereUsedPage": IMPACT_COST,
               "whatIf": IMPACT_COST,
               "validate": VALIDATION_COST, "compliance": 20,
               # outstanding declarations read every part, declaration and list version (56 s on 100k parts)
               "outstanding": VALIDATION_COST, "requests": VALIDATION_COST}
ARGUMENT_COSTS = {("parts", "nonCompliantWith"): VALIDATION_COST}


@dataclass(frozen=True)
class _Size:
    cost: int = 0
    depth: int = 0
    aliases: int = 0

    def __add__(self, other: _Size) -> _Size:
        return _Size(self.cost + other.cost, max(self.depth, other.depth), self.aliases + other.aliases)


def _is_list(type_) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class _Measurer:
    """Measures selection sets; each fragment once (memoised by name), cycles counted as nothing (the
    standard NoFragmentCycles rule reports them)."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.memo: dict[str, _Size] = {}
        self.visiting: set[str] = set()
        self.errors: list[GraphQLError] = []

    def fragment(self, name: str) -> _Size:
        if name in self.memo:
            return self.memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            return _Size()
        self.visiting.add(name)
        size = self.selections(fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value))
        self.visiting.discard(name)
        self.memo[name] = size
        return size

    def selections(self, selection_set: SelectionSetNode | None, parent) -> _Size:
        total = _Size()
        if selection_set is None:
            return total
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                total = total + self.field(sel, parent)
            elif isinstance(sel, InlineFragmentNode):
                target = parent if sel.type_condition is None else self.schema.get_type(sel.type_condition.name.value)
                total = total + self.selections(sel.selection_set, target)
            elif isinstance(sel, FragmentSpreadNode):
                total = total + self.fragment(sel.name.value)
        return total

    def field(self, node: FieldNode, parent) -> _Size:
        name = node.name.value
        alias = 1 if node.alias else 0
        if name.startswith("__"):  # introspection: free and not counted in depth
            return _Size(aliases=alias + self.selections(node.selection_set, None).aliases)
        fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        field = fields.get(name)
        if field is None:  # another rule's error, but its nesting counts: depth is refused before them
            child = self.selections(node.selection_set, None)
            return _Size(0, 1 + child.depth, alias + child.aliases)
        child = self.selections(node.selection_set, get_named_type(field.type))
        extra = sum(cost for (f, arg), cost in ARGUMENT_COSTS.items()
                    if f == name and any(a.name.value == arg and not isinstance(a.value, NullValueNode)
                                         for a in node.arguments or ()))
        cost = 1 + FIELD_COSTS.get(name, 0) + extra + self.multiplier(node, field, parent) * child.cost
        return _Size(cost, 1 + child.depth, alias + child.aliases)

    def multiplier(self, node: FieldNode, field, parent) -> int:
        if "first" in field.args:
            given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
            if given is None:
                default = field.args["first"].default_value
                return default if isinstance(default, int) else PAGE_MAX
            if isinstance(given, IntValueNode):
                n = int(given.value)
                if not 1 <= n <= PAGE_MAX:
                    self.errors.append(GraphQLError(f"first: between 1 and {PAGE_MAX}", given,
                                                    extensions={"code": "PAGE_SIZE"}))
                    return PAGE_MAX
                return n
            return PAGE_MAX  # a variable or null: the page maximum (the resolver checks the value)
        if parent.name.endswith("Connection") and node.name.value in ("edges", "nodes"):
            return 1  # already priced by the connection's `first`
        return LIST_ESTIMATE if _is_list(field.type) else 1


def check(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """The limits `document` exceeds, each a coded error; empty when it may run."""
    measurer = _Measurer(schema, document)
    roots = {"query": schema.query_type, "mutation": schema.mutation_type, "subscription": schema.subscription_type}
    errors: list[GraphQLError] = []
    aliases = 0
    for op in document.definitions:
        if not isinstance(op, OperationDefinitionNode):
            continue
        size = measurer.selections(op.selection_set, roots[op.operation.value])
        aliases += size.aliases
        if size.depth > MAX_DEPTH:
            errors.append(GraphQLError(f"query depth {size.depth} exceeds the limit of {MAX_DEPTH}", op,
                                       extensions={"code": "QUERY_TOO_DEEP", "depth": size.depth,
                                                   "limit": MAX_DEPTH}))
        if size.cost > MAX_COST:
            errors.append(GraphQLError(
                f"query cost {size.cost} exceeds the limit of {MAX_COST}: ask for smaller pages (first), fewer "
                "nested lists or fewer validations and impact analyses", op,
                extensions={"code": "QUERY_TOO_COSTLY", "cost": size.cost, "limit": MAX_COST}))
    if aliases > MAX_ALIASES:
        errors.append(GraphQLError(f"{aliases} aliases exceed the limit of {MAX_ALIASES}",
                                   extensions={"code": "TOO_MANY_ALIASES", "aliases": aliases,
                                               "limit": MAX_ALIASES}))
    return measurer.errors + errors


class _Verdicts:
    """The validation errors of recent query texts: the same query from many clients (a dashboard, a load
    balancer's probe) is checked once, not once per request. Validation depends on the schema and the text
    alone, never on variables."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._data: OrderedDict[tuple[int, str], list[GraphQLError]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str]) -> list[GraphQLError] | None:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
            return found

    def put(self, key: tuple[int, str], errors: list[GraphQLError]) -> None:
        with self._lock:
            self._data[key] = errors
            while len(self._data) > self.size:
                self._data.popitem(last=False)


_verdicts = _Verdicts()


class Limits(SchemaExtension):
    """Runs `check` before the standard validation rules, and skips them when a limit is exceeded: a
    refused query costs the server a linear walk of its text and nothing more. A query within the limits
    is validated by the standard rules on a read thread (`api.work`), not on the event loop: comparing the
    fields of a long query (OverlappingFieldsCanBeMerged) takes up to 0.2 s within the token limit. The
    verdict is kept per query text (`_Verdicts`)."""

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            # strawberry keeps the graphql-core schema in `_schema` (its own ValidationCache reads it too)
            graphql_schema, document = context.schema._schema, context.graphql_document
            key = (id(graphql_schema), context.query or "")
            errors = _verdicts.get(key) if context.query else None
            if errors is None:
                errors = check(graphql_schema, document)
                if not errors:
                    request = context.context if isinstance(context.context, dict) else {}
                    run = request.get("work") or Work()
                    errors = await run.read(validate, graphql_schema, document, list(context.validation_rules))
                if context.query:
                    _verdicts.put(key, errors)
            # a list, even empty, tells strawberry that validation has run
            context.pre_execution_errors = list(errors)
        yield
