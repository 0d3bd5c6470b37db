"""Are generated rows new records, or thinly disguised real ones? Measured, not assumed.

Exact copies: generated rows identical to a training row in every modelled column.
DCR (distance to closest record): how near each generated row is to its nearest training row,
compared with how near real holdout rows are. The DCR share is the chance that a generated row
sits nearer to the training table than a real holdout row does: about 50% for rows as new as
fresh real records, 100% for copies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth.data.kinds import Schema
from synth.encoding import DistanceEncoder, feature_kinds, neighbour_distances
from synth.errors import SynthError
from synth.table import row_keys

DCR_SAMPLE = 2_000


@dataclass(frozen=True)
class PrivacyReport:
    exact_copy_share: float
    dcr_generated_median: float
    dcr_holdout_median: float
    dcr_share: float
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

    def __init__(self, training: pd.DataFrame, holdout: pd.DataFrame, schema: Schema, column: str, seed: int = 0) -> None:
        if len(holdout) == 0:
            raise SynthError("Privacy needs a non-empty holdout.")
        categorical, numeric = feature_kinds(schema, exclude=column)
        self.columns = categorical + numeric
        self.seed = seed
        self.encoder = DistanceEncoder(categorical, numeric).fit(training)
        self.train_points = self.encoder.transform(training)
        self.train_keys = row_keys(training, self.columns)
        self.holdout_to_train = self._dcr(holdout)

    def _dcr(self, rows: pd.DataFrame) -> np.ndarray:
        """Distance to the closest training row for at most ``DCR_SAMPLE`` of ``rows``."""
        picked = np.random.default_rng(self.seed).choice(len(rows), size=min(DCR_SAMPLE, len(rows)), replace=False)
        return neighbour_distances(self.train_points, self.encoder.transform(rows.iloc[picked]))

    def report(self, generated: pd.DataFrame) -> PrivacyReport:
        """Exact copies over all ``generated`` rows; DCR on a sample of them."""
        if len(generated) == 0:
            raise SynthError("Privacy needs generated rows.")
        to_train = self._dcr(generated)
        return PrivacyReport(
            exact_copy_share=float(np.isin(row_keys(generated, self.columns), self.train_keys).mean()),
            dcr_generated_median=float(np.median(to_train)),
            dcr_holdout_median=float(np.median(self.holdout_to_train)),
            dcr_share=closer_share(to_train, self.holdout_to_train),
            dcr_generated=to_train,
            dcr_holdout=self.holdout_to_train,
        )


def privacy_report(
    generated: pd.DataFrame,
    training: pd.DataFrame,
    holdout: pd.DataFrame,
    schema: Schema,
    column: str,
    seed: int = 0,
) -> PrivacyReport:
    """Privacy of one set of generated rows (see ``PrivacyReference`` for several)."""
    return PrivacyReference(training, holdout, schema, column, seed).report(generated)


def privacy_frame(reports: Mapping[str, PrivacyReport]) -> pd.DataFrame:
    """One column per method, formatted as the Compare page and the report show it."""
    return pd.DataFrame(
        {
            name: {
                "exact copies": f"{r.exact_copy_share:.1%}",
                "median DCR, generated": f"{r.dcr_generated_median:.3f}",
                "median DCR, holdout": f"{r.dcr_holdout_median:.3f}",
                "DCR share (closer to training)": f"{r.dcr_share:.1%}",
            }
            for name, r in reports.items()
        }
    )
