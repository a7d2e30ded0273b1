"""Any SPARQL 1.1 Query/Update endpoint, over the SPARQL 1.1 Protocol.

Writes go to a private staging graph first and are moved into the default graph by one update request,
so a failure halfway through an import leaves the visible data as it was.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping

from pyoxigraph import QueryResultsFormat, Triple, parse_query_results

from complygraph.graph.bindings import bind
from complygraph.graph.store import QueryMixin, StoreError, Term, revision_update
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
        staging = f"<urn:complygraph:staging:{uuid.uuid4()}>"
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
            self.update(f"{swap}ADD SILENT {staging} TO DEFAULT ;\nDROP SILENT GRAPH {staging}")
        except BaseException:
            try:
                self._update(f"DROP SILENT GRAPH {staging}")
            finally:
                raise
        return count

    def flush(self) -> None:
        """Remote endpoints persist on their own."""

    def optimize(self) -> None:
        """Remote endpoints optimise on their own."""

    def close(self) -> None:
        """Nothing is held open between requests."""
