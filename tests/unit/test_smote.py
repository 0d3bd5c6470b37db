import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.preprocessing import OneHotEncoder

from synth.rebalancing.samplers.smote import QuickOneHot, _mapped, _originals
from synth.table import MISSING, as_labels


def _categories(rows: int = 500) -> np.ndarray:
    rng = np.random.default_rng(3)
    return np.column_stack([rng.choice(list("abc"), rows), rng.choice(["x", "y"], rows), rng.choice(list("pqrst"), rows)])


def test_quick_inverse_equals_the_general_one():
    """SMOTE-NC's output (one 1 per block, stored in any order) and anything else decode as OneHotEncoder does."""
    values = _categories()
    quick = QuickOneHot(handle_unknown="ignore", dtype=np.float64).fit(values)
    general = OneHotEncoder(handle_unknown="ignore", dtype=np.float64).fit(values)
    single = quick.transform(values).tocsc().tocsr()  # column-major storage order within rows
    assert np.array_equal(quick.inverse_transform(single), general.inverse_transform(single))
    assert quick.inverse_transform(single).dtype == general.inverse_transform(single).dtype
    dense = single.toarray()
    unknown = sparse.csr_matrix(np.c_[dense[:, :-1], np.zeros(len(dense))])  # the last category's 1s gone
    twice = sparse.csr_matrix(dense + np.eye(len(dense), dense.shape[1]))
    for other in (unknown, twice):  # a block with no 1 (unknown) or two 1s takes the general path
        assert np.array_equal(quick.inverse_transform(other), general.inverse_transform(other))
    assert any(v is None for v in quick.inverse_transform(unknown)[:, -1])


def test_category_texts_map_back_to_the_columns_own_values():
    column = pd.Series([1, "1", 2.5, None, "b", 1, 2.5], dtype=object)  # 1 and "1" share the text "1"
    expected = dict(zip(as_labels(column), column, strict=True))
    back = _originals(column)
    assert back == expected and [type(v) for v in back.values()] == [type(expected[k]) for k in back]
    texts = pd.Series(["1", MISSING, "2.5", "b", "1", "zz"], dtype=object)
    assert _mapped(texts, back) == [back.get(x) if x != MISSING else None for x in texts]
    assert _mapped(pd.Series(["b", None], dtype=object), back) == ["b", None]
