"""`validate --fail-on-unknown`: a CI gate that passes only what is known to comply (QA9 B10). Without it a part
nobody declared leaves its status unknown and `validate` exits 0, as the README says (0 = no Violation); with it
the same store exits 1, and a store where everything is known still exits 0."""

from __future__ import annotations

from typer.testing import CliRunner

from complygraph.cli import app

from .shacl_cases import build, material, part, product, sub

runner = CliRunner()
CU = "7440-50-8"


def _store(tmp_path, with_undeclared: bool) -> str:
    parts = [part("CLEAN", 1000, material("m-clean", 1000, sub(CU, 1000)))]
    parts += [part("NOBODY", 1000)] if with_undeclared else []
    build(tmp_path, parts, ["eu-rohs-annex-ii"], products=[product("tv", "3", *(p["id"] for p in parts))])
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-rohs-annex-ii"]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "data"), "--store", store]).exit_code == 0
    return store


def _validate(store: str, *options: str) -> object:
    return runner.invoke(app, ["validate", "--store", store, "--pack", "eu-rohs", "--pack", "data-quality",
                               "--at", "2026-11-23", *options])


def test_an_unknown_status_exits_0_by_default_and_1_with_fail_on_unknown(tmp_path):
    store = _store(tmp_path, with_undeclared=True)
    plain = _validate(store)
    assert plain.exit_code == 0 and "status unknown:" in plain.output, plain.output
    gated = _validate(store, "--fail-on-unknown")
    assert gated.exit_code == 1, gated.output


def test_fail_on_unknown_passes_a_store_where_everything_is_known(tmp_path):
    result = _validate(_store(tmp_path, with_undeclared=False), "--fail-on-unknown")
    assert result.exit_code == 0 and "status unknown:" not in result.output, result.output
