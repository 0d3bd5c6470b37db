"""The synthetic generator: the whole table, re-weighted towards a class, blended locally.

Fit: learn from every row in which direction each class differs (``class_model``) and where each
row sits among the others (``encoding.DistanceEncoder``). Sample n rows of class c: draw anchor
rows from the whole table with weights p(x | c) / p(x), then blend each anchor with a near
neighbour of similar weight. The rare class thus borrows the majority's realistic records and
their local structure, steered by its own signal, and no generated row is a copy of a real one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from synth.data.kinds import Schema
from synth.encoding import DistanceEncoder, feature_kinds, linear_features, neighbour_distances, neighbour_table
from synth.errors import ParameterError, PlanError
from synth.progress import Progress, silent
from synth.rebalancing.generator.class_model import PRIOR_WEIGHT, fit_class_model, sharpen
from synth.rebalancing.generator.neighbours import blend_rows, within_distance
from synth.table import as_labels, row_keys

# Anchors come from the rows holding this share of a class's weight; the far tail adds noise.
POOL_MASS = 0.999
# Rows above this top share of a class's weights are capped at it (truncated importance
# sampling): a linear score extrapolates, and uncapped, a few extreme rows (a 99,999 capital
# gain) would anchor most generated rows.
TRUNCATE_TOP = 0.002
# A class with n real rows anchors n / (n + REAL_ANCHOR_ROWS) of its generated rows on them: a
# rare class (29 rows: 30%) borrows most rows from the re-weighted table, a common one trusts its own.
REAL_ANCHOR_ROWS = 70.0
# Neighbour search is quadratic in the pool; a uniform subsample keeps the weighted distribution
# (anchors are still drawn by weight inside it) and caps the cost on 100k+ row tables.
MAX_POOL = 20_000
COPY_RETRIES = 5
# Real rows sampled to estimate how far apart real records usually are (for the privacy guard).
GUARD_SAMPLE = 2_000


class SyntheticGenerator(BaseEstimator):
    """Generates rows of any value of one categorical column, learned from the whole table.

    ``strict_min_rows``: a value with at least that many real rows is generated from its own
    rows' neighbourhoods only (what-if groups); rarer values always borrow from the whole table.
    ``privacy_guard`` q in [0, 0.5]: generated rows nearer to a real row than the q-quantile of
    real rows' distances to their own nearest neighbour are regenerated (0 only refuses copies).

    >>> gen = SyntheticGenerator(random_state=0).fit(table, schema, "income")  # doctest: +SKIP
    >>> gen.sample({">50K": 1000})  # doctest: +SKIP
    """

    def __init__(
        self,
        neighbours: int = 5,
        prior_weight: float = PRIOR_WEIGHT,
        real_anchor_rows: float = REAL_ANCHOR_ROWS,
        truncate_top: float = TRUNCATE_TOP,
        strict_min_rows: int | None = None,
        privacy_guard: float = 0.0,
        random_state: int = 0,
    ) -> None:
        self.neighbours = neighbours
        self.prior_weight = prior_weight
        self.real_anchor_rows = real_anchor_rows
        self.truncate_top = truncate_top
        self.strict_min_rows = strict_min_rows
        self.privacy_guard = privacy_guard
        self.random_state = random_state

    def fit(self, table: pd.DataFrame, schema: Schema, column: str, progress: Progress | None = None) -> SyntheticGenerator:
        progress = progress or silent
        if not 0.0 <= self.privacy_guard <= 0.5:
            raise ParameterError("privacy_guard", f"privacy_guard must be between 0 and 0.5; got {self.privacy_guard}.")
        if column not in table.columns:
            raise ParameterError("column", f"column {column!r} is not in the table; got columns {list(table.columns)}.")
        known = table[column].notna().to_numpy()
        if not known.any():
            raise PlanError(f"column {column!r} has no values to learn from.")
        self.table_ = table.loc[known].reset_index(drop=True)
        self.column_ = column
        self.categorical_, self.numeric_ = feature_kinds(schema, exclude=column)
        self.labels_ = as_labels(self.table_[column])
        progress(0.1, "Learning how each class differs from the rest")
        linear = linear_features(self.table_, self.categorical_, self.numeric_)
        self.class_model_ = fit_class_model(linear, self.labels_, self.prior_weight)
        log_ratio = self.class_model_.log_ratio(linear)
        log_ratio = np.minimum(log_ratio, np.quantile(log_ratio, 1 - self.truncate_top, axis=0))
        self.scales_ = np.array(
            [sharpen(log_ratio[:, i], np.flatnonzero(self.labels_ == c)) for i, c in enumerate(self.class_model_.classes)]
        )
        self.log_weights_ = log_ratio * self.scales_
        progress(0.4, "Placing rows among their neighbours")
        self.encoder_ = DistanceEncoder(self.categorical_, self.numeric_).fit(self.table_)
        self.points_ = self.encoder_.transform(self.table_)
        self.row_keys_ = row_keys(self.table_, self.features())
        self.min_distance_ = self._guard_distance()
        return self

    def _guard_distance(self) -> float:
        """How near a generated row may come to a real one: a quantile of real rows' own NN distances."""
        if self.privacy_guard == 0.0:
            return 0.0
        rng = np.random.default_rng(self.random_state)
        sample = rng.choice(len(self.points_), size=min(GUARD_SAMPLE, len(self.points_)), replace=False)
        distances = neighbour_distances(self.points_, self.points_[sample], exclude_self=True)
        return float(np.quantile(distances, self.privacy_guard))

    def _too_close(self, rows: pd.DataFrame) -> np.ndarray:
        """Positions of generated rows that copy a real row, or sit within the guard distance of one."""
        close = np.flatnonzero(np.isin(row_keys(rows, self.features()), self.row_keys_))
        if self.min_distance_ > 0:
            near = within_distance(self.points_, self.encoder_.transform(rows), self.min_distance_, self.encoder_.category_width)
            close = np.union1d(close, np.flatnonzero(near))
        return close

    def features(self) -> list[str]:
        """Modelled columns other than the conditioned one; a copy is judged on these."""
        return [*self.categorical_, *self.numeric_]

    def classes(self) -> tuple[str, ...]:
        return self.class_model_.classes

    def sample(self, counts: Mapping[str, int], progress: Progress | None = None) -> pd.DataFrame:
        """``counts[value]`` new rows for each value of the column, in the table's columns and dtypes."""
        progress = progress or silent
        check_is_fitted(self, "class_model_")
        rng = np.random.default_rng(self.random_state)
        parts = []
        wanted = [(str(v), int(n)) for v, n in counts.items() if int(n) > 0]
        for done, (value, n) in enumerate(wanted):
            progress(0.5 + 0.5 * done / max(len(wanted), 1), f"Generating {n:,} rows of {value!r}")
            parts.append(self._sample_class(value, n, rng))
        if not parts:
            return self.table_.iloc[:0].copy()
        return pd.concat(parts, ignore_index=True)

    def _sample_class(self, value: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
        if value not in self.class_model_.classes:
            raise PlanError(f"{value!r} is not a value of column {self.column_!r}; it has {list(self.classes())}.")
        weights = self._class_weights(value)
        own_rows = np.flatnonzero(self.labels_ == value)
        if self.strict_min_rows is not None and len(own_rows) >= self.strict_min_rows:
            pool = own_rows  # what-if groups: a 30-44 year old must stay 30-44
        else:
            heaviest = _heaviest(weights, POOL_MASS, minimum=min(len(weights), self.neighbours + 1))
            pool = np.union1d(heaviest, own_rows)
        if len(pool) > MAX_POOL:
            pool = np.sort(rng.choice(pool, size=MAX_POOL, replace=False))
        pool_weights = weights[pool] / weights[pool].sum()
        own = np.flatnonzero(self.labels_[pool] == value)
        rows = self._blend(value, n, pool, pool_weights, own, rng)
        pending = np.arange(len(rows))  # after the first pass only regenerated rows need checking
        for _ in range(COPY_RETRIES):
            close = pending[self._too_close(rows.iloc[pending])]
            if len(close) == 0:
                break
            rows.iloc[close] = self._blend(value, len(close), pool, pool_weights, own, rng).to_numpy()
            pending = close
        return rows

    def _class_weights(self, value: str) -> np.ndarray:
        log_weights = self.log_weights_[:, self.class_model_.classes.index(value)]
        return np.exp(log_weights - log_weights.max())

    def _blend(
        self,
        value: str,
        n: int,
        pool: np.ndarray,
        pool_weights: np.ndarray,
        own: np.ndarray,
        rng: np.random.Generator,
    ) -> pd.DataFrame:
        anchors = rng.choice(len(pool), size=n, p=pool_weights)
        if len(own):
            real = rng.random(n) < len(own) / (len(own) + self.real_anchor_rows)
            anchors[real] = rng.choice(own, size=int(real.sum()))
        unique, inverse = np.unique(anchors, return_inverse=True)
        near = neighbour_table(self.points_[pool], self.points_[pool[unique]], self.neighbours)
        choice_weights = pool_weights[near] / pool_weights[near].sum(axis=1, keepdims=True)
        picks = (rng.random(n)[:, None] > np.cumsum(choice_weights[inverse], axis=1)).sum(axis=1)
        partners = near[inverse, np.minimum(picks, near.shape[1] - 1)]
        rows = blend_rows(self.table_, pool[anchors], pool[partners], self.categorical_, self.numeric_, rng)
        rows[self.column_] = self.table_[self.column_][self.labels_ == value].iloc[0]
        return rows.astype(self.table_.dtypes.to_dict())


def _heaviest(weights: np.ndarray, mass: float, minimum: int) -> np.ndarray:
    """Indices of the heaviest rows that together hold ``mass`` of the total weight."""
    order = np.argsort(-weights, kind="stable")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    keep = max(int(np.searchsorted(cumulative, mass)) + 1, minimum)
    return np.sort(order[:keep])
