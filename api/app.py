"""The FastAPI application: GraphQL at /graphql (GraphiQL in a browser), /healthz, /report, /openapi.json.

How one server stays up under heavy or hostile requests: `guard` refuses what it can from the headers
(cross-site requests, oversized bodies, anonymous uploads) before a byte of the body is read; the schema
refuses queries over its limits (`limits`) before they run; `work` runs store work off the event loop on
bounded pools and refuses heavy work that would have to wait (BUSY); and every request has a deadline,
after which the client gets DEADLINE_EXCEEDED. Swagger UI and ReDoc (`/docs`, `/redoc`) are off: FastAPI
loads them from public CDNs, which offline machines cannot reach and which would see every visit;
`/openapi.json` stays, and GraphiQL is served from complygraph's own copy of its assets.

Requests to `/graphql` go from the app straight to the guard and strawberry's plain ASGI view (`_App`), not
through FastAPI's middleware, routing and dependency injection, which took about 15 % of the event loop's
time per `part(id)` request (benchmarks/RESULTS.md); the FastAPI router stays, so `/openapi.json`
documents `/graphql` as before. Everything else (`/healthz`, `/report`, the IDE's assets) is FastAPI's.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from graphql import GraphQLError
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.fastapi import GraphQLRouter
from strawberry.http.base import HTTPException  # the class strawberry answers with (moved to cross_web in 0.3xx)
from strawberry.types import ExecutionResult

from complygraph.api.dataloaders import Loaders
from complygraph.api.guard import Guard, refusal
from complygraph.api.health import Probe, add_health
from complygraph.api.kept_responses import KeptResponses
from complygraph.api.report_route import add_report
from complygraph.api.schema import schema
from complygraph.api.settings import ApiSettings
from complygraph.api.work import NotedCache, Pools, Work
from complygraph.graph.changes import warm_latest_changes
from complygraph.graph.revision_cache import RevisionCache
from complygraph.graph.shacl.packs import default_packs, load_pack_data
from complygraph.graph.store import Store, StoreError
from complygraph.graph.turtle import load_ontology

IDE = Path(__file__).parent / "static" / "graphiql"
log = logging.getLogger(__name__)
# the codes of the HTTP errors strawberry raises before a query runs (malformed JSON, a batch, no query, ...)
HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 415: "UNSUPPORTED_MEDIA_TYPE"}


def deadline_error(seconds: float, upload: bool) -> GraphQLError:
    """Threads cannot be stopped, so the message says what goes on after the client stops waiting."""
    goes_on = ("the import goes on and either stores everything or nothing: look for its data before sending "
               "it again" if upload else
               "a validation or impact analysis already started goes on and is kept: ask again later")
    return GraphQLError(f"the request took longer than its deadline of {seconds:g} s; {goes_on}",
                        extensions={"code": "DEADLINE_EXCEEDED", "deadline_seconds": seconds})


def _warm(store: Store, cache: NotedCache) -> None:
    """What the first requests would otherwise wait for. First the vocabulary and the default packs' data,
    which the first validation writes if they are missing or changed: written while it runs, they change
    the store's revision under it, and its answer is kept for a revision nobody asks for again. Then each
    list's newest change."""
    try:
        load_ontology(store)
        load_pack_data(store, default_packs())
    except Exception:  # noqa: BLE001 - a read-only endpoint, say: the first validation will say what is wrong
        log.warning("could not load the shape packs' data at start", exc_info=True)
    try:
        warm_latest_changes(store, cache)
    except StoreError:  # the store was closed under it (a server stopped while warming): nothing to warm
        log.info("stopped warming the list changes", exc_info=True)


class _Deadlines:
    """Serves GraphiQL from complygraph's own copy of its assets (static/graphiql/VENDORED.md): the stock
    page loads them from a CDN that offline machines cannot reach. Puts a deadline on every operation, and
    serves again the answers of slow queries kept at this store revision (`kept_responses`)."""

    settings: ApiSettings
    kept: KeptResponses

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse((IDE / "index.html").read_text(encoding="utf-8"))

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        """A request strawberry refuses before any query runs (a body that is no JSON, a batch, no query) gets
        a GraphQL error document with a code, like every other refusal, not a plain-text line (QA7 B09)."""
        try:
            return await super().run(*args, **kwargs)
        except HTTPException as exc:
            reason = exc.reason + ("; send one operation per request" if "Batching" in exc.reason else "")
            return refusal(exc.status_code, HTTP_CODES.get(exc.status_code, "BAD_REQUEST"), reason)

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        request = kwargs["request"] if "request" in kwargs else args[0]
        data = kwargs["request_data"] if "request_data" in kwargs else args[5]
        upload = request.headers.get("content-type", "").lower().startswith("multipart/")
        seconds = self.settings.write_deadline if upload else self.settings.deadline
        try:
            async with asyncio.timeout(seconds):
                return await self.kept.answer(data.query, data.variables, data.operation_name,
                                              lambda: super(_Deadlines, self).execute_single(*args, **kwargs))
        except TimeoutError:
            return ExecutionResult(data=None, errors=[deadline_error(seconds, upload)])

    def encode_json(self, data: object) -> str | bytes:
        return self.kept.encode(data, super().encode_json)

    def decode_json(self, data: str | bytes) -> object:
        """A body that is not UTF-8 is the client's error, a 400 naming the byte (RFC 8259 §8.1: JSON exchanged
        between systems is UTF-8); strawberry lets the UnicodeDecodeError through as a 500."""
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise HTTPException(400, f"the request body is not UTF-8: byte {data[exc.start]:#04x} at offset "
                                         f"{exc.start}; send JSON encoded as UTF-8") from None
        return super().decode_json(data)


class _Router(_Deadlines, GraphQLRouter):
    """The FastAPI router of `/graphql`: what `/openapi.json` documents, and serves a request that reaches it
    by another path than `_App`'s (none today)."""

    def __init__(self, *args: Any, settings: ApiSettings, kept: KeptResponses, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings, self.kept = settings, kept


class _View(_Deadlines, GraphQL):
    """The same GraphQL endpoint as strawberry's plain ASGI app, which serves `/graphql` (see `_App`)."""

    def __init__(self, context: Any, settings: ApiSettings, kept: KeptResponses) -> None:
        super().__init__(schema, graphql_ide="graphiql", multipart_uploads_enabled=True)
        self.settings, self.kept = settings, kept
        self._context = context

    async def get_context(self, request: Any, response: Any) -> dict:
        return {**await self._context(request), "response": response}


class _App(FastAPI):
    """FastAPI, except that `/graphql` (and `/graphql/`) goes straight to `graphql`: the guard, then the view."""

    graphql: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.graphql is not None and scope["type"] == "http" and scope["path"].rstrip("/") == "/graphql":
            scope["app"] = self
            await self.graphql(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(store: Store, warm: bool = True, settings: ApiSettings | None = None) -> FastAPI:
    """`warm`: compute each list's newest change in the background at start, so the first engineer who
    asks after a new list is loaded does not wait. `settings`: the server's limits, by default from the
    environment (`api.settings`)."""
    settings = settings or ApiSettings.from_env()
    pools = Pools(settings)
    probe = Probe(store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # what exists at start (modules, the schema, the store's handles) is never garbage: frozen, a full
        # collection does not scan it, which keeps the pauses a validation's garbage causes short
        gc.freeze()
        checking = asyncio.create_task(probe.keep_checking())
        yield
        checking.cancel()
        pools.close()
        probe.close()
        gc.unfreeze()

    app = _App(title="complygraph", version="0.1.0", docs_url=None, redoc_url=None, lifespan=lifespan,
               description="Product chemical compliance knowledge graph: GraphQL at /graphql.")

    cache = NotedCache(RevisionCache(store), pools)  # list changes (shared with the start-up warming)
    answers = RevisionCache(store, size=64)  # validations, parts that violate a pack, where-used, what-if

    async def context(request: Request) -> dict:
        work = Work(pools)
        return {"store": store, "loaders": Loaders(store, work.read), "request": request, "cache": cache,
                "answers": answers, "work": work}

    if warm:
        threading.Thread(target=_warm, args=(store, cache), daemon=True, name="warm-list-changes").start()

    app.add_middleware(Guard, settings=settings)  # in FastAPI's stack too, for the router's path
    kept = KeptResponses(store)  # whole answers of slow queries, shared by both ways in
    app.graphql = Guard(_View(context, settings, kept), settings=settings)
    app.mount("/graphql-ide", StaticFiles(directory=IDE), name="graphql-ide")
    app.include_router(_Router(schema, context_getter=context, graphql_ide="graphiql",
                               multipart_uploads_enabled=True, settings=settings, kept=kept), prefix="/graphql")
    add_health(app, store, pools, probe)
    add_report(app, store, pools, answers)
    return app
