"""Commands that write what the graph holds in the formats other tools read: `export` (a full material
declaration per part or product as IPC-1752A Class D or IEC 62474 XML) and `scip` (the SCIP-ready dataset of
articles holding a Candidate List substance above 0.1 % w/w). docs/exports.md says what each file holds."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from complygraph.cli_base import ExcelBomOpt, StoreOpt, command, fail, input_errors, store_at
from complygraph.console import err, plural, say
from complygraph.dates import option_date
from complygraph.exports import (
    Company,
    export_iec62474,
    export_ipc1752a,
    scip_rows,
    unidentified_articles,
    write_scip,
)


class DeclarationFormat(StrEnum):
    ipc1752a = "ipc1752a"
    iec62474 = "iec62474"


class TableFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


AtOpt = Annotated[str | None, typer.Option("--at", help="Date (YYYY-MM-DD) of the declaration or of the list "
                                                        "version in force; default today")]


@command("export")
def export_cmd(out: Annotated[Path, typer.Option("--out", help="The XML file to write")],
               part: Annotated[str | None, typer.Option("--part", help="Part id")] = None,
               product: Annotated[str | None, typer.Option("--product", help="Product id")] = None,
               fmt: Annotated[DeclarationFormat, typer.Option(
                   "--format", help="ipc1752a (IPC-1752A Class D) or iec62474 (IEC 62474)")]
               = DeclarationFormat.ipc1752a,
               company: Annotated[str | None, typer.Option(
                   "--company", help="Who declares (required for a product; default for a part: its supplier)")]
               = None,
               company_id: Annotated[str, typer.Option("--company-id", help="The declaring company's id")] = "",
               store: StoreOpt = None, at: AtOpt = None) -> None:
    """Write a full material declaration of a part or a product, its sub-parts nested with their quantities."""
    if bool(part) == bool(product):
        fail("name one of --part ID or --product ID")
    writer = export_ipc1752a if fmt is DeclarationFormat.ipc1752a else export_iec62474
    with input_errors(), store_at(store, create=False) as s:
        data = writer(s, part or product, option_date(at) or dt.date.today(), kind="part" if part else "product",
                      company=Company(company, company_id) if company else None)
    with input_errors():  # a file that cannot be written: exit 2 naming it
        out.write_bytes(data)
    say(f"wrote {out} ({fmt.value}, {plural(len(data), 'byte')})")


@command("scip")
def scip_cmd(out: Annotated[Path, typer.Option("--out", help="The CSV or xlsx file to write")],
             fmt: Annotated[TableFormat, typer.Option("--format", help="csv or xlsx")] = TableFormat.csv,
             excel_bom: ExcelBomOpt = False,
             store: StoreOpt = None, at: AtOpt = None) -> None:
    """Write the SCIP-ready dataset: one row per article, Candidate List substance above 0.1 % w/w, material
    and place in the BOM, with the SCIP concentration range. An article its supplier declares over the threshold
    without naming the substance has a row saying so, and stderr counts them: a notification needs the
    substance's name, so the preparer must ask those suppliers (QA12 B07: they were left out in silence)."""
    if out.suffix.lower() in (".csv", ".xlsx") and out.suffix.lower() != f".{fmt.value}":
        fail(f"--out {out} names a .{out.suffix.lower()[1:]} file and --format is {fmt.value}: give --format "
             f"{out.suffix.lower()[1:]}, or a file name that ends in .{fmt.value}")
    with input_errors(), store_at(store, create=False) as s:
        rows = scip_rows(s, option_date(at) or dt.date.today())
    with input_errors():  # a file that cannot be written: exit 2 naming it
        write_scip(rows, out, fmt.value, excel_bom=excel_bom)
    say(f"wrote {out}: {plural(len(rows), 'row')}")
    unnamed = unidentified_articles(rows)
    if unnamed:
        shown = ", ".join(unnamed[:10]) + (f" and {len(unnamed) - 10} more" if len(unnamed) > 10 else "")
        err.print(f"[yellow]warning:[/yellow] {escape(plural(len(unnamed), 'article'))} declared over the "
                  f"Candidate List threshold without the substance named by the supplier ({escape(shown)}): their "
                  f"rows say \"substance not identified\"; ask those suppliers which substance before notifying "
                  f"SCIP", highlight=False, soft_wrap=True)
