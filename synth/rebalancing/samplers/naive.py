"""Naive oversampling: repeat real rows of each class chosen at random (the baseline)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth.rebalancing.samplers.base import Request, Sampler
from synth.table import rows_of


class NaiveOversampler(Sampler):
    name = "naive"
    label = "Naive oversampling"
    description = "Copies randomly chosen real rows of the class. No new information; models overfit to the copies."

    def _generate(self, request: Request) -> pd.DataFrame:
        table, column = request.table, request.column
        picks = [request.rng.choice(rows_of(table, column, value), size=n) for value, n in request.counts.items()]
        return table.iloc[np.concatenate(picks)]
