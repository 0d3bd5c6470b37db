"""Shared fixtures: small tables made by our own demo code, and the shared datasets when present."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth.data.demos import make_demo

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
ADULT_TUTORIAL = SHARED / "adult-rebalancing"

needs_shared = pytest.mark.skipif(
    not (ADULT_TUTORIAL / "census-training-imbalanced.csv").is_file(),
    reason="../shared/datasets is absent (it sits beside the repository on CI and developer machines)",
)


@pytest.fixture(scope="session")
def patients() -> pd.DataFrame:
    """Mixed types: an ID, a date, integers, floats with gaps, categories; a rare binary class."""
    return make_demo("patients", random_state=1, rows=3000)


@pytest.fixture(scope="session")
def three_classes() -> pd.DataFrame:
    """A multi-class column with one rare class, mixed features and missing values."""
    rng = np.random.default_rng(5)
    n = 1500
    label = rng.choice(["common", "middle", "rare"], n, p=[0.75, 0.22, 0.03])
    size = rng.normal(10, 2, n) + 4 * (label == "rare")
    size[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], n),
            "count": rng.poisson(3 + 3 * (label == "rare"), n),
            "size": size,
            "label": label,
        }
    )


@pytest.fixture(autouse=True)
def scenario_store(tmp_path, monkeypatch):
    """No test reads or writes the user's real scenario database or workspaces."""
    path = tmp_path / "scenarios.sqlite"
    monkeypatch.setenv("REBALANCE_STUDIO_DB", str(path))
    monkeypatch.setenv("REBALANCE_STUDIO_WORKSPACES", str(tmp_path / "workspaces"))
    return path
