"""Lexical spaces of XSD datatypes (XML Schema 1.1 Part 2), as SPARQL tests of a literal's lexical form.

A store keeps an ill-formed literal ("aldi"^^xsd:integer) as written, and SHACL 4.1.2 counts it as a
violation of sh:datatype. A well-formed numeric literal is numeric in SPARQL (`isNumeric`); the lexical forms
of the other datatypes are matched with a regular expression (REGEX, portable to any SPARQL 1.1 store).
"""

from __future__ import annotations

XSD = "http://www.w3.org/2001/XMLSchema#"

NUMERIC = frozenset(XSD + t for t in (
    "integer", "decimal", "float", "double", "nonPositiveInteger", "negativeInteger", "long", "int", "short",
    "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "positiveInteger"))

_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?|24:00:00(\\.0+)?)"
_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_DURATION = r"-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\\.[0-9]+)?S)?)?"

PATTERNS = {XSD + name: f"^{pattern}$" for name, pattern in {
    "boolean": "(true|false|1|0)",
    "date": f"{_YEAR}-{_MONTH}-{_DAY}{_TZ}?",
    "dateTime": f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}?",
    "dateTimeStamp": f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}",
    "time": f"{_TIME}{_TZ}?",
    "gYear": f"{_YEAR}{_TZ}?",
    "gYearMonth": f"{_YEAR}-{_MONTH}{_TZ}?",
    "gMonth": f"--{_MONTH}{_TZ}?",
    "gDay": f"---{_DAY}{_TZ}?",
    "gMonthDay": f"--{_MONTH}-{_DAY}{_TZ}?",
    "duration": _DURATION,
    "yearMonthDuration": "-?P([0-9]+Y)?([0-9]+M)?",
    "dayTimeDuration": r"-?P([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\\.[0-9]+)?S)?)?",
}.items()}
# a duration names at least one part, and T is followed by one
_EMPTY_DURATION = r"(^-?P$|T$)"


def ill_formed(datatype: str, var: str) -> str | None:
    """A SPARQL expression true when the literal `var` (known to be of `datatype`) has an invalid lexical form,
    None for datatypes whose lexical space is not checked here (xsd:string, rdf:langString, ...)."""
    if datatype in NUMERIC:
        return f"!isNumeric({var})"
    pattern = PATTERNS.get(datatype)
    if pattern is None:
        return None
    test = f'!REGEX(STR({var}), "{pattern}")'
    if datatype.endswith("uration"):
        test = f'({test} || REGEX(STR({var}), "{_EMPTY_DURATION}"))'
    return test
