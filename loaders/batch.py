"""Loading a batch of supplier files that keeps going (`complygraph load --skip-invalid`, the `skipInvalid`
argument of the `importDeclarations` and `importSurvey` mutations): every good file is stored, each bad file
is refused whole, and every problem of every refused file is kept for the rejection report.

Why one transaction per file: a user who asks to skip bad files expects the good ones to be in the store
whatever comes after them, so each good file is written (and committed) on its own, and a file that fails
while it is written (a declaration older than the stored one, a mass that does not add up, a BOM cycle)
is aborted by its own transaction and leaves nothing behind. Declarations are still read first, all of
them, and written oldest first, as `import_declarations` does, so the order of the files on the command line
does not decide which declaration is in force. Survey files are imported one at a time: a later file that
answers for the same part, form and date replaces the earlier one's answers, as loading it again would.

Without `skip_invalid` nothing changes: the loaders' own batch behaviour (any problem in any file stores
nothing, raised as `InputError`) is what the caller gets.

The problems are the loaders' own `Problem`s (file, line, field, reason), never parsed from messages.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from complygraph.graph.store import Store, StoreError
from complygraph.loaders.declarations import import_declarations, read_declaration
from complygraph.loaders.declarations.model import Outcome
from complygraph.loaders.declarations.ordering import conflicts, write_order
from complygraph.loaders.declarations.writer import write_declaration
from complygraph.loaders.errors import InputError, Problem
from complygraph.loaders.survey import import_survey

REJECTION_COLUMNS = ("file", "line", "field", "reason")
SURVEY_COUNTS = ("surveys", "answers", "triples")


@dataclass
class Batch:
    """What a batch load did: the files stored (in the order they were written) and the files refused with
    their problems (in the order the files were given)."""

    loaded: list[str] = field(default_factory=list)
    rejected: dict[str, list[Problem]] = field(default_factory=dict)

    def refuse(self, file: str, problems: list[Problem]) -> None:
        # a loader names the file it read; a refusal without a problem would be a loader's bug, still reported
        self.rejected.setdefault(file, []).extend(problems or [Problem(file, None, None, "refused")])

    @property
    def refused(self) -> list[str]:
        return list(self.rejected)

    @property
    def problems(self) -> list[Problem]:
        """Every problem of every refused file, file by file."""
        return [p for problems in self.rejected.values() for p in problems]

    def in_given_order(self, paths: Iterable[Path | str]) -> None:
        """The refused files in the order they were given (a declaration refused while it is written is
        found after every file has been read)."""
        rank = {str(Path(p)): i for i, p in reversed(list(enumerate(paths)))}
        self.rejected = dict(sorted(self.rejected.items(), key=lambda item: rank.get(item[0], len(rank))))

    def summary(self) -> str:
        """The line "2 files loaded, 1 refused": the number of files with its noun in the right form."""
        n = len(self.loaded)
        return f"{n} file{'' if n == 1 else 's'} loaded, {len(self.refused)} refused"


@dataclass
class DeclarationBatch(Batch):
    outcomes: list[Outcome] = field(default_factory=list)


@dataclass
class SurveyBatch(Batch):
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SURVEY_COUNTS, 0))


def load_declarations(store: Store, paths: list[Path], fmt: str | None = None,
                      skip_invalid: bool = False) -> DeclarationBatch:
    """Declarations from `paths`. With `skip_invalid`, each good file in its own transaction and each bad
    one refused whole; without it, `import_declarations` as is (any bad file: InputError, nothing read is
    stored)."""
    if not skip_invalid:
        outcomes = import_declarations(store, paths, fmt)
        return DeclarationBatch(loaded=[o.file for o in outcomes], outcomes=outcomes)
    batch, decls = DeclarationBatch(), []
    for path in paths:
        try:
            decls.append(read_declaration(Path(path), fmt))
        except InputError as exc:
            batch.refuse(str(Path(path)), exc.problems)
    # two declarations of one item that cannot be ordered are both refused: their file names would decide (QA12 B03)
    for decl, first, problem in conflicts(decls):
        batch.refuse(decl.file, [problem])
        batch.refuse(first.file, [Problem(first.file, first.date_line, problem.field,
                                          f"an item of this file is declared in {decl.file} too, and which of the "
                                          "two is the newer cannot be told: both files were refused")])
    decls = [d for d in decls if d.file not in batch.rejected]
    for decl in sorted(decls, key=write_order):
        try:
            outcome = write_declaration(store, decl)
        except InputError as exc:  # its transaction was aborted: nothing of this file is stored
            batch.refuse(decl.file, exc.problems)
            continue
        except StoreError as exc:  # not the file's fault: the batch stops, saying what is stored anyway
            if not batch.loaded:
                raise
            raise StoreError(f"{exc} (that file only: stored before it, each whole: "
                             f"{', '.join(batch.loaded)})") from exc
        batch.outcomes += outcome.every()  # one per item of the file (QA12 B05)
        batch.loaded.append(decl.file)
    batch.in_given_order(paths)
    return batch


def load_surveys(store: Store, paths: list[Path], part: str | None = None, date: dt.date | None = None,
                 skip_invalid: bool = False) -> SurveyBatch:
    """Survey answers from `paths`. With `skip_invalid`, one file per transaction, each bad one refused
    whole, the counts summed over the files stored; without it, `import_survey` as is (all files in one
    transaction, any problem: InputError, nothing stored)."""
    if not skip_invalid:
        return SurveyBatch(loaded=[str(p) for p in paths], counts=import_survey(store, paths, part, date))
    batch = SurveyBatch()
    for path in paths:
        try:
            counts = import_survey(store, [Path(path)], part, date)
        except InputError as exc:
            batch.refuse(str(Path(path)), exc.problems)
            continue
        batch.loaded.append(str(Path(path)))
        for key in SURVEY_COUNTS:
            batch.counts[key] += counts[key]
    return batch


def rejection_rows(problems: Iterable[Problem]) -> list[dict[str, str | int | None]]:
    """The problems as the JSON output and the GraphQL `rejected` field show them."""
    return [{"file": p.file, "line": p.line, "field": p.field, "reason": p.reason} for p in problems]


def write_rejections(path: Path, problems: Iterable[Problem]) -> Path:
    """The rejection report: RFC 4180 CSV in UTF-8 with a header row (file, line, field, reason), one row
    per problem; an unknown line or field is an empty cell. Returns the path written."""
    path = Path(path)
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(REJECTION_COLUMNS)
            writer.writerows([p.file, "" if p.line is None else p.line, p.field or "", p.reason] for p in problems)
    except OSError as exc:
        raise InputError([Problem(str(path), None, "--rejections", f"cannot write the rejection report: "
                                                                   f"{exc.strerror}")]) from None
    return path


def default_rejections_path(now: dt.datetime | None = None, folder: Path | None = None) -> Path:
    """Where the report goes when `--rejections` is not given: `rejections-YYYYMMDD-HHMMSS.csv` in the
    working directory, dated so that the next batch does not overwrite this one's report."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return (folder or Path.cwd()) / f"rejections-{stamp}.csv"


def batch_json(batch: Batch, report: Path | None) -> dict[str, object]:
    """What `--output-format json` adds under `--skip-invalid`: the files loaded and refused, every problem
    of the refused files, and where the rejection report was written (null when none was)."""
    return {"files_loaded": len(batch.loaded), "files_refused": len(batch.refused),
            "rejections": rejection_rows(batch.problems), "rejections_file": str(report) if report else None}
