"""Error policy: every error a client sees has a code in `extensions.code`, never a stack trace, and no
server path (the store's folder or URL, a temporary upload folder), which would tell an attacker where
things are; a file is named by its base name, which is what the user uploaded."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult

# an absolute POSIX path of two or more segments, not part of an IRI or a word ("https://x/y", "mg/kg")
_PATH = re.compile(r"(?<![\w:/.~-])/(?:[\w.@+~-]+/)+([\w.@+~-]*)")
INTERNAL = "Unexpected error."
log = logging.getLogger("complygraph.api")


def user_error(message: str, code: str = "BAD_USER_INPUT") -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def should_mask(error: GraphQLError) -> bool:
    """Errors that complygraph did not word for the client (a bug, a store failure) are shown as INTERNAL."""
    original = getattr(error, "original_error", None)
    return original is not None and not isinstance(original, GraphQLError)


def scrub(message: str, secrets: tuple[str, ...] = ()) -> str:
    """`message` without server paths: each of `secrets` (the store's location) becomes "the store", any
    other absolute path its base name."""
    for secret in secrets:
        if secret and secret != ":memory:":
            message = message.replace(secret, "the store")
    return _PATH.sub(lambda m: m.group(1) or "", message)


def _code(error: GraphQLError) -> str:
    if isinstance(error, GraphQLSyntaxError) or isinstance(error.original_error, GraphQLSyntaxError):
        # the token limit stops the parser (graphql-core: "Document contains more than N tokens. Parsing aborted.")
        return "TOO_MANY_TOKENS" if "tokens. Parsing aborted" in error.message else "GRAPHQL_PARSE_FAILED"
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return "BAD_USER_INPUT"


def coded(error: GraphQLError, secrets: tuple[str, ...] = ()) -> GraphQLError:
    """The error as the client may see it: masked if unexpected, with a code, without server paths."""
    if should_mask(error):
        return GraphQLError(INTERNAL, error.nodes, error.source, error.positions, error.path,
                            extensions={"code": "INTERNAL_SERVER_ERROR"})
    extensions = dict(error.extensions or {})
    extensions.setdefault("code", _code(error))
    return GraphQLError(scrub(error.message, secrets), error.nodes, error.source, error.positions, error.path,
                        error.original_error, extensions)


def _secrets(context: object) -> tuple[str, ...]:
    store = context.get("store") if isinstance(context, dict) else None
    return (str(getattr(store, "location", "")),)


class ErrorPolicy(SchemaExtension):
    """Applies `coded` to every error of a result (in place of strawberry's MaskErrors, which leaves the
    masked error without a code)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is None or not errors:
            return
        result.errors = [coded(e, _secrets(self.execution_context.context)) for e in errors]


class Schema(strawberry.Schema):
    """Logs an error worded for the client (unknown list, bad date, a refused query) as one line, and keeps the
    traceback for the unexpected ones: strawberry logs a full traceback for every error, which buried the
    failures worth reading under expected ones. Codes the errors no extension saw: a syntax error (the token
    limit included) is raised while the parser cache enters its hook, and strawberry answers it after the
    operation's hooks have ended, without `ErrorPolicy` (QA7 B09)."""

    async def execute(self, *args, **kwargs) -> ExecutionResult:  # type: ignore[override]
        result = await super().execute(*args, **kwargs)
        if result.errors and any(not (e.extensions or {}).get("code") for e in result.errors):
            context = kwargs.get("context_value", args[2] if len(args) > 2 else None)
            result.errors = [e if (e.extensions or {}).get("code") else coded(e, _secrets(context))
                             for e in result.errors]
        return result

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        unexpected = [e for e in errors if should_mask(e)]
        for error in errors:
            if not should_mask(error):
                log.info("%s: %s", (error.extensions or {}).get("code") or _code(error), error.message)
        if unexpected:
            super().process_errors(unexpected, execution_context)
