"""One collapsible BOM tree per product, each node coloured by the worst status below it, with the parts
that decide the product's status and the substances behind them.

`<details>` elements fold without JavaScript, print, and work with a keyboard and a screen reader. Branches
that lead to a finding open by default and clean ones stay closed, so the path from a product to the part
and substance that make it non-compliant is visible without a click. A very large BOM is cut after
`max_parts` nodes per product (the deciding parts are always listed in full above the tree), so a store of
100k parts still gives a page a browser opens.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from complygraph.graph.status import RANK, Deciding, Finding
from complygraph.html_report.look import badge, css_class
from complygraph.html_report.model import ReportData
from complygraph.html_report.sections import counted, node_label, product_anchor

OPEN_PRODUCTS = 5  # the first (worst) products' trees are open when the page loads
FINDINGS_PER_NODE = 4  # the worst ones; a part with a common substance can have dozens
DECIDING_PARTS = 20  # per product; the rest are counted
NODE_FINDINGS = 1  # in a tree node; the Why list above the tree has more
MESSAGE_CHARS = 200  # some messages name every entry of a list; the full text is in `complygraph validate`


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _qty(q: Decimal) -> str:
    return f"{q.normalize():f}"


def _substances(data: ReportData, finding: Finding) -> list[str]:
    """The substances a result names, as "CAS name" (a group restriction names each member)."""
    out = []
    for key, value in finding.result.details:
        if key == "substance":
            cas, name = data.substances.get(str(value), ("", ""))
            out.append(" ".join(x for x in (cas, name) if x) or str(value).rsplit("/", 1)[-1])
    return list(dict.fromkeys(out))


def findings_list(data: ReportData, findings: list[Finding], most: int = FINDINGS_PER_NODE) -> str:
    """The findings about one node, worst first, each with its pack, message and substances. A finding that
    counts for every pack (data quality) is the same result in each pack: shown once. At most `most` of
    them, worst first, then how many more."""
    unique = list({id(f.result): f for f in sorted(
        findings, key=lambda f: (-RANK[f.status], str(f.result.pack), str(f.result.message)))}.values())
    items = []
    for f in unique[:most]:
        subs = _substances(data, f)
        message = str(f.result.message or f.result.shape)
        if len(message) > MESSAGE_CHARS:
            message = message[:MESSAGE_CHARS - 1] + "…"
        items.append(f'<li class="finding {css_class(f.status)}" data-status="{_e(f.status)}">'
                     f'<span class="fs">{_e(f.status)}</span> <span class="pack">{_e(f.result.pack or "")}</span>: '
                     f'{_e(message)}'
                     + (f' <span class="subst">substance: {_e("; ".join(subs[:5]))}'
                        f'{f" and {len(subs) - 5} more" if len(subs) > 5 else ""}</span>' if subs else "") + "</li>")
    if len(unique) > most:
        items.append(f'<li class="more">and {counted(len(unique) - most, "more finding")}</li>')
    return f'<ul class="findings">{"".join(items)}</ul>' if items else ""


class _Tree:
    """The markup of one product's tree, with a budget of nodes."""

    def __init__(self, data: ReportData, product: str, max_parts: int):
        self.data, self.product, self.left, self.cut = data, product, max_parts, 0
        packs = data.report.packs
        self.deciding: dict[str, list[str]] = {}  # part -> the packs whose status it decides
        for pack in packs:
            for d in data.index.product(product, pack).deciding:
                self.deciding.setdefault(d.part, []).append(pack)

    def node(self, iri: str, qty: Decimal | None, path: tuple[str, ...]) -> str:
        if self.left <= 0:
            self.cut += 1
            return ""
        self.left -= 1
        data = self.data
        status = data.worst_status(iri)
        flagged = _by_status([(p, s) for p in data.report.packs if (s := data.status(iri, p)) != "compliant"],
                             data.report.packs)
        n = data.nodes.get(iri)
        deciding = self.deciding.get(iri)
        line = (f'<span class="node {css_class(status)}" data-part="{_e(node_label(data, iri))}" '
                f'data-status="{_e(status)}">{badge(status)} <strong>{_e(node_label(data, iri))}</strong>'
                + (f' <span class="name">{_e(n.name)}</span>' if n and n.name else "")
                + (f' <span class="qty">× {_qty(qty)}</span>' if qty is not None else "")
                + (f' <span class="supplier">{_e(n.supplier)}</span>' if n and n.supplier else "")
                + (f' <span class="packs">{_e(flagged)}</span>' if flagged and status != "compliant" else "")
                + (f' <span class="deciding-tag">decides {_e(_names(deciding, data.report.packs))}</span>'
                   if deciding else "")
                + "</span>")
        own = [f for p in data.report.packs for f in data.index.part(iri, p).findings]
        children = [(c, q) for c, q in data.children.get(iri, ()) if c not in path]
        body = findings_list(data, own, NODE_FINDINGS)
        cls = "deciding" if deciding else ""
        if not children:
            return f'<li class="leaf {cls}">{line}{body}</li>'
        kids = "".join(self.node(c, q, path + (c,)) for c, q in children)
        opened = " open" if status != "compliant" else ""
        return (f'<li class="branch {cls}"><details{opened}><summary>{line}</summary>{body}<ul>{kids}</ul>'
                '</details></li>')


def _names(packs: list[str], every: list[str]) -> str:
    """Pack names, short: a node line in a tree of hundreds must stay one line."""
    if len(packs) == len(every) > 1:
        return "every pack"
    return ", ".join(packs) if len(packs) <= 3 else f"{len(packs)} packs"


def _by_status(statuses: list[tuple[str, str]], every: list[str]) -> str:
    """"non-compliant in eu-rohs; unknown in 7 packs": (pack, status) pairs, worst status first."""
    packs: dict[str, list[str]] = {}
    for pack, status in statuses:
        packs.setdefault(status, []).append(pack)
    return "; ".join(f"{status} in {_names(ps, every)}"
                     for status, ps in sorted(packs.items(), key=lambda x: -RANK[x[0]]))


def deciding_list(data: ReportData, product: str) -> str:
    """Why the product has its status: each part that decides it in some pack, once (a data-quality finding
    decides every pack), worst first, with the packs it decides, its path through the BOM, how many of it
    one product holds, and the findings (substance, message) behind it; then the product's own findings."""
    parts: dict[str, tuple[Deciding, list[tuple[str, str]], list[Finding]]] = {}
    own: list[Finding] = []
    for pack in data.report.packs:
        ps = data.index.product(product, pack)
        for d in ps.deciding if ps.status != "compliant" else ():
            entry = parts.setdefault(d.part, (d, [], []))
            entry[1].append((pack, ps.status))
            entry[2].extend(d.findings)
        own += ps.findings
    ranked = sorted(parts.items(), key=lambda kv: (-max(RANK[s] for _, s in kv[1][1]), node_label(data, kv[0])))
    items = []
    for part, (d, decides, findings) in ranked[:DECIDING_PARTS]:
        path = " › ".join(node_label(data, p) for p in d.path) + (
            f" and {d.paths - 1} more path{'s' if d.paths > 2 else ''}" if d.paths > 1 else "")
        per = "per product in all" if d.paths > 1 else "per product"  # the quantity sums every path
        status = max((s for _, s in decides), key=RANK.__getitem__)
        items.append(f'<li data-part="{_e(node_label(data, part))}" data-packs="{_e(" ".join(p for p, _ in decides))}">'
                     f'{badge(status)} part <strong class="deciding-part">{_e(node_label(data, part))}</strong> '
                     f'<span class="path">({_e(path)}, × {_qty(d.quantity)} {per})</span> '
                     f'<span class="decides">decides: {_e(_by_status(decides, data.report.packs))}</span>'
                     f'{findings_list(data, findings)}</li>')
    if len(ranked) > DECIDING_PARTS:
        more = counted(len(ranked) - DECIDING_PARTS, "more part")
        items.append(f'<li class="more">and {more} that decide its status</li>')
    if own:
        items.append(f'<li data-part="">the product itself{findings_list(data, own)}</li>')
    if not items:
        return '<p class="why-none">No finding in any pack.</p>'
    return f'<div class="why"><h4>Why</h4><ul class="deciding-list">{"".join(items)}</ul></div>'


def trees(data: ReportData, max_parts: int = 300, max_trees: int = 50) -> str:
    """Every product's BOM tree, in the matrix's order (worst first). Past `max_trees` products only the
    parts that decide each product are listed, so a store of thousands of products still gives a page a
    browser opens; every product keeps its "why"."""
    out = ['<section id="bom"><h2>BOM trees</h2><p>Each node is coloured by the worst status of itself and '
           'everything below it, over all packs; a part marked <em>decides</em> gives the product its status. '
           'Branches with a finding are open.</p>'
           '<p class="tools"><button type="button" id="expand-all">Expand all</button> '
           '<button type="button" id="collapse-all">Collapse all</button></p>']
    for i, product in enumerate(data.products):
        status = data.worst_status(product.iri)
        packs = "".join(f" {badge(data.status(product.iri, p), f' <small>{_e(p)}</small>')}"
                        for p in data.report.packs)
        if i < max_trees:
            tree = _Tree(data, product.iri, max_parts)
            kids = "".join(tree.node(c, q, (product.iri, c)) for c, q in data.children.get(product.iri, ()))
            drawn = f'<ul class="tree">{kids}</ul>' + (
                f'<p class="cut">{counted(tree.cut, "more node")} not shown (the tree stops at {max_parts}); the '
                'parts that decide the product\'s status are listed above it.</p>' if tree.cut else "")
        else:
            drawn = f'<p class="cut">Tree not drawn: the report draws the trees of the first {max_trees} products.</p>'
        opened = " open" if i < OPEN_PRODUCTS else ""
        out.append(f'<details class="product {css_class(status)}" id="{product_anchor(i)}" '
                   f'data-product="{_e(product.id)}"{opened}><summary><strong>{_e(product.id)}</strong> '
                   f'<span class="name">{_e(product.name)}</span>{packs}</summary>'
                   f'{deciding_list(data, product.iri)}{drawn}</details>')
    if not data.products:
        out.append('<p class="empty">No product.</p>')
    out.append("</section>")
    return "\n".join(out)
