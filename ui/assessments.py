"""Privacy and fidelity, computed once per output and shared by the Compare page and the report."""

from __future__ import annotations

from synth.assess.fidelity import FidelityReport
from synth.assess.privacy import PrivacyReport
from synth.study import fidelity_by_method, privacy_by_method
from ui import cache
from ui.state import Dataset, PlanRun


def privacy(dataset: Dataset, run: PlanRun) -> dict[str, PrivacyReport]:
    return cache.cached(("privacy", *dataset.key, run.key), lambda: privacy_by_method(run.outputs, run.split, dataset.schema))


def fidelity(dataset: Dataset, run: PlanRun, value: str) -> dict[str, FidelityReport]:
    """Generated ``value`` rows of each method against the real holdout's."""
    return cache.cached(
        ("fidelity", *dataset.key, run.key, value), lambda: fidelity_by_method(run.outputs, run.split, dataset.schema, value)
    )
