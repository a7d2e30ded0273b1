"""What `/graphql` refuses before reading a request's body: cross-site requests, oversized bodies, and
uploads from anyone without the write token.

The checks run on the headers alone, in an ASGI middleware ahead of FastAPI and strawberry, because once
strawberry parses a multipart body, Starlette has already spooled every file to a temporary file on disk.

CSRF: a web page on another site can make a browser send "simple" requests (GET, or POST as a form:
`application/x-www-form-urlencoded`, `multipart/form-data`, `text/plain`) without asking the server
first. So, as Apollo Server does:
- GET carries queries only, never mutations (METHOD_NOT_ALLOWED), and a GET the browser marks as coming
  from another site (`Sec-Fetch-Site: cross-site`) is refused unless it has the custom header;
- POST is accepted with a JSON content type (which a page on another site cannot send without a CORS
  preflight, and this server answers no preflight) or with the custom header `x-complygraph-csrf`
  (`apollo-require-preflight`, which GraphQL clients already send, counts too);
- a multipart upload always needs the header, then the write token, then a Content-Length within
  `ApiSettings.max_upload`.
JSON bodies and GET query strings are bounded by `ApiSettings.max_body`; a JSON body sent without a
Content-Length is read up to that bound and refused beyond it.

Refusals are GraphQL-shaped (`{"errors": [{"message", "extensions": {"code"}}]}`) so clients handle them
as any other error. A missing or wrong token answers with HTTP 200, as the mutations always did.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complygraph.api.auth import token_problem
from complygraph.api.settings import ApiSettings

CSRF_HEADERS = ("x-complygraph-csrf", "apollo-require-preflight")
MAX_TOKENS = 1500


def refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status)


def _has_csrf_header(headers: Headers) -> bool:
    return any(headers.get(name) for name in CSRF_HEADERS)


def _cross_site(headers: Headers) -> bool:
    return headers.get("sec-fetch-site", "").lower() == "cross-site" and not _has_csrf_header(headers)


def _writes(query: str) -> bool:
    """Whether a GET's document holds a mutation or subscription (a syntax error is strawberry's to report)."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return False
    return any(isinstance(d, OperationDefinitionNode) and d.operation != OperationType.QUERY
               for d in document.definitions)


class Guard:
    """ASGI middleware for the GraphQL path; every other path passes through untouched."""

    def __init__(self, app: ASGIApp, settings: ApiSettings, path: str = "/graphql") -> None:
        self.app = app
        self.settings = settings
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method = scope["method"]
        if method == "GET":
            refused = self._get(scope, headers)
        elif method == "POST":
            refused, receive = await self._post(headers, receive)
        else:
            refused = None
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _get(self, scope: Scope, headers: Headers) -> JSONResponse | None:
        raw = scope.get("query_string", b"")
        if len(raw) > self.settings.max_body:
            return refusal(413, "REQUEST_TOO_LARGE", f"the query string is over {self.settings.max_body} bytes")
        query = parse_qs(raw.decode("latin-1")).get("query")
        if not query:
            return None  # GraphiQL's page, or strawberry's own "no query" answer
        if _cross_site(headers):
            return refusal(403, "CSRF", "a query from another site needs the x-complygraph-csrf header")
        if _writes(query[0]):
            return refusal(405, "METHOD_NOT_ALLOWED", "mutations are accepted in POST requests only")
        return None

    async def _post(self, headers: Headers, receive: Receive) -> tuple[JSONResponse | None, Receive]:
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if _cross_site(headers):
            return refusal(403, "CSRF", "a request from another site needs the x-complygraph-csrf header"), receive
        if kind == "multipart/form-data":
            return self._upload(headers), receive
        if kind != "application/json" and not _has_csrf_header(headers):
            return refusal(415, "CSRF", "POST a JSON body (Content-Type: application/json), or send the "
                                        "x-complygraph-csrf header"), receive
        return await self._bounded(headers, receive, self.settings.max_body)

    def _upload(self, headers: Headers) -> JSONResponse | None:
        if not _has_csrf_header(headers):
            return refusal(400, "CSRF", "an upload needs the x-complygraph-csrf header")
        problem = token_problem(headers)
        if problem is not None:
            return refusal(200, problem[0], problem[1])
        length = headers.get("content-length")
        if length is None or not length.isdigit():
            return refusal(411, "LENGTH_REQUIRED", "an upload needs a Content-Length")
        if int(length) > self.settings.max_upload:
            return refusal(413, "UPLOAD_TOO_LARGE",
                           f"the upload is over {self.settings.max_upload // 1_000_000} MB")
        return None

    async def _bounded(self, headers: Headers, receive: Receive,
                       limit: int) -> tuple[JSONResponse | None, Receive]:
        """Refuse a body over `limit`: by its Content-Length, or, without one, by reading up to the limit
        and handing what was read on to the app."""
        too_large = refusal(413, "REQUEST_TOO_LARGE", f"the request body is over {limit} bytes")
        length = headers.get("content-length")
        if length is not None:
            return (too_large if not length.isdigit() or int(length) > limit else None), receive
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None, receive  # the client went away; the app sees the disconnect
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return too_large, receive
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()
        return None, replay
