"""A downloaded report's charts in a real headless Chromium: a toolbar, and no button that sends data away."""

from pathlib import Path

import pytest

from benchmarks.serve import CHROMIUM, CHROMIUM_ARGS
from synth.data.demos import make_demo
from synth.report import build_report
from synth.study import run_study

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)"),
]
SENDS_AWAY = ("share", "cloud", "chart studio", "edit in", "plotly.com")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """A real report, made by the library from a demo table."""
    table = make_demo("patients", random_state=1, rows=2000)
    study = run_study(table, column="variant", shares={"Variant X": 0.5}, n_repeats=1, dataset="patients demo")
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(build_report(study))
    return path


def toolbar_titles(page, chart) -> list[str]:
    """The titles of one chart's toolbar buttons, shown (as users see them) by hovering the chart."""
    chart.scroll_into_view_if_needed()
    chart.hover()
    chart.locator(".modebar-btn").first.wait_for(state="attached", timeout=10_000)
    return chart.locator(".modebar-btn").evaluate_all("buttons => buttons.map(b => b.getAttribute('data-title') || '')")


def test_report_charts_offer_no_share_or_cloud_button(report):
    from playwright.sync_api import sync_playwright

    outside = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on(
            "request",
            lambda request: outside.append(request.url) if not request.url.startswith(("file:", "data:", "blob:")) else None,
        )
        page.goto(report.as_uri())
        charts = page.locator(".js-plotly-plot")
        charts.first.wait_for(timeout=30_000)
        titles = [toolbar_titles(page, charts.nth(i)) for i in range(charts.count())]
        browser.close()
    assert len(titles) >= 4 and all(titles)  # every chart has a toolbar with buttons
    assert all("Download plot as a PNG" in t for t in titles)
    offending = sorted({t for chart in titles for t in chart if any(word in t.lower() for word in SENDS_AWAY)})
    assert offending == []
    assert outside == []
