"""Privacy and fidelity, computed once per output and shared by the Compare page and the report.

Privacy is the slowest assessment (nearest-neighbour distances to every training row), so the Plan
page starts it in a background thread as soon as the outputs exist; the Compare page then finds it
done, or waits for the rest. The thread runs pure library code and never touches Streamlit.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from synth.assess.fidelity import FidelityReport, fidelity_by_method
from synth.assess.privacy import PrivacyReport, privacy_by_method
from ui import cache
from ui.settings import PositiveClass
from ui.state import Dataset, PlanRun

# Niceness of the background worker (and the OpenMP threads it starts): when the cores are busy, a
# user's model fits and page reruns come first; when they are free, privacy still gets them all.
BACKGROUND_NICENESS = 5


def _step_back() -> None:
    """Lower this worker thread's priority (Linux schedules threads one by one; elsewhere nothing)."""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICENESS, 19))


# One worker for the whole server: background assessments queue rather than crowd the two cores.
BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="assess", initializer=_step_back)


def _privacy_job(dataset: Dataset, run: PlanRun) -> Future[dict[str, PrivacyReport]]:
    return cache.cached(
        "privacy",
        lambda: BACKGROUND.submit(privacy_by_method, run.outputs, run.split, dataset.schema),
        data=dataset,
        settings=run.settings,
    )


def start_privacy(dataset: Dataset, run: PlanRun) -> None:
    """Begin the privacy assessment now, without waiting for it."""
    if run.outputs.results:
        _privacy_job(dataset, run)


def privacy(dataset: Dataset, run: PlanRun) -> dict[str, PrivacyReport]:
    """Every method's privacy report (waits for a background run that is still going)."""
    return _privacy_job(dataset, run).result()


def fidelity(dataset: Dataset, run: PlanRun, value: str) -> dict[str, FidelityReport]:
    """Generated ``value`` rows of each method against the real holdout's."""
    return cache.cached(
        "fidelity",
        lambda: fidelity_by_method(run.outputs, run.split, dataset.schema, value),
        data=dataset,
        settings=PositiveClass(run.settings, value),
    )
