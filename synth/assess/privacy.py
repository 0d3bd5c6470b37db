"""Are generated rows new records, or thinly disguised real ones? Measured, not assumed.

Exact copies: generated rows identical to a training row in every modelled column.
DCR (distance to closest record): how near each generated row is to its nearest training row.
Two shares read it, both about 50% for rows as new as fresh real records and 100% for copies:

- the **DCR share**, as MOSTLY AI's ``mostlyai-qa`` defines it: the share of generated rows nearer
  to the training table than to the holdout, with training sampled to the holdout's size so that
  neither side is nearer merely by being larger (ties count half);
- our **DCR rank**: the chance that a generated row's distance to training is smaller than a real
  holdout row's distance to training. It compares generated rows with real ones rather than the
  two real tables with each other, and needs no training sample.

They differ where holdout rows themselves sit close to training (duplicates, coarse tables): the
rank then rises while the share does not. Our distances (Gower-like, on our encoding) are not
mostlyai-qa's (on embeddings of several column subsets), so values agree in direction, not digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth.data.holdout import Split
from synth.encoding import DistanceEncoder, feature_kinds, neighbour_distances
from synth.errors import SynthError
from synth.rebalancing.run import Outputs
from synth.schema import Schema
from synth.table import row_keys

DCR_SAMPLE = 2_000
# What the two shares mean, in the words the Compare page and the report use.
DCR_TEXT = (
    "Exact copies: generated rows identical to a training row in every feature. DCR: distance to the closest "
    "training row. DCR share, as mostlyai-qa defines it: the share of generated rows nearer to the training rows "
    "than to the holdout (training sampled to the holdout's size). DCR rank, ours: the chance that a generated row "
    "is nearer to training than a real holdout row is. Both are about 50% for genuinely new rows and 100% for "
    "copies; they differ when holdout rows themselves sit close to training, and our distances are not "
    "mostlyai-qa's embeddings, so they agree in direction, not to the digit."
)


@dataclass(frozen=True)
class PrivacyReport:
    """Are generated rows new: exact copies of training rows, and distances to the closest record (DCR).

    >>> synth.privacy_report(out.new_rows, train, holdout, schema=schema, column="income").summary()  # doctest: +SKIP
    """

    exact_copy_share: float
    dcr_generated_median: float
    dcr_holdout_median: float
    dcr_share: float  # mostlyai-qa's: nearer to (same-size) training than to the holdout
    dcr_rank: float  # ours: nearer to training than a real holdout row is
    dcr_generated: np.ndarray = field(repr=False)
    dcr_holdout: np.ndarray = field(repr=False)


def exact_copy_share(generated: pd.DataFrame, training: pd.DataFrame, columns: list[str]) -> float:
    """Share of generated rows equal to some training row on ``columns``."""
    if len(generated) == 0:
        return 0.0
    return float(np.isin(row_keys(generated, columns), row_keys(training, columns)).mean())


def closer_share(generated: np.ndarray, holdout: np.ndarray) -> float:
    """P(a generated row's DCR < a holdout row's DCR) over all pairs, ties counting half."""
    ordered = np.sort(holdout)
    below = np.searchsorted(ordered, generated, side="left")
    at_or_below = np.searchsorted(ordered, generated, side="right")
    greater = len(ordered) - at_or_below
    return float(np.mean(greater + 0.5 * (at_or_below - below)) / len(ordered))


class PrivacyReference:
    """The real side of a privacy check (encoded training rows, holdout DCRs), computed once
    and shared by every method's generated rows.

    Rows are compared on the features, not on ``column``: a real record relabelled is still a copy.
    """

    def __init__(self, training: pd.DataFrame, holdout: pd.DataFrame, schema: Schema, column: str, random_state: int = 0) -> None:
        if len(holdout) == 0:
            raise SynthError("Privacy needs a non-empty holdout.")
        categorical, numeric = feature_kinds(schema, exclude=column)
        self.columns = categorical + numeric
        self.random_state = random_state
        self.encoder = DistanceEncoder(categorical, numeric).fit(training)
        self.train_points = self.encoder.transform(training)
        self.train_keys = row_keys(training, self.columns)
        self.holdout_to_train = self._dcr(holdout)
        rng = np.random.default_rng(random_state)
        same_size = rng.choice(len(training), size=min(len(training), len(holdout)), replace=False)
        self.train_sample_points = self.train_points[np.sort(same_size)]
        self.holdout_points = self.encoder.transform(holdout)

    def _dcr(self, rows: pd.DataFrame) -> np.ndarray:
        """Distance to the closest training row for at most ``DCR_SAMPLE`` of ``rows``."""
        picked = np.random.default_rng(self.random_state).choice(len(rows), size=min(DCR_SAMPLE, len(rows)), replace=False)
        return neighbour_distances(self.train_points, self.encoder.transform(rows.iloc[picked]))

    def _nearer_training_share(self, generated: pd.DataFrame) -> float:
        """mostlyai-qa's DCR share: generated rows nearer to same-size training than to the holdout."""
        picked = np.random.default_rng(self.random_state).choice(
            len(generated), size=min(DCR_SAMPLE, len(generated)), replace=False
        )
        points = self.encoder.transform(generated.iloc[picked])
        to_train = neighbour_distances(self.train_sample_points, points)
        to_holdout = neighbour_distances(self.holdout_points, points)
        return float(np.mean((to_train < to_holdout) + 0.5 * (to_train == to_holdout)))

    def report(self, generated: pd.DataFrame) -> PrivacyReport:
        """Exact copies over all ``generated`` rows; DCR on a sample of them."""
        if len(generated) == 0:
            raise SynthError("Privacy needs generated rows.")
        to_train = self._dcr(generated)
        return PrivacyReport(
            exact_copy_share=float(np.isin(row_keys(generated, self.columns), self.train_keys).mean()),
            dcr_generated_median=float(np.median(to_train)),
            dcr_holdout_median=float(np.median(self.holdout_to_train)),
            dcr_share=self._nearer_training_share(generated),
            dcr_rank=closer_share(to_train, self.holdout_to_train),
            dcr_generated=to_train,
            dcr_holdout=self.holdout_to_train,
        )


def privacy_report(
    generated: pd.DataFrame,
    training: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    schema: Schema,
    column: str,
    random_state: int = 0,
) -> PrivacyReport:
    """Privacy of one set of generated rows (see ``PrivacyReference`` for several).

    >>> synth.privacy_report(out.new_rows, train, holdout, schema=schema, column="income")  # doctest: +SKIP
    """
    return PrivacyReference(training, holdout, schema, column, random_state).report(generated)


def privacy_by_method(outputs: Outputs, split: Split, schema: Schema) -> dict[str, PrivacyReport]:
    """Every method's new rows against one privacy reference (training rows, holdout distances)."""
    reference = PrivacyReference(split.train, split.holdout, schema, outputs.plan.column)
    return {r.label: reference.report(r.new_rows) for r in outputs.results.values()}


def privacy_frame(reports: Mapping[str, PrivacyReport]) -> pd.DataFrame:
    """One column per method, formatted as the Compare page and the report show it."""
    return pd.DataFrame(
        {
            name: {
                "exact copies": f"{r.exact_copy_share:.1%}",
                "median DCR, generated": f"{r.dcr_generated_median:.3f}",
                "median DCR, holdout": f"{r.dcr_holdout_median:.3f}",
                "DCR share (mostlyai-qa's definition)": f"{r.dcr_share:.1%}",
                "DCR rank vs holdout rows (ours)": f"{r.dcr_rank:.1%}",
            }
            for name, r in reports.items()
        }
    )
