"""Writes: importing uploaded declarations, survey answers, compositions and list versions.

Every mutation needs the write token, checked before the upload is read (`api.guard`) and again here;
an import runs as a job on the import thread (`api.work`), so reads go on meanwhile. Uploads are copied to a
private folder that is gone when the import ends, and bad input becomes a coded GraphQL error, naming the
file as uploaded, after which the loaders have stored nothing. With `skipInvalid: true` the declaration and
survey imports keep going instead (`loaders.batch`, the same code as `complygraph load --skip-invalid`):
every good file is stored in its own transaction, and each bad file is refused whole and answered in
`rejected { file line field reason }`.
"""

from __future__ import annotations

import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from complygraph.api.auth import token_problem
from complygraph.api.common import arg, context, date_arg
from complygraph.api.errors import scrub, user_error
from complygraph.api.work import work
from complygraph.graph.changes import warm_latest_changes
from complygraph.loaders.batch import load_declarations, load_surveys
from complygraph.loaders.catalog import load_list
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import FORMATS as DECLARATION_FORMATS
from complygraph.loaders.errors import InputError, Problem

T = TypeVar("T")
MAX_UPLOAD = 200_000_000  # bytes per uploaded file (and per file in a zip)
SKIP_INVALID = ("Store every good file (one transaction each) and refuse each bad one whole, its problems in "
                "`rejected`; false: any bad file stores nothing")


def _require_token(info: Info) -> None:
    """Writes need the write token (`api.auth`); the guard checked it before the body was read, this
    check covers any other way a mutation arrives."""
    request = info.context.get("request") if isinstance(info.context, dict) else None
    problem = token_problem(request.headers if request is not None else {})
    if problem is not None:
        raise user_error(problem[1], problem[0])


def _some(files: list[Upload]) -> list[Upload]:
    """An import of no file is the user's error, before anything runs: `importListVersion(files: [])` reloaded
    the shipped list and gave the store a new revision (QA7 B08)."""
    if not files:
        raise user_error("files: at least one file", "BAD_USER_INPUT")
    return files


def _name(upload: Upload) -> str:
    name = Path(upload.filename or "upload").name
    if not name or name.startswith("."):
        raise user_error("file: a file name is required", "BAD_USER_INPUT")
    return name


def _copy(upload: Upload, target: Path) -> Path:
    """The upload into `target`, in chunks: never more than MAX_UPLOAD bytes, never all in memory."""
    source = upload.file
    source.seek(0)
    copied = 0
    with target.open("wb") as out:
        while chunk := source.read(1 << 20):
            copied += len(chunk)
            if copied > MAX_UPLOAD:
                raise user_error(f"file: larger than {MAX_UPLOAD // 1_000_000} MB", "TOO_LARGE")
            out.write(chunk)
    return target


def _input_error(exc: InputError, folder: str) -> Exception:
    """The loader's problems, each naming the file as uploaded, not where the server kept it."""
    return user_error(scrub(str(exc).replace(folder + "/", "")), "INVALID_INPUT")


def _job(files: list[Upload], load: Callable[[list[Path]], T], unzip: bool = False) -> Callable[[], T]:
    """The import as one job for the import thread: copy the uploads to a private folder, run `load` on
    them there, remove the folder. The job owns the folder, so a client that stops waiting (deadline)
    does not pull the files from under a running import. Bad input becomes a coded error (the loaders
    store nothing then)."""
    named = [(f, _name(f)) for f in files]

    def run() -> T:
        with tempfile.TemporaryDirectory(prefix="complygraph-upload-") as tmp:
            paths = [_copy(f, Path(tmp) / name) for f, name in named]
            if unzip and paths[0].suffix.lower() == ".zip":
                paths = [_unzip(paths[0], Path(tmp) / "data")]
            try:
                return load(paths)
            except InputError as exc:
                raise _input_error(exc, tmp) from None
    return run


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


@strawberry.type(description="One problem of a file that `skipInvalid` refused")
class Rejection:
    file: str = strawberry.field(description="The file's name as uploaded")
    line: int | None = strawberry.field(description="The line of the problem; null when it is the whole file's")
    field: str | None = strawberry.field(description="The element, attribute or column; null when the problem is the "
                                                     "whole file's")
    reason: str = strawberry.field(description="What is wrong")


def _rejections(problems: list[Problem]) -> list[Rejection]:
    """The loaders' problems as the client sees them: a file by the name it was uploaded as, and no
    server path in a reason (`api.errors.scrub`)."""
    return [Rejection(file=Path(p.file).name, line=p.line, field=p.field, reason=scrub(p.reason)) for p in problems]


@strawberry.type(description="What importing one declaration file did")
class DeclarationOutcome:
    file: str = strawberry.field(description="The file's name as uploaded")
    part: str | None = strawberry.field(description="The id of the part it declares; null for a refused file")
    declaration_class: str | None = strawberry.field(description="IPC-1752A class: D (full composition) or C "
                                                                 "(category statements only); null for a refused file")
    status: str = strawberry.field(description="new, replaced (it superseded the part's declaration in force), "
                                               "unchanged (the same file again: nothing stored) or, with "
                                               "`skipInvalid`, refused")
    rejected: list[Rejection] = strawberry.field(default_factory=list, description="The problems of a refused "
                                                                                   "file; empty for a file loaded")


@strawberry.type(description="How many records of one kind an import stored")
class ImportCount:
    kind: str = strawberry.field(description="The kind of record: surveys, answers; suppliers, parts, materials, "
                                             "... for compositions")
    count: int = strawberry.field(description="How many were stored")

    @strawberry.field(description="The same as `kind`", deprecation_reason="Use `kind`: import counts once shared "
                      "the validation count type, whose `severity` field held the kind.")
    def severity(self) -> str:
        return self.kind


@strawberry.type(description="What an import stored")
class ImportResult:
    triples: int = strawberry.field(description="How many RDF triples it wrote")
    counts: list[ImportCount] = strawberry.field(description="How many records of each kind it stored (empty for a "
                                                             "list version)")
    rejected: list[Rejection] = strawberry.field(
        default_factory=list, description="Problems of the files `skipInvalid` refused (survey imports)")
    notes: list[str] = strawberry.field(
        default_factory=list, description="What the import did beyond reading the files: e.g. group members of a "
                                          "Candidate List xlsx taken from the shipped CSV export")


@strawberry.type(description="Imports. Each needs the write token (`Authorization: Bearer <token>`); without it "
                             "the answer is an UNAUTHENTICATED (or, when the server has no token, FORBIDDEN) error")
class Mutation:
    @strawberry.mutation(description=(
        "Supplier declarations in IPC-1752A (Class C or D) or IEC 62474 XML, one outcome per item declared (a "
        "file may declare several ProductIDs). Any bad file "
        "stores nothing; with `skipInvalid`, every good file is stored (one transaction each) and each bad one is "
        "refused whole: an outcome with status `refused` and its problems in `rejected`"))
    async def import_declarations(
            self, info: Info, files: Annotated[list[Upload], arg("The declaration files (XML), at least one")],
            format: Annotated[str | None, arg("ipc1752a or iec62474; left out: read from each file's namespace")]
            = None, skip_invalid: Annotated[bool, arg(SKIP_INVALID)] = False) -> list[DeclarationOutcome]:
        _require_token(info)
        store, _ = context(info)
        if format is not None and format not in DECLARATION_FORMATS:
            raise user_error(f"format: expected one of {', '.join(DECLARATION_FORMATS)}", "BAD_USER_INPUT")
        batch = await work(info).write(_job(_some(files), lambda paths: load_declarations(store, paths, format,
                                                                                   skip_invalid)))
        loaded = [DeclarationOutcome(file=Path(o.file).name, part=o.part, declaration_class=o.declaration_class,
                                     status=o.status) for o in batch.outcomes]
        return loaded + [DeclarationOutcome(file=Path(file).name, part=None, declaration_class=None,
                                            status="refused", rejected=_rejections(problems))
                         for file, problems in batch.rejected.items()]

    @strawberry.mutation(description=(
        "Answers on the customer's survey form (Form 2-1) as CSV or the returned XLSX form. Any problem stores "
        "nothing; with `skipInvalid`, every good file is stored (one transaction each), each bad one is refused "
        "whole and its problems are in `rejected`, and the counts are those of the files stored"))
    async def import_survey(
            self, info: Info, files: Annotated[list[Upload], arg("The survey files (CSV or XLSX), at least one")],
            part: Annotated[str | None, arg("The part id the answers are for, when the file has no such column")]
            = None, date: Annotated[str | None, arg("The answers' date (YYYY-MM-DD), when the file has no such "
                                                    "column")] = None,
            skip_invalid: Annotated[bool, arg(SKIP_INVALID)] = False) -> ImportResult:
        _require_token(info)
        store, _ = context(info)
        day = date_arg(date, "date") if date else None
        batch = await work(info).write(_job(_some(files), lambda paths: load_surveys(store, paths, part, day,
                                                                                     skip_invalid)))
        counts = batch.counts
        return ImportResult(triples=counts["triples"], counts=[
            ImportCount(kind=k, count=counts[k]) for k in ("surveys", "answers")], rejected=_rejections(batch.problems))

    @strawberry.mutation(description="A data set in the compositions format (suppliers, products, parts, BOM, "
                                     "materials, substances, ...): a .jsonl file, or a .zip of the CSV files")
    async def import_compositions(
            self, info: Info, file: Annotated[Upload, arg("The .jsonl file or the .zip of CSV files")]
    ) -> ImportResult:
        _require_token(info)
        store, _ = context(info)
        counts = await work(info).write(_job([file], lambda paths: import_compositions(store, paths[0]), unzip=True))
        triples = counts.pop("triples")
        return ImportResult(triples=triples, counts=[ImportCount(kind=k, count=v) for k, v in counts.items()])

    @strawberry.mutation(description="A newer export of a list (e.g. next month's ECHA xlsx); replaces the list's "
                                     "previous load")
    async def import_list_version(
            self, info: Info, list: Annotated[str, arg("The list's id, as `lists` gives it (eu-reach-svhc, ...)")],
            files: Annotated[list[Upload], arg("The export's files, at least one")]) -> ImportResult:
        _require_token(info)
        store, _ = context(info)
        notes: list[str] = []
        triples = await work(info).write(_job(_some(files), lambda paths: load_list(store, list, paths, notes)))
        threading.Thread(target=warm_latest_changes, args=(store, info.context["cache"], list), daemon=True).start()
        return ImportResult(triples=triples, counts=[], notes=notes)
