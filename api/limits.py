"""The cost limit: a query is priced before it runs, and refused if it could fetch too much.

Depth, alias and token limits bound the size of a query's text, not the work it asks for: five nested
lists of 100 are a short query and 10^10 objects. As GitHub's GraphQL API does, each field is priced
by how many objects it may return: a connection returns at most `first` nodes (its default if not given,
the page maximum if given as a variable), any other list is priced at `LIST_ESTIMATE` items, and a
field's children cost once per object. Fields listed in `FIELD_COSTS` run a set query over the whole
graph (impact analysis, validation) and add their own weight. Introspection is free, so GraphiQL works.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
)

MAX_COST = 50_000
LIST_ESTIMATE = 10
PAGE_MAX = 100
FIELD_COSTS = {"listChange": 100, "whereUsed": 100, "whatIf": 100, "validate": 500, "compliance": 20}


def _is_list(type_) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class CostLimit(ValidationRule):
    """Refuses an operation whose estimated cost exceeds MAX_COST, with code QUERY_TOO_COSTLY."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
        schema = self.context.schema
        root = {"query": schema.query_type, "mutation": schema.mutation_type,
                "subscription": schema.subscription_type}[node.operation.value]
        fragments = {d.name.value: d for d in self.context.document.definitions
                     if isinstance(d, FragmentDefinitionNode)}
        cost = _Pricer(schema, fragments).cost(node.selection_set, root, frozenset())
        if cost > MAX_COST:
            self.report_error(GraphQLError(
                f"query cost {cost} exceeds the limit of {MAX_COST}: ask for smaller pages (first) or fewer "
                "nested lists", node, extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": MAX_COST}))


class _Pricer:
    def __init__(self, schema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments

    def cost(self, selection_set: SelectionSetNode | None, parent, visiting: frozenset[str]) -> int:
        if selection_set is None or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        total = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                name = sel.name.value
                field = None if name.startswith("__") else parent.fields.get(name)
                if field is None:  # introspection is free; an unknown field is another rule's error
                    continue
                child = self.cost(sel.selection_set, get_named_type(field.type), visiting)
                total += 1 + FIELD_COSTS.get(name, 0) + _multiplier(sel, field, parent) * child
            elif isinstance(sel, InlineFragmentNode):
                target = parent if sel.type_condition is None else self.schema.get_type(sel.type_condition.name.value)
                total += self.cost(sel.selection_set, target, visiting)
            elif isinstance(sel, FragmentSpreadNode):
                fragment = self.fragments.get(sel.name.value)
                if fragment is None or sel.name.value in visiting:  # unknown or cyclic: other rules say so
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                total += self.cost(fragment.selection_set, target, visiting | {sel.name.value})
        return total


def _multiplier(node: FieldNode, field, parent) -> int:
    if "first" in field.args:
        given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
        if given is None:
            default = field.args["first"].default_value
            return default if isinstance(default, int) else PAGE_MAX
        return int(given.value) if isinstance(given, IntValueNode) else PAGE_MAX
    if parent.name.endswith("Connection") and node.name.value in ("edges", "nodes"):
        return 1  # already priced by the connection's `first`
    return LIST_ESTIMATE if _is_list(field.type) else 1
