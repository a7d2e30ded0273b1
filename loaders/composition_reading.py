"""Reading the complygraph compositions format (version 1): which record kinds and columns it has, and
the records of a folder of CSV files or of one JSON Lines file, in dependency order.

The format is specified in docs/import-format.md. Kinds are read in dependency order (suppliers, products,
parts, materials, substances, identities, bom, ...), so a reference can only point at a record read before it. A file
that cannot be read as the format at all (no known file, a missing or unknown column, a line that is not
JSON) stops the import at once; problems in values are left to the record checks.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from complygraph.loaders.errors import InputError, Problem
from complygraph.loaders.records import Record
from complygraph.loaders.textfile import csv_problem, open_text, read_text

FORMAT = "complygraph-compositions"
VERSION = "1.0"
RECORDS = ("supplier", "certification", "evaluation", "approval", "sustainability", "raw_material", "product", "part",
           "material", "substance", "identity", "bom", "evidence")
FILES = {r: f"{r}s.csv" if r not in ("bom", "sustainability", "evidence") else f"{r}.csv" for r in RECORDS}
FILES["identity"] = "identities.csv"
REQUIRED = {
    "supplier": ("supplier_id", "name"),
    "product": ("product_id", "name"),
    "part": ("part_id", "name", "supplier_id", "mass", "mass_unit"),
    "material": ("material_id", "part_id", "name", "mass", "mass_unit"),
    "substance": ("material_id", "amount", "unit"),
    "bom": ("parent_id", "child_id", "quantity"),
    "certification": ("supplier_id", "standard", "valid_until"),
    "evaluation": ("supplier_id", "date", "item", "answer"),
    "approval": ("supplier_id", "programme", "audit_date", "audit_score", "valid_until", "status"),
    "sustainability": ("supplier_id", "date", "human_rights_policy", "due_diligence", "grievance_mechanism"),
    "raw_material": ("registry_number", "name"),
    "evidence": ("evidence_id", "kind", "part_id", "date"),
    "identity": ("cas",),
}
OPTIONAL = {
    "supplier": ("country", "email"),
    "product": ("mass", "mass_unit", "eee_category", "uses"),
    "part": ("item_number", "declaration_date", "packaging", "uses", "first_use"),
    "material": ("category", "raw_material"),
    "substance": ("cas", "ec", "substance_name", "intentional", "exemption"),
    "bom": (),
    "certification": ("number", "body", "valid_from"),
    "evaluation": ("scheme", "item_date", "body", "number"),
    "approval": ("pass_score", "reason"),
    "sustainability": (),
    "raw_material": ("registry", "approved_until", "maker"),
    "evidence": ("material_id", "signer", "issuer", "method", "cas", "measured_ppm", "document", "raw_material",
                 "note"),
    "identity": ("formula", "smiles", "name", "source"),
}


def read_records(source: Path) -> Iterator[Record]:
    """Records of a CSV directory (one file per record kind) or of one JSON Lines file, in dependency order."""
    if source.is_dir():
        yield from _read_csv_dir(source)
    elif source.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _read_jsonl(source)
    else:
        raise InputError([Problem(str(source), None, None,
                                  "expected a directory of CSV files or a .jsonl file")])


def _check_manifest(file: str, line: int | None, data: dict) -> None:
    if data.get("format") != FORMAT:
        raise InputError([Problem(file, line, "format", f"expected {FORMAT!r}, got {data.get('format')!r}")])
    version = str(data.get("version", ""))
    if version.split(".")[0] != VERSION.split(".")[0]:
        raise InputError([Problem(file, line, "version", f"version {version!r} is not supported (reads 1.x)")])


def _read_csv_dir(folder: Path) -> Iterator[Record]:
    manifest = folder / "manifest.json"
    if manifest.exists():
        _check_manifest(str(manifest), None, _json_object(str(manifest), None, read_text(manifest)))
    if not any((folder / f).exists() for f in FILES.values()):
        raise InputError([Problem(str(folder), None, None, f"none of {sorted(FILES.values())} is in the folder")])
    strays = _unknown_data_files(folder)
    if strays:
        raise InputError(strays)
    for kind in RECORDS:
        path = folder / FILES[kind]
        if path.exists():
            yield from _read_csv(path, kind)


_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".json", ".jsonl", ".ndjson")


def _unknown_data_files(folder: Path) -> list[Problem]:
    """A data file in the folder whose name is no record kind's: `certification.csv` for `certifications.csv`
    was skipped and its records dropped with exit 0 (a QA run, 2026-12-06); a typo never drops data silently.
    Other files (a README, a spreadsheet's lock file) and the rejection reports of earlier batches are left."""
    known = set(FILES.values()) | {"manifest.json"}
    problems = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = path.name
        if (not path.is_file() or name in known or name.startswith((".", "~$")) or name.startswith("rejections-")
                or path.suffix.lower() not in _DATA_SUFFIXES):
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        problems.append(Problem(str(path), None, None, f"not a file this import reads{hint} (it reads "
                                                       f"{', '.join(sorted(known))}): rename or remove it"))
    return problems


def _read_csv(path: Path, kind: str) -> Iterator[Record]:
    """The records of one CSV file, in the encoding `textfile` decides; a file the csv module cannot read on (a
    value over its size limit) stops the import naming the line and, for a value too long, its column."""
    with open_text(path) as fh:
        reader = csv.DictReader(fh)
        header, line = [], 1
        try:
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in REQUIRED[kind] if c not in header]
            if missing:
                raise InputError([Problem(str(path), 1, c, "required column is missing") for c in missing])
            unknown = [c for c in header if c not in REQUIRED[kind] + OPTIONAL[kind]]
            if unknown:
                raise InputError([Problem(str(path), 1, c, "unknown column") for c in unknown])
            for row in reader:
                fields = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
                if None in row:
                    fields["__extra__"] = "yes"
                yield Record(kind, str(path), reader.line_num, fields)
                line = reader.line_num
        except csv.Error as exc:
            raise InputError([csv_problem(path, exc, reader.reader.line_num, header, line + 1)]) from None


def _read_jsonl(path: Path) -> Iterator[Record]:
    # JSON Lines may hold the kinds in any order: buffer per kind by line number, then yield in order.
    # Records are kept as raw lines' offsets would be faster; a JSONL import is typically a single product.
    by_kind: dict[str, list[Record]] = {k: [] for k in RECORDS}
    seen_manifest = False
    with open_text(path, newline=None) as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            data = _json_object(str(path), line_no, line)
            if "record" not in data:
                raise InputError([Problem(str(path), line_no, "record", 'the key "record" is missing: each line '
                                          f'names its kind, "record": one of {list(RECORDS)} (or "manifest")')])
            kind = data.pop("record")
            if kind == "manifest":
                _check_manifest(str(path), line_no, data)
                seen_manifest = True
                continue
            if not isinstance(kind, str) or kind not in by_kind:
                raise InputError([Problem(str(path), line_no, "record",
                                          f"unknown record kind {kind!r}; expected one of {list(RECORDS)}")])
            unknown = [k for k in data if k not in REQUIRED[kind] + OPTIONAL[kind]]
            if unknown:
                raise InputError([Problem(str(path), line_no, k, "unknown field") for k in unknown])
            by_kind[kind].append(Record(kind, str(path), line_no, _scalars(str(path), line_no, data)))
    if not seen_manifest:
        raise InputError([Problem(str(path), 1, "record", 'the first record must be {"record": "manifest", ...}')])
    for kind in RECORDS:
        yield from by_kind[kind]


def _json_object(file: str, line: int | None, text: str) -> dict:
    """One JSON object. Numbers are kept as the text the file writes (`9e999999`, a 5,000-digit integer), so that
    the record checks judge them like any CSV value instead of Python's float or int limits; an object nested
    deeper than Python's parser goes is refused naming the key that holds it."""
    try:
        data = json.loads(text, parse_float=str, parse_int=str, parse_constant=str, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        raise InputError([Problem(file, line, str(exc), "given twice in one object: which value is meant cannot be "
                                                        "told (JSON parsers disagree: most keep the last)")]) from None
    except json.JSONDecodeError as exc:
        # the whole message, with json's line and column; in a JSON Lines file the line is the problem's own
        reason = str(exc) if line is None else f"{exc.msg}: column {exc.colno}"
        raise InputError([Problem(file, exc.lineno if line is None else line, None, f"not JSON: {reason}")]) from None
    except RecursionError:
        raise InputError([Problem(file, line, _deep_key(text), "nested too deeply: a record is one flat JSON "
                                                              "object of strings, numbers and booleans")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(file, line, None, "each line must be a JSON object")])
    return data


class _DuplicateKey(Exception):
    """A key written twice in one JSON object (RFC 8259 §4: names SHOULD be unique; behaviour then differs)."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKey(key)
        data[key] = value
    return data


def _deep_key(text: str) -> str | None:
    """The first top-level key whose value is an object or an array (the one that nests too deeply)."""
    depth, key = 0, None
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"\s*:?|[{}\[\]]', text):
        t = token.group()
        if t in "{[":
            if depth == 1:
                return key
            depth += 1
        elif t in "}]":
            depth -= 1
        elif t.endswith(":") and depth == 1:
            key = json.loads(t[:-1].rstrip())
    return key


def _scalars(file: str, line: int, data: dict) -> dict[str, str]:
    """The record's values as text (true/false as written, which a yes/no field reads too; null as empty); an
    object or an array, which no field of the format holds, is refused naming its field."""
    wrong = [Problem(file, line, k, f"expected a string, a number or true/false, got {_kind(v)}")
             for k, v in data.items() if isinstance(v, dict | list)]
    if wrong:
        raise InputError(wrong)
    return {k: "" if v is None else ("true" if v else "false") if isinstance(v, bool) else str(v).strip()
            for k, v in data.items()}


def _kind(value: object) -> str:
    return "an object" if isinstance(value, dict) else "an array"
