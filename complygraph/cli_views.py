"""Commands that show what the store holds: `lists`, `list-diff`, `impact`, `query` and `demo`.

Each prints text for people (a table on a terminal, aligned plain text in a pipe) or, with `--format json`
(`--json`) or `--format csv`, the structures README.md documents for programs.
"""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from complygraph.cli_base import (
    LISTS_HELP,
    ExcelBomOpt,
    FormatOpt,
    FromOpt,
    JsonOpt,
    StoreOpt,
    ToOpt,
    command,
    csv_encoding,
    fail,
    input_errors,
    metered,
    output_format,
    store_at,
)
from complygraph.console import (
    OutputFormat,
    emit,
    emit_csv,
    emit_json,
    err,
    impact_table,
    plural,
    print_table,
    progress_bars,
    record_kind,
    say,
)
from complygraph.dates import date_range, iso_date
from complygraph.graph import open_store
from complygraph.graph import queries as q
from complygraph.graph.impact import impact
from complygraph.report_workbooks import impact_workbook
from complygraph.reports import (
    DIFF_COLUMNS,
    LIST_COLUMNS,
    diff_json,
    diff_rows,
    impact_json,
    lists_json,
    lists_rows,
    result_columns,
    sparql_csv,
    sparql_json,
    sparql_tsv,
    write_impact,
)


@command("lists")
def lists_cmd(store: StoreOpt = None,
              all_versions: Annotated[bool, typer.Option(
                  "--all", help="Show every version in text (json and csv always hold every version)")] = False,
              fmt: FormatOpt = OutputFormat.text, as_json: JsonOpt = False) -> None:
    """Print each list in the store: its versions, entry counts and source files."""
    fmt = output_format(fmt, as_json)
    with input_errors(), store_at(store, create=False) as s:
        infos = q.lists(s)
    if fmt is OutputFormat.json:
        return emit_json(lists_json(infos))
    if fmt is OutputFormat.csv:
        return emit_csv(LIST_COLUMNS, lists_rows(infos))
    if not infos:
        return say("The store holds no lists; run `complygraph load-lists`.")
    rows = []
    for info in infos:
        shown = info.versions if all_versions else info.versions[:3]
        versions = [f"{d}: {n}" for d, n in shown]
        if len(info.versions) > len(shown):
            versions.append(f"... {plural(len(info.versions) - len(shown), 'older version')}")
        coverage = f"{info.evaluated} / {info.listed_only}" if info.entries else "(exemptions, no entries)"
        rows.append([info.id, info.title, versions, coverage, info.sources])
    print_table(["id", "title", "versions (valid from: entries)", "evaluated by rules / listed only", "source"], rows,
                "Regulatory lists")


@command("list-diff")
def list_diff(list_id: Annotated[str, typer.Option("--list", help=LISTS_HELP)], since: FromOpt, until: ToOpt,
              store: StoreOpt = None, fmt: FormatOpt = OutputFormat.text, as_json: JsonOpt = False) -> None:
    """Entries added to, removed from and changed in a list between two dates, with what changed."""
    from complygraph.graph.entry_changes import changed_entries

    fmt = output_format(fmt, as_json)
    with input_errors():
        start, end = date_range(since, until)
    with input_errors(), store_at(store, create=False) as s:
        change = q.list_change(s, list_id, start, end)
        changed = changed_entries(s, list_id, start, end)
        first = min((d for info in q.lists(s) if info.id == list_id for d, _ in info.versions), default=None)
    if first is not None and start.isoformat() < first:
        # QA10 B08: --from 1990-01-01 listed all 253 entries as added without a word
        err.print(f"note: list {list_id} has no version before {first}: every entry in force on {end} counts as "
                  "added", highlight=False, soft_wrap=True)
    diff = diff_json(list_id, start.isoformat(), end.isoformat(), change.added, change.removed, changed)
    if fmt is OutputFormat.json:
        return emit_json(diff)
    if fmt is OutputFormat.csv:
        return emit_csv(DIFF_COLUMNS, diff_rows(diff))
    for label in ("added", "removed"):
        say(f"{label} ({len(diff[label])})", style="bold")
        for name in sorted(e["name"] for e in diff[label]):
            say(f"  {name}")
    say(f"changed ({len(changed)})", style="bold")
    for entry in changed:
        say(f"  {entry.name}")
        for f in entry.changes:
            # one value each side reads as before -> after; sets read as what was added and removed
            what = (f"{'; '.join(f.before) or '(none)'} -> {'; '.join(f.after) or '(none)'}"
                    if len(f.before) <= 1 and len(f.after) <= 1 else
                    ", ".join([f"+{v}" for v in f.added] + [f"-{v}" for v in f.removed]))
            say(f"    {f.field}: {what}")


class ImpactFormat(StrEnum):
    """`table` is the former name of `text`, kept for scripts that spell it."""

    text = "text"
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@command("impact")
def impact_cmd(list_id: Annotated[str, typer.Option("--list", help=LISTS_HELP)], since: FromOpt, until: ToOpt,
               fmt: Annotated[ImpactFormat, typer.Option(
                   "--format", help="text (table: the same), csv, json, or xlsx (one sheet by part, by supplier "
                                    "and by product; needs --out)")] = ImpactFormat.text,
               as_json: JsonOpt = False, excel_bom: ExcelBomOpt = False,
               out: Annotated[Path | None, typer.Option("--out", help="Write to this file (required for xlsx)")] = None,
               store: StoreOpt = None) -> None:
    """Parts, materials, suppliers and products touched by the entries a list gained or lost between dates."""
    if as_json and fmt not in (ImpactFormat.text, ImpactFormat.table, ImpactFormat.json):
        fail(f"--json and --format {fmt.value} contradict each other")
    fmt = ImpactFormat.json if as_json else fmt
    if fmt is ImpactFormat.xlsx and out is None:
        fail("--format xlsx needs --out FILE")
    if out is not None and fmt in (ImpactFormat.text, ImpactFormat.table):
        fail("--out writes csv, json or xlsx (--format); the text table is for the terminal")
    with input_errors():
        start, end = date_range(since, until)
    with input_errors(), store_at(store, create=False) as s:
        rows = impact(s, list_id, start, end)
    if fmt in (ImpactFormat.text, ImpactFormat.table):
        impact_table(rows, f"{list_id}: impact of the changes from {since} to {until}")
        return say(f"{plural(len(rows), 'impact')} in {plural(len({r.part_id for r in rows}), 'part')}")
    text = None if fmt is ImpactFormat.xlsx else write_impact(rows, fmt.value, out)
    with input_errors():  # a file that cannot be written: exit 2 naming it
        if fmt is ImpactFormat.xlsx and out is not None:
            impact_workbook(rows, out)
        if text is not None:
            if out:
                out.write_text(text, encoding=csv_encoding(excel_bom and fmt is ImpactFormat.csv))
            else:
                emit(text)
    if out:  # a status line, on stderr as before: stdout may be the data
        err.print(f"{plural(len(rows), 'impact')} written to {out}", highlight=False, soft_wrap=True)


class QueryFormat(StrEnum):
    """text for people; the W3C SPARQL 1.1 result formats for programs."""

    text = "text"
    json = "json"
    csv = "csv"
    tsv = "tsv"


def _query_text(sparql: str | None, file: Path | None) -> str:
    """The query from the argument, `-` (stdin), `@FILE` or `--file` (where `-` is stdin too)."""
    if sparql is not None and file is not None:
        fail("give the query as an argument or with --file, not both")
    if sparql is None and file is None:
        fail("give a SPARQL query: as an argument, - to read it from stdin, or --file FILE")
    if sparql == "-" or file == Path("-"):
        text = sys.stdin.read()
    elif file is not None:
        text = file.read_text(encoding="utf-8")
    else:
        text = Path(sparql[1:]).read_text(encoding="utf-8") if sparql.startswith("@") else sparql
    if not text.strip():
        fail("the query is empty")
    return text


@command("query")
def query_cmd(sparql: Annotated[str | None, typer.Argument(
                  help="SPARQL SELECT text; - reads it from stdin; @FILE reads it from FILE")] = None,
              file: Annotated[Path | None, typer.Option(
                  "--file", help="Read the query from this file (- for stdin)")] = None,
              fmt: Annotated[QueryFormat, typer.Option(
                  "--format", help="text (a table; aligned plain text in a pipe), or the W3C SPARQL 1.1 results "
                                   "formats json, csv, tsv")] = QueryFormat.text,
              as_json: JsonOpt = False, store: StoreOpt = None) -> None:
    """Run a SPARQL SELECT on the store (prefixes cg:, dct:, prov:, skos:, rdfs:, xsd: predefined)."""
    if as_json and fmt not in (QueryFormat.text, QueryFormat.json):
        fail(f"--json and --format {fmt.value} contradict each other")
    with input_errors():
        text = _query_text(sparql, file)
        with store_at(store, create=False) as s:
            form = _query_form(text)
            if form != "SELECT":  # the rows below are a SELECT's; a CONSTRUCT ended in a traceback (QA run)
                fail(f"`query` runs a SPARQL SELECT; this is {'an' if form == 'ASK' else 'a'} "
                     f"{form or 'unreadable'} query (write it as SELECT ... WHERE {{ ... }})")
            rows = s.select(text)
    columns = result_columns(text, rows)
    fmt = QueryFormat.json if as_json else fmt
    if fmt is QueryFormat.json:
        return emit_json(sparql_json(columns, rows))
    if fmt is not QueryFormat.text:
        return emit((sparql_csv if fmt is QueryFormat.csv else sparql_tsv)(columns, rows))
    if columns:
        print_table(columns, ([r[c].value if c in r else "" for c in columns] for r in rows))
    say(plural(len(rows), "row"))


_FORM = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
_NOT_CODE = re.compile(r'<[^>\s]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')


def _query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first of these keywords outside IRIs, strings and comments."""
    found = _FORM.search(_NOT_CODE.sub(" ", text))
    return found.group(1).upper() if found else None


@command("demo")
def demo(parts: Annotated[int, typer.Option("--parts", help="Parts to generate")] = 1000,
         products: Annotated[int, typer.Option("--products", help="Products to generate")] = 10,
         seed: Annotated[int, typer.Option("--seed", help="Seed of the generator (same seed, same data)")] = 1,
         since: Annotated[str, typer.Option("--from", help="Start date of the SVHC list change")] = "2025-06-25",
         until: Annotated[str, typer.Option("--to", help="End date of the SVHC list change")] = "2026-02-04",
         store: Annotated[str | None, typer.Option(
             "--store", help="Keep the demo store in this directory (default: in memory)")] = None,
         fmt: FormatOpt = OutputFormat.text, as_json: JsonOpt = False) -> None:
    """Build a store from the shipped lists and generated data, then show the parts hit by new SVHCs."""
    from complygraph.demo import build_demo_store, reference_statuses

    fmt = output_format(fmt, as_json)
    with input_errors():
        s = open_store(store) if store else open_store(None)
        try:
            with progress_bars() as progress, metered(s, progress) as watched:
                counts = build_demo_store(watched, parts, products, seed, progress)
            total = s.count()
            change = q.list_change(s, "eu-reach-svhc", iso_date(since), iso_date(until))
            rows = impact(s, "eu-reach-svhc", iso_date(since), iso_date(until))
            statuses = reference_statuses(s, iso_date(until))
        finally:
            s.close()
    if fmt is OutputFormat.json:
        imported = {record_kind(k): n for k, n in counts.items() if k != "triples"}
        return emit_json({"store_triples": total, "imported": imported, "imported_triples": counts.get("triples"),
                          "list": "eu-reach-svhc", "from": since,
                          "to": until, "added": [{"entry": e, "name": n} for e, n in sorted(change.added.items())],
                          "impact": impact_json(rows), "reference_products": statuses})
    if fmt is OutputFormat.csv:
        return emit(write_impact(rows, "csv", None) or "")
    say(f"Store: {plural(total, 'triple')}; imported {plural(counts['parts'], 'part')}, "
        f"{plural(counts['materials'], 'material')}, "
        f"{plural(counts['substances'], 'substance occurrence')}.")
    say(f"SVHC Candidate List entries added after {since} up to {until}: " + "; ".join(sorted(change.added.values())))
    impact_table(rows, f"Parts with a material containing a substance added to the SVHC Candidate List between "
                       f"{since} and {until}")
    say(f"{plural(len(rows), 'material/substance hit')} in {plural(len({r.part_id for r in rows}), 'part')}.")
    say("")
    print_table(["product", "pack", "status", "deciding part", "why"],
                [[r["product"], r["pack"], r["status"], r["part"], r["why"]] for r in statuses],
                title=f"Status of the reference products on {until} (complygraph status --product ID)")

