"""An exemption claim as suppliers write it, read as the exemption list's own id. Declarations and tools spell
RoHS Annex III 6(c) as `6(c)`, `6c`, `RoHS 6(c)`, `III-6(c)`, `Annex III 6(c)`, `EU RoHS Annex III 6(c)`, by the
chemSHERPA code `RoHS_0254`, or by the exemption's wording. Each became a claim of an exemption no list holds
(the IRI slug of `6c` is not that of `6(c)`), so a valid claim ended as a violation (QA, 2026-12-06). The ids,
codes and wordings are those of the shipped exemption file of each exemption list (data/lists.toml, format
"rohs-exemptions"); a claim that matches none keeps its text, and validation says it exempts nothing
(rohs:ExemptionClaimUnmatched).
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

from pyoxigraph import NamedNode

from complygraph.loaders.list_ids import exemption_annexes, exemption_lists
from complygraph.vocab import exemption_iri

DEFAULT_EXEMPTION_LIST = "eu-rohs-annex-iii"  # a claim that names no list and no annex

# "EU RoHS 2 Annex III", "2011/65/EU Annex III", "RoHS-III", "III-", "Annex IV:", "Annex III, item", "exemption
# no." before the id; the annex is kept
_PREFIX = re.compile(r"^\s*(?:(?:Directive\s*)?(?:\(EU\)\s*)?(?:2011/65/EU|2015/863)\s*[-:,/]?\s*)?"
                     r"(?:EU\s*)?(?:RoHS(?:\s*(?:2|II)(?=[\s,:-]|$))?)?\s*[-:,/_]?\s*"
                     r"(?:Annex\s*)?(?P<annex>III|IV)?\b\s*[-:,/]?\s*"
                     r"(?:(?:exemption|item|entry|point)\s*)?(?:no\.?\s*|#\s*)?(?P<id>.*?)\s*$", re.IGNORECASE)
# an id followed by its wording ("6(c) - Copper alloy containing up to 4 % lead by weight", "7(a): Lead in ...")
_ID_THEN_WORDS = re.compile(r"^(?P<id>[0-9]{1,2}\s*(?:\(?[a-z]\)?)?(?:\s*\(\d\))?(?:\s*-?\s*(?:[IVX]+|[1-9])\b)?)"
                            r"\s*(?:[-\u2013\u2014:]|\s)\s*\S", re.IGNORECASE)
# a sub-entry numbered in arabic where the annex writes roman numerals: 7(c)-1 is 7(c)-I
_ARABIC_SUB = re.compile(r"(?<=\))\s*-?\s*([1-9])$")
_ROMAN = dict(zip("123456789", ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"), strict=True))


def _key(text: str) -> str:
    """The comparison key of an id: lower case, letters and digits only (6(c), 6c and 6 (c) are one)."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _words(text: str) -> str:
    """The comparison key of a wording: lower case, words only, "4%" and "4 %" one."""
    return " ".join(re.sub(r"[^\w%,.]+", " ", re.sub(r"\s*%", " %", text.lower())).split())


def _candidates(ex: str) -> list[str]:
    """What the id part of a claim may name: itself, its arabic sub-entry number as the annex's roman one, and the
    id in front of a wording."""
    out = [ex, _ARABIC_SUB.sub(lambda m: "-" + _ROMAN[m.group(1)], ex)]
    lead = _ID_THEN_WORDS.match(ex)
    if lead:
        out += [lead.group("id"), _ARABIC_SUB.sub(lambda m: "-" + _ROMAN[m.group(1)], lead.group("id").strip())]
    return out


@functools.cache
def _known() -> tuple[dict[tuple[str, str], str], dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """(annex, id key) -> id; chemSHERPA code -> (annex, id); wording -> (annex, id), from the shipped files."""
    ids: dict[tuple[str, str], str] = {}
    codes: dict[str, tuple[str, str]] = {}
    wordings: dict[str, tuple[str, str]] = {}
    data = resources.files("complygraph.data")
    for file in sorted({f for _, f in exemption_annexes().values()}):
        with data.joinpath(file).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                annex, ex = row["annex"].strip().upper(), row["exemption"].strip()
                ids[(annex, _key(ex))] = ex
                if row.get("chemsherpa_code", "").strip():
                    codes[row["chemsherpa_code"].strip().lower()] = (annex, ex)
                if row.get("text", "").strip():
                    wordings.setdefault(_words(row["text"]), (annex, ex))
    return ids, codes, wordings


def claimed_exemption(text: str, default_list: str) -> tuple[str, str]:
    """(exemption list id, exemption id) of a claim without a `list:` prefix; `default_list` where the claim
    names no annex and matches no id, code or wording of another."""
    ids, codes, wordings = _known()
    annex_of = {list_id: annex for annex, (list_id, _) in exemption_annexes().items()}
    found = codes.get(text.strip().lower()) or wordings.get(_words(text))
    if found:
        return exemption_annexes()[found[0]][0], found[1]
    match = _PREFIX.match(text)
    annex = (match.group("annex") or "").upper() if match else ""
    ex = match.group("id") if match and match.group("id") else text.strip()
    annex = annex or annex_of.get(default_list, "III")
    list_id = exemption_annexes().get(annex, (default_list, ""))[0]
    known = next((found for c in _candidates(ex) if (found := ids.get((annex, _key(c))))), None)
    if known is None and match and match.group("id") != text.strip():  # the wording after "Annex III, item"
        found = wordings.get(_words(ex)) or next(
            (wordings[w] for c in [ex] if (lead := _ID_THEN_WORDS.match(c)) and (w := _words(c[lead.end() - 1:]))
             in wordings), None)
        if found:
            return exemption_annexes()[found[0]][0], found[1]
    return list_id, known or ex


def exemption_claims(text: str) -> tuple[list[NamedNode], str | None]:
    """The exemptions an import's `exemption` field claims, separated by ";" (each `list:id`, or an id in any of
    the spellings above; an exemption's wording that holds a ";" is one claim), or the reason the field is
    refused: a list that is not an exemption list would exempt nothing, silently."""
    _, codes, wordings = _known()
    whole = text.strip().lower() in codes or _words(text) in wordings
    claims = []
    for part in [text] if whole else [p for p in text.split(";") if p.strip()]:
        list_id, _, ex_id = part.strip().rpartition(":")
        if list_id and list_id not in exemption_lists():
            return [], (f"unknown exemption list {list_id!r}; known: {', '.join(exemption_lists())} "
                        f"(or no prefix: {DEFAULT_EXEMPTION_LIST})")
        list_id, ex_id = (list_id, ex_id) if list_id else claimed_exemption(ex_id, DEFAULT_EXEMPTION_LIST)
        claims.append(exemption_iri(list_id, ex_id))
    return list(dict.fromkeys(claims)), None
