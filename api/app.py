"""The FastAPI application: GraphQL at /graphql (GraphiQL in a browser), /healthz, /openapi.json."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

from complygraph.api.dataloaders import Loaders
from complygraph.api.schema import schema
from complygraph.graph.changes import warm_latest_changes
from complygraph.graph.revision_cache import RevisionCache
from complygraph.graph.store import Store

IDE = Path(__file__).parent / "static" / "graphiql"


class _Router(GraphQLRouter):
    """Serves GraphiQL from complygraph's own copy of its assets (static/graphiql/VENDORED.md): the stock
    page loads them from a CDN that offline machines cannot reach."""

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse((IDE / "index.html").read_text(encoding="utf-8"))


def create_app(store: Store, warm: bool = True) -> FastAPI:
    """`warm`: compute each list's newest change in the background at start, so the first engineer who
    asks after a new list is loaded does not wait."""
    app = FastAPI(title="complygraph", version="0.1.0",
                  description="Product chemical compliance knowledge graph: GraphQL at /graphql.")

    cache = RevisionCache(store)

    async def context(request: Request) -> dict:
        return {"store": store, "loaders": Loaders(store), "request": request, "cache": cache}

    if warm:
        threading.Thread(target=warm_latest_changes, args=(store, cache), daemon=True,
                         name="warm-list-changes").start()

    # multipart uploads carry the import mutations; strawberry's CSRF check still applies to them
    app.mount("/graphql-ide", StaticFiles(directory=IDE), name="graphql-ide")
    app.include_router(_Router(schema, context_getter=context, graphql_ide="graphiql",
                               multipart_uploads_enabled=True), prefix="/graphql")

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        """Whether the store answers."""
        store.ask("ASK WHERE { ?s ?p ?o }")
        return {"status": "ok", "store": store.location}

    return app
