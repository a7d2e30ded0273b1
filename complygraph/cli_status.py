"""Commands that answer "is this product compliant, and if not, why?": `status`, `report`, and `doctor` for a
store a crashed writer left behind.

`status` prints, per pack, the status of a product or a part rolled up through the BOM below it (graph/status.py)
and the parts that decide it (for a part: itself, by its own findings, and the parts below it) with their path,
quantity and findings; exit 0 when nothing is non-compliant, 1 when
something is, 2 on bad input, like `validate`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote

import typer

from complygraph.cli_base import (
    FormatOpt,
    JsonOpt,
    StoreOpt,
    check_writable,
    command,
    fail,
    input_errors,
    output_format,
    store_at,
)
from complygraph.console import OutputFormat, emit_csv, emit_json, err, print_table, say
from complygraph.dates import option_date
from complygraph.graph import status as st
from complygraph.graph.store import Store
from complygraph.html_report import render_report, write_report
from complygraph.vocab import entity_iri

PackOpt = Annotated[list[str] | None, typer.Option(
    "--pack", help="Shape pack (repeatable); default: every pack not marked cgsh:byDefault false")]
AtOpt = Annotated[str | None, typer.Option(
    "--at", help="Evaluation date (YYYY-MM-DD): list versions in force, exemption expiry; default today")]
STATUS_COLUMNS = ["subject", "pack", "status", "deciding part", "path", "quantity", "finding"]


def _slug(iri: str) -> str:
    """The id of a part or product IRI (ids are percent-encoded in IRIs: "/" and ":" may occur in them)."""
    return unquote(iri.rsplit("/", 1)[-1])


def _rows(index: st.StatusIndex, subject: str, is_product: bool) -> list[dict]:
    out = []
    for pack in index.packs:
        ps: st.ProductStatus | st.PartStatus
        ps = index.product(subject, pack) if is_product else index.part(subject, pack)
        # one path is shown; the quantity sums every path, so the others are counted beside it
        deciding = [(d.part, " > ".join(_slug(p) for p in d.path) + (
            f" (and {d.paths - 1} more path{'s' if d.paths > 2 else ''})" if d.paths > 1 else ""),
            float(d.quantity), d.findings) for d in ps.deciding]
        if is_product:
            deciding = deciding or [("", "", None, tuple(ps.findings))]
        else:  # a part's own findings of its status first, then the parts below it that decide it (QA9 B01)
            shown = st.SHOWN_WITH.get(ps.status, (ps.status,))
            own = tuple(f for f in ps.findings if f.status in shown)
            if own or not deciding:
                deciding.insert(0, (subject, _slug(subject), 1.0, own))
        for part_iri, path, qty, findings in deciding:
            # a finding of another status than the product's (obligations listed under unknown) says which
            messages = [("" if f.status == ps.status else f"[{f.status}] ") + str(f.result.message or "")
                        for f in findings] or [""]
            for message in messages:
                out.append({"subject": _slug(subject), "pack": pack, "status": ps.status,
                            "deciding_part": _slug(part_iri) if part_iri and ps.status != "compliant" else "",
                            "path": path if ps.status != "compliant" else "",
                            "quantity": qty if ps.status != "compliant" else None,
                            "finding": message if ps.status != "compliant" else ""})
    return out


def _subject(store: Store, product: str | None, part: str | None) -> tuple[str, bool]:
    if bool(product) == bool(part):
        fail("name one of --product ID or --part ID")
    iri, kind = (entity_iri("product", product), "Product") if product else (entity_iri("part", part), "Part")
    if not store.ask(f"ASK WHERE {{ ?x a cg:{kind} }}", {"x": iri}):
        fail(f"no {kind.lower()} {product or part!r} in the store")
    return iri.value, bool(product)


@command("status")
def status_cmd(store: StoreOpt = None,
               product: Annotated[str | None, typer.Option("--product", help="Product id")] = None,
               part: Annotated[str | None, typer.Option("--part", help="Part id")] = None,
               pack: PackOpt = None, at: AtOpt = None,
               fmt: FormatOpt = OutputFormat.text, as_json: JsonOpt = False) -> None:
    """Status of a product or a part (each rolled up through the BOM below it), per pack: compliant, compliant with
    exemptions, obligations, unknown or non-compliant, with the parts and findings that decide it."""
    fmt = output_format(fmt, as_json)
    with input_errors(), store_at(store, create=False) as s:
        subject, is_product = _subject(s, product, part)
        index = st.compute(s, pack, option_date(at))
    rows = _rows(index, subject, is_product)
    worst = st.worst(r["status"] for r in rows)
    for w in index.warnings:  # what may make these statuses wrong (graph/dialects.py), never only in the report
        err.print(f"warning: {w}", soft_wrap=True, highlight=False, markup=False)
    if fmt is OutputFormat.json:
        emit_json({"subject": _slug(subject), "kind": "product" if is_product else "part", "at": index.at,
                   "status": worst, "warnings": index.warnings, "packs": [
                       {"pack": p, "status": next(r["status"] for r in rows if r["pack"] == p),
                        "deciding": [{k: r[k] for k in ("deciding_part", "path", "quantity", "finding")}
                                     for r in rows if r["pack"] == p and r["deciding_part"]]}
                       for p in index.packs]})
    elif fmt is OutputFormat.csv:
        emit_csv(STATUS_COLUMNS, [[r["subject"], r["pack"], r["status"], r["deciding_part"], r["path"],
                                   "" if r["quantity"] is None else r["quantity"], r["finding"]] for r in rows])
    else:
        say(f"{'product' if is_product else 'part'} {_slug(subject)} on {index.at}: {worst}")
        print_table(STATUS_COLUMNS, [[r["subject"], r["pack"], r["status"], r["deciding_part"], r["path"],
                                      "" if r["quantity"] is None else f"{r['quantity']:g}", r["finding"]]
                                     for r in rows])
    raise typer.Exit(1 if worst == "non-compliant" else 0)


@command("report")
def report_cmd(out: Annotated[Path, typer.Option("--out", help="The HTML file to write")],
               store: StoreOpt = None, pack: PackOpt = None, at: AtOpt = None) -> None:
    """One self-contained HTML report: product x regulation status, list-change impact, BOM trees, run summary."""
    with input_errors(), store_at(store, create=False) as s:
        check_writable("--out", out)  # before the report is made (the store's own problems first)
        write_report(out, render_report(s, pack, option_date(at)))
    say(f"wrote {out}")


@command("doctor")
def doctor_cmd(store: StoreOpt = None,
               drop_staging: Annotated[bool, typer.Option(
                   "--drop-staging", help="Drop every staging graph, however young: only when no import runs "
                                          "against the store (a remote endpoint keeps younger ones otherwise)")]
               = False,
               compact: Annotated[bool, typer.Option(
                   "--compact", help="Compact an embedded store's files now (imports do it when their files have "
                                     "grown by half; lookups slow down as imports pile up files)")] = False) -> None:
    """Check a store for what a crashed writer leaves (staging graphs of imports that never committed); with
    --compact, compact its files first."""
    with input_errors(), store_at(store, create=False) as s:
        if compact:
            started = time.perf_counter()
            with err.status("compacting the store's files"):
                ran = s.compact(force=True)
            say(f"compacted in {time.perf_counter() - started:.1f} s" if ran
                else "compaction: nothing to do (a remote endpoint compacts on its own)")
        dropped = list(getattr(s, "dropped_staging", []))  # the embedded store drops them when it is opened
        dropped += s.drop_staging(0 if drop_staging else None)
        left = s.staging_graphs()
        revision = s.revision()
        say(f"revision: {revision or '(none)'}")
        model = getattr(s, "model", None)  # the composition read model (graph/read_model.py): embedded stores
        if model is not None:
            stamp = model.stamp()
            say(f"read model: {model.size():,} facts, "
                + ("at this revision" if stamp == revision else
                   f"behind (at {stamp or 'none'}): the next where-used rebuilds it"))
        say(f"staging graphs dropped: {len(dropped)}" + "".join(f"\n  {g}" for g in dropped))
        say(f"staging graphs left: {len(left)}" + "".join(f"\n  {g}" for g in left)
            + (" (younger than the grace period: a write may be running; --drop-staging drops them)" if left else ""))
    raise typer.Exit(0)
