"""The SMOTE family from imbalanced-learn, behind our sampler contract.

``smote`` picks the right member for the feature mix: SMOTE-NC for mixed tables, SMOTEN when
every feature is categorical, SMOTE when every feature is numeric. Borderline-SMOTE and
KMeans-SMOTE only interpolate numbers, so categories go in one-hot and come back as the
strongest category. Missing numbers are filled with the column median first (SMOTE cannot
interpolate a gap); missing categories are a category of their own.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC, BorderlineSMOTE, KMeansSMOTE
from scipy import sparse
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils._param_validation import Interval

from synth.constraints import RANDOM_STATE
from synth.encoding import feature_kinds, median_filled
from synth.errors import MethodRefused
from synth.rebalancing.samplers.base import Request, Sampler
from synth.table import MISSING, as_labels, as_numbers, restore_dtype, rows_of

DEFAULT_NEIGHBOURS = 5


def neighbours_for(method: str, counts: dict[str, int], table: pd.DataFrame, column: str, most: int) -> int:
    """SMOTE interpolates towards k neighbours of the same class, so k < rows of the smallest class."""
    smallest = min(len(rows_of(table, column, v)) for v in counts)
    if smallest < 2:
        value = min(counts, key=lambda v: len(rows_of(table, column, v)))
        raise MethodRefused(
            method,
            f"SMOTE needs at least 2 rows of {value!r} to interpolate between; it has {smallest}. "
            "Use naive oversampling or the synthetic generator for this class.",
        )
    return min(most, smallest - 1)


def single_hot(matrix: Any, sizes: list[int]) -> np.ndarray | None:
    """Each row's category number per block of a one-hot matrix whose every block holds exactly one
    positive entry per row; None for any other matrix."""
    if not sparse.issparse(matrix) or matrix.shape[1] != sum(sizes) or not sizes or matrix.shape[0] == 0:
        return None
    matrix = sparse.csr_matrix(matrix)
    rows, features = matrix.shape[0], len(sizes)
    if matrix.nnz != rows * features or matrix.data.min() <= 0:
        return None
    starts = np.cumsum([0, *sizes[:-1]])
    block = np.searchsorted(starts, matrix.indices, side="right") - 1
    row = np.repeat(np.arange(rows), np.diff(matrix.indptr))
    if np.bincount(row * features + block, minlength=rows * features).max() != 1:
        return None
    labels = np.empty((rows, features), dtype=np.intp)
    labels[row, block] = matrix.indices - starts[block]
    return labels


class QuickOneHot(OneHotEncoder):
    """SMOTE-NC's one-hot encoder, whose inverse reads each block's single 1 directly.

    SMOTE-NC leaves one positive entry per block in every row; scipy's sparse argmax finds it with a
    Python loop per row and block (over a minute on 100,000 x 32 categories). Other input goes the
    general way, so the result is always ``OneHotEncoder.inverse_transform``'s.
    """

    def inverse_transform(self, X: Any) -> np.ndarray:
        general = self.drop is not None or self._infrequent_enabled
        labels = None if general else single_hot(X, [len(c) for c in self.categories_])
        if labels is None:
            return super().inverse_transform(X)
        out = np.empty(labels.shape, dtype=np.result_type(*[c.dtype for c in self.categories_]))
        for i, categories in enumerate(self.categories_):
            out[:, i] = categories[labels[:, i]]
        return out


def feature_frame(table: pd.DataFrame, categorical: list[str], numeric: list[str]) -> pd.DataFrame:
    """Features as SMOTE reads them: categories as text (a gap is a category), numbers median-filled."""
    frame = pd.DataFrame(index=range(len(table)))
    for name in categorical:
        frame[name] = as_labels(table[name])
    for name in numeric:
        frame[name] = median_filled(as_numbers(table[name]))
    return frame


def _strategy(table: pd.DataFrame, column: str, counts: dict[str, int]) -> dict[str, int]:
    """imbalanced-learn wants the class sizes after resampling."""
    return {v: len(rows_of(table, column, v)) + n for v, n in counts.items()}


def _originals(column: pd.Series) -> dict[str, Any]:
    """Each category's text to the column's value, the last row's for a text shared by several values."""
    labels = as_labels(column)
    codes, _ = pd.factorize(labels)
    _, from_end = np.unique(codes[::-1], return_index=True)
    last = np.sort(len(codes) - 1 - from_end)  # each text's last row
    return dict(zip(labels[last], column.iloc[last], strict=True))


def _mapped(texts: pd.Series, back: dict[str, Any]) -> list[Any]:
    """Generated category texts as the column's own values (missing stays missing), one lookup per distinct text."""
    codes, uniques = pd.factorize(texts.to_numpy(dtype=object))
    if (codes < 0).any():
        return [back.get(x) if x != MISSING else None for x in texts]
    values = np.empty(len(uniques), dtype=object)
    values[:] = [back.get(x) if x != MISSING else None for x in uniques]
    return values[codes].tolist()


def decode_rows(
    new: pd.DataFrame,
    table: pd.DataFrame,
    labels: pd.Series,
    categorical: list[str],
    numeric: list[str],
    column: str,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Resampled feature values back into full rows shaped like ``table``.

    Categories travel as text; each is mapped back to the original value (an integer code stays one).
    """
    originals = {name: _originals(table[name]) for name in categorical}
    out_parts = []
    for value, part in new.groupby(labels.to_numpy(), sort=False):
        base = table.iloc[rng.choice(rows_of(table, column, str(value)), size=len(part))].reset_index(drop=True)
        part = part.reset_index(drop=True)
        for name in categorical:
            base[name] = pd.Series(_mapped(part[name], originals[name])).astype(table[name].dtype)
        for name in numeric:
            base[name] = restore_dtype(part[name].to_numpy(dtype=float), table[name])
        out_parts.append(base)
    return pd.concat(out_parts, ignore_index=True)


class SmoteSampler(Sampler):
    name = "smote"
    label = "SMOTE-NC"
    description = (
        "Interpolates between a real row of the class and one of its nearest neighbours of the same class "
        "(SMOTE-NC for mixed columns, SMOTEN if all are categorical, SMOTE if all are numeric)."
    )
    shortfall = ""
    # k_neighbors is the most neighbours used; a class with fewer rows uses all it has.
    _parameter_constraints: ClassVar[dict[str, list]] = {
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "random_state": RANDOM_STATE,
    }

    def __init__(self, *, k_neighbors: int = DEFAULT_NEIGHBOURS, random_state: int = 0) -> None:
        super().__init__(random_state=random_state)
        self.k_neighbors = k_neighbors

    def _make(self, categorical: list[str], numeric: list[str], k: int, strategy: dict[str, int]) -> Any:
        common = {"k_neighbors": k, "sampling_strategy": strategy, "random_state": self.random_state}
        if not numeric:
            return SMOTEN(**common)
        if not categorical:
            return SMOTE(**common)
        # imbalanced-learn's own encoder (numbers are float64 here), with a faster inverse
        encoder = QuickOneHot(handle_unknown="ignore", dtype=np.float64)
        return SMOTENC(categorical_features=list(range(len(categorical))), categorical_encoder=encoder, **common)

    def _resample(
        self, features: pd.DataFrame, categorical: list[str], labels: np.ndarray, k: int, strategy: dict[str, int]
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Resampled features and their labels (imbalanced-learn orders new rows by sorted class)."""
        numeric = [c for c in features.columns if c not in categorical]
        sampler = self._make(categorical, numeric, k, strategy)
        resampled, resampled_labels = sampler.fit_resample(features, labels)
        return pd.DataFrame(resampled, columns=features.columns), np.asarray(resampled_labels, dtype=object)

    def _generate(self, request: Request) -> pd.DataFrame:
        table, column, counts, progress = request.table, request.column, request.counts, request.progress
        categorical, numeric = feature_kinds(request.schema, exclude=column)
        known = table[column].notna().to_numpy()
        source = table.loc[known].reset_index(drop=True)
        k = neighbours_for(self.name, counts, source, column, self.k_neighbors)
        labels = source[column].astype("string").to_numpy(dtype=object)
        features = feature_frame(source, categorical, numeric)
        progress(0.2, f"interpolating between neighbours (k={k})")
        try:
            resampled, resampled_labels = self._resample(features, categorical, labels, k, _strategy(source, column, counts))
        except (ValueError, RuntimeError) as error:
            raise MethodRefused(self.name, f"{self.label} could not generate rows for this table: {error}") from None
        new = resampled.iloc[len(source) :].reset_index(drop=True)
        new_labels = pd.Series(resampled_labels[len(source) :])
        made = new_labels.value_counts()
        if any(made.get(value, 0) < n for value, n in counts.items()):
            raise MethodRefused(
                self.name,
                f"{self.label} made {len(new):,} rows instead of {sum(counts.values()):,}. {self.shortfall} "
                "Use SMOTE-NC or the synthetic generator for this table.",
            )
        keep = np.concatenate([np.flatnonzero(new_labels.to_numpy() == value)[:n] for value, n in counts.items()])
        return decode_rows(new.iloc[keep], source, new_labels.iloc[keep], categorical, numeric, column, request.rng)


class _NumericOnlySmote(SmoteSampler):
    """Members of the family that interpolate numbers only: categories travel one-hot."""

    def _resample(
        self, features: pd.DataFrame, categorical: list[str], labels: np.ndarray, k: int, strategy: dict[str, int]
    ) -> tuple[pd.DataFrame, np.ndarray]:
        numeric = [c for c in features.columns if c not in categorical]
        encoded = pd.get_dummies(features, columns=categorical, prefix_sep="\x01", dtype=float)
        resampled, resampled_labels = self._make_numeric(k, strategy).fit_resample(encoded, labels)
        resampled = pd.DataFrame(resampled, columns=encoded.columns)
        decoded = pd.DataFrame(index=resampled.index)
        for name in categorical:
            decoded[name] = _strongest(resampled[[c for c in encoded.columns if c.startswith(name + "\x01")]])
        for name in numeric:
            decoded[name] = resampled[name].astype(float)
        return decoded, np.asarray(resampled_labels, dtype=object)

    def _make_numeric(self, k: int, strategy: dict[str, int]) -> Any:
        raise NotImplementedError


def _strongest(block: pd.DataFrame) -> pd.Series:
    """Each row's category with the largest one-hot value (the first of equals), as ``idxmax`` finds it."""
    values = block.to_numpy(dtype=float)
    if np.isnan(values).any():  # idxmax skips gaps; argmax would not
        return block.idxmax(axis=1).str.split("\x01", n=1).str[1]
    texts = pd.Series([c.split("\x01", 1)[1] for c in block.columns], dtype=object)
    return pd.Series(texts.to_numpy()[values.argmax(axis=1)], index=block.index, dtype=object)


class BorderlineSmoteSampler(_NumericOnlySmote):
    name = "borderline-smote"
    label = "Borderline-SMOTE"
    description = "SMOTE that only interpolates from class rows near the class boundary (categories one-hot)."
    shortfall = (
        "It interpolates only from class rows near the class boundary, and every row of this class is "
        "surrounded by other classes' rows, which it treats as noise."
    )

    def _make_numeric(self, k: int, strategy: dict[str, int]) -> Any:
        return BorderlineSMOTE(k_neighbors=k, sampling_strategy=strategy, random_state=self.random_state)


class KMeansSmoteSampler(_NumericOnlySmote):
    name = "kmeans-smote"
    label = "KMeans-SMOTE"
    description = "Clusters the table first and interpolates inside clusters where the class is dense (categories one-hot)."
    shortfall = "It interpolates only inside clusters where the class is dense, and found too few."

    def _make_numeric(self, k: int, strategy: dict[str, int]) -> Any:
        return KMeansSMOTE(
            k_neighbors=k, sampling_strategy=strategy, random_state=self.random_state, cluster_balance_threshold=0.0
        )
