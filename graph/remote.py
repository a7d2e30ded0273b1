"""Any SPARQL 1.1 Query/Update endpoint, over the SPARQL 1.1 Protocol.

Writes go to a private staging graph first and are moved into the default graph by one update request,
so a failure halfway through an import leaves the visible data as it was.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping

from pyoxigraph import QueryResultsFormat, Triple, parse_query_results

from complygraph.graph.bindings import bind
from complygraph.graph.store import (
    META_GRAPH,
    QueryMixin,
    StoreError,
    Term,
    new_revision,
    revision_update,
    staging_graph,
    staging_started,
)
from complygraph.vocab import SPARQL_PREFIXES

CHUNK = 5000


class RemoteStore(QueryMixin):
    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = 600.0) -> None:
        self.location = query_url
        self.query_url = query_url
        if update_url is None:
            for tail in ("/query", "/sparql"):
                if query_url.endswith(tail):
                    update_url = query_url[: -len(tail)] + "/update"
                    break
            else:
                update_url = query_url
        self.update_url = update_url
        self.timeout = timeout

    def _post(self, url: str, field: str, text: str, accept: str) -> bytes:
        body = urllib.parse.urlencode({field: text}).encode()
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise StoreError(f"{url} answered {exc.code}: {detail}") from exc
        except urllib.error.URLError as exc:
            raise StoreError(f"cannot reach {url}: {exc.reason}") from exc

    def _run(self, query: str, bindings: Mapping[str, Term | list[Term]] | None):
        text = SPARQL_PREFIXES + bind(query, bindings)
        data = self._post(self.query_url, "query", text, "application/sparql-results+json")
        return parse_query_results(data, format=QueryResultsFormat.JSON)

    def update(self, update: str, new_revision: bool = True) -> None:
        self._update(f"{update} ;\n{revision_update()}" if new_revision else update)

    def _update(self, update: str) -> None:
        self._post(self.update_url, "update", SPARQL_PREFIXES + update, "*/*")

    def write(self, triples: Iterable[Triple], replace: str | None = None) -> int:
        staging = f"<{staging_graph().value}>"
        revision = new_revision(self.revision())
        count = 0
        chunk: list[str] = []
        try:
            for t in triples:
                chunk.append(f"{t.subject} {t.predicate} {t.object} .")
                count += 1
                if len(chunk) >= CHUNK:
                    self._update(f"INSERT DATA {{ GRAPH {staging} {{\n" + "\n".join(chunk) + "\n} }")
                    chunk = []
            if chunk:
                self._update(f"INSERT DATA {{ GRAPH {staging} {{\n" + "\n".join(chunk) + "\n} }")
            swap = f"{replace} ;\n" if replace else ""
            # one request: the data and its revision become visible together, or not at all
            commit = f"{swap}ADD SILENT {staging} TO DEFAULT ;\nDROP SILENT GRAPH {staging} ;\n"
            try:
                self._update(commit + revision_update(revision))
            except StoreError as exc:
                if self._committed(revision):  # the connection dropped after the endpoint committed
                    return count
                raise StoreError(f"{exc}; the store was checked afterwards: the write was not committed, the "
                                 "store is as it was") from exc
        except BaseException:
            try:
                self._update(f"DROP SILENT GRAPH {staging}")
            finally:
                raise
        return count

    def _committed(self, revision: str, tries: int = 3) -> bool:
        """Whether the store holds `revision`: asked again after a failed commit, because a connection that
        drops while the endpoint commits says nothing of whether it did."""
        for i in range(tries):
            try:
                return self.ask(f'ASK {{ GRAPH <{META_GRAPH}> {{ ?store ?p "{revision}" }} }}')
            except StoreError:
                time.sleep(1 + i)
        return False

    def drop_staging(self, older_than: float | None = None) -> list[str]:
        """Drop the staging graphs whose write started more than `older_than` seconds ago (default
        `$COMPLYGRAPH_STAGING_GRACE`, else 6 hours): on an endpoint shared by several processes a younger one
        may belong to a write still running; an older one was left by a writer that crashed."""
        grace = older_than if older_than is not None else float(os.environ.get("COMPLYGRAPH_STAGING_GRACE", 6 * 3600))
        now = time.time()
        stale = [g for g in self.staging_graphs() if now - (staging_started(g) or now) > grace]
        for g in stale:
            self._update(f"DROP SILENT GRAPH <{g}>")
        return stale

    def flush(self) -> None:
        """Remote endpoints persist on their own."""

    def optimize(self) -> None:
        """Remote endpoints optimise on their own."""

    def close(self) -> None:
        """Nothing is held open between requests."""
