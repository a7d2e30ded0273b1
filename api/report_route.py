"""`/report`: the self-contained HTML report (complygraph/html_report) served by the API, as `complygraph report`
writes it. It validates the store, so it is a heavy answer: computed on the read pool, at most as many at
once as the server allows (BUSY beyond), and kept per store revision, packs and date like `validate`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse, JSONResponse
from graphql import GraphQLError

from complygraph.api.work import Pools, Work
from complygraph.graph.revision_cache import RevisionCache
from complygraph.graph.shacl.packs import available
from complygraph.graph.shacl.preconditions import MissingInput
from complygraph.graph.store import Store
from complygraph.html_report import render_report


def add_report(app: FastAPI, store: Store, pools: Pools, answers: RevisionCache) -> None:
    @app.get("/report", response_class=HTMLResponse, summary="The HTML compliance report")
    async def report(pack: Annotated[list[str] | None, Query(description="Shape packs; default: the default packs")]
                     = None,
                     at: Annotated[str | None, Query(description="Evaluation date YYYY-MM-DD; default today")] = None):
        try:
            day = dt.date.fromisoformat(at) if at else dt.date.today()
        except ValueError:
            return JSONResponse({"error": f"at: not a date (YYYY-MM-DD): {at!r}", "code": "BAD_USER_INPUT"}, 400)
        packs = available()
        unknown = sorted(set(pack or []) - set(packs))
        if unknown:  # naming the packs there are, as GraphQL's pack arguments do (QA7 B14)
            return JSONResponse({"error": f"unknown packs {unknown}; available: {', '.join(sorted(packs))}",
                                 "code": "UNKNOWN_PACK"}, 400)
        chosen = sorted(set(pack)) if pack else None
        try:
            html = await Work(pools).shared(answers, ("report", tuple(chosen or ()), day),
                                            lambda: render_report(store, chosen, day))
        except MissingInput as exc:
            return JSONResponse({"error": str(exc), "code": "MISSING_INPUT"}, 422)
        except GraphQLError as exc:  # BUSY: as many heavy answers as the server allows are being computed
            return JSONResponse({"error": exc.message, "code": (exc.extensions or {}).get("code")}, 503)
        return HTMLResponse(html)
