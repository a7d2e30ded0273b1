"""What every part of the schema shares: the request's store and loaders, argument checks that answer with
coded errors, keyset cursors and Relay page info, and the small types several subjects return."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.dataloaders import Loaders
from complygraph.api.errors import user_error
from complygraph.api.work import work
from complygraph.dates import iso_date
from complygraph.graph.shacl.errors import ShapesError
from complygraph.graph.shacl.packs import UnknownPack, available, check_names
from complygraph.graph.shacl.preconditions import MissingInput
from complygraph.graph.store import Store
from complygraph.identifiers import InvalidIdentifier, normalise_cas
from complygraph.vocab import ID, entity_iri

MAX_PAGE = 100
LANGUAGES = ("en", "ja")  # the languages names are given in (reference lists, declarations)
# argument descriptions several fields share
FIRST = f"How many items the page holds: 1 to {MAX_PAGE}"
AFTER = ("The cursor the page starts after: `pageInfo.endCursor` (or an edge's `cursor`) of a page of the same "
         "field; a cursor of another field is refused (BAD_CURSOR)")
AT = "The evaluation date (YYYY-MM-DD): list versions in force, exemption expiry; default today"
PACKS = ("Shape packs by name (the error for an unknown one lists them); left out or null: the default packs; "
         "an empty list is refused")
OUTSTANDING_PACKS = ("Shape packs whose reasons are added (evidence: missing certificates of non-use); default "
                     "none")
EDGE_CURSOR = "This item's cursor: give it as `after` for the page after it"
PAGE_INFO = "Whether a page follows and the cursor to ask for it with"


def arg(description: str, name: str | None = None):
    """An argument's description (and GraphQL name, where the Python one differs)."""
    return strawberry.argument(description=description, name=name)


# argument types several fields share, with their descriptions
FirstArg = Annotated[int | None, arg(FIRST)]
AfterArg = Annotated[str | None, arg(AFTER)]
AtArg = Annotated[str | None, arg(AT)]
PacksArg = Annotated[list[str] | None, arg(PACKS)]


def context(info: Info) -> tuple[Store, Loaders]:
    """The store and this request's data loaders."""
    return info.context["store"], info.context["loaders"]


def date_arg(text: str, field: str) -> dt.date:
    """An argument that must be a YYYY-MM-DD date; `field` names it in the error."""
    try:
        return iso_date(text)
    except ValueError as exc:
        raise user_error(f"{field}: {exc}") from None


def cas_arg(text: str) -> str:
    """A CAS number argument, normalised; a wrong check digit is the user's error."""
    try:
        return normalise_cas(text)
    except InvalidIdentifier as exc:
        raise user_error(f"cas: {exc}") from None


def page_size(first: int | None) -> int:
    """`first` as given in a variable (a literal is checked with the query's cost, before it runs)."""
    n = MAX_PAGE if first is None else first
    if n < 1 or n > MAX_PAGE:
        raise user_error(f"first: between 1 and {MAX_PAGE}", "PAGE_SIZE")
    return n


def lang_arg(lang: str | None, field: str = "lang") -> str | None:
    """A language code argument: one of the languages names are given in, else the user's error (an unknown
    code once matched nothing, silently: QA7 B11)."""
    if lang is not None and lang not in LANGUAGES:
        raise user_error(f"{field}: {lang!r} is not a supported language; supported: {', '.join(LANGUAGES)}")
    return lang


def cursor_of(key: str, kind: str) -> str:
    """The cursor of `key` in a connection of `kind` (parts, substances, bom, impact): it says which
    connection it belongs to, so another connection refuses it (QA7 B03)."""
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def _decoded(cursor: str, name: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise user_error(f"after: not a cursor of {name}", "BAD_CURSOR") from None


# cursors given before they named their connection were the key alone: accepted by the connection they are of
_OLD_CURSORS = {"parts": lambda k: k.startswith(f"{ID}part/") and " " not in k,
                "substances": lambda k: k.startswith(f"{ID}substance/") and " " not in k,
                "bom": lambda k: k.count(" ") == 1 and k.startswith(f"{ID}part/")}


def after_key(cursor: str | None, kind: str, name: str | None = None) -> str | None:
    """The key a page of a connection of `kind` starts after, from the `after` cursor a previous page of it gave;
    a cursor of another connection is the user's error (BAD_CURSOR), named `name` in the message."""
    if cursor is None:
        return None
    key = _decoded(cursor, name or kind)
    if key.startswith(f"{kind}:"):
        return key[len(kind) + 1:]
    if _OLD_CURSORS.get(kind, lambda _: False)(key):
        return key
    raise user_error(f"after: not a cursor of {name or kind}", "BAD_CURSOR")


def chosen_packs(packs: list[str] | None) -> list[str] | None:
    """The shape packs a validation argument names (sorted, once each), None for the default packs when it is
    left out; unknown packs and an empty list are the user's errors (`[]` once ran the defaults: QA7 B15)."""
    if packs is None:
        return None
    if not packs:
        raise user_error(f"packs: name at least one pack, or leave packs out for the default packs; available: "
                         f"{', '.join(sorted(available()))}")
    require_packs(packs, lambda unknown: f"packs: unknown {unknown}")
    return sorted(set(packs))


async def require_supplier(info: Info, supplier: str, field: str = "supplier") -> None:
    """A filter naming a supplier the store does not hold is the user's error (NOT_FOUND), not an empty answer."""
    store, _ = context(info)
    # on a read thread: a remote store's answer may take a while
    if not await work(info).read(store.ask, "ASK WHERE { ?s a cg:Supplier }", {"s": entity_iri("supplier", supplier)}):
        raise user_error(f"{field}: no supplier {supplier!r}", "NOT_FOUND")


def require_packs(names: list[str], message: Callable[[list[str]], str]) -> None:
    """Refuse unknown shape pack names with code UNKNOWN_PACK; `message` words the error from the unknown
    names, so each argument keeps the wording its clients know."""
    try:
        check_names(names)
    except UnknownPack:
        packs = available()
        raise user_error(f"{message([n for n in names if n not in packs])}; available: {', '.join(sorted(packs))}",
                         "UNKNOWN_PACK") from None


@contextmanager
def validation_errors() -> Iterator[None]:
    """A validation that cannot mean anything (nothing to validate, a pack's list not in force) or shapes that
    SHACL says must fail answer with a coded error naming what is missing, never a masked one."""
    try:
        yield
    except MissingInput as exc:
        raise user_error(str(exc), "MISSING_INPUT") from None
    except ShapesError as exc:
        raise user_error(str(exc), "INVALID_SHAPES") from None


def to_float(value: str | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(description="Where a page of a connection ends and whether another follows (Relay)")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page")
    end_cursor: str | None = strawberry.field(description="The cursor of the page's last item, the `after` of the "
                                                          "next page; null on an empty page")


def page_edges(edge_type, keys: list[str], nodes: list, more: bool, kind: str) -> tuple[list, PageInfo]:
    """Relay edges for one page (keyset cursors of a connection of `kind`) and its page info."""
    edges = [edge_type(cursor=cursor_of(k, kind), node=node) for k, node in zip(keys, nodes, strict=True) if node]
    return edges, PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None)


@strawberry.type(description="A part, material, supplier or product by its id and name")
class NamedRef:
    id: strawberry.ID = strawberry.field(description="Its id, as imported")
    name: str | None = strawberry.field(description="Its name; null or empty when the data gives none")
