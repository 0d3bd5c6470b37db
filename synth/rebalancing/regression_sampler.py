"""The numeric-target methods as a sampler for scikit-learn code: ``fit_resample(X, y)`` with a continuous y.

imbalanced-learn's ``BaseOverSampler.fit_resample`` refuses a continuous target
(``check_classification_targets``), so this sampler follows its contract by itself: validate the
declared parameters, then return X's rows followed by the new ones, and y likewise. imbalanced-learn's
``Pipeline`` calls any step's ``fit_resample`` during ``fit`` only, so it resamples inside each
training fold there too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array, check_consistent_length

from synth.constraints import check_params
from synth.data.kinds import detect_schema
from synth.errors import ParameterError
from synth.rebalancing.numeric import NUMERIC_METHODS, generate_in_ranges
from synth.rebalancing.ranges import make_range_plan
from synth.schema import ColumnKind

# Inside, X's columns are x0, x1, ... and the target is this column, which cannot clash with them.
TARGET = "y"


class SyntheticRegressionSampler(BaseEstimator):
    """Adds rows to the rare ranges of a continuous y (by default the top 5% of y, brought to 20% of rows).

    ``ranges`` ('0-1000, 1000+'), ``shares`` ({'1000+': 0.3}) and ``method`` ('synthetic', 'smote' or
    'naive') work as in ``synth.rebalance``; every new y lies in the range its row was made for.

    >>> X_new, y_new = SyntheticRegressionSampler(random_state=0).fit_resample(X, y)  # doctest: +SKIP
    >>> make_pipeline(SyntheticRegressionSampler(ranges="0-1000,1000+"), LGBMRegressor()).fit(X, y)  # doctest: +SKIP
    """

    _parameter_constraints: ClassVar[dict[str, list]] = {
        "ranges": [str, list, tuple, None],
        "shares": [dict, None],
        "method": [StrOptions(set(NUMERIC_METHODS))],
        "params": [dict, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        ranges: str | Sequence[str] | None = None,
        shares: Mapping[str, float] | None = None,
        method: str = "synthetic",
        params: Mapping[str, Any] | None = None,
        random_state: Any = None,
    ) -> None:
        self.ranges = ranges
        self.shares = shares
        self.method = method
        self.params = params
        self.random_state = random_state

    def _seed(self) -> int:
        if isinstance(self.random_state, Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def fit(self, X: Any, y: Any) -> SyntheticRegressionSampler:
        """Resampling has nothing to learn apart from the data it resamples; kept for the estimator API."""
        self.fit_resample(X, y)
        return self

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, np.ndarray]:
        """X's rows then the new ones (a DataFrame stays one, in its columns and dtypes), and y likewise."""
        check_params(type(self).__name__, self._parameter_constraints, self.get_params(deep=False))
        y = np.asarray(y)
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.number):
            raise ParameterError("y", f"y must be one column of numbers; got shape {y.shape} of {y.dtype}.")
        frame = X.reset_index(drop=True) if isinstance(X, pd.DataFrame) else pd.DataFrame(check_array(X, ensure_all_finite=False))
        check_consistent_length(frame, y)
        table = frame.set_axis([f"x{i}" for i in range(frame.shape[1])], axis=1).assign(**{TARGET: y})
        schema = detect_schema(table).with_overrides({TARGET: ColumnKind.NUMERIC})
        plan = make_range_plan(table[TARGET], ranges=self.ranges, shares=self.shares)
        new = generate_in_ranges(table, plan, method=self.method, schema=schema, random_state=self._seed(), params=self.params)
        self.plan_, self.n_features_in_ = plan, frame.shape[1]
        new_y = np.concatenate([y, new[TARGET].to_numpy(dtype=y.dtype)])
        features = new.drop(columns=TARGET).set_axis(frame.columns, axis=1)
        if isinstance(X, pd.DataFrame):
            return pd.concat([frame, features], ignore_index=True), new_y
        return np.concatenate([np.asarray(frame), features.to_numpy(dtype=np.asarray(frame).dtype)]), new_y
