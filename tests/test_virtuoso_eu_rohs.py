"""eu-rohs on Virtuoso, on a Virtuoso server of its own.

Until 2026-12-07 eu-rohs on Virtuoso 7.2.5 failed now and then (CI runs from 2026-12-04, 3 of 20 local runs): a
query stalled with every server thread waiting, two `ExemptionStatusUnverified` warnings were missing, or a
`HomogeneousMaterialLimits` violation was (a false pass). The cause was Virtuoso's plans, chosen from statistics it
samples anew on each server start; eu-rohs's compiled queries now keep their written join order there
(graph/dialects.py `ordered_packs`). This module starts a server of its own, as the failures depended on the
server start, and so that a stall, should one come back, cannot outlive it: the server is stopped (killed if it
must be) when the module ends, whatever it is doing.
"""

from __future__ import annotations

import pytest

from .conftest import running_virtuoso
from .test_virtuoso import build_stores, compare_validations


@pytest.fixture(scope="module")
def own_stores(tmp_path_factory):
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-eu-rohs")) as url:
        yield build_stores(url, tmp_path_factory)


def test_eu_rohs_on_virtuoso_gives_the_embedded_stores_results(own_stores):
    compare_validations(*own_stores, "eu-rohs")
