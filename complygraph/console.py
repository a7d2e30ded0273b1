"""What the command line prints: the consoles, progress bars, tables and count phrases.

Kept apart from the commands so that the commands read as what they do. Two audiences read the output:
a person at a terminal (rich tables, colours, live progress on stderr) and a program at the end of a pipe
(`| grep`, `| head`, a CI log). Whether stdout is a terminal is asked of the stream itself, at the moment
of printing, so a pipe never receives box-drawing characters, colour codes or lines wrapped at a width.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import IO, TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from complygraph.graph.impact import ImpactRow
from complygraph.reports import csv_text, json_text, short

if TYPE_CHECKING:  # rdflib, which the validator loads, is imported by `validate` alone
    from complygraph.graph.shacl.report import ValidationReport

console = Console()
err = Console(stderr=True)

Cell = str | list[str]  # a list is several values of one cell: one per line on a terminal, "; " in a pipe


class OutputFormat(StrEnum):
    """How a command that prints a table prints it: for people (text) or for programs (json, csv)."""

    text = "text"
    json = "json"
    csv = "csv"


def is_tty(stream: IO[str] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):  # a closed or replaced stream is not a terminal
        return False


def on_terminal() -> bool:
    """Whether stdout is a terminal now. Asked of the stream, not of rich, so that FORCE_COLOR or a
    TTY-compatible CI setting never puts box tables into a pipe."""
    return is_tty(sys.stdout)


def say(text: str = "", style: str | None = None) -> None:
    """One line of output. On a terminal rich prints it (styles, no markup parsing of data); in a pipe it is
    written as is, never wrapped at a console width, so each line stays one record for grep and head."""
    if on_terminal():
        console.print(Text(text, style=style or ""), soft_wrap=True, highlight=False)
    else:
        sys.stdout.write(text + "\n")


def emit(text: str) -> None:
    """Text produced for programs (JSON, CSV, Turtle): written to stdout byte for byte, through no console."""
    sys.stdout.write(text)


def emit_json(data: object) -> None:
    """One JSON document on stdout (`--format json`), indented and in UTF-8 as is: names are often Japanese."""
    emit(json_text(data))


def emit_csv(columns: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> None:
    """CSV with a header row on stdout (`--format csv`), for spreadsheets and scripts."""
    emit(csv_text(columns, rows, delimiter))


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """`n` with its noun in the right number: "1 row", "2 rows", "0 sustainability records"."""
    return f"{n} {singular if n == 1 else plural_form or singular + 's'}"


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Cell]], title: str | None = None) -> None:
    """A table for people: rich's box table on a terminal; aligned plain text (a title line, a header line,
    one line per row, columns two spaces apart) in a pipe."""
    rows = list(rows)
    if on_terminal():
        table = Table(title=title)
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*(Text("\n".join(c) if isinstance(c, list) else c) for c in row))
        console.print(table)
        return
    emit(plain_table(columns, rows, title))


def plain_table(columns: Sequence[str], rows: Iterable[Sequence[Cell]], title: str | None = None) -> str:
    """Columns padded to their widest cell (in terminal cells, so CJK names align), several values of a
    cell joined by "; ", no trailing spaces."""
    cells = [list(columns)] + [["; ".join(c) if isinstance(c, list) else " ".join(c.split("\n")) for c in row]
                               for row in rows]
    widths = [max(cell_len(r[i]) for r in cells) for i in range(len(columns))]
    lines = [title] if title else []
    for r in cells:
        lines.append("  ".join(c + " " * (w - cell_len(c)) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


class _Rate(ProgressColumn):
    """Items per second of a task, in the task's own unit ("12,345 triples/s", "3 parts/s")."""

    def render(self, task: Task) -> Text:
        # rich's own speed needs two samples in its window; a finished task shows its average over the whole run
        elapsed = task.finished_time if task.finished else task.elapsed
        speed = task.completed / elapsed if task.finished and elapsed else task.speed
        unit = task.fields.get("unit", "")
        if speed is None:
            return Text("")
        return Text(f"{speed:,.0f} {unit}/s" if speed >= 10 else f"{speed:.1f} {unit}/s", style="progress.data.speed")


def progress_bars() -> Progress:
    """Live progress on stderr (done / total, rate, elapsed time), shown only when stderr is a terminal:
    a pipe or a CI log gets none of it. Give each task a `unit` field for its rate."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    _Rate(), TimeElapsedColumn(), console=err, transient=False, disable=not is_tty(sys.stderr))


def finish(progress: Progress, task_id: TaskID) -> None:
    """Mark a task whose total was not known beforehand as done: its bar reads full, its rate is the average."""
    for task in progress.tasks:
        if task.id == task_id:
            progress.update(task_id, total=task.completed)


def silence_stdout() -> None:
    """After the reader of a pipe went away (`complygraph demo | head`): point stdout at /dev/null, so that
    what is still buffered, and Python's flush at exit, neither raise nor print "Exception ignored"."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # not a real file (a test runner's buffer)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


@contextmanager
def stdout_may_close() -> Iterator[None]:
    """Printing that stops quietly when the reader of the pipe is gone; the command goes on to its exit code
    (validate's verdict is still the exit code of `complygraph validate | head`)."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()


IMPACT_COLUMNS = ("part", "material", "substance", "CAS", "concentration (ppm)", "% of article", "supplier",
                  "products", "change", "entry")


def impact_table(rows: list[ImpactRow], title: str) -> None:
    """The impact of a list change for people: each hit with the part, material, substance and supplier by
    name, the concentration, the share of the article, the products above the part and the entry (a RoHS group,
    an exemption) cut to 60 characters. "(over)" marks the measure the list's limit is on: the concentration
    in the material (RoHS) or the share of the article (the SVHC threshold)."""
    def over(r: ImpactRow, basis: str) -> str:
        return " (over)" if r.over_threshold and (r.limit_basis == "material") == (basis == "material") else ""

    print_table(IMPACT_COLUMNS, ([f"{r.part_id} {r.part_name}", r.material_name, r.substance_name, r.cas,
                                  f"{r.ppm:,.1f}" + over(r, "material"),
                                  f"{r.article_percent:.4g}" + over(r, "article"),
                                  f"{r.supplier_id} {r.supplier_name}", [p for p, _ in r.products], r.change,
                                  r.entry_name if len(r.entry_name) <= 60 else r.entry_name[:59] + "…"]
                                 for r in rows), title)


# What each kind of imported record is called in a count ("0 sustainability records", "1 BOM line").
NOUNS = {"supplier": ("supplier", "suppliers"), "certification": ("certification", "certifications"),
         "evaluation": ("evaluation answer", "evaluation answers"), "approval": ("approval", "approvals"),
         "sustainability": ("sustainability record", "sustainability records"),
         "raw_material": ("raw material", "raw materials"), "product": ("product", "products"),
         "part": ("part", "parts"), "material": ("material", "materials"),
         "substance": ("substance occurrence", "substance occurrences"),
         "identity": ("identity record", "identity records"), "bom": ("BOM line", "BOM lines"),
         "evidence": ("evidence record", "evidence records"), "triple": ("triple", "triples")}
_KINDS = {"identities": "identity"}  # the import's counts are keyed by kind + "s", except these


def record_kind(key: str) -> str:
    """The record kind a count is keyed by: `generate` keys by kind, the import by kind + "s"
    ("sustainabilitys", "boms"), which is read back here rather than printed."""
    return key if key in NOUNS else _KINDS.get(key, key[:-1] if key.endswith("s") else key)


def count_phrase(counts: dict[str, int]) -> str:
    """The counts of an import or a generation in words, each kind named from NOUNS in the right number."""
    words = []
    for key, n in counts.items():
        kind = record_kind(key)
        singular, many = NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s"))
        words.append(plural(n, singular, many))
    return ", ".join(words)


def unknown_results(report: ValidationReport) -> int:
    """The results that leave the status of what they concern unknown (a substance of unknown identity, a part
    nobody declared, a statement that covers part of a list)."""
    return sum(1 for r in report.results if str(r.detail("status") or "") == "unknown")


def validation_summary(report: ValidationReport) -> str:
    """The two verdicts and the counts by pack and severity, every count with its noun in the right number."""
    counts = report.counts()
    violations = sum(n for (_, severity), n in counts.items() if severity == "Violation")
    lines = [f"compliant: {report.compliant} ({plural(violations, 'Violation result')}); SHACL conforms: "
             f"{report.conforms} ({plural(len(report.results), 'result')} of any severity)"
             + (f"; evaluated at {report.at}" if report.at else "")]
    # "compliant" counts Violations only: a substance of unknown identity or a part without a declaration leaves
    # the status unknown, which the summary must say beside it (a QA run read "compliant: True" as a pass)
    unknown = unknown_results(report)
    if unknown:
        verb = "leaves" if unknown == 1 else "leave"
        lines.append(f"status unknown: {plural(unknown, 'result')} {verb} the status of what they concern unknown "
                     "(missing or unresolved data; `complygraph status` rolls them up to the products)")
    for (pack, severity), n in sorted(counts.items(), key=lambda x: (str(x[0][0]), x[0][1])):
        lines.append(f"  {pack}: {plural(n, f'{severity} result')}")
    lines += [f"warning: {w}" for w in report.warnings]
    return "\n".join(lines)


RESULT_TEXT_COLUMNS = ("severity", "pack", "rule", "part / focus", "supplier", "substance", "message")


def result_cells(rows: list[dict]) -> list[list[Cell]]:
    """Results for people: the rule (the shape's local name), the part (or the focus node) and the supplier by
    id and name, the substances by name with their CAS number; IRIs only where the store names nothing."""
    def substance(s: dict) -> str:
        name = s["name"] or short(s["iri"])
        return f"{name} ({s['cas']})" if s["cas"] else name

    return [[r["severity"], r["pack"] or "", short(r["shape"]),
             " ".join(v for v in (r["part_id"], r["part_name"]) if v) if r["part"] else r["focus_label"],
             " ".join(v for v in (r["supplier_id"], r["supplier_name"]) if v),
             [substance(s) for s in r["substances"]], r["message"] or ""] for r in rows]


def more_results(total: int, shown: int) -> str:
    """The line under a cut results table, saying how to get every result."""
    return f"... {plural(total - shown, 'more result')} (use --format json or csv, or --report FILE)"
