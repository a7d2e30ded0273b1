"""SPARQL query text rewritten token by token: pre-bound variables inserted where SHACL pre-binding puts them.

SHACL 1.0 appendix A ("Pre-binding of variables") evaluates a query as if each basic graph pattern were joined
with the pre-bound values, so `$this` and the parameters are visible in nested groups, UNION branches,
OPTIONAL parts and subqueries, not only at the top of the WHERE clause. Here the same join is written into the
text: a block binding the variable (a single-row VALUES for a parameter, the focus-node subquery for `$this`)
is inserted at the start of every group graph pattern that mentions it. EXISTS patterns are left alone (they
are evaluated with the variables of the solution they test, already bound), and so is a group that only
wraps a subquery (its own WHERE clause gets the block). Comments, strings and IRIs are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from complygraph.graph.shacl.errors import Unsupported

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<punct>[{}()*])
""", re.VERBOSE)
_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}


@dataclass(frozen=True)
class Token:
    kind: str  # comment, string, iri, var, word, punct
    text: str
    start: int
    end: int

    def word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> list[Token]:
    """The significant tokens of a query (comments dropped); characters no rule needs are skipped."""
    return [Token(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)
            if m.lastgroup != "comment"]


def variables(text: str) -> set[str]:
    """The names of the variables a query mentions, `$x` and `?x` alike."""
    return {t.text[1:] for t in tokens(text) if t.kind == "var"}


def normalize(text: str, path: str | None) -> str:
    """`$x` written `?x` (the same variable in SPARQL), and `$PATH` replaced by the shape's SPARQL path."""
    out, last = [], 0
    for t in tokens(text):
        if t.kind != "var" or t.text[0] != "$":
            continue
        if t.text == "$PATH":
            if not path:
                raise Unsupported("$PATH in a constraint of a shape without a path")
            replacement = path
        else:
            replacement = "?" + t.text[1:]
        out += [text[last:t.start], replacement]
        last = t.end
    return "".join(out) + text[last:]


def _closing(toks: list[Token]) -> dict[int, int]:
    """Index of each `{` -> index of its `}`."""
    stack, pairs = [], {}
    for i, t in enumerate(toks):
        if t.text == "{" and t.kind == "punct":
            stack.append(i)
        elif t.text == "}" and t.kind == "punct" and stack:
            pairs[stack.pop()] = i
    return pairs


def _data_block(toks: list[Token], i: int) -> bool:
    """Whether the `{` at i opens the data of a VALUES clause (`VALUES ?x {` or `VALUES (?x ?y) {`)."""
    j = i - 1
    if j >= 0 and toks[j].text == ")":
        while j >= 0 and toks[j].text != "(":
            j -= 1
        return j > 0 and toks[j - 1].word("VALUES")
    return j > 0 and toks[j].kind == "var" and toks[j - 1].word("VALUES")


def inject(text: str, values: dict[str, str], blocks: dict[str, str] | None = None) -> str:
    """`text` with, at the start of every group graph pattern that mentions them (every WHERE clause: its
    solution modifiers see them too), a VALUES block binding the variables of `values` (name -> SPARQL term)
    and the patterns of `blocks` (name -> a pattern binding it). See the module's docstring for the groups
    left alone."""
    blocks = blocks or {}
    if not values and not blocks:
        return text
    toks = tokens(text)
    closing = _closing(toks)
    inserts, skip_until, where_pending = [], -1, False
    for i, t in enumerate(toks):
        if t.word("SELECT", "ASK"):
            where_pending = True
        if t.kind != "punct" or t.text != "{" or i <= skip_until or i not in closing:
            continue
        if (i > 0 and toks[i - 1].word("EXISTS")) or _data_block(toks, i):
            skip_until = closing[i]
            continue
        if i + 1 < len(toks) and toks[i + 1].word("SELECT"):
            continue
        names = {toks[j].text[1:] for j in range(i + 1, closing[i]) if toks[j].kind == "var"}
        if where_pending:  # the WHERE clause of a query or subquery: its projection, GROUP BY, HAVING see it
            names |= set(values) | set(blocks)
            where_pending = False
        bound = [name for name in values if name in names]
        snippet = ""
        if bound:
            snippet += (f"\n  VALUES ({' '.join('?' + n for n in bound)}) "
                        f"{{ ({' '.join(values[n] for n in bound)}) }}\n")
        snippet += "".join(block for name, block in blocks.items() if name in names)
        if snippet:
            inserts.append((t.end, snippet))
    for pos, snippet in reversed(inserts):
        text = text[:pos] + snippet + text[pos:]
    return text


def project_this(text: str) -> str:
    """The SELECT query `text` with `?this` among its results (and its groups when it groups): a query run for
    all focus nodes at once must say which focus node each solution is about. An aggregate over all solutions
    of a focus node (no GROUP BY) has no such form and goes to pySHACL."""
    toks = tokens(text)
    select = next((i for i, t in enumerate(toks) if t.word("SELECT")), None)
    if select is None:
        return text
    i, depth, projected, star = select + 1, 0, set(), False
    while i < len(toks) and not (depth == 0 and (toks[i].text == "{" or toks[i].word("WHERE", "FROM"))):
        depth += {"(": 1, ")": -1}.get(toks[i].text, 0)
        star |= depth == 0 and toks[i].text == "*"
        if depth == 0 and toks[i].kind == "var":
            projected.add(toks[i].text[1:])
        i += 1
    if star or "this" in projected:
        return text
    after = select + 1 if not toks[select + 1].word("DISTINCT", "REDUCED") else select + 2
    where_open = next((j for j in range(i, len(toks)) if toks[j].text == "{"), None)
    where_close = _closing(toks).get(where_open) if where_open is not None else None
    if where_close is None:
        return text
    tail = toks[where_close + 1:]
    group = next((k for k, t in enumerate(tail[:-1]) if t.word("GROUP") and tail[k + 1].word("BY")), None)
    aggregated = any(t.word(*_AGGREGATES) for t in toks[select:i] + tail)
    inserts = [(toks[after - 1].end, " ?this")]
    if group is not None:
        inserts.append((tail[group + 1].end, " ?this"))
    elif aggregated:
        raise Unsupported("an aggregate over all solutions (no GROUP BY) of a SELECT that does not project $this")
    for pos, snippet in sorted(inserts, reverse=True):
        text = text[:pos] + snippet + text[pos:]
    return text


def unproject_this(text: str) -> str:
    """The query `text` (run in the joined form) with ?this taken out of the projection of each subquery that
    returns it, as appendix A asks, without reading it (`sparql_rules._uses`), and out of its GROUP BY when
    another key remains. There ?this is never bound: SPARQL joins such a row with any focus node, but an engine
    that joins as SQL does (Virtuoso) compares the unbound variable with the focus node and drops the row."""
    while True:
        toks = tokens(text)
        closing = _closing(toks)
        for i in sorted((i for i in closing if i + 1 < len(toks) and toks[i + 1].word("SELECT")), reverse=True):
            edits = _unprojected(toks, i, closing)
            if edits:
                for start, end in sorted(edits, reverse=True):
                    text = text[:start] + text[end:]
                break
        else:
            return text


def _unprojected(toks: list[Token], i: int, closing: dict[int, int]) -> list[tuple[int, int]]:
    """The character spans to delete to take ?this out of the subquery whose `{` is at i; [] to leave it."""
    j, depth, projected = i + 2, 0, []
    while j < closing[i] and not (depth == 0 and (toks[j].text == "{" or toks[j].word("WHERE"))):
        depth += {"(": 1, ")": -1}.get(toks[j].text, 0)
        if depth == 0 and toks[j].text == "?this":
            projected.append(j)
        j += 1
    where = j if toks[j].text == "{" else j + 1
    if where not in closing:
        return []
    k, grouped, keys, depth = closing[where] + 1, [], 0, 0
    if toks[k].word("GROUP") and toks[k + 1].word("BY"):
        k += 2
        while k < closing[i] and not (depth == 0 and toks[k].word("HAVING", "ORDER", "LIMIT", "OFFSET")):
            keys += depth == 0 and toks[k].text != ")"
            depth += {"(": 1, ")": -1}.get(toks[k].text, 0)
            if depth == 0 and toks[k].text == "?this":
                grouped.append(k)
            k += 1
    uses = [n for n in range(i + 1, closing[i]) if toks[n].text == "?this"]
    if not projected or uses != projected + grouped or j - (i + 2) == len(projected):
        return []
    spans = [(toks[n].start, toks[n].end) for n in projected]
    if keys > len(grouped):
        spans += [(toks[n].start, toks[n].end) for n in grouped]
    return spans


def suffix_variables(text: str, suffix: str) -> str:
    """Every variable of a pattern renamed `?x` -> `?x<suffix>` (strings, IRIs and comments untouched): the same
    pattern, none of whose names can meet a variable of the query it is put in. Virtuoso 7.2 joined a subquery's
    inner ?this with the enclosing query's ?this although the subquery did not project it (nested shapes: lost
    results), so a nested shape's pattern must not share a name with its enclosing query."""
    out, last = [], 0
    for t in tokens(text):
        if t.kind == "var":
            out += [text[last:t.end], suffix]
            last = t.end
    return "".join(out) + text[last:]
