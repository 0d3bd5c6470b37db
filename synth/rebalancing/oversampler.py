"""Our synthetic generator as an imbalanced-learn over-sampler, for scikit-learn pipelines.

``make_pipeline(SyntheticOverSampler(), LGBMClassifier())`` resamples inside each training fold
only: imbalanced-learn's Pipeline calls ``fit_resample`` in ``fit`` and skips it in ``predict``.
imbalanced-learn's ``fit_resample`` validates and computes ``sampling_strategy_`` (rows to add per
class); ``_fit_resample`` hands the table to the app's ``synthetic`` method, so both doors run the
same code.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from synth.constraints import check_params
from synth.data.kinds import detect_schema
from synth.errors import ParameterError
from synth.generator.model import CATEGORY_LEAF, NUMBER_LEAF
from synth.rebalancing.plan import MAX_OUTPUT_ROWS
from synth.rebalancing.samplers.synthetic import LEAF_CONSTRAINTS, SyntheticSampler
from synth.schema import ColumnKind
from synth.table import as_labels

# Inside, X's columns are x0, x1, ... (any names, even repeated or numbers, work) and the target is
# this column, which therefore cannot clash with a feature.
TARGET = "y"


def _as_table(X: Any, y: np.ndarray) -> pd.DataFrame:
    """X (a dense DataFrame or an array) and y as one table with text column names."""
    names = [f"x{i}" for i in range(X.shape[1])]
    frame = X.set_axis(names, axis=1).reset_index(drop=True) if isinstance(X, pd.DataFrame) else pd.DataFrame(X, columns=names)
    return frame.assign(**{TARGET: y})


def _dense(X: pd.DataFrame) -> pd.DataFrame:
    """Sparse pandas columns as ordinary ones (imbalanced-learn turns the output back)."""
    sparse = {name: dtype.subtype for name, dtype in X.dtypes.items() if isinstance(dtype, pd.SparseDtype)}
    return X.astype(sparse) if sparse else X


def _check_rows(rows: int) -> None:
    """Refuse a resampled X beyond the rows the CLI and the app make at most, before any is drawn."""
    if rows > MAX_OUTPUT_ROWS:
        raise ParameterError(
            "sampling_strategy",
            f"The 'sampling_strategy' parameter of SyntheticOverSampler asks for {rows:,} rows; at most "
            f"{MAX_OUTPUT_ROWS:,} can be made (the limit of the CLI and the app).",
        )


class SyntheticOverSampler(BaseOverSampler):
    """Adds synthetic rows of the rarer classes (to 50:50 by default) learned from all of X.

    X may be a DataFrame of mixed kinds (numbers, text, pandas categories, dates, gaps) or an
    array; the output is X's rows, then the new ones, in X's columns and dtypes. Column kinds are
    detected as the app detects them: ID-like columns get fresh values and constant ones are
    copied, never learned from (drop them before a model). ``sampling_strategy`` and ``random_state`` work as in every
    imbalanced-learn over-sampler; ``category_leaf`` and ``number_leaf`` are the generator's
    smallest leaves (README, "How the synthetic generator works").

    >>> model = make_pipeline(SyntheticOverSampler(random_state=0), LGBMClassifier())  # doctest: +SKIP
    >>> cross_val_score(model, X, y, scoring="roc_auc", cv=StratifiedKFold(5))  # doctest: +SKIP
    """

    _parameter_constraints: ClassVar[dict[str, list]] = {**BaseOverSampler._parameter_constraints, **LEAF_CONSTRAINTS}

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        category_leaf: int = CATEGORY_LEAF,
        number_leaf: int = NUMBER_LEAF,
    ) -> None:
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.category_leaf = category_leaf
        self.number_leaf = number_leaf

    def _validate_params(self) -> None:
        """imbalanced-learn's check, raised as our ``ParameterError`` (a ``ValueError``), and the app's row limit."""
        check_params(type(self).__name__, self._parameter_constraints, self.get_params(deep=False))
        if isinstance(self.sampling_strategy, dict):
            _check_rows(sum(int(n) for n in self.sampling_strategy.values()))

    def _check_X_y(self, X: Any, y: Any, accept_sparse: Any = None) -> tuple[Any, np.ndarray, bool]:
        """Let text and categories through, as SMOTE-NC does; lists become arrays, sparse matrices are refused."""
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if not isinstance(X, pd.DataFrame):
            X = check_array(X, dtype=None, ensure_all_finite=False)
        check_consistent_length(X, y)
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        return X, np.asarray(y), binarize_y

    def _seed(self) -> int:
        """The generator's seed: the given one, or one drawn from the given RandomState (or numpy's)."""
        if isinstance(self.random_state, Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        """X's rows then ``sampling_strategy_`` new ones per class, made by the app's synthetic method."""
        _check_rows(len(X) + sum(self.sampling_strategy_.values()))  # a callable strategy is known only now
        dense = _dense(X) if isinstance(X, pd.DataFrame) else X
        table = _as_table(dense, y)
        schema = detect_schema(table).with_overrides({TARGET: ColumnKind.CATEGORICAL})
        labels = as_labels(table[TARGET])
        counts = {labels[np.flatnonzero(y == value)[0]]: n for value, n in self.sampling_strategy_.items()}
        sampler = SyntheticSampler.create(
            category_leaf=self.category_leaf, number_leaf=self.number_leaf, random_state=self._seed()
        )
        new = sampler.generate(table, schema, TARGET, counts)
        new_y = np.concatenate([y, new[TARGET].to_numpy(dtype=y.dtype)])
        features = new.drop(columns=TARGET)
        if isinstance(X, pd.DataFrame):
            return pd.concat([dense, features.set_axis(X.columns, axis=1)], ignore_index=True), new_y
        return np.concatenate([X, features.to_numpy(dtype=X.dtype)]), new_y

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False  # rows are drawn from dense tables
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags
