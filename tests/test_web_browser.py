"""The workbench in a real browser: Playwright drives Debian's Chromium (/usr/bin/chromium; its
own browser download is not available here) against `parley serve` on loopback.

Open a case, type a bad value in a cell and see `parley validate`'s message on that cell, fix it,
run a forecast and see its charts, save two runs, find them in History, diff them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from test_report_browser import CHROMIUM, FLAGS  # noqa: E402
from webserver import serving  # noqa: E402

from parley.web import WebSettings  # noqa: E402
from parley.web.settings import bundled_cases_dir  # noqa: E402

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install chromium)"
)


@pytest.fixture
def browser_page(tmp_path: Path):
    settings = WebSettings(store=str(tmp_path / "web.sqlite"), cases_dir=bundled_cases_dir())
    with serving(settings) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        sync_api.expect.set_options(timeout=60_000)  # the machine may be busy: wait, don't fail
        try:
            yield base, page
        finally:
            browser.close()


def test_edit_validate_run_save_history_diff(browser_page) -> None:
    base, page = browser_page
    expect = sync_api.expect
    page.goto(base + "/")
    page.get_by_role("row", name="Iraq 2006").get_by_role("link", name="edit").click()
    expect(page.locator("h1")).to_contain_text("Edit: Iraq 2006")

    # a bad value: the message of `parley validate` appears on that cell
    cell = page.locator("#s-0-0-salience")
    note = page.locator('.cell-error[data-for="s-0-0-salience"]')
    cell.fill("abc")
    expect(note).to_have_text("stances.us_admin.withdrawal.salience: expected a number, got 'abc'")
    expect(cell).to_have_attribute("aria-invalid", "true")
    # fixed: the message goes
    cell.fill("90")
    expect(page.locator("#problems")).to_contain_text("ok: the case is valid")
    expect(note).to_have_text("")

    page.locator("#use").click()
    page.wait_for_url("**/run?case=store*")
    page.get_by_label("compromise").check()
    page.get_by_label("median").check()
    page.locator("#forecast").click()
    expect(page.locator("figure.chart svg").first).to_be_visible()
    expect(page.locator("table.forecast")).to_contain_text("Timetable of US withdrawal")

    page.locator("#label").fill("before the elections")
    page.locator("#save").click()
    expect(page.locator("#saved")).to_contain_text("saved as run 1")
    page.select_option("select[name=scenario]", "democratic-congress")
    page.locator("#label").fill("democrats win")
    page.locator("#save").click()
    expect(page.locator("#saved")).to_contain_text("saved as run 2")

    page.locator("#saved a").click()
    expect(page.locator("#run-1 .label")).to_have_text("before the elections")
    expect(page.locator("#run-2 .label")).to_have_text("democrats win")
    page.get_by_label("old 1").check()
    page.get_by_label("new 2").check()
    page.locator("#diff-button").click()
    diff = page.locator("#diff")
    expect(diff).to_contain_text("run 1 (before the elections) → run 2 (democrats win)")
    expect(diff).to_contain_text("run: scenario [] -> ['democratic-congress']")
    expect(diff).to_contain_text("of 10 changed")
    # the democratic-congress shift of the compromise withdrawal forecast (docs/report.md)
    expect(diff.get_by_role("row", name="Timetable of US withdrawal compromise")).to_contain_text(
        "-0.73 years"
    )
