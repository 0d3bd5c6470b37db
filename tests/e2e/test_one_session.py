"""One session, one truth, in a real headless Chromium: settings and results outlive page visits, results of
another column are never shown as current, a reload of the page's own link brings the session back, and a
downloaded report offers no button that sends a chart away."""

from pathlib import Path

import numpy as np

from tests.e2e.test_browser import go_to, outside_requests, page, press, server, settle  # noqa: F401 (fixtures)
from tests.unit.test_leakage import bank_like


def upload_table(path: Path) -> Path:
    """A bank-like table: the outcome 'y', a column known only after the call ('duration'), a second class column."""
    table = bank_like(3000)
    table.insert(len(table.columns) - 1, "loan", np.where(np.random.default_rng(3).random(len(table)) < 0.2, "yes", "no"))
    table.to_csv(path, index=False)  # 'y' stays the last column: the outcome the Plan page preselects
    return path


def number_field(tab, label: str):
    return tab.get_by_label(label, exact=True)


def modebar_titles(tab) -> list[str]:
    """The chart toolbar's button titles, shown as a user hovering the first chart sees them."""
    tab.locator(".js-plotly-plot").first.hover()
    tab.wait_for_timeout(500)
    return tab.locator(".js-plotly-plot .modebar-btn").evaluate_all("(buttons) => buttons.map(b => b.dataset.title || '')")


def test_settings_results_and_the_link_hold_across_pages_and_a_reload(page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    page.get_by_role("heading", name="1 · Data").wait_for(timeout=60_000)
    page.get_by_text("Upload a file").first.click()
    page.locator("input[type=file]").first.set_input_files(str(upload_table(tmp_path / "calls.csv")))
    expect(page.get_by_role("heading", name="calls.csv")).to_be_visible(timeout=60_000)

    go_to(page, "2 · Rebalance plan")
    press(page, "Generate")
    expect(page.get_by_text("Generated: Naive oversampling")).to_be_visible(timeout=180_000)

    go_to(page, "4 · Evaluate")
    settle(page)
    runs = number_field(page, "Runs (seeds)")
    runs.fill("1")
    runs.press("Enter")
    settle(page)
    page.get_by_role("combobox", name="Classifier").click()
    page.get_by_role("option", name="Random forest", exact=False).first.click()
    settle(page)
    press(page, "Train and score")
    expect(page.get_by_role("heading", name="Holdout metrics")).to_be_visible(timeout=180_000)
    first_verdict = page.get_by_text("In short.").first.inner_text()

    go_to(page, "3 · Compare")  # away and back: the same settings, the same results, no stale-result line
    go_to(page, "4 · Evaluate")
    settle(page)
    expect(number_field(page, "Runs (seeds)")).to_have_value("1")
    expect(page.get_by_role("combobox", name="Classifier")).to_have_value("random forest (100 trees)")
    expect(page.get_by_role("heading", name="Holdout metrics")).to_be_visible(timeout=30_000)
    assert page.get_by_text("In short.").first.inner_text() == first_verdict
    assert page.get_by_text("kept from before").count() == 0

    press(page, "Prepare the report")  # a report, downloaded and opened: no share, cloud or Chart Studio button
    expect(page.get_by_role("button", name="Download report (HTML)")).to_be_visible(timeout=180_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report (HTML)").click()
    report = tmp_path / "report.html"
    download.value.save_as(report)
    viewer = page.context.new_page()
    viewer.set_content(report.read_text(), wait_until="load")  # as opened from disk: one self-contained file
    viewer.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    titles = modebar_titles(viewer)
    viewer.close()
    assert titles, "the report's charts should keep a toolbar (zoom, download as PNG)"
    assert not [t for t in titles if any(word in t.lower() for word in ("share", "cloud", "chart studio", "edit in"))]

    go_to(page, "2 · Rebalance plan")  # another column: the old outputs are not presented as current
    settle(page)
    page.get_by_role("combobox", name="Column to rebalance").click()
    page.get_by_role("option", name="loan", exact=True).click()
    expect(page.get_by_text("not shown as current").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Generated: Naive oversampling")).to_have_count(0)
    go_to(page, "4 · Evaluate")
    expect(page.get_by_text("These are the outputs generated for").first).to_be_visible(timeout=30_000)

    link = page.url  # the page's own link, workspace included: a reload brings the table and the choices back
    assert "workspace=" in link
    page.goto(link)
    page.get_by_role("heading", name="4 · Evaluate").wait_for(timeout=60_000)
    expect(page.get_by_text("Restored calls.csv").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("calls.csv").first).to_be_visible()
    settle(page)
    go_to(page, "2 · Rebalance plan")
    settle(page)
    expect(page.get_by_role("combobox", name="Column to rebalance")).to_have_value("loan")
    assert page.get_by_text("Traceback").count() == 0
