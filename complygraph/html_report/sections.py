"""The report's sections as HTML fragments: the product x regulation matrix, the impact of a list change,
and the validation run's summary (the BOM trees are in `trees`).

Every text that comes from the data (names, identifiers, messages, supplier names) goes through
`html.escape`: product and supplier names are typed by people and imported from suppliers' files, and a
report is opened by people who trust it.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from complygraph.graph.impact import ImpactRow
from complygraph.graph.status import STATUSES
from complygraph.html_report.charts import Bar, Series, bar_chart
from complygraph.html_report.look import LOOK, badge, css_class, status_legend
from complygraph.html_report.model import ReportData, version_in_force

TOP_BARS = 20  # bars per chart; the table under it has every row
CHANGES = (Series("added", "entry added to the list", "#cf222e"),
           Series("changed", "entry changed (substances gained or lost)", "#bf8700"),
           Series("removed", "entry removed from the list", "#6e7781"))
SEVERITIES = ("Violation", "Warning", "Info")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def counted(n: int, noun: str, plural: str = "") -> str:
    """"1 part", "2 parts": a report is read aloud in meetings."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def node_label(data: ReportData, iri: str) -> str:
    node = data.nodes.get(iri)
    return node.id if node else iri.rsplit("/", 1)[-1]


def product_anchor(i: int) -> str:
    return f"bom-{i}"


def matrix(data: ReportData) -> str:
    """Products down, packs across, one status per cell with the deciding parts named in it; worst products
    first. A chart of how many products have each status per pack sits above it."""
    packs = data.report.packs
    if not data.products:
        return '<section id="matrix-section"><h2>Status by product and regulation</h2>' \
               '<p class="empty">The store holds no product: import products and their BOM first.</p></section>'
    series = [Series(css_class(s)[3:], s, LOOK[s][1]) for s in reversed(STATUSES)]
    bars = []
    for pack in packs:
        counts: dict[str, float] = defaultdict(float)
        for p in data.products:
            counts[css_class(data.status(p.iri, pack))[3:]] += 1
        bad = counts.get("non-compliant", 0)
        bars.append(Bar(pack, dict(counts), f"{len(data.products)} products · {bad:.0f} non-compliant"))
    head = "".join(f'<th scope="col" data-pack="{_e(p)}">{_e(p)}</th>' for p in packs)
    rows = []
    for i, product in enumerate(data.products):
        cells = []
        for pack in packs:
            status = data.status(product.iri, pack)
            deciding = data.index.product(product.iri, pack).deciding
            why = ", ".join(node_label(data, d.part) for d in deciding[:3]) + (
                f" +{len(deciding) - 3} more" if len(deciding) > 3 else "")
            cells.append(f'<td class="cell {css_class(status)}" data-pack="{_e(pack)}" data-status="{_e(status)}">'
                         f'{badge(status)}' + (f'<small class="why">{_e(why)}</small>' if why else "") + "</td>")
        rows.append(f'<tr data-product="{_e(product.id)}"><th scope="row"><a href="#{product_anchor(i)}">'
                    f'{_e(product.id)}</a> <span class="name">{_e(product.name)}</span></th>{"".join(cells)}</tr>')
    return ('<section id="matrix-section"><h2>Status by product and regulation</h2>'
            '<p>The worst status of everything a product contains, per shape pack, at the evaluation date; '
            'worst products first. A cell names the parts that decide it; the product\'s BOM tree below says '
            'why.</p>' + status_legend()
            + bar_chart(bars, series, title="Products per status, by pack", unit="products", chart_id="chart-status")
            + f'<div class="scroll"><table class="matrix" id="matrix"><thead><tr><th scope="col">Product</th>{head}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>')


def _grouped(rows: list[ImpactRow], keys) -> dict[str, dict[str, set[str]]]:
    """label -> change kind -> the distinct parts it touches. A part touched by several kinds of change is
    counted once, under the first of added, changed, removed, so a bar's segments add up to its parts."""
    kinds: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in rows:
        for label in keys(r):
            kinds[label][r.part_id].add(r.change)
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for label, parts in kinds.items():
        for part, changes in parts.items():
            out[label][next(s.key for s in CHANGES if s.key in changes)].add(part)
    return out


def _impact_chart(rows: list[ImpactRow], keys, what: str, chart_id: str) -> str:
    over = _grouped([r for r in rows if r.over_threshold], keys)
    groups = _grouped(rows, keys)
    ranked = sorted(groups.items(), key=lambda kv: (-len(set().union(*kv[1].values())), kv[0]))

    def total(label: str) -> tuple[int, int]:
        return (len(set().union(*groups[label].values())),
                len(set().union(*over[label].values())) if label in over else 0)

    limit = any(r.over_threshold is not None for r in rows)  # a list without a limit per article: no count

    def note(label: str) -> str:
        parts, above = total(label)
        return counted(parts, "part") + (f" · {above} above threshold" if limit else "")

    bars = [Bar(label, {k: float(len(v)) for k, v in by.items()}, note(label)) for label, by in ranked[:TOP_BARS]]
    rest = len(ranked) - TOP_BARS
    table = "".join(f"<tr><th scope=\"row\">{_e(label)}</th>"
                    + "".join(f"<td>{len(by.get(s.key, ()))}</td>" for s in CHANGES)
                    + "<td>{}</td><td>{}</td></tr>".format(*total(label)) for label, by in ranked)
    cols = "".join(f"<th scope=\"col\">{_e(s.key)}</th>" for s in CHANGES)
    return (bar_chart(bars, CHANGES, title=f"Parts touched, by {what}", unit="parts", chart_id=chart_id)
            + (f'<p class="more">and {rest} more {what}s, in the table</p>' if rest > 0 else "")
            + f'<details class="data"><summary>Every {_e(what)} as a table ({len(ranked)})</summary>'
            f'<table class="data" id="{chart_id}-table"><thead><tr><th scope="col">{_e(what)}</th>{cols}'
            f'<th scope="col">parts</th><th scope="col">above threshold</th></tr></thead>'
            f'<tbody>{table}</tbody></table></details>')


def impact(data: ReportData) -> str:
    """The entries a list change added, removed or changed, and the parts they touch by supplier and by
    product (through every BOM level), as charts with the numbers as tables."""
    head = '<section id="impact"><h2>Impact of a list change</h2>'
    if data.change is None or data.answer is None:
        return head + ('<p class="empty">No list change to show: no list the packs name has two versions by '
                       'the evaluation date.</p></section>')
    c, a = data.change, data.answer
    rows = a.impacted
    entries = [("added", n) for n in sorted(a.change.added.values())] + \
              [("removed", n) for n in sorted(a.change.removed.values())] + [("changed", e.name) for e in a.changed]
    listed = "".join(f'<li data-change="{k}"><span class="change change-{k}">{k}</span> {_e(n)}</li>'
                     for k, n in entries[:50]) + (f"<li>and {len(entries) - 50} more</li>" if len(entries) > 50 else "")
    parts = {r.part_id for r in rows}
    suppliers = {r.supplier_id for r in rows}
    products = {p for r in rows for p in r.products}
    over = {r.part_id for r in rows if r.over_threshold}
    limit = any(r.over_threshold is not None for r in rows)
    return (head + f'<p class="change-title" data-list="{_e(c.list_id)}" data-from="{c.since}" data-to="{c.until}">'
            f'<strong>{_e(c.title)}</strong> ({_e(c.list_id)}) from {c.since} to {c.until}: '
            f'{counted(len(a.change.added), "entry", "entries")} added, {len(a.change.removed)} removed, '
            f'{len(a.changed)} changed.</p>'
            f'<ul class="entries">{listed}</ul>'
            f'<p class="totals">They touch <strong>{counted(len(parts), "part")}</strong>'
            + (f" ({len(over)} above the list's threshold per article)" if limit else "")
            + f', from <strong>{counted(len(suppliers), "supplier")}</strong>, in '
            f'<strong>{counted(len(products), "product")}</strong>.</p>'
            + (_impact_chart(rows, lambda r: [" ".join(x for x in (r.supplier_id, r.supplier_name) if x)
                                               or "(no supplier)"], "supplier", "chart-suppliers")
               + _impact_chart(rows, lambda r: [" ".join(x for x in p if x) for p in r.products] or
                               ["(in no product)"], "product", "chart-products") if rows else
               '<p class="empty">No part contains a substance these entries concern.</p>')
            + "</section>")


def summary(data: ReportData, generated: str) -> str:
    """When, against what and with which result the validation ran: the date, the packs, the list versions
    in force, the result counts per pack and severity, and the validator's warnings."""
    r = data.report
    at = r.at or ""
    counts = r.counts()
    violations = sum(n for (_, sev), n in counts.items() if sev == "Violation")
    rows = "".join(f'<tr data-pack="{_e(pack)}"><th scope="row">{_e(pack)}</th>'
                   + "".join(f'<td data-severity="{s}">{counts.get((pack, s), 0)}</td>' for s in SEVERITIES)
                   + f"<td>{sum(counts.get((pack, s), 0) for s in SEVERITIES)}</td></tr>" for pack in r.packs)
    total = "".join(f"<td>{sum(n for (_, sev), n in counts.items() if sev == s)}</td>" for s in SEVERITIES)
    lists = []
    for list_id in r.lists:
        info = data.lists.get(list_id)
        version = version_in_force(info, at) if info else None
        lists.append(f'<li data-list="{_e(list_id)}"><strong>{_e(list_id)}</strong>'
                     + (f" {_e(info.title)}" if info else "")
                     + (f": version of {version[0]}, {version[1]} entries" if version else ": no version in force")
                     + "</li>")
    warnings = "".join(f"<li>{_e(w)}</li>" for w in r.warnings)
    return ('<section id="summary"><h2>Validation run</h2><dl class="facts">'
            f'<dt>Evaluated at</dt><dd id="evaluated-at">{_e(at)}</dd>'
            f'<dt>Report generated</dt><dd>{_e(generated)}</dd>'
            f'<dt>Compliant</dt><dd id="verdict">{"yes" if r.compliant else "no"} ({violations} Violation '
            f'result(s))</dd><dt>SHACL conforms</dt><dd>{"yes" if r.conforms else "no"} ({len(r.results)} '
            'result(s) of any severity)</dd>'
            f'<dt>Packs</dt><dd id="packs">{_e(", ".join(r.packs))}</dd></dl>'
            f'<h3>Lists the packs name</h3><ul class="lists">{"".join(lists) or "<li>none</li>"}</ul>'
            '<h3>Results per pack and severity</h3><table class="data" id="counts"><thead><tr>'
            '<th scope="col">pack</th>' + "".join(f'<th scope="col">{s}</th>' for s in SEVERITIES)
            + f'<th scope="col">total</th></tr></thead><tbody>{rows}</tbody><tfoot><tr><th scope="row">all packs'
            f'</th>{total}<td>{len(r.results)}</td></tr></tfoot></table>'
            + (f'<h3>Warnings of the run</h3><ul class="warnings">{warnings}</ul>' if warnings else "")
            + "</section>")
