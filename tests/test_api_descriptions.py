"""Every part of the GraphQL schema a client reads in GraphiQL's docs has a description (QA7 B13: 196 of 285
object-type fields, most types, the mutations' arguments and the compliance statuses had none).

Checked on the schema itself, no server: every named type, each object type's fields and their arguments, each
input type's fields and each enum value. Left out: graphql-core's introspection types (`__Schema`, `__Type`, ...),
which are the GraphQL specification's and described by graphql-core. The built-in scalars (String, Int, Float,
Boolean, ID) and Strawberry's `Upload` come with descriptions of their own and are checked like the rest.
"""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
)

from complygraph.api.schema import schema

INTROSPECTION = "__"  # the prefix of graphql-core's introspection types: the specification's, not ours


def _named_types() -> list[GraphQLNamedType]:
    return [t for name, t in sorted(schema._schema.type_map.items()) if not name.startswith(INTROSPECTION)]


def _undescribed() -> list[str]:
    """Every type, field, argument, input field and enum value without a description, by its schema coordinate."""
    missing = []

    def check(coordinate: str, description: str | None) -> None:
        if not (description or "").strip():
            missing.append(coordinate)

    for t in _named_types():
        check(t.name, t.description)
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in t.fields.items():
                check(f"{t.name}.{name}", field.description)
                for arg_name, arg in field.args.items():
                    check(f"{t.name}.{name}({arg_name}:)", arg.description)
        elif isinstance(t, GraphQLInputObjectType):
            for name, field in t.fields.items():
                check(f"{t.name}.{name}", field.description)
        elif isinstance(t, GraphQLEnumType):
            for name, value in t.values.items():
                check(f"{t.name}.{name}", value.description)
    return missing


def test_every_type_field_argument_and_enum_value_has_a_description():
    """B13: a client reading the docs saw no unit, no meaning of null and no paging for most fields."""
    assert _undescribed() == []


def test_the_check_reaches_every_kind_of_schema_element():
    """The test above is only as good as what it walks: the schema has object types with fields and arguments and
    an enum (no input types yet: an input type added later is checked by the same walk)."""
    types = _named_types()
    assert any(isinstance(t, GraphQLObjectType) for t in types) and any(isinstance(t, GraphQLEnumType) for t in types)
    fields = [f for t in types if isinstance(t, GraphQLObjectType) for f in t.fields.values()]
    assert len(fields) > 250 and sum(len(f.args) for f in fields) > 50
    assert "ComplianceStatus" in schema._schema.type_map and "Query" in schema._schema.type_map


def test_a_description_states_the_unit_of_a_mass_and_a_concentration():
    """The units a client cannot guess: masses are in mg, concentrations in ppm of the homogeneous material."""
    types = schema._schema.type_map
    assert "mg" in types["Part"].fields["mass"].description
    assert "mg" in types["Material"].fields["mass"].description
    assert "ppm" in types["SubstanceInMaterial"].fields["ppm"].description
    assert "homogeneous material" in types["Impact"].fields["ppm"].description
