"""The synthetic generator: a chain of per-column trees, steered towards a class by re-weighting.

Fit: learn from every row in which direction each class differs (``class_model``), and one tree
per column that groups real rows by what matters for that column given the columns before it
(``trees``). Sample n rows of class c: generate column by column, each value taken from a real
row in the record's leaf, drawn with weights p(x | c) / p(x). The rare class thus borrows the
majority's realistic structure, steered by its own signal, and each record mixes values of many
real rows instead of disguising one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from synth.constraints import AT_LEAST_ONE, RANDOM_STATE, check_params
from synth.encoding import feature_kinds, linear_features
from synth.errors import ParameterError, PlanError, UnknownColumn
from synth.generator.class_model import PRIOR_WEIGHT, fit_class_model, sharpen
from synth.generator.trees import ColumnTrees, tree_inputs
from synth.progress import Progress, silent
from synth.schema import Schema
from synth.table import as_labels, row_keys

# Rows above this top share of a class's weights are capped at it (truncated importance
# sampling): a linear score extrapolates, and uncapped, a few extreme rows (a 99,999 capital
# gain) would steer most generated rows.
TRUNCATE_TOP = 0.002
# A class with n real rows takes n / (n + REAL_ANCHOR_ROWS) of its donor weight from its own rows
# and the rest from the re-weighted table: a rare class (29 rows: 30%) borrows, a common one
# (3,900 rows: 98%) trusts its own.
REAL_ANCHOR_ROWS = 70.0
# Smallest leaf of a categorical / numeric column's tree: each value is drawn among at least this
# many real rows. Numbers need finer leaves to keep tight relations (this month's bill and last
# month's); categories can take larger ones, which keep records further from any one real row.
CATEGORY_LEAF = 100
NUMBER_LEAF = 25
# Trees are fitted on at most this many rows (every row still serves as a donor): caps the
# cost on 100k+ row tables.
FIT_ROWS = 30_000
COPY_RETRIES = 5


class SyntheticGenerator(BaseEstimator):
    """Generates rows of any value of one categorical column, learned from the whole table.

    ``strict_min_rows``: a value with at least that many real rows is generated from its own
    rows only (what-if groups); rarer values always borrow from the whole table.
    ``first``: columns placed first in the chain, so that ``complete`` can condition on them.

    >>> gen = SyntheticGenerator(random_state=0).fit(table, schema, "income")  # doctest: +SKIP
    >>> gen.sample({">50K": 1000})  # doctest: +SKIP
    """

    _parameter_constraints: ClassVar[dict[str, list]] = {
        "category_leaf": AT_LEAST_ONE,
        "number_leaf": AT_LEAST_ONE,
        "prior_weight": [Interval(Real, 0, None, closed="neither")],  # the class model's C: no prior at all is not one
        "real_anchor_rows": [Interval(Real, 0, None, closed="left")],
        "truncate_top": [Interval(Real, 0, 1, closed="left")],  # a share of the weights
        "strict_min_rows": [*AT_LEAST_ONE, None],
        "first": ["array-like"],
        "fit_rows": AT_LEAST_ONE,
        "random_state": [*RANDOM_STATE, None],
    }

    def __init__(
        self,
        category_leaf: int = CATEGORY_LEAF,
        number_leaf: int = NUMBER_LEAF,
        prior_weight: float = PRIOR_WEIGHT,
        real_anchor_rows: float = REAL_ANCHOR_ROWS,
        truncate_top: float = TRUNCATE_TOP,
        strict_min_rows: int | None = None,
        first: Sequence[str] = (),
        fit_rows: int = FIT_ROWS,
        random_state: int = 0,
    ) -> None:
        self.category_leaf = category_leaf
        self.number_leaf = number_leaf
        self.prior_weight = prior_weight
        self.real_anchor_rows = real_anchor_rows
        self.truncate_top = truncate_top
        self.strict_min_rows = strict_min_rows
        self.first = first
        self.fit_rows = fit_rows
        self.random_state = random_state

    def fit(self, table: pd.DataFrame, schema: Schema, column: str, progress: Progress | None = None) -> SyntheticGenerator:
        progress = progress or silent
        self._validate_params()
        if column not in table.columns:
            raise UnknownColumn("column", column, table.columns)
        known = table[column].notna().to_numpy()
        if not known.any():
            raise PlanError(f"column {column!r} has no values to learn from.")
        self.table_ = table.loc[known].reset_index(drop=True)
        self.column_ = column
        self.categorical_, self.numeric_ = feature_kinds(schema, exclude=column)
        self.labels_ = as_labels(self.table_[column])
        progress(0.1, "Learning how each class differs from the rest")
        self._fit_class_weights()
        progress(0.3, "Learning each column from the columns before it")
        self.order_ = self._column_order()
        inputs = tree_inputs(self.table_, self.categorical_, self.order_)
        is_categorical = np.array([name in self.categorical_ for name in self.order_], dtype=bool)
        rng = np.random.default_rng(self.random_state)
        self.trees_ = ColumnTrees(self.category_leaf, self.number_leaf, self.fit_rows).fit(inputs, is_categorical, rng)
        self.row_keys_ = row_keys(self.table_, self.features())
        return self

    def _validate_params(self) -> None:
        """Every constructor parameter against its declared constraints, before any data is read."""
        check_params(type(self).__name__, self._parameter_constraints, self.get_params(deep=False))

    def _fit_class_weights(self) -> None:
        """Per row and class, the capped and sharpened log density ratio log p(x | c) / p(x)."""
        linear = linear_features(self.table_, self.categorical_, self.numeric_)
        self.class_model_ = fit_class_model(linear, self.labels_, self.prior_weight)
        log_ratio = self.class_model_.log_ratio(linear)
        log_ratio = np.minimum(log_ratio, np.quantile(log_ratio, 1 - self.truncate_top, axis=0))
        self.scales_ = np.array(
            [sharpen(log_ratio[:, i], np.flatnonzero(self.labels_ == c)) for i, c in enumerate(self.class_model_.classes)]
        )
        self.log_weights_ = log_ratio * self.scales_

    def _column_order(self) -> list[str]:
        """Modelled columns in table order, the ``first`` ones (those given in ``complete``) leading."""
        unknown = [c for c in self.first if c not in self.features()]
        if unknown:
            raise ParameterError("first", f"first names columns that are not modelled features: {unknown}.")
        rest = [c for c in self.table_.columns if c in self.features() and c not in self.first]
        return [*self.first, *rest]

    def features(self) -> list[str]:
        """Modelled columns other than the conditioned one; a copy is judged on these."""
        return [*self.categorical_, *self.numeric_]

    def classes(self) -> tuple[str, ...]:
        return self.class_model_.classes

    def sample(self, counts: Mapping[str, int], progress: Progress | None = None) -> pd.DataFrame:
        """``counts[value]`` new rows for each value of the column, in the table's columns and dtypes."""
        progress = progress or silent
        check_is_fitted(self, "trees_")
        rng = np.random.default_rng(self.random_state)
        parts = []
        wanted = [(str(v), int(n)) for v, n in counts.items() if int(n) > 0]
        for done, (value, n) in enumerate(wanted):
            progress(0.5 + 0.5 * done / max(len(wanted), 1), f"Generating {n:,} rows of {value!r}")
            parts.append(self._sample_class(value, n, rng))
        if not parts:
            return self.table_.iloc[:0].copy()
        return pd.concat(parts, ignore_index=True)

    def complete(self, fixed: pd.DataFrame, value: str | None = None) -> pd.DataFrame:
        """One record per row of ``fixed`` (the ``first`` columns as given), the rest generated."""
        check_is_fitted(self, "trees_")
        value = self.classes()[0] if value is None else value
        given = tree_inputs(fixed, self.categorical_, list(self.first))
        given = self._codes_of_fixed(fixed, given)
        rng = np.random.default_rng(self.random_state)
        rows = self._generate(value, len(fixed), rng, given)
        for name in self.first:
            rows[name] = fixed[name].to_numpy()
        return rows.astype(self.table_.dtypes.to_dict(), errors="ignore")

    def _codes_of_fixed(self, fixed: pd.DataFrame, given: np.ndarray) -> np.ndarray:
        """Category codes of ``fixed`` on the training table's code book (unknown values: NaN)."""
        for j, name in enumerate(self.first):
            if name in self.categorical_:
                known = np.unique(as_labels(self.table_[name]))
                labels = as_labels(fixed[name])
                position = np.searchsorted(known, labels).clip(0, len(known) - 1)
                given[:, j] = np.where(known[position] == labels, position, np.nan)
        return given

    def _sample_class(self, value: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
        if value not in self.class_model_.classes:
            raise PlanError(f"{value!r} is not a value of column {self.column_!r}; it has {list(self.classes())}.")
        rows = self._generate(value, n, rng)
        pending = np.arange(len(rows))  # after the first pass only regenerated rows need checking
        for _ in range(COPY_RETRIES):
            close = pending[np.isin(row_keys(rows.iloc[pending], self.features()), self.row_keys_)]
            if len(close) == 0:
                break
            rows.iloc[close] = self._generate(value, len(close), rng).to_numpy()
            pending = close
        return rows

    def donor_weights(self, value: str) -> np.ndarray:
        """How likely each real row is to lend a value to a record of class ``value`` (sums to 1)."""
        log_weights = self.log_weights_[:, self.class_model_.classes.index(value)]
        tilted = np.exp(log_weights - log_weights.max())
        tilted /= tilted.sum()
        own = (self.labels_ == value).astype(float)
        n_own = own.sum()
        if self.strict_min_rows is not None and n_own >= self.strict_min_rows:
            return own / n_own  # what-if groups: a 30-44 year old must stay 30-44
        share = n_own / (n_own + self.real_anchor_rows)
        return share * own / max(n_own, 1.0) + (1.0 - share) * tilted

    def _generate(self, value: str, n: int, rng: np.random.Generator, given: np.ndarray | None = None) -> pd.DataFrame:
        donors = self.trees_.draw(self.donor_weights(value), n, rng, given)
        first_donor = donors[:, len(self.first)] if len(self.first) < donors.shape[1] else np.zeros(n, dtype=np.int64)
        rows = self.table_.iloc[first_donor].reset_index(drop=True)
        for j, name in enumerate(self.order_[len(self.first) :], start=len(self.first)):
            rows[name] = self.table_[name].iloc[donors[:, j]].reset_index(drop=True)
        rows[self.column_] = self.table_[self.column_][self.labels_ == value].iloc[0]
        return rows.astype(self.table_.dtypes.to_dict())
