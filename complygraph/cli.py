"""The `complygraph` command line: loading lists and company data, validating, serving.

The app, its shared options and conventions are in `cli_base`; the commands that show what the store
holds (`lists`, `list-diff`, `impact`, `query`, `demo`) in `cli_views`, `load` in `cli_load`, imported here so that
`complygraph.cli:app` carries every command.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from complygraph import (  # noqa: F401  (register their commands)
    cli_exports,
    cli_load,
    cli_requests,
    cli_status,
    cli_views,
)
from complygraph.cli_base import (
    ExcelBomOpt,
    JsonOpt,
    StoreOpt,
    app,
    check_writable,
    command,
    csv_encoding,
    fail,
    input_errors,
    metered,
    parts_in,
    shipped_lists,
    shipped_packs,
    store_at,
)
from complygraph.console import (
    RESULT_TEXT_COLUMNS,
    count_phrase,
    emit,
    err,
    finish,
    more_results,
    plain_table,
    plural,
    print_table,
    progress_bars,
    result_cells,
    say,
    stdout_may_close,
    unknown_results,
    validation_summary,
)
from complygraph.dates import option_date
from complygraph.reports import (
    RESULT_COLUMNS,
    csv_text,
    in_order,
    json_text,
    result_context,
    result_csv_row,
    result_row,
    validation_json,
)

__all__ = ["app", "main"]


@command("load-lists")
def load_lists(store: StoreOpt = None,
               only: Annotated[list[str] | None, typer.Option(
                   "--list", help="Load only this list (repeatable): " + ", ".join(shipped_lists()))] = None) -> None:
    """Load the shipped regulatory lists (SVHC, Annex XVII, POPs, RoHS, CSCL) into the store."""
    from complygraph.loaders.catalog import catalog, load_list

    with input_errors(), store_at(store) as s:
        ids = only or list(catalog()[1])
        with progress_bars() as progress, metered(s, progress) as watched:
            task = progress.add_task("loading lists", total=len(ids), unit="lists")
            for list_id in ids:
                n = load_list(watched, list_id)
                progress.advance(task)
                say(f"{list_id}: {plural(n, 'triple')}")


@command("load-list")
def load_list_cmd(list_id: Annotated[str, typer.Argument(help="List id: " + ", ".join(shipped_lists()))],
                  files: Annotated[list[Path], typer.Argument(help="Export file(s) of that list, e.g. next ECHA xlsx")],
                  store: StoreOpt = None) -> None:
    """Load a newer export of a list; it replaces the list's previous load in one transaction."""
    from complygraph.loaders.catalog import load_list
    from complygraph.loaders.membership import unreached_rules

    with input_errors(), store_at(store) as s:
        notes: list[str] = []
        with progress_bars() as progress, metered(s, progress) as watched:
            n = load_list(watched, list_id, files, notes)
        say(f"{list_id}: {plural(n, 'triple')} from {', '.join(str(f) for f in files)}")
        for note in notes:
            err.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False, soft_wrap=True)
        for warning in unreached_rules(s):
            err.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False, soft_wrap=True)


@command("import")
def import_cmd(source: Annotated[Path, typer.Argument(help="Folder of CSV files or a .jsonl file")],
               store: StoreOpt = None) -> None:
    """Import products, parts, BOM, suppliers, materials and substances (docs/import-format.md)."""
    from complygraph.loaders.compositions import import_compositions

    with input_errors(), store_at(store) as s:
        with progress_bars() as progress:
            total = None if progress.disable else parts_in(source)  # a pipe shows no bar: parts.csv is not read twice
            with metered(s, progress, total) as watched:
                counts = import_compositions(watched, source)
        say(count_phrase(counts))


@command("generate")
def generate_cmd(out: Annotated[Path, typer.Option("--out", help="Output folder")],
                 products: Annotated[int, typer.Option("--products", help="Products to generate")] = 10,
                 parts: Annotated[int, typer.Option("--parts", help="Parts to generate")] = 1000,
                 seed: Annotated[int, typer.Option("--seed", help="Seed (same seed, same data)")] = 0) -> None:
    """Write a realistic, deterministic data set in the import format (streams; reaches 1,000,000 parts)."""
    from complygraph.generate import generate

    with input_errors(), progress_bars() as progress:
        task = progress.add_task("generating parts", total=parts, unit="parts")
        counts = generate(out, products, parts, seed, progress=lambda n: progress.advance(task, n))
    say(f"{count_phrase(counts)} written to {out}")


class ValidateFormat(StrEnum):
    """The summary and named results (text, json, csv, xlsx), or the W3C report (turtle, compact json-ld)."""

    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    turtle = "turtle"
    json_ld = "json-ld"


TEXT_RESULTS = 50  # results a text report shows; json, csv and xlsx hold all of them
_NAMED = (ValidateFormat.text, ValidateFormat.json, ValidateFormat.csv, ValidateFormat.xlsx)  # names, not IRIs


@command("validate")
def validate_cmd(store: StoreOpt = None,
                 pack: Annotated[list[str] | None, typer.Option(
                     "--pack", help="Shape pack (repeatable); shipped: " + ", ".join(shipped_packs())
                                    + "; default: every pack not marked cgsh:byDefault false")] = None,
                 at: Annotated[str | None, typer.Option(
                     "--at", help="Evaluation date (YYYY-MM-DD): list versions in force, effective dates, "
                                  "exemption expiry; default today")] = None,
                 report: Annotated[Path | None, typer.Option(
                     "--report", help="Write the report (in --format) to this file; the summary goes to stdout")]
                 = None,
                 fmt: Annotated[ValidateFormat, typer.Option(
                     "--format", help="text (summary and results with names), json, csv or xlsx (every result "
                                      "with names and context; xlsx needs --report FILE.xlsx), turtle or json-ld "
                                      "(the W3C validation report; json-ld compact, with an @context)")]
                 = ValidateFormat.text,
                 as_json: JsonOpt = False,
                 excel_bom: ExcelBomOpt = False,
                 pack_dir: Annotated[list[Path] | None, typer.Option(
                     "--pack-dir", help="A folder of your own packs, or one pack (repeatable)")] = None,
                 fail_on_unknown: Annotated[bool, typer.Option(
                     "--fail-on-unknown", help="Exit 1 also when a result leaves a status unknown (undeclared "
                                               "parts, unresolved substances): a gate that passes only what is "
                                               "known to comply")] = False,
                 ) -> None:
    """Validate the store against SHACL shape packs; exit 0 compliant, 1 violations (or, with --fail-on-unknown,
    a status unknown), 2 error."""
    from complygraph.graph.shacl import validate
    from complygraph.graph.shacl.packs import default_packs
    from complygraph.graph.shacl.report_stream import write_report
    from complygraph.loaders.catalog import list_warnings
    from complygraph.report_workbooks import validation_workbook

    if as_json and fmt not in (ValidateFormat.text, ValidateFormat.json):
        fail(f"--json and --format {fmt.value} contradict each other")
    fmt = ValidateFormat.json if as_json else fmt
    if fmt is ValidateFormat.xlsx and report is None:
        fail("--format xlsx needs --report FILE.xlsx (a workbook is not written to stdout)")
    if report is not None:
        check_writable("--report", report)
    with input_errors(), store_at(store, create=False) as s:
        names = pack or default_packs(pack_dir)
        with progress_bars() as progress:
            task = progress.add_task("validating: constraint", total=None, unit="constraints")
            result = validate(s, names, option_date(at), pack_dirs=pack_dir,
                              progress=lambda _, i, n: progress.update(task, completed=i, total=n))
            finish(progress, task)
        result.warnings += list_warnings(s, result.lists)
        # every named format in one order; on the terminal the first TEXT_RESULTS, saying how many more
        ordered = in_order(result.results) if fmt in _NAMED else result.results
        shown = ordered[:TEXT_RESULTS] if fmt is ValidateFormat.text and not report else ordered
        context = result_context(s, result, shown) if fmt in _NAMED else None
        revision = s.revision() if fmt is ValidateFormat.xlsx else None
    rows = [result_row(r, context) for r in shown] if context is not None else []
    summary = validation_summary(result)
    more = more_results(len(result.results), len(shown)) if len(result.results) > len(shown) else ""
    text = ""
    if fmt is ValidateFormat.json:
        text = json_text(validation_json(result, rows))
    elif fmt is ValidateFormat.csv:
        text = csv_text(RESULT_COLUMNS, [result_csv_row(r) for r in rows])
    elif fmt is ValidateFormat.text:
        text = "\n".join([summary] + ([plain_table(RESULT_TEXT_COLUMNS, result_cells(rows)).rstrip()] if rows else [])
                         + ([more] if more else [])) + "\n"
    with stdout_may_close():
        if report:
            try:
                if fmt is ValidateFormat.xlsx:
                    validation_workbook(result, rows, report, revision)
                elif text:
                    report.write_text(text, encoding=csv_encoding(excel_bom and fmt is ValidateFormat.csv))
                else:  # the W3C report streamed to the file, result by result, in a stable order
                    write_report(result, report, fmt.value)
            except OSError as exc:
                fail(f"cannot write the report {report}: {exc.strerror or exc}")
            say(summary)
        elif fmt is ValidateFormat.text:
            say(summary)
            if rows:
                print_table(RESULT_TEXT_COLUMNS, result_cells(rows))
            if more:
                say(more)
        elif text:
            emit(text)
            if fmt is not ValidateFormat.json:  # JSON carries them; a CSV on stdout has no place for them
                warn_on_stderr(result.warnings)
        else:  # the W3C report streamed to stdout, in the same stable order as a report file
            warn_on_stderr(result.warnings)
            sys.stdout.flush()
            write_report(result, sys.stdout.buffer, fmt.value)
            sys.stdout.buffer.flush()
    raise typer.Exit(0 if result.compliant and not (fail_on_unknown and unknown_results(result)) else 1)


def warn_on_stderr(warnings: list[str]) -> None:
    """The report's warnings (a list out of date, an engine that answers unreliably) where stdout holds only
    data: never lost because the format has no place for them."""
    for w in warnings:
        sys.stderr.write(f"warning: {w}\n")


class ShaclFormat(StrEnum):
    human = "human"
    turtle = "turtle"
    json_ld = "json-ld"


@command("shacl")
def shacl_cmd(data: Annotated[Path, typer.Argument(help="Data graph file (Turtle, N-Triples, RDF/XML, JSON-LD, ...)")],
              shapes: Annotated[Path | None, typer.Option(
                  "--shapes", "-s", help="Shapes graph file; default: the shapes in the data graph")] = None,
              fmt: Annotated[ShaclFormat, typer.Option("--format", "-f", help="Report format")] = ShaclFormat.human,
              allow_warnings: Annotated[bool, typer.Option(
                  "--allow-warnings", "-w", help="Warning and Info results do not make the data fail")] = False,
              output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here")] = None,
              ) -> None:
    """Validate any RDF data graph against any SHACL shapes graph, as `pyshacl` does (same options, same
    report); exit 0 conforms, 1 does not conform, 2 error."""
    from complygraph.graph.shacl.report import serialize_graph
    from complygraph.graph.shacl.standalone import validate_graph

    with input_errors():
        conforms, graph, text = validate_graph(data, shacl_graph=shapes, allow_warnings=allow_warnings)
        if fmt is not ShaclFormat.human:
            text = serialize_graph(graph, fmt.value)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            with stdout_may_close():
                sys.stdout.write(text)
    raise typer.Exit(0 if conforms else 1)


@command("serve")
def serve(store: StoreOpt = None,
          host: Annotated[str, typer.Option("--host", help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", help="Port to listen on")] = 8000) -> None:
    """Serve the GraphQL API (/graphql, GraphiQL in a browser), /healthz and /openapi.json."""
    import uvicorn

    from complygraph.api import create_app
    from complygraph.graph.embedded import EmbeddedStore
    from complygraph.graph.served import serving

    with input_errors(), store_at(store, create=False) as s:
        with serving(s.location if isinstance(s, EmbeddedStore) else None, host, port):
            uvicorn.run(create_app(s), host=host, port=port, log_level="info", access_log=False)  # 4 % of the loop


@command("check-ontology")
def check_ontology() -> None:
    """Load the ontology with owlready2 and run the Pellet reasoner over it and the reference lists."""
    from complygraph.consistency import check_consistency

    with input_errors():
        say(check_consistency())


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
