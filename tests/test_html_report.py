"""The HTML report (complygraph/html_report, issue 13 item 4): one self-contained page with the product x
regulation status matrix, the impact of a list change by supplier and by product as SVG charts, a BOM tree
per product with the parts and substances that decide its status, and the validation run's summary.

Parsed with lxml for what it says, then opened from disk by a real headless Chromium (as GraphiQL is in
tests/test_graphiql.py): no console error (so the Content-Security-Policy admits the page's own style and
script and nothing else), the key elements found and displayed, a screenshot taken.

The store is test_status.py's, plus a second supplier and n-hexane (Candidate List since 2026-02-04), so the
list change from 2025-06-25 to 2026-02-04 (DBDPE and n-hexane added) touches two suppliers and two products.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import lxml.html
import pytest
from pyoxigraph import Literal

from complygraph.graph.changes import list_change_answer
from complygraph.graph.shacl import validate
from complygraph.html_report import render_report, write_report
from complygraph.html_report.charts import Bar, Series, bar_chart, nice_ticks
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub

AT = dt.date(2026, 11, 23)
PB, DBDPE, SILICA, HEXANE = "7439-92-1", "84852-53-9", "7631-86-9", "110-54-3"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
PACKS = ["eu-rohs", "eu-reach-svhc", "data-quality"]
CHANGE = ("eu-reach-svhc", "2025-06-25", "2026-02-04")
HOSTILE = '<img src="https://evil.example/x.png" onerror="alert(1)"> & "Co"'  # a product name, as typed
SUPPLIER2 = "Other <Supplier> & Co"
GENERATED = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    undeclared = part("NODECL", 1000, material("m-nodecl", 1000, sub(SILICA, 1000)))
    undeclared["declaration_date"] = ""
    store = build(tmp_path_factory.mktemp("html-report"), [
        part("LEAD", 1000, material("m-lead", 1000, sub(PB, 20), category="solder")),  # 2 %: over Annex II
        part("CLEAN", 1000, material("m-clean", 1000, sub(SILICA, 1000))),
        part("SVHC", 1000, material("m-svhc", 1000, sub(DBDPE, 5), sub(SILICA, 995))),  # 0.5 %: Art. 33
        part("HEX", 1000, material("m-hex", 1000, sub(HEXANE, 5), sub(SILICA, 995))),  # 0.5 %
        part("HEX2", 1000, material("m-hex2", 1000, sub(HEXANE, 0.5), sub(SILICA, 999.5))),  # 0.05 %
        part("EXEMPT", 1000, material("m-exempt", 1000, sub(PB, 10, exemption="46"), category="pvc")),
        undeclared,
        part("SUB", 1000, material("m-sub", 1000, sub(SILICA, 1000))),
    ], LISTS, products=[
        product("BAD", "3", "CLEAN", "SUB"),
        product("DUTY", "3", "CLEAN", "SVHC", "HEX"),
        product("HEXONLY", "3", "HEX2"),
        product("EXEMPTED", "11", "CLEAN", "EXEMPT"),
        product("UNDECLARED", "3", "CLEAN", "NODECL"),
        product("GOOD", "3", "CLEAN"),
    ])
    # the lead part sits one level down in BAD, twice: BAD -> SUB (x1) -> LEAD (x2)
    store.update(f"""INSERT DATA {{ <{ID}bom/SUB/LEAD> cg:parent <{ID}part/SUB> ; cg:child <{ID}part/LEAD> ;
                                   cg:quantity 2 }}""")
    # the n-hexane parts come from a second supplier; names with markup in them
    store.update(f"""DELETE {{ ?p cg:suppliedBy ?s }} INSERT {{ ?p cg:suppliedBy <{ID}supplier/S2> }}
                     WHERE {{ VALUES ?p {{ <{ID}part/HEX> <{ID}part/HEX2> }} ?p cg:suppliedBy ?s }}""")
    store.update(f"""INSERT DATA {{ <{ID}supplier/S2> a cg:Supplier ; dct:identifier "S2" ;
                                   rdfs:label {Literal(SUPPLIER2)} }}""")
    store.update(f"""DELETE {{ <{ID}product/GOOD> rdfs:label ?l }} INSERT {{ <{ID}product/GOOD> rdfs:label
                     {Literal(HOSTILE)} }} WHERE {{ <{ID}product/GOOD> rdfs:label ?l }}""")
    return store


@pytest.fixture(scope="module")
def report(store):
    return validate(store, PACKS, AT)


@pytest.fixture(scope="module")
def page(store, report, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("page") / "report.html"
    write_report(path, render_report(store, report=report, change=CHANGE, generated=GENERATED))
    return path


@pytest.fixture(scope="module")
def doc(page):
    return lxml.html.document_fromstring(page.read_bytes())


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _cell(doc, product_id: str, pack: str):
    [cell] = doc.xpath(f'//table[@id="matrix"]//tr[@data-product="{product_id}"]/td[@data-pack="{pack}"]')
    return cell


@pytest.mark.parametrize(("product_id", "pack", "status"), [
    ("BAD", "eu-rohs", "non-compliant"),
    ("BAD", "eu-reach-svhc", "obligations"),
    ("DUTY", "eu-rohs", "compliant"),
    ("DUTY", "eu-reach-svhc", "obligations"),
    ("EXEMPTED", "eu-rohs", "compliant with exemptions"),
    ("UNDECLARED", "eu-rohs", "unknown"),
    ("UNDECLARED", "eu-reach-svhc", "unknown"),
    ("GOOD", "eu-rohs", "compliant"),
    ("GOOD", "eu-reach-svhc", "compliant"),
    ("HEXONLY", "eu-reach-svhc", "compliant"),  # n-hexane at 0.05 % of the article
])
def test_each_matrix_cell_gives_the_status_in_words_and_colour(doc, product_id, pack, status):
    cell = _cell(doc, product_id, pack)
    assert cell.get("data-status") == status
    assert f"st-{status.replace(' ', '-')}" in cell.get("class").split()  # the colour
    [badge] = cell.xpath('.//span[contains(@class, "badge")]')
    assert _text(badge).endswith(status)  # the words, not colour alone


def test_the_matrix_has_one_row_per_product_worst_first_and_a_column_per_pack(doc):
    rows = doc.xpath('//table[@id="matrix"]/tbody/tr/@data-product')
    assert sorted(rows) == ["BAD", "DUTY", "EXEMPTED", "GOOD", "HEXONLY", "UNDECLARED"]
    assert rows[0] == "BAD" and rows[1] == "UNDECLARED"  # non-compliant, then unknown
    assert doc.xpath('//table[@id="matrix"]/thead//th/@data-pack') == PACKS
    legend = _text(doc.get_element_by_id("legend"))
    for status in ("non-compliant", "unknown", "obligations", "compliant with exemptions", "compliant"):
        assert status in legend


def test_a_cell_names_the_parts_that_decide_it(doc):
    assert _text(_cell(doc, "BAD", "eu-rohs").xpath('.//small[@class="why"]')[0]) == "LEAD"
    assert _text(_cell(doc, "UNDECLARED", "eu-rohs").xpath('.//small[@class="why"]')[0]) == "NODECL"
    assert not _cell(doc, "GOOD", "eu-rohs").xpath('.//small[@class="why"]')


def test_the_bom_tree_names_the_deciding_part_its_path_and_substance(doc):
    [tree] = doc.xpath('//section[@id="bom"]/details[@data-product="BAD"]')
    assert "st-non-compliant" in tree.get("class")
    [why] = tree.xpath('.//ul[@class="deciding-list"]/li[@data-part="LEAD"]')
    assert "eu-rohs" in why.get("data-packs").split()
    text = _text(why)
    assert "BAD › SUB › LEAD" in text and "× 2 per product" in text and "non-compliant in eu-rohs" in text
    assert f"{PB} Lead" in text  # the substance, by CAS and name
    # in the tree: BAD -> SUB (open, coloured by the lead below it) -> LEAD, marked as deciding
    [sub_node] = tree.xpath('.//ul[@class="tree"]/li/details[summary/span[@data-part="SUB"]]')
    assert sub_node.get("open") is not None
    assert sub_node.xpath('summary/span')[0].get("data-status") == "non-compliant"
    [lead] = sub_node.xpath('ul/li[contains(@class, "deciding")]')
    assert lead.xpath('span[@class and @data-part]')[0].get("data-part") == "LEAD"
    assert "decides" in _text(lead) and "non-compliant" in _text(lead)
    # a clean branch is there, closed or a leaf, and compliant
    [clean] = tree.xpath('.//span[@data-part="CLEAN"]')
    assert clean.get("data-status") == "compliant"


def test_the_trees_say_why_for_unknown_and_exempted_products(doc):
    [why] = doc.xpath('//details[@data-product="UNDECLARED"]//ul[@class="deciding-list"]/li[@data-part="NODECL"]')
    assert "unknown in every pack" in _text(why) and "declaration" in _text(why)
    [why] = doc.xpath('//details[@data-product="EXEMPTED"]//ul[@class="deciding-list"]/li[@data-part="EXEMPT"]')
    assert "compliant with exemptions in eu-rohs" in _text(why) and "(46)" in _text(why)
    assert _text(doc.xpath('//details[@data-product="GOOD"]//p[@class="why-none"]')[0]) == "No finding in any pack."


def _bars(doc, chart: str) -> dict[str, dict[str, str]]:
    """bar label -> series -> value, from the SVG."""
    [svg] = doc.xpath(f'//figure[@id="{chart}"]/svg')
    return {g.get("data-label"): {r.get("data-series"): r.get("data-value") for r in g.xpath("rect")}
            for g in svg.xpath('g[@class="bar"]')}


def test_the_list_change_impact_is_charted_by_supplier_and_by_product(doc):
    title = doc.xpath('//p[@class="change-title"]')[0]
    assert (title.get("data-list"), title.get("data-from"), title.get("data-to")) == CHANGE
    added = _text(doc.xpath('//ul[@class="entries"]')[0])
    assert "DBDPE" in added and "n-hexane" in added
    # S2 holds both n-hexane parts (one above 0.1 %), S1 the DBDPE part; most touched first
    bars = _bars(doc, "chart-suppliers")
    assert list(bars) == [f"S2 {SUPPLIER2}", "S1 Test Supplier"]
    assert bars == {f"S2 {SUPPLIER2}": {"added": "2"}, "S1 Test Supplier": {"added": "1"}}
    notes = [_text(t) for t in doc.xpath('//figure[@id="chart-suppliers"]/svg/g/text[@class="value"]')]
    assert notes == ["2 parts · 1 above threshold", "1 part · 1 above threshold"]
    assert _bars(doc, "chart-products") == {"DUTY product DUTY": {"added": "2"},
                                            "HEXONLY product HEXONLY": {"added": "1"}}
    # the numbers as a table too
    rows = doc.xpath('//table[@id="chart-suppliers-table"]/tbody/tr')
    assert [[_text(c) for c in r] for r in rows][0] == [f"S2 {SUPPLIER2}", "2", "0", "0", "2", "1"]


def test_the_status_chart_counts_products_per_status_and_pack(doc):
    bars = _bars(doc, "chart-status")
    assert bars["eu-rohs"] == {"non-compliant": "1", "unknown": "1", "compliant-with-exemptions": "1", "compliant": "3"}
    # BAD (2 % lead), DUTY (DBDPE, n-hexane), EXEMPTED (1 % lead); HEXONLY's n-hexane is at 0.05 %
    assert bars["eu-reach-svhc"] == {"unknown": "1", "obligations": "3", "compliant": "2"}


def test_the_summary_gives_date_packs_lists_and_counts_per_pack_and_severity(doc, report):
    assert _text(doc.get_element_by_id("evaluated-at")) == "2026-11-23"
    assert _text(doc.get_element_by_id("packs")) == ", ".join(PACKS)
    assert _text(doc.get_element_by_id("verdict")).startswith("no (1 Violation")
    counts = report.counts()
    for pack in PACKS:
        [row] = doc.xpath(f'//table[@id="counts"]/tbody/tr[@data-pack="{pack}"]')
        for severity in ("Violation", "Warning", "Info"):
            assert row.xpath(f'td[@data-severity="{severity}"]')[0].text == str(counts.get((pack, severity), 0))
    [svhc] = doc.xpath('//ul[@class="lists"]/li[@data-list="eu-reach-svhc"]')
    assert "version of 2026-02-04" in _text(svhc)
    assert "2026-11-23 09:30 UTC" in _text(doc.xpath("//footer")[0])


def test_the_page_loads_nothing_from_anywhere(doc, page):
    for el in doc.xpath("//*[@src or @href]"):
        for attr in ("src", "href"):
            value = el.get(attr)
            assert value is None or value.startswith("#") or value == "data:,", (el.tag, value)
    assert not doc.xpath('//script[@src] | //link[@rel="stylesheet"] | //img | //iframe | //object')
    [csp] = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert csp.startswith("default-src 'none';") and "'unsafe-inline'" not in csp
    assert not doc.xpath("//*[@style]")  # the policy forbids style attributes
    assert not re.search(r"(?:url\(|@import)", page.read_text(encoding="utf-8"))


def test_text_from_the_data_is_escaped(doc, page):
    [row] = doc.xpath('//table[@id="matrix"]/tbody/tr[@data-product="GOOD"]')
    assert HOSTILE in _text(row)  # shown as typed, not interpreted
    assert not doc.xpath("//img") and not doc.xpath("//*[@onerror]")
    assert "evil.example" not in "".join(doc.xpath("//@src | //@href"))


def test_without_a_change_the_newest_candidate_list_update_is_shown(store, report):
    doc = lxml.html.document_fromstring(render_report(store, report=report))
    title = doc.xpath('//p[@class="change-title"]')[0]
    assert (title.get("data-from"), title.get("data-to")) == ("2025-11-05", "2026-02-04")
    assert "S1 Test Supplier" not in _bars(doc, "chart-suppliers")  # DBDPE came before: only n-hexane


def test_a_change_answer_the_caller_has_gives_the_same_page(store, report, page):
    """The API keeps list-change answers per store revision; passing one in must not change the page."""
    since, until = (dt.date.fromisoformat(d) for d in CHANGE[1:])
    answer = list_change_answer(store, CHANGE[0], since, until)
    again = render_report(store, report=report, change=CHANGE, change_answer=answer, generated=GENERATED)
    assert again == page.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="change_answer needs the change"):
        render_report(store, report=report, change_answer=answer)


def test_a_large_tree_is_cut_and_says_so_while_the_deciding_parts_stay(store, report):
    doc = lxml.html.document_fromstring(render_report(store, report=report, change=CHANGE, max_tree_parts=1,
                                                      max_trees=2))
    [bad] = doc.xpath('//details[@data-product="BAD"]')
    assert "1 more node not shown" in _text(bad.xpath('p[@class="cut"]')[0])
    assert bad.xpath('.//li[@data-part="LEAD"]')  # the Why list is complete
    assert "Tree not drawn" in _text(doc.xpath('//details[@data-product="GOOD"]/p[@class="cut"]')[0])


def test_nice_ticks_are_round_and_cover_the_largest_bar():
    assert nice_ticks(17) == [0, 5, 10, 15, 20]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(1234)[-1] >= 1234


def test_a_chart_without_bars_says_so():
    html = bar_chart([], [Series("a", "A", "#000")], title="t", unit="parts", chart_id="c")
    assert "nothing to show" in html and "<svg" in html
    one = bar_chart([Bar("<x>", {"a": 2})], [Series("a", "A", "#000")], title="t", unit="parts", chart_id="c")
    assert "&lt;x&gt;" in one and "<x>" not in one


def test_the_templates_are_shipped_with_the_package():
    """A wheel holds only the files pyproject lists: without the templates the report fails on install."""
    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "complygraph.html_report" in config["packages"]
    globs = config["package-data"].get("complygraph.html_report", [])
    folder = Path(__file__).parents[1] / "complygraph" / "html_report"
    for f in (folder / "templates").iterdir():
        assert any(f.relative_to(folder).match(g) for g in globs), f"{f.name} is not in package-data"


def test_the_page_in_headless_chromium(page, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from .test_graphiql import _driver

    driver = _driver()
    shot = tmp_path / "report.png"
    try:
        driver.get(page.as_uri())
        # the page's script ran: the Content-Security-Policy admits it by its hash
        WebDriverWait(driver, 20).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("data-ready"))
        cell = driver.find_element(By.CSS_SELECTOR, '#matrix tr[data-product="BAD"] td[data-pack="eu-rohs"]')
        assert cell.is_displayed() and "non-compliant" in cell.text and "LEAD" in cell.text
        badge = cell.find_element(By.CSS_SELECTOR, ".badge")
        assert badge.value_of_css_property("background-color") == "rgba(255, 235, 233, 1)"  # the stylesheet applied
        bars = driver.find_elements(By.CSS_SELECTOR, "#chart-suppliers g.bar rect")
        assert len(bars) == 2 and all(b.is_displayed() and b.size["width"] > 0 for b in bars)
        widths = [b.size["width"] for b in bars]
        assert widths[0] == pytest.approx(2 * widths[1], rel=0.05)  # 2 parts against 1
        assert driver.find_elements(By.CSS_SELECTOR, "#chart-products g.bar")
        lead = driver.find_element(By.CSS_SELECTOR, 'details[data-product="BAD"] li.deciding span[data-part="LEAD"]')
        assert lead.is_displayed()  # the branch to the deciding part is open when the page loads
        driver.find_element(By.ID, "collapse-all").click()
        assert not lead.is_displayed()
        driver.find_element(By.ID, "expand-all").click()
        assert lead.is_displayed()
        assert driver.execute_script("return [...document.querySelectorAll('#bom details')].every(d => d.open)")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1400, min(height + 120, 10_000))
        assert driver.save_screenshot(str(shot))
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
    assert not errors, errors
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
