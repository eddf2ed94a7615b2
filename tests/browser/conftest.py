"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live
server. Where Chromium is not installed they skip, saying how to install it."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# (fixtures, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: install Debian's Chromium (apt-get install chromium)"
    )
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_survey(live_server, instrument_source):
    """The study's survey in the live server's database."""
    from surveys.instrument import parse_instrument
    from surveys.services import instrument_load

    survey = instrument_load(spec=parse_instrument(instrument_source)).survey
    survey.base_url = f"{live_server.url}/s/{survey.slug}/"
    return survey


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class Keyboard:
    """Answers by keyboard only: Tab to a control, then arrows, space and enter."""

    def __init__(self, page) -> None:
        self.page = page

    def focused_matches(self, selector: str) -> bool:
        return self.page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        )

    def tab_to(self, selector: str, limit: int = 200) -> None:
        for _ in range(limit):
            if self.focused_matches(selector):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {selector}")

    def choose(self, name: str, index: int) -> None:
        """The index-th option of a radio group (a choice question or a 0-10 scale), or of a
        select (a long list: arrows from its "Choose…")."""
        if self.page.locator(f'select[name="{name}"]').count():
            self.tab_to(f'select[name="{name}"]')
            for _ in range(index + 1):
                self.page.keyboard.press("ArrowDown")
            return
        self.tab_to(f'input[type=radio][name="{name}"]')
        if index == 0:
            self.page.keyboard.press("Space")
        for _ in range(index):
            self.page.keyboard.press("ArrowRight")

    def tick(self, name: str, value: str) -> None:
        self.tab_to(f'input[type=checkbox][name="{name}"][value="{value}"]')
        self.page.keyboard.press("Space")

    def type(self, name: str, text: str) -> None:
        self.tab_to(f'[name="{name}"]')
        self.page.keyboard.type(text)

    def press_and_wait(self, key: str) -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def submit(self, value: str = "next") -> None:
        self.tab_to(f'button[value="{value}"]')
        self.press_and_wait("Enter")


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
