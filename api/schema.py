"""The GraphQL schema and its limits. Field names are a contract with internal tools: keep them.

The types and resolvers live with their subject (`substances`, `parts`, `suppliers`, `changes`,
`validation`), the roots in `query` and `mutations`; this module only puts them together.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import AddValidationRules, MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from complygraph.api.errors import should_mask
from complygraph.api.limits import CostLimit
from complygraph.api.mutations import Mutation
from complygraph.api.query import Query

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[lambda: QueryDepthLimiter(max_depth=8), lambda: MaxAliasesLimiter(max_alias_count=20),
                lambda: MaxTokensLimiter(max_token_count=1500), lambda: AddValidationRules([CostLimit]),
                lambda: MaskErrors(should_mask_error=should_mask)],
)
