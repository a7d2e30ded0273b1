"""A report people look at: one self-contained HTML file with the product x regulation status matrix, the
impact of a list change by supplier and by product as charts, a BOM tree per product coloured by status
with the deciding parts and substances, and the validation run's summary (issue 13, item 4).

Self-contained because it is mailed, archived with a compliance file and opened on machines without
Internet access: the CSS, the few lines of JavaScript and the SVG charts are inside the page, and a
Content-Security-Policy written into it (`default-src 'none'`, the style and script allowed by their SHA-256)
makes the browser refuse any other load, so a name in the data can never make the page fetch or run
anything. The charts are SVG drawn in Python (`charts`), so no JavaScript library is vendored.

`render_report(store, packs, at)` validates, rolls the statuses up the BOM (`graph.status.status_index`)
and reads the newest change of the SVHC Candidate List; a caller that has the validation report or the
list change's answer already (the API caches both per store revision) passes them in.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template

from complygraph.graph.changes import ChangeAnswer
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.report import ValidationReport
from complygraph.graph.status import status_index
from complygraph.graph.store import Store
from complygraph.html_report.model import ChangeSpec, gather
from complygraph.html_report.sections import impact, matrix, summary
from complygraph.html_report.trees import trees

__all__ = ["render_report", "write_report"]

_TEMPLATES = files("complygraph.html_report") / "templates"


def _template(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _day(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def render_report(store: Store, packs: list[str] | None = None, at: dt.date | None = None, *,
                  report: ValidationReport | None = None,
                  change: tuple[str, dt.date | str, dt.date | str] | None = None,
                  change_answer: ChangeAnswer | None = None,
                  title: str = "Product compliance report",
                  generated: dt.datetime | None = None,
                  max_tree_parts: int = 300,
                  max_trees: int = 50,
                  pack_dirs: list[Path] | None = None) -> str:
    """The report as one HTML document.

    packs, at, pack_dirs: what `validate` gets (all default packs, today); ignored when `report`, a
        validation already run, is given (its packs and date are used).
    change: (list id, from, to) of the list change to chart; default the newest update, as of the
        evaluation date, of the SVHC Candidate List (else of the first list the packs name with two versions).
        An unknown list id raises `graph.queries.UnknownList`.
    change_answer: the answer of `graph.changes.list_change_answer` for `change`, if the caller has it.
    generated: the time printed as the report's creation (default now, UTC; fixed in tests).
    max_tree_parts, max_trees: nodes drawn per product tree, and products whose tree is drawn (worst
        first); past them the page says how much it left out, and every product keeps its deciding parts.
    """
    if change_answer is not None and change is None:
        raise ValueError("change_answer needs the change it answers: pass change=(list id, from, to)")
    report = report or validate(store, packs, at, pack_dirs=pack_dirs)
    spec = ChangeSpec(change[0], _day(change[1]), _day(change[2])) if change else None
    data = gather(store, report, status_index(store, report), spec, change_answer)
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M %Z").strip()
    body = "\n".join((matrix(data), impact(data), trees(data, max_tree_parts, max_trees), summary(data, when)))
    css, script = _template("report.css"), _template("report.js")
    csp = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(script)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    violations = sum(1 for r in report.results if str(r.severity).endswith("#Violation"))
    verdict = (f"Compliant (no Violation), {len(report.results)} result(s) in all." if report.compliant else
               f"<strong>Not compliant</strong>: {violations} Violation result(s), {len(report.results)} in all.")
    return Template(_template("page.html")).substitute(
        csp=csp, title=escape(title), css=css, script=script, body=body, at=escape(report.at or ""),
        packs=escape(", ".join(report.packs)) or "no pack", verdict=verdict, generated=escape(when))


def write_report(path: Path, html: str) -> None:
    """Write the page as UTF-8 (the page declares it), whatever the platform's default encoding."""
    path.write_text(html, encoding="utf-8")
