"""Writes: importing uploaded declarations, survey answers, compositions and list versions.

Every mutation needs the write token first; uploads are saved to a private folder that is gone when the
import ends, and bad input becomes a coded GraphQL error after which the loaders have stored nothing.
"""

from __future__ import annotations

import hmac
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from complygraph.api.common import context, date_arg
from complygraph.api.errors import user_error
from complygraph.graph.changes import warm_latest_changes
from complygraph.loaders.catalog import load_list
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import FORMATS as DECLARATION_FORMATS
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError
from complygraph.loaders.survey import import_survey

T = TypeVar("T")
MAX_UPLOAD = 200_000_000  # bytes per uploaded file


def _require_token(info: Info) -> None:
    """Writes need `Authorization: Bearer <token>` equal to $COMPLYGRAPH_WRITE_TOKEN; without that
    variable the API is read-only."""
    expected = os.environ.get("COMPLYGRAPH_WRITE_TOKEN", "")
    header = info.context["request"].headers.get("authorization", "")
    given = header[7:] if header.lower().startswith("bearer ") else ""
    if not expected:
        raise user_error("writes are disabled: the server has no COMPLYGRAPH_WRITE_TOKEN", "FORBIDDEN")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise user_error("a valid bearer token is required to write", "UNAUTHENTICATED")


async def _save(upload: Upload, folder: Path) -> Path:
    name = Path(upload.filename or "upload").name
    if not name or name.startswith("."):
        raise user_error("file: a file name is required", "BAD_USER_INPUT")
    target = folder / name
    data = await upload.read()
    if len(data) > MAX_UPLOAD:
        raise user_error(f"file: larger than {MAX_UPLOAD // 1_000_000} MB", "TOO_LARGE")
    target.write_bytes(data)
    return target


def _input_error(exc: InputError) -> Exception:
    return user_error(str(exc), "INVALID_INPUT")


async def _load_uploads(files: list[Upload], load: Callable[[list[Path]], T]) -> T:
    """Save the uploads to a private folder, run `load` on them there, and turn bad input into a coded
    GraphQL error (the loaders store nothing then)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [await _save(f, Path(tmp)) for f in files]
        try:
            return load(paths)
        except InputError as exc:
            raise _input_error(exc) from None


def _unzip(path: Path, folder: Path) -> Path:
    """The .csv and .json files of a zip, flat into the new `folder`: member paths are dropped (nothing is
    written outside it), and so is any member larger than an upload may be."""
    folder.mkdir()
    with zipfile.ZipFile(path) as z:
        for member in z.infolist():
            name = Path(member.filename).name
            if name.endswith((".csv", ".json")) and member.file_size <= MAX_UPLOAD:
                (folder / name).write_bytes(z.read(member))
    return folder


@strawberry.type
class DeclarationOutcome:
    file: str
    part: str
    declaration_class: str
    status: str


@strawberry.type
class ImportCount:
    """How many records of one kind (parts, surveys, ...) an import stored."""

    kind: str
    count: int

    @strawberry.field(deprecation_reason="Use `kind`: import counts once shared the validation count type, "
                                         "whose `severity` field held the kind.")
    def severity(self) -> str:
        return self.kind


@strawberry.type
class ImportResult:
    triples: int
    counts: list[ImportCount]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def import_declarations(self, info: Info, files: list[Upload],
                                  format: str | None = None) -> list[DeclarationOutcome]:
        """Supplier declarations in IPC-1752A (Class C or D) or IEC 62474 XML; `format` ipc1752a or iec62474,
        else read from each file's namespace. Any bad file stores nothing."""
        _require_token(info)
        store, _ = context(info)
        if format is not None and format not in DECLARATION_FORMATS:
            raise user_error(f"format: expected one of {', '.join(DECLARATION_FORMATS)}", "BAD_USER_INPUT")
        outcomes = await _load_uploads(files, lambda paths: import_declarations(store, paths, format))
        return [DeclarationOutcome(file=Path(o.file).name, part=o.part, declaration_class=o.declaration_class,
                                   status=o.status) for o in outcomes]

    @strawberry.mutation
    async def import_survey(self, info: Info, files: list[Upload], part: str | None = None,
                            date: str | None = None) -> ImportResult:
        """Answers on the customer's survey form (Form 2-1) as CSV or the returned XLSX form; `part` and
        `date` when the file has no such columns. Any problem stores nothing."""
        _require_token(info)
        store, _ = context(info)
        day = date_arg(date, "date") if date else None
        counts = await _load_uploads(files, lambda paths: import_survey(store, paths, part, day))
        return ImportResult(triples=counts["triples"], counts=[
            ImportCount(kind=k, count=counts[k]) for k in ("surveys", "answers")])

    @strawberry.mutation
    async def import_compositions(self, info: Info, file: Upload) -> ImportResult:
        """A data set in the compositions format: a .jsonl file, or a .zip of the CSV files."""
        _require_token(info)
        store, _ = context(info)
        with tempfile.TemporaryDirectory() as tmp:
            path = await _save(file, Path(tmp))
            if path.suffix.lower() == ".zip":
                path = _unzip(path, Path(tmp) / "data")
            try:
                counts = import_compositions(store, path)
            except InputError as exc:
                raise _input_error(exc) from None
        triples = counts.pop("triples")
        return ImportResult(triples=triples, counts=[ImportCount(kind=k, count=v) for k, v in counts.items()])

    @strawberry.mutation
    async def import_list_version(self, info: Info, list: str, files: list[Upload]) -> ImportResult:
        """A newer export of a list (e.g. next month's ECHA xlsx); replaces the list's previous load."""
        _require_token(info)
        store, _ = context(info)
        triples = await _load_uploads(files, lambda paths: load_list(store, list, paths))
        threading.Thread(target=warm_latest_changes, args=(store, info.context["cache"], list), daemon=True).start()
        return ImportResult(triples=triples, counts=[])
