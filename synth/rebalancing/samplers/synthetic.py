"""Our generator behind the sampler contract: trained on the whole table, every class on demand.

The app, the CLI and ``SyntheticOverSampler`` (the imbalanced-learn door) all generate through
``SyntheticSampler``: one implementation.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from synth.constraints import RANDOM_STATE
from synth.generator.model import CATEGORY_LEAF, NUMBER_LEAF, SyntheticGenerator
from synth.rebalancing.samplers.base import Request, Sampler

# The generator's leaf sizes are the method's own parameters, declared once (on the generator).
LEAF_CONSTRAINTS = {name: SyntheticGenerator._parameter_constraints[name] for name in ("category_leaf", "number_leaf")}


class SyntheticSampler(Sampler):
    name = "synthetic"
    label = "Synthetic"
    description = (
        "New records from a model of the whole table: it learns how the class differs from the rest and "
        "generates each column from real rows that resemble the record so far, re-weighted towards the class, "
        "so rare classes borrow the majority's realistic structure without copying anyone."
    )
    supports_full = True
    _parameter_constraints: ClassVar[dict[str, list]] = {**LEAF_CONSTRAINTS, "random_state": RANDOM_STATE}

    def __init__(self, *, category_leaf: int = CATEGORY_LEAF, number_leaf: int = NUMBER_LEAF, random_state: int = 0) -> None:
        super().__init__(random_state=random_state)
        self.category_leaf = category_leaf
        self.number_leaf = number_leaf

    def _generate(self, request: Request) -> pd.DataFrame:
        generator = SyntheticGenerator(
            category_leaf=self.category_leaf, number_leaf=self.number_leaf, random_state=self.random_state
        )
        generator.fit(request.table, request.schema, request.column, request.progress)
        return generator.sample(request.counts, request.progress)
