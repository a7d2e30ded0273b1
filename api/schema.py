"""The GraphQL schema and its limits. Field names are a contract with internal tools: keep them.

The types and resolvers live with their subject (`substances`, `parts`, `suppliers`, `changes`,
`validation`), the roots in `query` and `mutations`; this module only puts them together. The token limit
stops the parser, whose documents are kept per query text (a dashboard sends the same text again and
again); `Limits` (depth, aliases, page sizes, cost) runs before graphql-core's own rules; `ErrorPolicy`
gives every error a code and takes server paths out of messages.
"""

from __future__ import annotations

from strawberry.extensions import MaxTokensLimiter, ParserCache

from complygraph.api.errors import ErrorPolicy, Schema
from complygraph.api.limits import Limits
from complygraph.api.mutations import Mutation
from complygraph.api.query import Query

MAX_TOKENS = 1500

schema = Schema(
    query=Query,
    mutation=Mutation,
    extensions=[lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS), lambda: ParserCache(maxsize=512), Limits,
                ErrorPolicy],
)
