"""What the command line prints: the consoles, progress bars and the tables of results and impacts.

Kept apart from the commands so that the commands read as what they do.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

# Piped output (CI logs, `| less`) gets a wide console instead of rich's 80-column fallback.
console = Console(width=None if Console().is_terminal else 200)
err = Console(stderr=True)


def progress_bars() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal)


def results_table_text(result, limit: int = 50) -> str:
    lines = []
    for r in result.results[:limit]:
        severity = str(r.severity).split("#")[-1]
        lines.append(f"{severity:9} {r.pack:18} {_short(r.focus):45} {_short(r.shape):40} {r.message or ''}")
    if len(result.results) > limit:
        lines.append(f"... {len(result.results) - limit} more results (use --report FILE --format turtle)")
    return "\n".join(lines)


def _short(term) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else "/".join(text.rsplit("/", 2)[-2:])


def impact_table(rows, title: str) -> Table:
    table = Table(title=title)
    for col in ("part", "material", "substance", "CAS", "concentration (ppm)", "% of article", "supplier",
                "products", "change"):
        table.add_column(col, overflow="fold")
    for r in rows:
        over = " (over)" if r.over_threshold else ""
        table.add_row(*map(escape, (f"{r.part_id} {r.part_name}", r.material_name, r.substance_name, r.cas,
                                    f"{r.ppm:,.1f}", f"{r.article_percent:.4g}{over}",
                                    f"{r.supplier_id} {r.supplier_name}", ", ".join(p for p, _ in r.products),
                                    r.change)))
    return table
