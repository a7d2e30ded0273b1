"""GraphiQL in a real headless Chromium: the page loads from the server alone (no CDN), runs a query and
shows the answer. Chromium and ChromeDriver are Debian's (`make test` installs them)."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from .shacl_cases import build, material, part, sub
from .test_api import DBDPE, serve

IDE = Path(__file__).parents[1] / "api" / "static" / "graphiql"


def test_every_asset_of_the_page_is_served_locally_with_its_published_hash():
    page = (IDE / "index.html").read_text()
    assert "unpkg.com" not in page and "https://" not in re.sub(r'xmlns[^ ]*|http://www\.w3\.org[^ "]*', "", page)
    assets = re.findall(r'(?:src|href)="/graphql-ide/([^"]+)"\s+integrity="sha384-([^"]+)"', page)
    assert len(assets) == 7
    for name, digest in assets:
        assert base64.b64encode(hashlib.sha384((IDE / name).read_bytes()).digest()).decode() == digest, name


def _driver():
    from selenium import webdriver

    chromedriver = shutil.which("chromedriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    # `make test` installs Debian's chromium and chromium-driver; without them this test fails, it never skips
    assert chromedriver and chromium, "Chromium and ChromeDriver are missing: apt-get install chromium chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1400,900"):
        options.add_argument(flag)
    # the driver named explicitly: Selenium Manager would otherwise try to download one
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=chromedriver))


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("ide"), [
        part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], ["eu-reach-svhc"])
    yield from serve(store)


def test_graphiql_runs_a_query_in_headless_chromium(url):
    assert httpx.get(f"{url}/graphql-ide/graphiql-3.8.3.min.js").status_code == 200
    driver = _driver()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    query = '{ part(id: "housing") { id materials { substances { substance { cas } ppm } } } }'
    try:
        driver.get(f"{url}/graphql?q={quote(query, safe='')}")  # the page decodes %20, not +
        wait = WebDriverWait(driver, 30)
        run = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button")))
        run.click()
        wait.until(lambda d: DBDPE in d.find_element(By.CSS_SELECTOR, ".result-window").text)
        answer = driver.find_element(By.CSS_SELECTOR, ".result-window").text
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
    assert '"id": "housing"' in answer and '"ppm": 1100' in answer
    assert not errors, errors
