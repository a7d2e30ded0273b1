"""The API's one credential: `Authorization: Bearer <token>` equal to $COMPLYGRAPH_WRITE_TOKEN.

It allows writes (the import mutations) and the details of `/healthz`. Without the variable the API is
read-only and nobody gets details. It is checked before an upload's body is read (`api.guard`), so an
anonymous client cannot make the server store anything, and again by each mutation.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

TOKEN_VARIABLE = "COMPLYGRAPH_WRITE_TOKEN"


def token_problem(headers: Mapping[str, str]) -> tuple[str, str] | None:
    """None when the request carries the write token, else (code, message) for the coded error."""
    expected = os.environ.get(TOKEN_VARIABLE, "")
    header = headers.get("authorization", "")
    given = header[7:] if header.lower().startswith("bearer ") else ""
    if not expected:
        return "FORBIDDEN", f"writes are disabled: the server has no {TOKEN_VARIABLE}"
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return "UNAUTHENTICATED", "a valid bearer token is required to write"
    return None


def authenticated(headers: Mapping[str, str]) -> bool:
    return token_problem(headers) is None
