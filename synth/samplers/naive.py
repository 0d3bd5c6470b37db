"""Naive oversampling: repeat real rows of each class chosen at random (the baseline)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth.kinds import Schema
from synth.plan import rows_of
from synth.progress import Progress
from synth.samplers.base import Sampler


class NaiveOversampler(Sampler):
    name = "naive"
    label = "Naive oversampling"
    description = "Copies randomly chosen real rows of the class. No new information; models overfit to the copies."

    def _generate(
        self,
        table: pd.DataFrame,
        schema: Schema,
        column: str,
        counts: dict[str, int],
        rng: np.random.Generator,
        progress: Progress,
    ) -> pd.DataFrame:
        picks = [rng.choice(rows_of(table, column, value), size=n) for value, n in counts.items()]
        return table.iloc[np.concatenate(picks)]
