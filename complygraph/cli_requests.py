"""`complygraph requests`: the declarations a compliance team has to chase (graph/outstanding.py) and the
requests already sent with who answered what when (graph/requests.py); with `--out DIR`, the files to send
each supplier (exports/request_forms.py), and the requests recorded in the store as sent on `--at`.

Output: text (per supplier, the outstanding parts, then the requests sent), json
(`{"at", "outstanding": [...], "requests": [...]}`) or csv (one row per outstanding part or request item,
`kind` says which). Exit 0; 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from complygraph.cli_base import (
    FormatOpt,
    JsonOpt,
    StoreOpt,
    command,
    fail,
    input_errors,
    output_format,
    shipped_packs,
    store_at,
)
from complygraph.console import OutputFormat, emit_csv, emit_json, err, plural, print_table, say
from complygraph.dates import option_date

CSV_COLUMNS = ["kind", "supplier_id", "supplier_name", "part_id", "part_name", "reason", "detail", "start", "due",
               "overdue", "request", "sent", "respond_by", "status", "answered_on", "answered_by", "answer_class",
               "part", "supplier"]
TEXT_COLUMNS = ["part", "reason", "detail", "since", "due", "overdue", "requested"]
SENT_COLUMNS = ["request", "supplier", "sent", "respond by", "part", "reason", "status", "answered"]


class FormLanguage(StrEnum):
    ja = "ja"
    en = "en"


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def outstanding_json(o) -> dict:
    p = o.part
    return {"supplier_id": p.supplier_id, "supplier_name": p.supplier_name, "supplier": p.supplier_iri,
            "part_id": p.id, "part_name": p.name, "part": p.iri, "item_number": p.item_number or None,
            "reason": o.reason.id, "reason_label": o.reason.label, "detail": o.detail, "start": _iso(o.start),
            "due": _iso(o.due), "overdue": o.overdue, "declared": _iso(o.declared), "requested": o.requested,
            "changes": [{"list": c.list_id, "date": c.date.isoformat(), "added": list(c.added),
                         "removed": list(c.removed), "changed": list(c.changed)} for c in o.changes],
            "substances": [{"iri": i, "name": n or None, "cas": c or None} for i, n, c in o.substances]}


def request_json(r, at: dt.date) -> dict:
    return {"id": r.id, "iri": r.iri, "supplier_id": r.supplier_id, "supplier_name": r.supplier_name,
            "sent": r.sent.isoformat(), "respond_by": _iso(r.due), "status": "closed" if r.closed else "open",
            "overdue": r.overdue(at),
            "items": [{"part_id": i.part_id, "part_name": i.part_name, "part": i.part_iri, "reason": i.reason,
                       "detail": i.detail, "due": _iso(i.due), "status": "closed" if i.closed else "open",
                       "answers": [{"declaration": a.declaration, "date": a.date.isoformat(),
                                    "class": a.declaration_class, "declared_by": a.declared_by or None}
                                   for a in i.answers]} for i in r.items]}


def _csv_rows(view) -> list[list]:
    rows = []
    for o in view.outstanding:
        p = o.part
        rows.append(["outstanding", p.supplier_id, p.supplier_name, p.id, p.name, o.reason.id, o.detail,
                     _iso(o.start) or "", _iso(o.due) or "", "yes" if o.overdue else "no", o.requested or "", "", "",
                     "", "", "", "", p.iri, p.supplier_iri])
    for r in view.sent:
        for i in r.items:
            a = i.answers[0] if i.answers else None
            rows.append(["request", r.supplier_id, r.supplier_name, i.part_id, i.part_name, i.reason, i.detail, "",
                         _iso(i.due) or "", "yes" if r.overdue(view.at) and not i.closed else "no", r.id,
                         r.sent.isoformat(), _iso(r.due) or "", "closed" if i.closed else "open",
                         a.date.isoformat() if a else "", a.declared_by if a else "", a.declaration_class if a else "",
                         i.part_iri, r.supplier_iri])
    return rows


def _text(view) -> None:
    suppliers = sorted({(o.part.supplier_id, o.part.supplier_name) for o in view.outstanding})
    overdue = sum(o.overdue for o in view.outstanding)
    say(f"on {view.at}: {plural(len(view.outstanding), 'outstanding declaration')} "
        f"({overdue} overdue) of {plural(len(suppliers), 'supplier')}; "
        f"{plural(len(view.sent), 'request')} sent, {sum(not r.closed for r in view.sent)} open")
    for sid, name in suppliers:
        print_table(TEXT_COLUMNS, [[f"{o.part.id} {o.part.name}".strip(), o.reason.id, o.detail, _iso(o.start) or "",
                                    _iso(o.due) or "", "yes" if o.overdue else "", o.requested or ""]
                                   for o in view.outstanding if o.part.supplier_id == sid],
                    title=f"{sid} {name}".strip())
    if view.sent:
        print_table(SENT_COLUMNS, [
            [r.id, f"{r.supplier_id} {r.supplier_name}".strip(), r.sent.isoformat(), _iso(r.due) or "",
             f"{i.part_id} {i.part_name}".strip(), i.reason,
             "closed" if i.closed else ("open, overdue" if r.overdue(view.at) else "open"),
             "; ".join(f"{a.date} {a.declaration_class} by {a.declared_by or '?'}" for a in i.answers)]
            for r in view.sent for i in r.items], title="requests sent")


@command("requests")
def requests_cmd(store: StoreOpt = None,
                 supplier: Annotated[str | None, typer.Option("--supplier", help="Only this supplier's parts (id)")]
                 = None,
                 at: Annotated[str | None, typer.Option(
                     "--at", help="Date (YYYY-MM-DD): list versions in force, due dates, overdue; and the day "
                                  "requests written with --out are sent. Default today")] = None,
                 pack: Annotated[list[str] | None, typer.Option(
                     "--pack", help="Shape pack whose own reasons of the request policy apply too (repeatable): "
                                    "evidence adds missing certificates of non-use; shipped packs: "
                                    + ", ".join(shipped_packs()))] = None,
                 out: Annotated[Path | None, typer.Option(
                     "--out", help="Write each supplier's Form 2-1 XLSX, IPC-1752A request and summary into "
                                   "DIR/<supplier>/ and record the requests as sent")] = None,
                 company: Annotated[str, typer.Option(
                     "--company", help="Your company's name, as the requester in the IPC-1752A request")]
                 = "complygraph user",
                 company_id: Annotated[str, typer.Option("--company-id", help="Your company's id for the "
                                                                             "requester")] = "",
                 form_lang: Annotated[FormLanguage, typer.Option(
                     "--form-lang", help="Headers of the Form 2-1 XLSX: the Japanese or the English form")]
                 = FormLanguage.ja,
                 fmt: FormatOpt = OutputFormat.text, as_json: JsonOpt = False) -> None:
    """Outstanding supplier declarations (no declaration, older than a list change, unresolved substance
    identity, missing evidence) with due dates from the request policy, and the requests sent with their
    answers; --out writes the requests to send and records them."""
    from complygraph.graph import requests as rq
    from complygraph.graph.request_policy import load_policy
    from complygraph.graph.shacl.packs import check_names

    fmt = output_format(fmt, as_json)
    if out is not None and out.exists() and not out.is_dir():  # known before anything is recorded as sent
        fail(f"--out {out}: a file, not a folder")
    with input_errors(), store_at(store, create=False) as s:
        day = option_date(at) or dt.date.today()
        check_names(pack or [])  # an unknown pack is refused, naming the available ones
        policy = load_policy()
        if supplier and not s.ask("ASK WHERE { ?s a cg:Supplier ; dct:identifier ?id }",
                                  {"id": _literal(supplier)}):
            raise ValueError(f"--supplier: no supplier {supplier!r} in the store")
        view = rq.requests_view(s, day, supplier, pack or [], policy)
        if out is not None:
            from complygraph.exports.request_forms import write_request_files

            planned = rq.plan(view.outstanding, day, policy)
            files = [f for r in planned for f in write_request_files(
                out, r, company, company_id, policy.requested_class, form_lang.value)]
            rq.record(s, planned, policy)
            view = rq.requests_view(s, day, supplier, pack or [], policy)
            # on stderr: stdout holds the answer in the format asked for
            err.print(escape(f"wrote {plural(len(files), 'file')} for {plural(len(planned), 'supplier')} to {out}; "
                             f"{plural(len(planned), 'request')} recorded as sent on {day}"), highlight=False)
    if fmt is OutputFormat.json:
        emit_json({"at": day.isoformat(), "outstanding": [outstanding_json(o) for o in view.outstanding],
                   "requests": [request_json(r, day) for r in view.sent]})
    elif fmt is OutputFormat.csv:
        emit_csv(CSV_COLUMNS, _csv_rows(view))
    else:
        _text(view)
    raise typer.Exit(0)


def _literal(text: str):
    from pyoxigraph import Literal

    return Literal(text)
