"""eu-rohs on Virtuoso, on a Virtuoso server of its own.

With 16 threads per query, in two CI runs and 3 of 20 local runs of tests/test_virtuoso.py (2026-12-04), an eu-rohs
query stalled, two `ExemptionStatusUnverified` warnings were missing, or the `HomogeneousMaterialLimits` violation
of P0000007-M2 (cadmium 101.6 ppm > 100 ppm) was missing: a false pass. The test server runs one thread per query
(tests/conftest.py), and eu-rohs still failed once in CI (2026-12-05): the cause is not found. Not strict: the
comparison passes whenever Virtuoso behaves; a validation of eu-rohs on Virtuoso says so in its report.

Its own server because a stall outlived the test: on 2026-12-06 a stalled eu-rohs query left the shared server
answering nothing within 120 s, and every Virtuoso test after it failed. This server is stopped (killed if it must
be) when the module ends, whatever it is doing.
"""

from __future__ import annotations

import pytest

from complygraph.graph.store import StoreError

from .conftest import running_virtuoso
from .test_virtuoso import build_stores, compare_validations


@pytest.fixture(scope="module")
def own_stores(tmp_path_factory):
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-eu-rohs")) as url:
        yield build_stores(url, tmp_path_factory)


@pytest.mark.xfail(raises=(StoreError, AssertionError), strict=False,
                   reason="Virtuoso 7.2.5 stalled on, or missed results of, an eu-rohs exemption query in CI runs")
def test_eu_rohs_on_virtuoso_gives_the_embedded_stores_results(own_stores):
    compare_validations(*own_stores, "eu-rohs")
