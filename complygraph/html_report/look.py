"""How a status looks on the page: one symbol, one colour and always its words.

A colour-blind reader, a greyscale printout and a screen reader all get the status from the text and the
symbol; the colour only helps the eye find the bad cells in a large matrix. One table for the matrix, the
trees, the charts and the legend, so a status never looks two ways.
"""

from __future__ import annotations

from html import escape

from complygraph.graph.status import STATUSES

# status -> (symbol, fill colour for charts, what it means to a reader)
LOOK: dict[str, tuple[str, str, str]] = {
    "compliant": ("✓", "#1a7f37", "no finding that affects compliance"),
    "compliant with exemptions": ("◑", "#0969da", "compliant through an exemption in use (see its expiry)"),
    "obligations": ("!", "#bf8700", "compliant, with duties: an SVHC above 0.1 % (REACH Art. 33, SCIP)"),
    "unknown": ("?", "#6e7781", "cannot be decided: a part without a declaration or an unresolved substance"),
    "non-compliant": ("✗", "#cf222e", "a limit exceeded, a prohibited substance or an exemption that does not hold"),
}
assert set(LOOK) == set(STATUSES), "every status of graph/status.py needs a look"


def css_class(status: str) -> str:
    """`st-non-compliant`, `st-compliant-with-exemptions`: the class the stylesheet colours."""
    return "st-" + status.replace(" ", "-")


def badge(status: str, extra: str = "") -> str:
    """A status as a coloured label with its symbol and words (`extra` after the words, already markup)."""
    symbol = LOOK[status][0]
    return (f'<span class="badge {css_class(status)}" data-status="{escape(status, quote=True)}">'
            f'<span class="sym" aria-hidden="true">{symbol}</span> {escape(status)}{extra}</span>')


def status_legend() -> str:
    """The key to the statuses, worst first, as the matrix orders them."""
    rows = "".join(f"<li>{badge(s)} <span class=\"meaning\">{escape(LOOK[s][2])}</span></li>"
                   for s in reversed(STATUSES))
    return f'<ul class="status-legend" id="legend">{rows}</ul>'
