"""Any SPARQL 1.1 Query/Update endpoint, over the SPARQL 1.1 Protocol.

Writes go to a private staging graph first and are moved into the default graph by one update request,
so a failure halfway through an import leaves the visible data as it was. What differs between engines
(Virtuoso's union default graph, its update endpoint, ...) is in `graph.dialects`: the endpoint's engine is
asked once, at the first request, from its `Server` header (or `$COMPLYGRAPH_SPARQL_DIALECT`).
"""

from __future__ import annotations

import http.client
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from email.message import Message

from pyoxigraph import BlankNode, Literal, QueryResultsFormat, Triple, parse_query_results

import complygraph.graph.dialects as dialects
from complygraph.graph.bindings import bind
from complygraph.graph.store import (
    META_GRAPH,
    STAGING,
    QueryMixin,
    Record,
    StoreError,
    Term,
    new_revision,
    revision_update,
    staged_commit,
    staging_graph,
    staging_started,
    staging_writer_gone,
)
from complygraph.vocab import SPARQL_PREFIXES

CHUNK = 5000
TEMPLATE_CHUNK = 500  # triples with blank nodes per INSERT { } WHERE { } (Virtuoso: 10,000 lines of SQL at most)
ENV_CONNECT_TIMEOUT = "COMPLYGRAPH_CONNECT_TIMEOUT"  # seconds an endpoint has to answer when it is opened (10)


class RemoteStore(QueryMixin):
    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = 600.0,
                 dialect: dialects.Dialect | str | None = None) -> None:
        self.location = query_url
        self.query_url = query_url
        self._update_url_given = update_url is not None
        if update_url is None:
            for tail in ("/query", "/sparql"):
                if query_url.endswith(tail):
                    update_url = query_url[: -len(tail)] + "/update"
                    break
            else:
                update_url = query_url
        self.update_url = update_url
        self.timeout = timeout
        self.dropped_staging: list[str] = []  # what `graph.factory.open_store` dropped when it opened the store
        self._dialect = dialects.named(dialect) if isinstance(dialect, str) else dialect
        self._engine_warnings: list[str] | None = None
        if self._dialect is not None:
            self._use(self._dialect)

    @property
    def dialect(self) -> dialects.Dialect:
        """The endpoint's dialect: given, else `$COMPLYGRAPH_SPARQL_DIALECT`, else asked of the endpoint."""
        if self._dialect is None:
            server = None
            if not os.environ.get(dialects.ENV_DIALECT):
                try:
                    server = self._ask_empty(self.timeout)[0].get("Server")
                except urllib.error.HTTPError as exc:
                    server = exc.headers.get("Server")
                except (OSError, http.client.HTTPException) as exc:
                    raise StoreError(f"cannot reach {self.query_url}: {_reason(exc, self.timeout)}") from None
            self._use(dialects.detect(self.query_url, server))
        return self._dialect

    def engine_warnings(self) -> list[str]:
        """What the engine's own settings make unreliable (graph/dialects.py). An answer is kept for the store's
        life; a failed question is asked again next time (a server restarted with the advised setting is seen)."""
        if self._engine_warnings is not None:
            return list(self._engine_warnings)
        if self.dialect.query_threads is None:
            return []
        try:
            rows = self.select(self.dialect.query_threads)
            threads = int(rows[0]["n"].value)
        except Exception:  # noqa: BLE001 - any failure to ask (HTTP, a malformed or empty answer) is "unknown",
            return self.dialect.warnings(None)  # said as such, never taken as one thread nor losing the report
        self._engine_warnings = self.dialect.warnings(threads)
        return list(self._engine_warnings)

    def _ask_empty(self, timeout: float) -> tuple[Message, bytes]:
        """`ASK {}` asked of the query endpoint, answered in `timeout` seconds: the answer's headers and body."""
        req = urllib.request.Request(self.query_url, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
            data=urllib.parse.urlencode({"query": "ASK {}"}).encode())
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.headers, resp.read()

    def check(self) -> None:
        """Refuse an endpoint that does not answer `ASK {}` as a SPARQL endpoint within
        `$COMPLYGRAPH_CONNECT_TIMEOUT` seconds (10): said when the store is opened, instead of after a long
        import was read, or after the 10 minutes a slow query may take."""
        wait = min(self.timeout, float(os.environ.get(ENV_CONNECT_TIMEOUT, 10)))
        try:
            headers, body = self._ask_empty(wait)
        except urllib.error.HTTPError as exc:
            raise StoreError(f"{self.query_url} is not a SPARQL query endpoint: it answered {exc.code} "
                             f"{exc.reason} to ASK {{}}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(f"no SPARQL endpoint answers at {self.query_url}: {_reason(exc, wait)}") from None
        if self._dialect is None and not os.environ.get(dialects.ENV_DIALECT):
            self._use(dialects.detect(self.query_url, headers.get("Server")))
        try:
            parse_query_results(self.dialect.results(body), format=QueryResultsFormat.JSON)
        except (SyntaxError, ValueError, StoreError):
            raise StoreError(f"{self.query_url} is not a SPARQL query endpoint: its answer to ASK {{}} is not "
                             "SPARQL results") from None

    def _use(self, dialect: dialects.Dialect) -> None:
        self._dialect = dialect
        if dialect.updates_at_query_url and not self._update_url_given:
            self.update_url = self.query_url

    def _post(self, url: str, fields: list[tuple[str, str]], accept: str) -> bytes:
        body = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                self.dialect.check_response(resp.status, resp.headers)
                return resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise StoreError(f"{url} answered {exc.code}: {detail}") from exc
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out, closed mid-answer
            raise StoreError(f"cannot reach {url}: {_reason(exc, self.timeout)}") from None

    def _run(self, query: str, bindings: Mapping[str, Term | list[Term]] | None):
        dialect = self.dialect
        text, dataset = dialect.query_request(SPARQL_PREFIXES + bind(query, bindings))
        data = self._post(self.query_url, [("query", text), *dataset], "application/sparql-results+json")
        return parse_query_results(dialect.results(data), format=QueryResultsFormat.JSON)

    def update(self, update: str, new_revision: bool = True) -> None:
        self._update(f"{update} ;\n{revision_update()}" if new_revision else update)

    def _update(self, update: str) -> None:
        text = self.dialect.rewrite(SPARQL_PREFIXES + update)  # an update's WHERE meets the same engine bugs
        dataset = self.dialect.update_params(text)  # first: asking the dialect may settle the update URL
        self._post(self.update_url, [("update", text), *dataset], "*/*")

    def _insert(self, graph: str, chunk: list[str], blank: list[str]) -> None:
        """Add `chunk` (N-Triples lines) and `blank` (the lines with a blank node) to `graph`. An engine whose
        INSERT DATA refuses blank nodes gets those in INSERT { } WHERE { }, which fresh-labels them once per
        request: a chunk's blank nodes go in one request, unless there are more than the engine's template
        can take."""
        if self.dialect.insert_data_blank_nodes:
            chunk, blank = chunk + blank, []
        if chunk:
            self._update(f"INSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(chunk) + "\n} }")
        for i in range(0, len(blank), TEMPLATE_CHUNK):
            self._update(f"INSERT {{ GRAPH {graph} {{\n" + "\n".join(blank[i:i + TEMPLATE_CHUNK]) + "\n} } WHERE { }")

    def write(self, triples: Iterable[Triple], replace: str | None = None, touches: str | None = None,
              record: Record | None = None) -> int:
        staging = f"<{staging_graph().value}>"
        revision = new_revision(self.revision())
        count = 0
        chunk: list[str] = []
        blank: list[str] = []
        size = min(CHUNK, self.dialect.chunk)
        try:
            for t in triples:
                line = f"{t.subject} {t.predicate} {t.object} ."
                (blank if isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode) else chunk).append(line)
                count += 1
                if len(chunk) + len(blank) >= size:
                    self._insert(staging, chunk, blank)
                    chunk, blank = [], []
            if chunk or blank:
                self._insert(staging, chunk, blank)
        except BaseException as exc:
            self._abandon(staging, exc)
            raise
        try:  # one request: the data and its revision become visible together, or not at all
            self._update(staged_commit(staging, replace, record, revision))
        except StoreError as exc:
            committed = self._committed(revision)
            if committed:  # the connection dropped after the endpoint committed
                return count
            if committed is None:
                raise StoreError(
                    f"{exc}; the endpoint did not answer afterwards, so whether this write was committed is not "
                    f"known: once it answers again, `complygraph doctor --store {self.query_url}` shows the "
                    f"store's revision, which is {revision} if it was (and drops what the write left)") from None
            self._abandon(staging, exc)
            raise StoreError(f"{exc}; the store was checked afterwards: the write was not committed, the "
                             "store is as it was") from None
        return count

    def _abandon(self, staging: str, exc: BaseException) -> None:
        """Drop the staging graph of a write that failed before its commit; when the endpoint does not answer,
        say that nothing was committed and what becomes of the staging graph."""
        try:
            self._update(f"DROP SILENT GRAPH {staging}")
        except StoreError:
            if isinstance(exc, StoreError):
                raise StoreError(
                    f"{exc}; the write stopped before its commit, so nothing of it is in the store; the staging "
                    f"graph it began is dropped the next time a complygraph command on this machine opens the "
                    f"store, or by `complygraph doctor --store {self.query_url}`") from None

    def _committed(self, revision: str, tries: int = 3) -> bool | None:
        """Whether the store holds `revision`: asked again after a failed commit, because a connection that
        drops while the endpoint commits says nothing of whether it did; None when the endpoint does not answer."""
        for i in range(tries):
            try:
                return self.ask(f'ASK {{ GRAPH <{META_GRAPH}> {{ ?store ?p "{revision}" }} }}')
            except StoreError:
                time.sleep(1 + i)
        return None

    def staging_graphs(self) -> list[str]:
        if self.dialect.empty_graph_pattern:
            return super().staging_graphs()
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }",
                           {"prefix": Literal(STAGING)})
        return sorted(r["g"].value for r in rows)

    def drop_staging(self, older_than: float | None = None) -> list[str]:
        """Drop the staging graphs left by a writer that crashed: those whose writer process ran on this host
        and has ended (`staging_writer_gone`: a CLI whose endpoint went away mid-import), and those whose write
        started more than `older_than` seconds ago (default `$COMPLYGRAPH_STAGING_GRACE`, else 6 hours): on an
        endpoint shared by several hosts a younger one may belong to a write still running elsewhere."""
        grace = older_than if older_than is not None else float(os.environ.get("COMPLYGRAPH_STAGING_GRACE", 6 * 3600))
        now = time.time()
        stale = [g for g in self.staging_graphs()
                 if now - (staging_started(g) or now) > grace or staging_writer_gone(g)]
        for g in stale:
            self._update(f"DROP SILENT GRAPH <{g}>")
        return stale

    def flush(self) -> None:
        """Remote endpoints persist on their own."""

    def compact(self, force: bool = True) -> bool:
        """Remote endpoints compact their files on their own: nothing to do here (False: nothing ran)."""
        return False

    def close(self) -> None:
        """Nothing is held open between requests."""


def _reason(exc: BaseException, timeout: float) -> str:
    """Why a request got no answer, in words: refused, reset, no answer in time, closed mid-answer."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, http.client.RemoteDisconnected | http.client.IncompleteRead):
        return "the connection closed before the answer was complete (did the server stop?)"
    return str(getattr(reason, "strerror", None) or reason) or type(reason).__name__
