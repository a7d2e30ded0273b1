"""`complygraph load`: supplier declarations (IPC-1752A, IEC 62474) and survey answers, one batch, with
`--skip-invalid` loading every good file and reporting the refused ones (loaders/batch.py)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from complygraph.cli_base import (
    StoreOpt,
    check_writable,
    command,
    fail,
    input_errors,
    metered,
    output_format,
    store_at,
)
from complygraph.console import OutputFormat, emit_csv, emit_json, err, plural, print_table, progress_bars, say
from complygraph.dates import option_date
from complygraph.loaders.errors import InputError
from complygraph.reports import Label, labels
from complygraph.vocab import entity_iri


class DeclarationFormat(StrEnum):
    """The declaration formats `load` reads (loaders.declarations.FORMATS, and the survey form)."""

    ipc1752a = "ipc1752a"
    iec62474 = "iec62474"
    survey = "survey"


DECLARATION_COLUMNS = ["file", "part_id", "part_name", "supplier_id", "supplier_name", "class", "result"]
SOME_REFUSED = 3  # exit code of `load --skip-invalid` when some files were refused and the others loaded
SHOWN_PROBLEMS = 50  # problems of refused files listed on stderr; the rejection report holds every one


@command("load")
def load_cmd(files: Annotated[list[Path], typer.Argument(help="Declaration files (XML), or survey CSV/XLSX")],
             fmt: Annotated[DeclarationFormat | None, typer.Option(
                 "--format", help="Input format: ipc1752a or iec62474 (XML), or survey (the customer's Form 2-1 as "
                                  "CSV or XLSX); default: from each XML file's namespace")] = None,
             part: Annotated[str | None, typer.Option("--part", help="survey: the part, if not a column")] = None,
             date: Annotated[str | None, typer.Option("--date", help="survey: the answer date (YYYY-MM-DD)")] = None,
             output: Annotated[OutputFormat, typer.Option(
                 "--output-format", help="What is printed: text, json or csv")] = OutputFormat.text,
             as_json: Annotated[bool, typer.Option("--json", help="Same as --output-format json")] = False,
             skip_invalid: Annotated[bool, typer.Option(
                 "--skip-invalid", help="Load every good file, each in its own transaction, and refuse each bad "
                                        "file whole, its problems going to the rejection report; exit 3 when some "
                                        "files were refused, 2 when all were")] = False,
             rejections: Annotated[Path | None, typer.Option(
                 "--rejections", help="With --skip-invalid: the rejection report (CSV: file, line, field, reason); "
                                      "default: rejections-YYYYMMDD-HHMMSS.csv in the working directory, "
                                      "written when a file is refused")] = None,
             store: StoreOpt = None) -> None:
    """Load supplier declarations: IPC-1752A Class C/D or IEC 62474 / chemSHERPA-AI XML (docs/declarations.md),
    or answers on the customer's survey form (Form 2-1) as CSV or XLSX.

    A newer declaration of a part replaces its stored composition and keeps the old one as history; the
    same file again changes nothing; any bad file stores nothing, unless --skip-invalid is given. Exit 0
    every file loaded, 2 nothing loaded (a bad file without --skip-invalid, or every file refused), 3 some
    files refused and the others loaded (--skip-invalid)."""
    from complygraph.loaders import batch as batches

    output = output_format(output, as_json)
    if rejections and not skip_invalid:
        fail("--rejections needs --skip-invalid (without it the first bad file stops the load, nothing stored)")
    if rejections:  # known before any file is loaded
        check_writable("--rejections", rejections)
    survey = fmt is DeclarationFormat.survey
    with input_errors(), store_at(store) as s:
        with progress_bars() as progress, metered(s, progress) as watched:
            if survey:
                batch = batches.load_surveys(watched, files, part, option_date(date), skip_invalid)
            else:
                batch = batches.load_declarations(watched, files, fmt.value if fmt else None, skip_invalid)
        outcomes = [] if survey else batch.outcomes
        names = labels(s, [entity_iri("part", o.part).value for o in outcomes])
        report = rejections or (batches.default_rejections_path() if skip_invalid and batch.refused else None)
        if report:
            try:  # the good files are stored by now: a report that cannot be written must not say otherwise
                batches.write_rejections(report, batch.problems)
            except InputError as exc:
                err.print(escape(f"the rejection report was not written: {exc.problems[0]}"), highlight=False)
                report = None
    extra = batches.batch_json(batch, report) if skip_invalid else {}
    if survey:
        counts = batch.counts
        if output is OutputFormat.json:
            emit_json({**counts, **extra})
        elif output is OutputFormat.csv:
            emit_csv(list(counts), [list(counts.values())])
        else:
            say(f"{plural(counts['surveys'], 'survey response')}, {plural(counts['answers'], 'answer')}")
    else:
        rows = []
        for o in outcomes:
            name = names.get(entity_iri("part", o.part).value, Label())
            rows.append({"file": str(o.file), "part_id": o.part, "part_name": name.name,
                         "supplier_id": name.supplier_id, "supplier_name": name.supplier_name,
                         "class": o.declaration_class, "result": o.status})
        if output is OutputFormat.json:
            emit_json({"declarations": rows, **extra} if skip_invalid else rows)
        elif output is OutputFormat.csv:
            emit_csv(DECLARATION_COLUMNS, [[r[c] for c in DECLARATION_COLUMNS] for r in rows])
        elif rows or not skip_invalid:
            print_table(["file", "part", "supplier", "class", "result"],
                        [[Path(r["file"]).name, f"{r['part_id']} {r['part_name']}".strip(),
                          f"{r['supplier_id']} {r['supplier_name']}".strip(), r["class"] or "", r["result"]]
                         for r in rows])
    if skip_invalid:
        for problem in batch.problems[:SHOWN_PROBLEMS]:
            err.print(f"[yellow]refused:[/yellow] {escape(str(problem))}", highlight=False, soft_wrap=True)
        summary = batch.summary() + (f"; rejections in {report}" if report else "")
        if output is OutputFormat.text:
            say(summary)
        else:  # stdout holds the JSON or CSV alone
            err.print(escape(summary), highlight=False, soft_wrap=True)
        if batch.refused and not batch.loaded:
            fail("every file was refused, nothing was loaded")
        if batch.refused:
            raise typer.Exit(SOME_REFUSED)
