"""CAS and EC numbers: format, check digit and the IRIs minted from them.

A substance is identified once in the graph. Minting its IRI from a validated CAS number (or EC number,
or a list entry when it has neither) makes two loaders that see the same substance agree without a lookup,
and refusing a wrong check digit keeps a typo from silently becoming a new substance.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = [
    "InvalidIdentifier",
    "normalise_cas",
    "normalise_ec",
    "split_identifiers",
    "slug",
    "name_key",
    "fold_width",
    "fold_category",
]

_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_EC = re.compile(r"^(\d{3})-(\d{3})-(\d)$")
_EMPTY = {"", "-", "–", "—", "n/a", "na", "none"}


class InvalidIdentifier(ValueError):
    """A CAS or EC number that fails its format or check digit."""


def _clean(value: str) -> str:
    # Spreadsheets carry non-breaking spaces, en dashes and stray whitespace around identifiers.
    value = unicodedata.normalize("NFKC", value).strip()
    return value.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-").replace(" ", "")


def fold_width(value: str) -> str:
    """Free text as people type it in forms and spreadsheets, with its compatibility forms folded (Unicode NFKC):
    full-width letters and digits, half-width katakana, and also circled digits (① -> 1), unit signs (㎏ -> kg),
    ligatures and superscripts. Case is kept, so the text still reads as typed."""
    return unicodedata.normalize("NFKC", value)


def fold_category(value: str) -> str:
    """A declared material category as the material classes' patterns read it: Unicode NFKC (full-width letters,
    half-width katakana) and lower case. "ＰＶＣケーブル" typed in full-width letters is "pvcケーブル", the PVC cable
    the patterns name; unfolded, it passed the 300 ppm lead limit (QA13 B02)."""
    return fold_width(value).lower()


def is_empty(value: object) -> bool:
    return value is None or str(value).strip().lower() in _EMPTY


def normalise_cas(value: str) -> str:
    """Return the canonical CAS RN or raise InvalidIdentifier with the reason.

    The check digit is the sum of the other digits, each multiplied by its position from the right,
    modulo 10 (CAS Registry Number specification).
    """
    text = _clean(str(value))
    m = _CAS.match(text)
    if not m:
        raise InvalidIdentifier(f"{value!r} is not a CAS number (expected NNNNNNN-NN-N)")
    digits = (m.group(1) + m.group(2))[::-1]
    check = sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10
    if check != int(m.group(3)):
        raise InvalidIdentifier(f"CAS number {value!r} has check digit {m.group(3)}, expected {check}")
    return f"{int(m.group(1))}-{m.group(2)}-{m.group(3)}"


def normalise_ec(value: str) -> str:
    """Return the canonical EC number or raise InvalidIdentifier.

    EINECS/ELINCS/NLP numbers carry a check digit: (1*N1 + 2*N2 + ... + 6*N6) mod 11, which must not be 10.
    ECHA "list numbers" (6xx-xxx-x to 9xx-xxx-x) are assigned without that rule, so only their format is
    checked.
    """
    text = _clean(str(value))
    m = _EC.match(text)
    if not m:
        raise InvalidIdentifier(f"{value!r} is not an EC number (expected NNN-NNN-N)")
    if text[0] in "6789":
        return text
    digits = m.group(1) + m.group(2)
    check = sum((i + 1) * int(d) for i, d in enumerate(digits)) % 11
    if check != int(m.group(3)):
        raise InvalidIdentifier(f"EC number {value!r} has check digit {m.group(3)}, expected {check}")
    return text


def split_identifiers(value: object) -> list[str]:
    """Split a cell holding several identifiers ("10124-36-4, 31119-53-6" or one per line)."""
    if is_empty(value):
        return []
    parts = re.split(r"[,;\n/]+|\s{2,}", str(value))
    return [p.strip() for p in parts if not is_empty(p)]


def slug(text: str) -> str:
    """A readable, IRI-safe fragment: lower case ASCII letters, digits and hyphens."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text or "x"


def name_key(name: str) -> str:
    """A stable key for a substance known only by name: the same name in two exports gives one IRI.

    Whitespace, case and line breaks vary between ECHA's xlsx and CSV exports, so they are normalised
    before hashing; the slug keeps the IRI readable, the hash keeps it unique.
    """
    norm = " ".join(unicodedata.normalize("NFKC", name).split()).lower()
    digest = hashlib.sha1(norm.encode()).hexdigest()[:10]
    return f"{slug(norm)[:48].rstrip('-')}-{digest}"
