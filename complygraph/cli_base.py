"""What every command of the `complygraph` command line shares: the app with `--version`, the store and
output options, turning bad input into exit code 2, a closed pipe into a quiet exit, and store writes
into progress.

The commands themselves are in `cli` (loading, validating, serving) and `cli_views` (lists, list-diff,
impact, query, demo); `complygraph.cli:app` is the entry point and imports them all.
"""

from __future__ import annotations

import csv
import functools
import os
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib import metadata, resources
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar, cast

import typer
from pyoxigraph import Triple
from rich.markup import escape
from rich.progress import Progress, TaskID

from complygraph.console import OutputFormat, err, finish, is_tty, silence_stdout
from complygraph.graph import StoreError, discard_if_unused, open_store
from complygraph.graph.store import Record, Store
from complygraph.loaders.errors import InputError
from complygraph.vocab import RDF_TYPE, cg

# Help and usage errors in rich's boxed panels on a terminal; click's plain text when stdout is a pipe
# (`complygraph --help | less`, a CI log), decided when the command starts.
app = typer.Typer(help="Product chemical compliance as an RDF knowledge graph.", no_args_is_help=True,
                  add_completion=False, rich_markup_mode="rich" if is_tty(sys.stdout) else None)

F = TypeVar("F", bound=Callable[..., Any])


def shipped_lists() -> list[str]:
    """The list ids of data/lists.toml, for help texts; read here (not through the loaders, which import
    the identifier database) so that `--help` and `--version` stay fast."""
    try:
        raw = tomllib.loads(resources.files("complygraph.data").joinpath("lists.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):  # pragma: no cover - a broken install still shows its help
        return []
    return sorted(raw.get("lists", {}))


def shipped_packs() -> list[str]:
    """The shipped shape packs (folders of shapes/ with Turtle files; `data` is shared by the packs), for
    help texts, without loading rdflib. `--pack-dir` can add more, so `--pack` stays a free string."""
    root = Path(str(resources.files("complygraph.shapes")))
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != "data" and any(p.glob("*.ttl")))


LISTS_HELP = "List id: " + ", ".join(shipped_lists())
StoreOpt = Annotated[str | None, typer.Option(
    "--store", envvar="COMPLYGRAPH_STORE", show_envvar=True,
    help="Store directory (embedded Oxigraph) or SPARQL endpoint URL. Default: ./complygraph-store")]
FromOpt = Annotated[str, typer.Option("--from", help="Start date (YYYY-MM-DD): the list as it was on that day")]
ToOpt = Annotated[str, typer.Option("--to", help="End date (YYYY-MM-DD): the list as it is on that day")]
FormatOpt = Annotated[OutputFormat, typer.Option(
    "--format", help="text for people (a table on a terminal, aligned plain text in a pipe), json or csv")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json")]
ExcelBomOpt = Annotated[bool, typer.Option(
    "--excel-bom", help="Start a CSV file with a UTF-8 byte order mark, so that Excel reads it as UTF-8 (CSV to a "
                        "file only)")]


def csv_encoding(excel_bom: bool) -> str:
    """The encoding a CSV file is written in: with a byte order mark when asked for Excel, which otherwise reads
    a BOM-less file in the machine's code page and garbles every non-ASCII name (Japanese, umlauts, µ)."""
    return "utf-8-sig" if excel_bom else "utf-8"


def _version(value: bool) -> None:
    """`--version`: the version of the installed distribution (its metadata), which is what pip and bug
    reports name, rather than a constant in the code that a release may forget to bump."""
    if value:
        try:
            version = metadata.version("complygraph")
        except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
            from complygraph import __version__ as version
        sys.stdout.write(f"complygraph {version}\n")
        raise typer.Exit(0)


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the installed version and exit")] = False) -> None:
    """Product chemical compliance as an RDF knowledge graph."""


def command(name: str, **kwargs: Any) -> Callable[[F], F]:
    """`app.command` for commands whose output may go into a pipe that closes early
    (`complygraph demo | head`): the command ends quietly with exit 0 (or the exit code it had already
    chosen), without a traceback or "Exception ignored" at Python's exit."""
    def register(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kw: Any) -> Any:
            try:
                return fn(*args, **kw)
            except BrokenPipeError:
                silence_stdout()
                raise typer.Exit(0) from None
            finally:
                try:
                    sys.stdout.flush()
                except BrokenPipeError:
                    silence_stdout()
                except ValueError:  # a test runner's closed buffer
                    pass

        app.command(name, **kwargs)(run)
        return fn
    return register


def output_format(fmt: OutputFormat, as_json: bool) -> OutputFormat:
    """`--json` is `--format json`; with another --format it is a contradiction, refused with exit 2."""
    if as_json and fmt not in (OutputFormat.text, OutputFormat.json):
        fail(f"--json and --format {fmt.value} contradict each other")
    return OutputFormat.json if as_json else fmt


def fail(message: str) -> NoReturn:
    """Refuse with the reason on stderr and exit code 2, the code of every input error."""
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def check_writable(option: str, path: Path) -> None:
    """Refuse an output file that cannot be written before the work that fills it is done (and before a
    validation writes its derived facts to the store): a missing folder, a folder in its place, no permission."""
    folder = path.absolute().parent
    if not folder.is_dir():
        fail(f"{option} {path}: the folder {folder} does not exist")
    if path.is_dir() or not os.access(path if path.exists() else folder, os.W_OK):
        fail(f"{option} {path}: cannot be written (a folder, or no permission)")


@contextmanager
def store_at(location: str | None, default: str = "complygraph-store", create: bool = True) -> Iterator[Store]:
    """The store for one command, closed when the command ends so that its lock is released. Commands that
    only read pass `create=False`: they refuse a path that holds no store instead of answering from a new,
    empty one. A command that fails leaves no store behind where it found none (`discard_if_unused`)."""
    store = open_store(location or default, create=create)
    if getattr(store, "rolled_back", False):
        err.print(f"[yellow]warning:[/yellow] an import into {escape(store.location)} that did not finish (its "
                  "process ended before it committed) was rolled back: the store is as it was before it",
                  highlight=False, soft_wrap=True)
    try:
        yield store
    except BaseException as exc:
        if not (isinstance(exc, typer.Exit) and exc.exit_code == 0):
            discard_if_unused(store)
        raise
    finally:
        store.close()


@contextmanager
def input_errors() -> Iterator[None]:
    """Bad input and store failures end with a clear message and exit code 2, never a traceback."""
    try:
        yield
    except (InputError, StoreError, FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:  # a file that cannot be written or read: a folder where a file is wanted, no permission
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or exc}")


class MeteredStore:
    """A store whose writes advance progress bars: triples written (and their rate), and parts, counted as
    their `rdf:type cg:Part` triples go by. The loaders take no progress callback, so the CLI watches the
    one stream every loader writes through; everything else is the wrapped store's."""

    _EVERY = 1000  # advancing a rich task per triple would cost more than writing the triple

    def __init__(self, store: Store, progress: Progress, parts: int | None = None) -> None:
        self._store, self._progress = store, progress
        self.triples_task: TaskID = progress.add_task("writing triples", total=None, unit="triples")
        self.parts_task: TaskID | None = (progress.add_task("importing parts", total=parts, unit="parts")
                                          if parts is not None else None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def write(self, triples: Iterable[Triple], replace: str | None = None, touches: str | None = None,
              record: Record | None = None) -> int:
        return self._store.write(self._counted(triples), replace, touches, record)

    def _counted(self, triples: Iterable[Triple]) -> Iterator[Triple]:
        n = parts = 0
        part = cg.Part
        for t in triples:
            n += 1
            if t.predicate == RDF_TYPE and t.object == part:
                parts += 1
            if n == self._EVERY:
                self._advance(n, parts)
                n = parts = 0
            yield t
        self._advance(n, parts)

    def _advance(self, triples: int, parts: int) -> None:
        self._progress.advance(self.triples_task, triples)
        if self.parts_task is not None and parts:
            self._progress.advance(self.parts_task, parts)


def parts_in(source: Path) -> int | None:
    """The parts a data set holds, for the import's done/total: the rows of parts.csv (a JSON Lines file
    is not read twice for a progress bar: its total stays open)."""
    path = Path(source) / "parts.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as f:
        return max(sum(1 for _ in csv.reader(f)) - 1, 0)


@contextmanager
def metered(store: Store, progress: Progress, parts: int | None = None) -> Iterator[Store]:
    """`store` with its writes shown in `progress` when progress is shown at all (a terminal); in a pipe the
    store itself, so that an import there pays nothing for a bar nobody sees."""
    if progress.disable:
        yield store
        return
    wrapped = MeteredStore(store, progress, parts)
    yield cast(Store, wrapped)  # a Store by delegation
    for task_id in (wrapped.triples_task, wrapped.parts_task):  # done: the bars read full, total = what was done
        if task_id is not None:
            finish(progress, task_id)
