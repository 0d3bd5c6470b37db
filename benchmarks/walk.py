"""A user's walk through the real app in headless Chromium, on a generated census-income-like upload.

    python -m benchmarks.walk [--table census|bank] [--rows N] [--methods default|all] [--seeds 3]
                              [--port 8620] [--compete N] [--library-only] [--skip-report] [--no-whatif]

Times every step from the click to the moment its result is visible, samples the server's memory
(RSS of the streamlit process tree, every 0.5 s), times ``python -m synth report`` on the same file,
and measures the unavoidable work in the same run: the library alone rebalancing the table
(``rebalance_all``) and fitting LightGBM on every training table (``evaluate_all``). Issue 9 asks
that the walk (Generate + Compare + Evaluate) cost at most 1.5x that. The machine is shared:
compare ratios within one run, not seconds across runs.

``--compete N`` walks a second time while N CPU-bound busy loops run and prints both runs side by
side with the load average (issue 15's goals: ``benchmarks/walk_load.py``); ``--table bank`` walks
the 45,000 x 16 bank-marketing-like table instead; ``--library-only`` times the library alone.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from playwright.sync_api import expect

from benchmarks.common import RESULTS, ROOT, save
from benchmarks.serve import CHROMIUM, CHROMIUM_ARGS, MemorySampler, start_server, stop_server
from benchmarks.walk_library import library_rows, measure_unavoidable, time_cli_report
from benchmarks.walk_load import Upload, competing, goal_rows, load, make_upload, side_by_side
from synth.rebalancing.samplers import DEFAULT_METHODS, SAMPLERS

PAGE_TIMEOUT = 60_000  # ms for a page's heading after a click
WORK_TIMEOUT = 1_200_000  # ms for a long step (Generate, Train and score) before we call it stuck
# The steps the walk ratio adds up (Generate + Compare + Evaluate).
GENERATE = "Plan: Generate until 'Generated:'"
COMPARE_FIRST = "Compare: first view ('Rows per value')"
COMPARE_WHOLE = "Compare: whole page (privacy table, no spinner)"
EVALUATE_TOTAL = "Evaluate: Train and score, total"


@dataclass
class Walk:
    """The browser page plus what the walk has measured so far; a step that times out stops the walk."""

    page: object
    memory: MemorySampler
    upload: Upload
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @contextmanager
    def failing_as(self, name: str) -> Iterator[None]:
        """Turn a selector timeout into one line naming the step, with a screenshot in benchmarks/results."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            yield
        except (PlaywrightError, AssertionError) as error:
            shot = RESULTS / f"walk-failed-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"
            self.page.screenshot(path=str(shot), full_page=True)
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise SystemExit(f"walk stopped at step '{name}': {first}\nscreenshot: {shot}") from None

    def step(self, name: str, act: Callable[[], None], done: Callable[[], None], note: str = "") -> float:
        """Run ``act`` (the click) and wait for ``done`` (the visible result); record seconds and memory."""
        self.memory.new_step()
        started = time.perf_counter()
        with self.failing_as(name):
            act()
            done()
        seconds = time.perf_counter() - started
        self.rows.append(
            {"step": name, "seconds": seconds, "load": load(), "server peak MB": self.memory.step_peak, "note": note}
        )
        print(f"{name}: {seconds:.1f} s", flush=True)
        return seconds

    def seconds(self, name: str) -> float:
        return next(row["seconds"] for row in self.rows if row["step"] == name)


def visible(locator, timeout: int = PAGE_TIMEOUT) -> Callable[[], None]:
    """A ``done`` check: wait until ``locator`` is visible."""
    return lambda: expect(locator.first).to_be_visible(timeout=timeout)


def go_to(walk: Walk, link: str, heading: str | None = None, name: str | None = None) -> None:
    """Click a sidebar link and time until the page's title is shown."""
    page = walk.page
    walk.step(
        name or f"open {link}",
        lambda: page.get_by_role("link", name=link, exact=True).click(),
        visible(page.get_by_role("heading", name=heading or link)),
    )


def upload_file(walk: Walk, csv: Path) -> None:
    """Data page: switch to 'Upload a file' and upload the CSV until its name heads the preview."""
    page = walk.page
    with walk.failing_as("Data: choose 'Upload a file'"):
        page.get_by_text("Upload a file").first.click()
        page.locator("input[type=file]").first.wait_for(state="attached", timeout=PAGE_TIMEOUT)
    walk.step(
        "Data: upload CSV until preview",
        lambda: page.locator("input[type=file]").first.set_input_files(str(csv)),
        visible(page.get_by_role("heading", name=csv.name), WORK_TIMEOUT),
        note=f"{csv.stat().st_size / 2**20:.0f} MB",
    )


def column_box(page):
    return page.get_by_role("combobox", name="Column to rebalance").first


def selected_column(page) -> str:
    """The value shown in the Plan page's 'Column to rebalance' box."""
    box = column_box(page)
    box.wait_for(timeout=PAGE_TIMEOUT)
    return box.input_value()


def pick_column(walk: Walk, column: str) -> None:
    """Choose ``column`` in the selectbox (only when the page preselected another)."""
    column_box(walk.page).click()
    column_box(walk.page).fill(column)
    walk.page.get_by_role("option", name=column, exact=True).click()
    walk.page.get_by_text(f"Share of '{walk.upload.positive}' after rebalancing").first.wait_for(timeout=PAGE_TIMEOUT)


def add_methods(walk: Walk, methods: list[str]) -> None:
    """Tick every method not yet chosen: one checkbox per method, or (older pages) the 'Methods' search box."""
    page = walk.page
    for method in methods:
        label = SAMPLERS[method].label
        tick = page.get_by_role("checkbox", name=label, exact=True)
        box = page.locator("[data-testid='stMultiSelect']").filter(has_text="Methods")
        tick.or_(box).first.wait_for(state="attached", timeout=PAGE_TIMEOUT)
        if tick.count():
            if not tick.first.is_checked():
                page.locator("[data-testid='stCheckbox']").filter(has_text=label).first.click()
                expect(tick.first).to_be_checked(timeout=PAGE_TIMEOUT)
            continue
        box = box.first
        if label in box.inner_text(timeout=PAGE_TIMEOUT).splitlines():
            continue
        search = box.locator("input").first
        search.click()
        search.fill(label)
        page.get_by_role("option", name=label, exact=True).click()
        page.keyboard.press("Escape")
        box.get_by_text(label, exact=True).wait_for(timeout=PAGE_TIMEOUT)


def plan(walk: Walk, methods: list[str]) -> str:
    """Plan page: check the preselected column, set the methods, time Generate."""
    page = walk.page
    go_to(walk, "2 · Rebalance plan")
    with walk.failing_as("Plan: column and methods"):
        chosen = selected_column(page)
        target = walk.upload.target
        walk.notes.append(f"Plan page preselected column: '{chosen}' (target is '{target}')")
        if chosen != target:
            pick_column(walk, target)
        add_methods(walk, methods)
        warnings = page.locator("[data-testid='stAlert']").all_inner_texts()
    walk.notes += [f"Plan page says: {' '.join(text.split())}" for text in warnings]
    walk.step(
        GENERATE,
        lambda: page.get_by_role("button", name="Generate", exact=True).click(),
        visible(page.get_by_text("Generated:"), WORK_TIMEOUT),
        note=", ".join(methods),
    )
    with walk.failing_as("Plan: read the Generate log"):
        status = page.locator("[data-testid='stExpander']").filter(has_text="Generated with").first
        said = [line.strip() for line in status.inner_text().splitlines() if len(line.strip()) > 12]
    walk.notes.append("Generate said: " + " | ".join(said))
    return chosen


PRIVACY_TABLE_JS = """
() => {
  const heading = [...document.querySelectorAll('h1,h2,h3,h4')]
      .find(h => h.textContent.includes('Privacy: are generated rows new?'));
  if (!heading || document.querySelectorAll("[data-testid='stSpinner']").length) return false;
  return [...document.querySelectorAll("[data-testid='stDataFrame']")].some(frame =>
      (heading.compareDocumentPosition(frame) & Node.DOCUMENT_POSITION_FOLLOWING) && frame.offsetHeight > 0);
}
"""


def compare(walk: Walk) -> None:
    """Compare page: time to the first view, then to the whole page (privacy table shown, no spinner)."""
    page = walk.page
    walk.step(
        COMPARE_FIRST,
        lambda: page.get_by_role("link", name="3 · Compare", exact=True).click(),
        visible(page.get_by_role("heading", name="Rows per value"), WORK_TIMEOUT),
    )
    walk.step(
        COMPARE_WHOLE,
        lambda: None,
        lambda: page.wait_for_function(PRIVACY_TABLE_JS, timeout=WORK_TIMEOUT, polling=250),
        note="time after the first view",
    )


def set_seeds(walk: Walk, n_repeats: int) -> None:
    """Type the number of seeds on the Evaluate page when it differs from the page's default."""
    with walk.failing_as("Evaluate: set the seeds"):
        box = walk.page.locator("input[aria-label='Seeds']").first
        if box.input_value() != str(n_repeats):
            box.fill(str(n_repeats))
            box.press("Enter")
            walk.page.wait_for_timeout(1500)  # the rerun that stores the value


def evaluate(walk: Walk, n_repeats: int) -> None:
    """Evaluate page: first scores, all scores, then the report."""
    page = walk.page
    go_to(walk, "4 · Evaluate")
    set_seeds(walk, n_repeats)
    started = time.perf_counter()
    walk.step(
        "Evaluate: Train and score until first scores",
        lambda: page.get_by_role("button", name="Train and score").click(),
        visible(page.locator("[data-testid='stDataFrame']"), WORK_TIMEOUT),
    )
    walk.step(
        "Evaluate: ... until 'Holdout metrics'",
        lambda: None,
        visible(page.get_by_role("heading", name="Holdout metrics"), WORK_TIMEOUT),
        note="time after the first scores",
    )
    total = time.perf_counter() - started
    walk.rows.append({"step": EVALUATE_TOTAL, "seconds": total, "load": load(), "note": "click to all scores"})
    walk.step(
        "Evaluate: Prepare the report until download",
        lambda: page.get_by_role("button", name="Prepare the report").click(),
        visible(page.get_by_role("button", name="Download report (HTML)"), WORK_TIMEOUT),
    )


def whatif(walk: Walk) -> None:
    """What-if page: run the default scenario; note a progress bar left behind."""
    page = walk.page
    go_to(walk, "6 · What-if", "6 · What-if simulation")
    walk.step(
        "What-if: Run scenario until 'Original vs scenario'",
        lambda: page.get_by_role("button", name="Run scenario").click(),
        visible(page.get_by_role("heading", name="Original vs scenario"), WORK_TIMEOUT),
    )
    page.wait_for_timeout(2000)  # a bar left behind after the results is issue 9's defect 5
    bars = page.locator("[data-testid='stProgress']").all_inner_texts()
    if bars:
        walk.notes.append(f"What-if: progress bar still shown 2 s after the results: {bars}")


def walk_app(
    upload: Upload,
    port: int,
    methods: list[str],
    n_repeats: int,
    memory_of: Callable[[int], MemorySampler],
    what_if: bool = True,
    label: str = "quiet",
) -> Walk:
    """Serve the app, walk its five pages in Chromium, stop the server; returns what was measured."""
    from playwright.sync_api import sync_playwright

    store = Path(tempfile.mkdtemp(prefix="walk-store-")) / "scenarios.sqlite"
    server = start_server(ROOT, port, store, RESULTS / "walk-server.log")
    memory = memory_of(server.pid)
    memory.start()
    try:
        with sync_playwright() as playwright:
            # Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            walk = Walk(page, memory, upload)
            walk.step(
                "open the app",
                lambda: page.goto(f"http://127.0.0.1:{port}"),
                visible(page.get_by_role("heading", name="1 · Data")),
            )
            upload_file(walk, upload.path)
            plan(walk, methods)
            compare(walk)
            evaluate(walk, n_repeats)
            if what_if:
                whatif(walk)
            if page.get_by_text("Traceback").count():
                walk.notes.append("a traceback was shown")
            page.screenshot(path=str(RESULTS / f"walk-last-page-{upload.name}-{len(methods)}-{label}.png"), full_page=True)
            browser.close()
    finally:
        stop_server(server)
        memory.stop()
    return walk


def walked_seconds(walk: Walk) -> float:
    """The issue's walk: Generate + Compare (whole page) + Train and score."""
    compare_page = sum(walk.seconds(s) for s in [COMPARE_FIRST, COMPARE_WHOLE])
    return walk.seconds(GENERATE) + compare_page + walk.seconds(EVALUATE_TOTAL)


def summary(walk: Walk, work: tuple, cli: tuple[float, float] | None, n_repeats: int) -> pd.DataFrame:
    """The issue's ratios: walk and CLI report against the unavoidable work (the library alone), and memory."""
    unavoidable = work[0] + work[1]
    walked = walked_seconds(walk)
    rows = [
        {"measure": "unavoidable work (library alone), s", "value": unavoidable, "note": f"load {work[5]}"},
        {"measure": "walk: Generate + Compare (whole) + Train and score, s", "value": walked, "note": f"load {load()}"},
        {"measure": "walk / unavoidable", "value": walked / unavoidable, "note": "goal <= 1.5x"},
        {"measure": "server peak RSS, MB", "value": walk.memory.peak, "note": "goal <= 3 GB"},
    ]
    if cli is not None:
        rows += [
            {"measure": "python -m synth report, s", "value": cli[0], "note": "goal <= 1.5x"},
            {"measure": "report / unavoidable", "value": cli[0] / unavoidable, "note": ""},
            {"measure": "python -m synth report peak RSS, MB", "value": cli[1], "note": "goal <= 3 GiB"},
        ]
    return pd.DataFrame(rows)


@dataclass
class Run:
    """One pass (quiet, or beside busy loops): the browser walk (unless library-only) and the library alone."""

    competitors: int
    work: tuple
    walk: Walk | None = None

    def rows(self, n_repeats: int) -> list[dict]:
        return [*(self.walk.rows if self.walk else []), *library_rows(self.work, n_repeats)]

    def evaluate_seconds(self) -> float:
        return self.walk.seconds(EVALUATE_TOTAL) if self.walk else self.work[1]


def run_once(args: argparse.Namespace, upload: Upload, methods: list[str], competitors: int) -> Run:
    """The library alone, then (unless --library-only) the browser walk, beside ``competitors`` busy loops."""
    with competing(competitors):
        if competitors:
            print(f"--- beside {competitors} busy loop(s) (load {load()})", flush=True)
        run = Run(competitors, measure_unavoidable(upload, methods, args.seeds))
        if not args.library_only:
            label = f"beside-{competitors}-busy" if competitors else "quiet"
            run.walk = walk_app(upload, args.port, methods, args.seeds, MemorySampler, not args.no_whatif, label)
    return run


def report(args: argparse.Namespace, upload: Upload, runs: list[Run], cli: tuple[float, float] | None) -> None:
    """Print and keep the step tables, the ratios, the goals and what the walk noticed."""
    suffix = ("" if upload.name == "census-like" else f"-{upload.name}") + ("" if args.methods == "default" else "-all")
    quiet = runs[0]
    if len(runs) == 2:
        save(side_by_side(quiet.rows(args.seeds), runs[1].rows(args.seeds), args.compete), f"walk-loaded{suffix}", floatfmt=".1f")
    else:
        save(pd.DataFrame(quiet.rows(args.seeds)), f"walk{suffix}", floatfmt=".1f")
    if quiet.walk:
        print()
        save(summary(quiet.walk, quiet.work, cli, args.seeds), f"walk-summary{suffix}", floatfmt=".2f")
    walked = [walked_seconds(r.walk) for r in runs if r.walk]
    goals = goal_rows(upload, args.methods, [r.evaluate_seconds() for r in runs], walked)
    if goals:
        print()
        save(pd.DataFrame(goals), f"walk-goals{suffix}", floatfmt=".2f")
    notes = [note for r in runs if r.walk for note in r.walk.notes]
    print("\n" + "\n".join(f"- {note}" for note in dict.fromkeys(notes)))
    if quiet.work[4]:
        print("- library refusals: " + "; ".join(f"{m}: {why}" for m, why in quiet.work[4].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", choices=["census", "bank"], default="census", help="census: 100,000 x 41; bank: 45,000 x 16")
    parser.add_argument("--rows", type=int, default=None, help="rows of the generated table (default: the table's size)")
    parser.add_argument("--methods", choices=["default", "all"], default="default")
    parser.add_argument(
        "--seeds", type=int, default=3, help="seeds on the Evaluate page, in the CLI report and in the unavoidable work"
    )
    parser.add_argument("--port", type=int, default=8620)
    parser.add_argument("--compete", type=int, default=0, help="walk again beside N CPU-bound busy loops")
    parser.add_argument("--library-only", action="store_true", help="time the library alone, no browser walk")
    parser.add_argument("--skip-report", action="store_true", help="do not time python -m synth report")
    parser.add_argument("--no-whatif", action="store_true", help="end the walk on the Evaluate page")
    args = parser.parse_args()
    methods = list(DEFAULT_METHODS) if args.methods == "default" else list(SAMPLERS)
    RESULTS.mkdir(parents=True, exist_ok=True)
    upload = make_upload(args.table, args.rows, RESULTS)
    print(f"{upload.path.name}, {args.methods} methods, {args.seeds} seeds, {os.cpu_count()} cores, load {load()}", flush=True)
    runs = [run_once(args, upload, methods, 0)]
    cli = None
    if not (args.skip_report or args.library_only):
        cli = time_cli_report(upload, methods, args.seeds)
        print(f"synth report: {cli[0]:.1f} s, {cli[1]:.0f} MB (load {load()})", flush=True)
    if args.compete:
        runs.append(run_once(args, upload, methods, args.compete))
    report(args, upload, runs, cli)


if __name__ == "__main__":
    main()
