"""The FastAPI application: GraphQL at /graphql (GraphiQL in a browser), /healthz, /openapi.json."""

from __future__ import annotations

from fastapi import FastAPI, Request
from strawberry.fastapi import GraphQLRouter

from ..graph.store import Store
from .loaders import Loaders
from .schema import schema


def create_app(store: Store) -> FastAPI:
    app = FastAPI(title="complygraph", version="0.1.0",
                  description="Product chemical compliance knowledge graph: GraphQL at /graphql.")

    async def context(request: Request) -> dict:
        return {"store": store, "loaders": Loaders(store), "request": request}

    # multipart uploads carry the import mutations; strawberry's CSRF check still applies to them
    app.include_router(GraphQLRouter(schema, context_getter=context, graphql_ide="graphiql",
                                     multipart_uploads_enabled=True), prefix="/graphql")

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        """Whether the store answers."""
        store.ask("ASK WHERE { ?s ?p ?o }")
        return {"status": "ok", "store": store.location}

    return app
