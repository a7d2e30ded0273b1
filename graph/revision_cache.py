"""Answers that take seconds to compute and change only when the store does.

A list change's impact on 100k parts is the same for every engineer who asks until somebody writes to
the store, so it is kept per store revision (`Store.revision()`, one cheap lookup per request). A write
through complygraph gives the store a new revision, which makes every kept answer unreachable; nothing
has to be invalidated by hand. Writes that bypass complygraph (a raw SPARQL update on a remote endpoint)
do not change the revision: restart the server after those.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from complygraph.graph.store import Store


class RevisionCache:
    """Answers kept per (store revision, key), the `size` most recently used."""

    def __init__(self, store: Store, size: int = 32) -> None:
        self.store = store
        self.size = size
        self._data: OrderedDict[tuple[str, Hashable], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple[str, Hashable], threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The kept answer for `key` at the store's current revision, computed once if missing.

        The revision is read before computing: if a write lands meanwhile, the answer is kept under the
        old revision, which no later request asks for, so a stale answer is never served.
        """
        k = (self.store.revision(), key)
        with self._lock:
            if k in self._data:
                self._data.move_to_end(k)
                return self._data[k]
            gate = self._computing.setdefault(k, threading.Lock())
        with gate:  # concurrent askers of the same answer wait for one computation
            with self._lock:
                if k in self._data:
                    return self._data[k]
            value = compute()
            with self._lock:
                self._data[k] = value
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
                self._computing.pop(k, None)
        return value

    def __len__(self) -> int:
        return len(self._data)
