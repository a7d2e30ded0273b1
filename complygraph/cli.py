"""The `complygraph` command line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from complygraph.console import console, err, impact_table, progress_bars, results_table_text
from complygraph.dates import iso_date
from complygraph.graph import StoreError, open_store
from complygraph.graph import queries as q
from complygraph.graph.impact import impact
from complygraph.loaders.errors import InputError

app = typer.Typer(help="Product chemical compliance as an RDF knowledge graph.", no_args_is_help=True,
                  add_completion=False)
StoreOpt = Annotated[str | None, typer.Option(
    "--store", envvar="COMPLYGRAPH_STORE",
    help="Store directory (embedded Oxigraph) or SPARQL endpoint URL. Default: ./complygraph-store")]


@contextmanager
def _store(location: str | None, default: str = "complygraph-store", create: bool = True) -> Iterator:
    """The store for one command, closed when the command ends so that its lock is released. Commands that
    only read pass `create=False`: they refuse a path that holds no store instead of answering from a new,
    empty one."""
    store = open_store(location or default, create=create)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _errors() -> Iterator[None]:
    """Bad input and store failures end with a clear message and exit code 2, never a traceback."""
    try:
        yield
    except InputError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except (StoreError, FileNotFoundError, ValueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


@app.command("load-lists")
def load_lists(store: StoreOpt = None,
               only: Annotated[list[str] | None, typer.Option("--list", help="Load only this list id")] = None) -> None:
    """Load the shipped regulatory lists (SVHC, Annex XVII, POPs, RoHS, CSCL) into the store."""
    from complygraph.loaders.catalog import catalog, load_list

    with _errors(), _store(store) as s:
        ids = only or list(catalog()[1])
        with progress_bars() as progress:
            task = progress.add_task("loading lists", total=len(ids))
            for list_id in ids:
                n = load_list(s, list_id)
                progress.advance(task)
                console.print(f"{list_id}: {n} triples")


@app.command("load-list")
def load_list_cmd(list_id: Annotated[str, typer.Argument(help="List id, as `complygraph lists` prints it")],
                  files: Annotated[list[Path], typer.Argument(help="Export file(s) of that list, e.g. next ECHA xlsx")],
                  store: StoreOpt = None) -> None:
    """Load a newer export of a list; it replaces the list's previous load in one transaction."""
    from complygraph.loaders.catalog import load_list
    from complygraph.loaders.membership import unreached_rules

    with _errors(), _store(store) as s:
        n = load_list(s, list_id, files)
        console.print(f"{list_id}: {n} triples from {', '.join(str(f) for f in files)}")
        for warning in unreached_rules(s):
            err.print(f"[yellow]warning:[/yellow] {escape(warning)}")


@app.command("lists")
def lists_cmd(store: StoreOpt = None,
              all_versions: Annotated[bool, typer.Option("--all", help="Show every version")] = False) -> None:
    """Print each list in the store: its versions, entry counts and source files."""
    with _errors(), _store(store, create=False) as s:
        infos = q.lists(s)
        if not infos:
            console.print("The store holds no lists; run `complygraph load-lists`.")
            return
        table = Table(title="Regulatory lists")
        for col in ("id", "title", "versions (valid from: entries)", "evaluated by rules / listed only", "source"):
            table.add_column(col, overflow="fold")
        for info in infos:
            shown = info.versions if all_versions else info.versions[:3]
            versions = "\n".join(f"{d}: {n}" for d, n in shown)
            if len(info.versions) > len(shown):
                versions += f"\n... {len(info.versions) - len(shown)} older"
            coverage = (f"{info.evaluated} / {info.listed_only}" if info.entries
                        else "(exemptions, no entries)")
            table.add_row(*map(escape, (info.id, info.title, versions, coverage, "\n".join(info.sources))))
        console.print(table)


@app.command("list-diff")
def list_diff(list_id: Annotated[str, typer.Option("--list")], since: Annotated[str, typer.Option("--from")],
              until: Annotated[str, typer.Option("--to")], store: StoreOpt = None) -> None:
    """Entries added to, removed from and changed in a list between two dates, with what changed."""
    from complygraph.graph.impact import changed_entries

    with _errors(), _store(store, create=False) as s:
        change = q.list_change(s, list_id, iso_date(since), iso_date(until))
        for label, entries in (("added", change.added), ("removed", change.removed)):
            console.print(f"[bold]{label}[/bold] ({len(entries)})")
            for name in sorted(entries.values()):
                console.print(f"  {escape(name)}", highlight=False)
        changed = changed_entries(s, list_id, iso_date(since), iso_date(until))
        console.print(f"[bold]changed[/bold] ({len(changed)})")
        for entry in changed:
            console.print(f"  {escape(entry.name)}", highlight=False)
            for f in entry.changes:
                # one value each side reads as before -> after; sets read as what was added and removed
                what = (f"{'; '.join(f.before) or '(none)'} -> {'; '.join(f.after) or '(none)'}"
                        if len(f.before) <= 1 and len(f.after) <= 1 else
                        ", ".join([f"+{v}" for v in f.added] + [f"-{v}" for v in f.removed]))
                console.print(f"    {f.field}: {escape(what)}", highlight=False, soft_wrap=True)


@app.command("import")
def import_cmd(source: Annotated[Path, typer.Argument(help="Folder of CSV files or a .jsonl file")],
               store: StoreOpt = None) -> None:
    """Import products, parts, BOM, suppliers, materials and substances (docs/import-format.md)."""
    from complygraph.loaders.compositions import import_compositions

    with _errors(), _store(store) as s:
        with err.status(f"importing {source}"):
            counts = import_compositions(s, source)
        console.print(", ".join(f"{v} {k}" for k, v in counts.items()))


@app.command("load")
def load_cmd(files: Annotated[list[Path], typer.Argument(help="Declaration files (XML), or survey CSV/XLSX")],
             fmt: Annotated[str | None, typer.Option(
                 "--format", help="ipc1752a, iec62474 or survey; default: from each XML file's namespace")] = None,
             part: Annotated[str | None, typer.Option("--part", help="survey: the part, if not a column")] = None,
             date: Annotated[str | None, typer.Option("--date", help="survey: the answer date")] = None,
             store: StoreOpt = None) -> None:
    """Load supplier declarations: IPC-1752A Class C/D or IEC 62474 / chemSHERPA-AI XML (docs/declarations.md),
    or answers on the customer's survey form (Form 2-1) as CSV or XLSX.

    A newer declaration of a part replaces its stored composition and keeps the old one as history; the
    same file again changes nothing; any bad file stores nothing."""
    from complygraph.loaders.declarations import FORMATS, import_declarations

    if fmt is not None and fmt not in (*FORMATS, "survey"):
        err.print(f"[red]error:[/red] --format: expected one of {', '.join(FORMATS)}, survey; got {fmt!r}")
        raise typer.Exit(2)
    if fmt == "survey":
        from complygraph.loaders.survey import import_survey

        with _errors(), _store(store) as s:
            counts = import_survey(s, files, part, iso_date(date) if date else None)
            console.print(f"{counts['surveys']} survey response(s), {counts['answers']} answers")
        return
    with _errors(), _store(store) as s:
        with err.status(f"loading {len(files)} declaration(s)"):
            outcomes = import_declarations(s, files, fmt)
        table = Table("file", "part", "class", "result")
        for o in outcomes:
            table.add_row(escape(Path(o.file).name), escape(o.part), o.declaration_class, o.status)
        console.print(table)


@app.command("generate")
def generate_cmd(out: Annotated[Path, typer.Option("--out", help="Output folder")],
                 products: Annotated[int, typer.Option("--products")] = 10,
                 parts: Annotated[int, typer.Option("--parts")] = 1000,
                 seed: Annotated[int, typer.Option("--seed")] = 0) -> None:
    """Write a realistic, deterministic data set in the import format (streams; reaches 1,000,000 parts)."""
    from complygraph.generate import generate

    with _errors(), progress_bars() as progress:
        task = progress.add_task("generating parts", total=parts)
        counts = generate(out, products, parts, seed, progress=lambda n: progress.advance(task, n))
    console.print(", ".join(f"{v} {k} rows" for k, v in counts.items()) + f" in {out}")


@app.command("query")
def query_cmd(sparql: Annotated[str, typer.Argument(help="SPARQL SELECT text, or @file.rq")],
              store: StoreOpt = None) -> None:
    """Run a SPARQL SELECT on the store and print the result as a table (prefixes cg:, dct:, ... predefined)."""
    with _errors():
        text = Path(sparql[1:]).read_text() if sparql.startswith("@") else sparql
        with _store(store, create=False) as s:
            rows = s.select(text)
        table = Table()
        cols = list(dict.fromkeys(k for r in rows for k in r))
        for c in cols:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*[escape(r[c].value) if c in r else "" for c in cols])
        console.print(table)
        console.print(f"{len(rows)} rows")


@app.command("validate")
def validate_cmd(store: StoreOpt = None,
                 pack: Annotated[list[str] | None, typer.Option("--pack", help="Shape pack (repeatable)")] = None,
                 at: Annotated[str | None, typer.Option("--at", help="Evaluation date (default today)")] = None,
                 report: Annotated[Path | None, typer.Option("--report", help="Write the report to this file")] = None,
                 fmt: Annotated[str, typer.Option("--format", help="text, turtle or json-ld")] = "text",
                 pack_dir: Annotated[list[Path] | None, typer.Option("--pack-dir", help="Your own packs")] = None,
                 ) -> None:
    """Validate the store against SHACL shape packs; exit 0 conforming, 1 violations, 2 error."""
    from complygraph.graph.shacl import validate
    from complygraph.graph.shacl.packs import default_packs
    from complygraph.loaders.catalog import list_warnings

    if fmt not in ("text", "turtle", "json-ld"):
        err.print(f"[red]error:[/red] --format must be text, turtle or json-ld, not {escape(fmt)}")
        raise typer.Exit(2)
    with _errors(), _store(store, create=False) as s:
        names = pack or default_packs(pack_dir)
        with progress_bars() as progress:
            task = progress.add_task("validating", total=None)
            result = validate(s, names, iso_date(at) if at else None, progress=lambda _: progress.advance(task),
                              pack_dirs=pack_dir)
        result.warnings += list_warnings(s, result.lists)
        text = result.summary() if fmt == "text" else result.serialize(fmt)
        if fmt == "text":
            text += "\n" + results_table_text(result)
        if report:
            report.write_text(text if fmt != "text" else result.summary() + "\n" + results_table_text(result),
                              encoding="utf-8")
            console.print(result.summary(), highlight=False)
        else:
            console.print(escape(text), highlight=False, soft_wrap=fmt != "text")
    raise typer.Exit(0 if result.compliant else 1)


class ShaclFormat(StrEnum):
    human = "human"
    turtle = "turtle"
    json_ld = "json-ld"


@app.command("shacl")
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

    with _errors():
        conforms, graph, text = validate_graph(data, shacl_graph=shapes, allow_warnings=allow_warnings)
        if fmt is not ShaclFormat.human:
            text = serialize_graph(graph, fmt.value)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    raise typer.Exit(0 if conforms else 1)


@app.command("serve")
def serve(store: StoreOpt = None, host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port")] = 8000) -> None:
    """Serve the GraphQL API (/graphql, GraphiQL in a browser), /healthz and /openapi.json."""
    import uvicorn

    from complygraph.api import create_app

    with _errors(), _store(store, create=False) as s:
        uvicorn.run(create_app(s), host=host, port=port, log_level="info")


@app.command("check-ontology")
def check_ontology() -> None:
    """Load the ontology with owlready2 and run the Pellet reasoner over it and the reference lists."""
    from complygraph.consistency import check_consistency

    with _errors():
        report = check_consistency()
        console.print(report)


@app.command("demo")
def demo(parts: Annotated[int, typer.Option("--parts")] = 1000,
         products: Annotated[int, typer.Option("--products")] = 10,
         seed: Annotated[int, typer.Option("--seed")] = 1,
         since: Annotated[str, typer.Option("--from")] = "2025-06-25",
         until: Annotated[str, typer.Option("--to")] = "2026-02-04",
         store: Annotated[str | None, typer.Option("--store", help="Keep the demo store here")] = None,
         ) -> None:
    """Build a store from the shipped lists and generated data, then show the parts hit by new SVHCs."""
    from complygraph.demo import build_demo_store

    with _errors():
        s = open_store(store) if store else open_store(None)
        with progress_bars() as progress:
            counts = build_demo_store(s, parts, products, seed, progress)
        console.print(f"Store: {s.count()} triples; imported {counts['parts']} parts, {counts['materials']} "
                      f"materials, {counts['substances']} substance occurrences.")
        change = q.list_change(s, "eu-reach-svhc", iso_date(since), iso_date(until))
        console.print(f"SVHC Candidate List entries added after {since} up to {until}: "
                      + escape("; ".join(sorted(change.added.values()))), highlight=False)
        rows = impact(s, "eu-reach-svhc", iso_date(since), iso_date(until))
        console.print(impact_table(rows, f"Parts with a material containing a substance added to the SVHC "
                                         f"Candidate List between {since} and {until}"))
        console.print(f"{len(rows)} material/substance hits in {len({r.part_id for r in rows})} parts.")
        s.close()


@app.command("impact")
def impact_cmd(list_id: Annotated[str, typer.Option("--list", help="List id, e.g. eu-reach-svhc")],
               since: Annotated[str, typer.Option("--from")], until: Annotated[str, typer.Option("--to")],
               fmt: Annotated[str, typer.Option("--format", help="table, csv, json or xlsx")] = "table",
               out: Annotated[Path | None, typer.Option("--out", help="Output file (required for xlsx)")] = None,
               store: StoreOpt = None) -> None:
    """Parts, materials, suppliers and products touched by the entries a list gained or lost between dates."""
    from complygraph.reports import write_impact

    if fmt not in ("table", "csv", "json", "xlsx") or (fmt == "xlsx" and out is None):
        err.print("[red]error:[/red] --format is table, csv, json or xlsx (xlsx needs --out FILE)")
        raise typer.Exit(2)
    with _errors(), _store(store, create=False) as s:
        rows = impact(s, list_id, iso_date(since), iso_date(until))
        if fmt == "table":
            console.print(impact_table(rows, f"{list_id}: impact of the changes from {since} to {until}"))
            console.print(f"{len(rows)} impacts in {len({r.part_id for r in rows})} parts")
            return
        text = write_impact(rows, fmt, out)
        if text is not None:
            if out:
                out.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
        if out:
            err.print(f"{len(rows)} impacts written to {out}")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
