"""GraphQL errors with machine-readable codes; anything else is masked (no stack traces to clients)."""

from __future__ import annotations

from graphql import GraphQLError


def user_error(message: str, code: str = "BAD_USER_INPUT") -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def should_mask(error: GraphQLError) -> bool:
    original = getattr(error, "original_error", None)
    return original is not None and not isinstance(original, GraphQLError)
