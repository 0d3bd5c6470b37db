"""A link straight to a page, as the first request a freshly started server gets, opens that page inside the app:
with its sidebar and the workspace (Streamlit runs a pages/ file on its own for that first request)."""

from benchmarks.serve import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_browser import server  # noqa: F401 (a server of this module's own: this test is its first visitor)


def test_a_deep_link_opens_the_page_with_its_sidebar_and_workspace(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{server}/plan")
        page.get_by_role("heading", name="2 · Rebalance plan").wait_for(timeout=60_000)
        expect(page.get_by_role("link", name="4 · Evaluate")).to_be_visible(timeout=30_000)  # the sidebar is there
        expect(page.get_by_text("kept on this server").first).to_be_visible()
        assert "workspace=" in page.url
        page.get_by_role("link", name="4 · Evaluate").click()
        page.get_by_role("heading", name="4 · Evaluate").wait_for(timeout=60_000)
        expect(page.get_by_text("Generate the rebalanced tables on the Plan step first")).to_be_visible(timeout=30_000)
        browser.close()
