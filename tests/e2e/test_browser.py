"""The pages in real headless Chromium (Debian's chromium + chromedriver) against the real service over the
sample corpus (the e2e `service_url`): search, facets, pages, a document, precedents for a draft.

`make screenshots` (DOCS_SCREENSHOTS=1) refreshes docs/screenshots/ from the running service.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest
from selenium import webdriver
from selenium.webdriver import Chrome
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT
from tests.e2e.conftest import unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROME_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",
]


@pytest.fixture(scope="session")
def driver() -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        unavailable("chromium/chromedriver missing: make install-browser")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in [*CHROME_ARGS, f"--user-data-dir={profile}"]:
        options.add_argument(arg)
    chrome = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    chrome.set_window_size(1280, 900)
    chrome.implicitly_wait(0)
    yield chrome
    chrome.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(driver: webdriver.Chrome, request: pytest.FixtureRequest) -> Iterator[webdriver.Chrome]:
    """The session's browser at desktop width; a screenshot of the last page lands in tests/artifacts/."""
    driver.set_window_size(1280, 900)
    yield driver
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))


@pytest.fixture
def full_page_shot(driver: webdriver.Chrome) -> Callable[[Path, int], None]:
    """Save the whole current page at a given width (the window grows to the page's height)."""

    def shoot(path: Path, width: int) -> None:
        driver.set_window_size(width, 900)
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        driver.set_window_size(width, min(max(height, 700), 2600))
        driver.execute_script("window.scrollTo(0, 0)")  # a document page scrolls to its first mark
        path.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(path))

    return shoot


# A draft that reuses wording of 聊城市烈士褒扬办法 (sample corpus, file 001) in other words.
DRAFT = (
    "第一条 为了弘扬烈士精神，做好烈士褒扬和烈士遗属抚恤优待工作，结合本县实际，制定本办法。\n"
    "第二条 烈士遗属就业时享受优惠：用人单位裁员时应当优先留用；从事个体经营的，优先办理证照。\n"
    "第三条 烈士遗属在本县免费乘坐公交车，参观博物馆、纪念馆等公共文化设施免收门票。"
)


def wait(driver: Chrome, seconds: float = 10) -> WebDriverWait[Chrome]:
    return WebDriverWait(driver, seconds)


def search_for(driver: Chrome, base: str, query: str) -> list[WebElement]:
    driver.get(base + "/")
    box = driver.find_element(By.ID, "q")
    box.send_keys(query)
    box.send_keys(Keys.ENTER)  # no suggestion chosen: Enter submits the form
    wait(driver).until(ec.url_contains("/search"))
    return driver.find_elements(By.CSS_SELECTOR, "li.hit")


def query_args(driver: Chrome) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def test_search_shows_highlighted_results(browser: Chrome, service_url: str) -> None:
    hits = search_for(browser, service_url, "古树名木保护")
    assert hits, "no results for 古树名木保护"
    assert '<html lang="zh-CN"' in browser.page_source
    assert "古树名木保护" in browser.title
    marked = browser.find_elements(By.CSS_SELECTOR, "li.hit .passage em")
    assert marked and all(m.text for m in marked)
    assert "古树" in hits[0].text
    assert not browser.find_elements(By.CSS_SELECTOR, ".passage script, .passage img")


def test_suggestions_are_keyboard_navigable(browser: Chrome, service_url: str) -> None:
    browser.get(service_url + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("烈士")
    options = wait(browser).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#q-suggest [role=option]") or False
    )
    assert box.get_attribute("aria-expanded") == "true"
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    assert options[0].get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ENTER)
    wait(browser).until(ec.url_contains("/documents/"))


def test_facet_filters_and_removes(browser: Chrome, service_url: str) -> None:
    search_for(browser, service_url, "通知")
    first = browser.find_element(By.CSS_SELECTOR, "#facet-kind + ul a")
    kind = first.find_element(By.CSS_SELECTOR, "span").text
    first.click()
    wait(browser).until(ec.url_contains("kind="))
    assert query_args(browser)["kind"] == [kind]
    badges = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "li.hit .badge")]
    assert badges and set(badges) == {kind}
    browser.find_element(By.CSS_SELECTOR, ".chips a").click()
    wait(browser).until(lambda d: "kind" not in query_args(d))


def test_pagination_moves_to_the_next_page(browser: Chrome, service_url: str) -> None:
    hits = search_for(browser, service_url, "工作")
    first_titles = [h.find_element(By.TAG_NAME, "h2").text for h in hits]
    browser.find_element(By.CSS_SELECTOR, "nav[aria-label=分页] a[rel=next]").click()
    wait(browser).until(ec.url_contains("page=2"))
    current = browser.find_element(By.CSS_SELECTOR, ".pager [aria-current=page]")
    assert current.text == "2"
    titles = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "li.hit h2")]
    assert titles and titles != first_titles


def test_open_a_document_with_the_query_marked(browser: Chrome, service_url: str) -> None:
    search_for(browser, service_url, "烈士褒扬")
    browser.find_element(By.CSS_SELECTOR, "li.hit h2 a").click()
    wait(browser).until(ec.url_contains("/documents/"))
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, ".doc-body mark")
    assert browser.find_elements(By.CSS_SELECTOR, ".doc-body .article-no"), "articles 第X条 not laid out"
    assert browser.find_element(By.ID, "similar-h").is_displayed()


def test_unknown_document_is_a_page(browser: Chrome, service_url: str) -> None:
    browser.get(service_url + "/documents/no-such-document")
    assert browser.find_element(By.TAG_NAME, "h1").text == "页面不存在"


def test_draft_finds_aligned_precedents(browser: Chrome, service_url: str) -> None:
    browser.get(service_url + "/similar")
    area = browser.find_element(By.ID, "draft")
    # Setting the value stands in for a paste (send_keys types character by character).
    browser.execute_script("arguments[0].value = arguments[1]", area, DRAFT)
    browser.find_element(By.CSS_SELECTOR, "form.draft-form button[type=submit]").click()
    wait(browser, 30).until(ec.presence_of_element_located((By.ID, "prec-h")))
    first = browser.find_element(By.CSS_SELECTOR, "details.precedent")
    assert first.get_attribute("open") is not None
    assert "烈士" in first.find_element(By.CSS_SELECTOR, "summary .title").text
    rows = first.find_elements(By.CSS_SELECTOR, ".align-row:not(.align-head)")
    assert rows
    pct = rows[0].find_element(By.CSS_SELECTOR, ".sim strong").text
    assert pct.endswith("%") and 0 < int(pct[:-1]) <= 100
    assert rows[0].find_element(By.TAG_NAME, "meter").get_attribute("value")


def test_phone_width_has_no_sideways_scroll(browser: Chrome, service_url: str) -> None:
    browser.set_window_size(375, 800)
    for path in ["/", "/search?q=" + quote("烈士褒扬"), "/similar"]:
        browser.get(service_url + path)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= browser.execute_script("return window.innerWidth"), path


@pytest.mark.skipif(not os.environ.get("DOCS_SCREENSHOTS"), reason="set DOCS_SCREENSHOTS=1 to refresh docs/")
def test_docs_screenshots(
    browser: Chrome, service_url: str, full_page_shot: Callable[[Path, int], None]
) -> None:
    """docs/screenshots/{search,document,similar}-{desktop,phone}.png, from the running service, each of a
    page showing what the docs say it shows."""
    out = ROOT / "docs" / "screenshots"
    for width, label in [(1280, "desktop"), (390, "phone")]:
        browser.set_window_size(width, 900)
        assert search_for(browser, service_url, "古树名木保护"), "the search page shows no hits"
        assert browser.find_elements(By.CSS_SELECTOR, "li.hit em"), "no highlighted words"
        full_page_shot(out / f"search-{label}.png", width)
        browser.set_window_size(width, 900)
        browser.find_element(By.CSS_SELECTOR, "li.hit h2 a").click()
        wait(browser).until(ec.url_contains("/documents/"))
        full_page_shot(out / f"document-{label}.png", width)
        browser.set_window_size(width, 900)
        browser.get(service_url + "/similar")
        area = browser.find_element(By.ID, "draft")
        browser.execute_script("arguments[0].value = arguments[1]", area, DRAFT)
        browser.find_element(By.CSS_SELECTOR, "form.draft-form button[type=submit]").click()
        wait(browser, 30).until(ec.presence_of_element_located((By.ID, "prec-h")))
        assert browser.find_element(By.ID, "prec-h").text.startswith("找到"), "no precedent found"
        full_page_shot(out / f"similar-{label}.png", width)
    for path in out.glob("*.png"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
