"""How much one API server may take on: deadlines, thread pools and request sizes, from the environment.

Every figure has a default that suits a laptop and a small server; an operator changes one with an
environment variable, read once when the app is created (`create_app(store, settings=...)` in tests).

| variable | default | what it bounds |
|---|---|---|
| `COMPLYGRAPH_API_DEADLINE` | 30 s | a query's time, after which the client gets DEADLINE_EXCEEDED |
| `COMPLYGRAPH_API_WRITE_DEADLINE` | 600 s | an import's time (a 100k-part import takes minutes) |
| `COMPLYGRAPH_API_WORKERS` | 4 per core, 4 to 32 | threads that run store work off the event loop |
| `COMPLYGRAPH_API_HEAVY` | half the cores, at least 1 | validations and impact analyses computed at once |
| `COMPLYGRAPH_API_MAX_BODY` | 1 MB | a JSON request body or a GET query string |
| `COMPLYGRAPH_API_MAX_UPLOAD` | 200 MB | a multipart upload, all files together |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _number(name: str, default: float, low: float) -> float:
    """A positive number from the environment; a typo must not start a server without limits."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}: expected a number, got {text!r}") from None
    if value < low:
        raise ValueError(f"{name}: must be at least {low}, got {text!r}")
    return value


def _cores() -> int:
    return os.cpu_count() or 1


@dataclass(frozen=True)
class ApiSettings:
    """The limits of one server. Threads cannot be killed in Python, so a deadline ends the client's wait,
    not the work: `workers` and `heavy` are what really bound the machine's load."""

    deadline: float = 30.0
    write_deadline: float = 600.0
    workers: int = field(default_factory=lambda: min(32, max(4, 4 * _cores())))
    heavy: int = field(default_factory=lambda: max(1, _cores() // 2))
    max_body: int = 1_000_000
    max_upload: int = 200_000_000

    @classmethod
    def from_env(cls) -> ApiSettings:
        base = cls()
        return cls(deadline=_number("COMPLYGRAPH_API_DEADLINE", base.deadline, 0.01),
                   write_deadline=_number("COMPLYGRAPH_API_WRITE_DEADLINE", base.write_deadline, 0.01),
                   workers=int(_number("COMPLYGRAPH_API_WORKERS", base.workers, 2)),
                   heavy=int(_number("COMPLYGRAPH_API_HEAVY", base.heavy, 1)),
                   max_body=int(_number("COMPLYGRAPH_API_MAX_BODY", base.max_body, 1_000)),
                   max_upload=int(_number("COMPLYGRAPH_API_MAX_UPLOAD", base.max_upload, 1_000)))
