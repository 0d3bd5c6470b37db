"""Our generator behind the sampler contract: trained on the whole table, every class on demand."""

from __future__ import annotations

import pandas as pd

from synth.rebalancing.generator.model import SyntheticGenerator
from synth.rebalancing.samplers.base import Request, Sampler


class SyntheticSampler(Sampler):
    name = "synthetic"
    label = "Synthetic"
    description = (
        "New records from a model of the whole table: it learns how the class differs from the rest and "
        "generates each column from real rows that resemble the record so far, re-weighted towards the class, "
        "so rare classes borrow the majority's realistic structure without copying anyone."
    )
    supports_full = True

    def _generate(self, request: Request) -> pd.DataFrame:
        generator = SyntheticGenerator(random_state=self.random_state)
        generator.fit(request.table, request.schema, request.column, request.progress)
        return generator.sample(request.counts, request.progress)
