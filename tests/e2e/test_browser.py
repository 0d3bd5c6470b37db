"""The main walk in a real headless Chromium: demo -> plan -> compare -> evaluate, plus a bad upload."""

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.serve import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    store = tmp_path_factory.mktemp("store")
    scenarios = store / "scenarios.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "REBALANCE_STUDIO_DB": str(scenarios), "REBALANCE_STUDIO_WORKSPACES": str(store / "workspaces")},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("Streamlit did not start: " + process.stderr.read().decode()[-2000:])
    yield url
    process.terminate()
    process.wait(timeout=20)


LINK = "[Session expired - log in again](http://evil.example/login)"
IMAGE = "<b>bold</b>![x](http://evil.example/x.png)"


@pytest.fixture(scope="module")
def outside_requests():
    return []


@pytest.fixture(scope="module")
def page(server, outside_requests):
    from playwright.sync_api import sync_playwright

    def guard(route):
        host = urllib.parse.urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside_requests.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", guard)
        page = context.new_page()
        page.goto(server)
        yield page
        browser.close()


def hostile_table(path: Path) -> Path:
    """A small table whose class values and a category are Markdown and HTML."""
    rng = np.random.default_rng(0)
    n = 800
    label = np.where(np.arange(n) % 16 == 0, LINK, IMAGE)
    amount = np.round(rng.exponential(100, n) + 80 * (label == LINK), 2)
    pd.DataFrame(
        {"amount": amount, "age": rng.integers(18, 80, n), "kind": rng.choice(["a", "b", "c"], n), "outcome": label}
    ).to_csv(path, index=False)
    return path


def go_to(page, link: str, heading: str | None = None) -> None:
    """Click a page in the sidebar and wait for its title (the link's text unless given)."""
    page.get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading or link).wait_for(timeout=30_000)


def assert_no_live_markup(page) -> None:
    """User text shown literally: no link or image to the hostile host, no bold tag from a value."""
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src*='evil.example']").count() == 0


def test_main_walk(page, tmp_path, outside_requests):
    from playwright.sync_api import expect

    page.get_by_role("heading", name="1 · Data").wait_for(timeout=60_000)
    expect(page.get_by_text("Column kinds")).to_be_visible()
    expect(page.get_by_role("link", name="2 · Rebalance plan")).to_be_visible(timeout=30_000)

    page.get_by_text("Upload a file").first.click()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    page.locator("input[type=file]").first.set_input_files(str(empty))
    expect(page.get_by_text("The file is empty").first).to_be_visible(timeout=30_000)
    page.locator("input[type=file]").first.set_input_files(str(hostile_table(tmp_path / "hostile.csv")))
    expect(page.get_by_role("heading", name="hostile.csv")).to_be_visible(timeout=30_000)

    go_to(page, "2 · Rebalance plan")
    expect(page.get_by_text("split off before any rebalancing").first).to_be_visible()
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_text("Generated: Naive oversampling")).to_be_visible(timeout=120_000)
    expect(page.get_by_text(f"Share of {LINK} after rebalancing")).to_be_visible()
    assert_no_live_markup(page)

    go_to(page, "3 · Compare")
    expect(page.get_by_role("heading", name="Rows per value")).to_be_visible()
    expect(page.get_by_text(f"Distribution of each column among {LINK} rows")).to_be_visible()
    page.get_by_role("combobox", name="Class to inspect").click()
    page.get_by_role("option", name=IMAGE).click()
    expect(page.get_by_text(f"Distribution of each column among {IMAGE} rows")).to_be_visible(timeout=60_000)
    assert page.locator("b", has_text="bold").count() == 0
    expect(page.get_by_role("heading", name="Privacy: are generated rows new?")).to_be_visible(timeout=60_000)
    assert_no_live_markup(page)
    marked_download(page, tmp_path)

    go_to(page, "4 · Evaluate")
    page.get_by_role("button", name="Train and score").click()
    expect(page.get_by_role("heading", name="Holdout metrics")).to_be_visible(timeout=180_000)
    expect(page.locator("[data-testid='stDataFrame']:visible").first).to_be_visible()  # the leakage table may sit folded
    expect(page.get_by_text("Synthetic (AUC").first).to_be_attached(timeout=30_000)
    page.get_by_role("button", name="Prepare the report").click()
    expect(page.get_by_role("button", name="Download report (HTML)")).to_be_visible(timeout=120_000)
    page.screenshot(path=str(tmp_path / "evaluate.png"), full_page=True)

    go_to(page, "6 · What-if", "6 · What-if simulation")
    assert page.get_by_label("SQLite database file").count() == 0  # where scenarios live is the server's choice
    page.get_by_role("button", name="Run scenario").click()
    expect(page.get_by_role("heading", name="Original vs scenario")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Mix of").first).to_be_attached(timeout=30_000)
    type_in(page, "Scenario name", LINK)
    press(page, "Save scenario")
    expect(page.get_by_text(f"Saved {LINK}.")).to_be_visible(timeout=30_000)
    assert_no_live_markup(page)
    save_load_delete(page)
    assert not page.get_by_text("Traceback").count()
    assert outside_requests == [], outside_requests


def settle(page) -> None:
    """Wait until the app has finished its current run (its 'Running' indicator is gone)."""
    page.wait_for_timeout(300)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=120_000)


def press(page, name: str) -> None:
    """Click a button once the page shows it exactly once (a rerun briefly shows stale copies beside new ones)."""
    from playwright.sync_api import expect

    settle(page)
    expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1, timeout=60_000)
    page.get_by_role("button", name=name, exact=True).click()


def type_in(page, label: str, text: str) -> None:
    """Type into a text field once the app is idle and commit it with Enter, so a rerun cannot drop it."""
    settle(page)
    field = page.get_by_label(label)
    field.fill(text)
    field.press("Enter")
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in a select box; a click that only ends editing the field before it is repeated."""
    for _ in range(5):
        page.get_by_role("combobox", name=label).click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=3_000)
            return
        except Exception:  # the list did not open: the first click committed the text field being edited
            continue
    raise AssertionError(f"{option!r} never appeared in {label!r}")


def save_load_delete(page) -> None:
    """A second scenario on another column; the first loads back (settings and KPIs), then is deleted."""
    from playwright.sync_api import expect

    choose(page, "Column whose mix changes", "age")
    expect(page.get_by_role("heading", name="Original vs scenario")).to_have_count(0, timeout=30_000)
    page.get_by_role("button", name="Run scenario").click()
    expect(page.get_by_role("heading", name="Original vs scenario")).to_be_visible(timeout=120_000)
    type_in(page, "Scenario name", "by age")
    press(page, "Save scenario")
    expect(page.get_by_text("Saved by age.")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Load", exact=True).first.click()
    expect(page.get_by_text(f"Settings and KPIs of the saved scenario {LINK} are loaded.")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Original vs scenario")).to_be_visible(timeout=120_000)
    page.get_by_role("button", name="Load", exact=True).first.click()
    expect(page.get_by_text(f"Settings and KPIs of the saved scenario {LINK} are loaded.")).to_be_visible(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    choose(page, "Delete a scenario", "by age")
    page.get_by_role("button", name="Delete the chosen scenario").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("option", name="by age")).to_have_count(0, timeout=30_000)
    expect(page.get_by_text("by age (on")).to_have_count(0, timeout=30_000)
    page.screenshot(path=str(Path(os.environ.get("SCREENSHOTS", "/tmp")) / "whatif-after-delete.png"), full_page=True)


def marked_download(page, folder: Path) -> None:
    """Naive oversampling's CSV with the flag: every training row once, the generated rows ticked copies of rare ones."""
    import re

    settle(page)
    page.get_by_text("Add a 'generated' column to the download").first.click()
    settle(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download Naive oversampling CSV").click()
    path = folder / "naive.csv"
    download.value.save_as(path)
    table = pd.read_csv(path, keep_default_na=False)
    assert list(table.columns) == ["generated", "amount", "age", "kind", "outcome"]
    caption = page.get_by_text(re.compile(r"generated rows in")).first.inner_text()
    assert table["generated"].sum() == int(caption.split()[0].replace(",", "")) > 0
    real, generated = table[~table["generated"]], table[table["generated"]]
    assert len(real) == 640  # the 800 rows less the 20% holdout
    assert set(generated["outcome"]) == {LINK}  # the rare value, written literally
    assert generated.drop(columns="generated").merge(real.drop(columns="generated").drop_duplicates()).shape[0] == len(generated)


def test_no_page_field_reaches_the_server_file_system(page):
    """No text field on any page takes a path: the scenario store is set by the server's configuration."""
    for link, heading in [("1 · Data", None), ("2 · Rebalance plan", None), ("6 · What-if", "6 · What-if simulation")]:
        go_to(page, link, heading)
        labels = [
            page.locator("input[type=text]").nth(i).get_attribute("aria-label") or ""
            for i in range(page.locator("input[type=text]").count())
        ]
        assert not [label for label in labels if any(word in label.lower() for word in ("path", "database", "folder", "file"))]
