"""What every part of the schema shares: the request's store and loaders, argument checks that answer with
coded errors, keyset cursors and Relay page info, and the small types several subjects return."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import strawberry
from strawberry.types import Info

from complygraph.api.dataloaders import Loaders
from complygraph.api.errors import user_error
from complygraph.dates import iso_date
from complygraph.graph.shacl.errors import ShapesError
from complygraph.graph.shacl.packs import UnknownPack, available, check_names
from complygraph.graph.shacl.preconditions import MissingInput
from complygraph.graph.store import Store
from complygraph.identifiers import InvalidIdentifier, normalise_cas

MAX_PAGE = 100


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


def cursor_of(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def after_key(cursor: str | None) -> str | None:
    """The key a page starts after, from the `after` cursor a previous page gave."""
    if cursor is None:
        return None
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise user_error("after: not a cursor of this API", "BAD_CURSOR") from None


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


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def page_edges(edge_type, keys: list[str], nodes: list, more: bool) -> tuple[list, PageInfo]:
    """Relay edges for one page (keyset cursors) and its page info."""
    edges = [edge_type(cursor=cursor_of(k), node=node) for k, node in zip(keys, nodes, strict=True) if node]
    return edges, PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None)


@strawberry.type
class NamedRef:
    id: strawberry.ID
    name: str | None
