"""SyntheticOverSampler: imbalanced-learn's contract, mixed tables, pipelines, and one implementation with the app."""

import contextlib
import io
import re
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from imblearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    check_samplers_sparse,
    estimator_checks_generator,
)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from synth import SyntheticOverSampler
from synth.errors import ParameterError
from synth.rebalancing.run import rebalance

README = Path(__file__).resolve().parents[2] / "README.md"
NAME = SyntheticOverSampler.__name__
# Checks that cannot apply, as imbalanced-learn's test_common lists its own: check name -> why.
EXPECTED_FAILURES = {
    "check_samplers_sparse": "sparse matrices are refused (tag sparse=False): records are drawn from rows of a dense table",
}


def imblearn_checks() -> list:
    """Every check imbalanced-learn runs on its own samplers; the ones above as strict expected failures."""
    estimator = SyntheticOverSampler(random_state=0)
    checks = [check for _, check in estimator_checks_generator(estimator, mark=None)]
    checks += [partial(check, NAME) for check in (check_param_validation, check_dataframe_column_names_consistency)]
    checks += [partial(check_samplers_sparse, NAME)]  # not generated for a sampler that declares no sparse support
    params = []
    for check in checks:
        name = check.func.__name__
        reason = EXPECTED_FAILURES.get(name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(check, marks=marks, id=name))
    return params


@pytest.mark.parametrize("check", imblearn_checks())
def test_imbalanced_learn_estimator_checks(check):
    check(SyntheticOverSampler(random_state=0))


@parametrize_with_checks([SyntheticOverSampler(random_state=0)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def mixed(patients):
    """Numbers, text, a pandas category, dates, gaps and an ID column; target last."""
    return patients.astype({"region": "category"})


def test_fit_resample_keeps_columns_dtypes_and_rows_and_balances_by_default(mixed):
    X, y = mixed.drop(columns="variant"), mixed["variant"]
    X_res, y_res = SyntheticOverSampler(random_state=0).fit_resample(X, y)
    assert list(X_res.columns) == list(X.columns)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert y_res.dtype == y.dtype and y_res.name == y.name
    assert y_res.value_counts().to_dict() == {"Other": (y == "Other").sum(), "Variant X": (y == "Other").sum()}
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X.reset_index(drop=True))
    new = X_res.iloc[len(X) :]
    assert set(new["region"]) <= set(X["region"]) and not new["patient_id"].isin(X["patient_id"]).any()


def test_numpy_arrays_and_a_float_strategy():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=400), rng.choice(["a", "b", "c"], 400)]).astype(object)
    y = (rng.random(400) < 0.1).astype(np.int64)
    X_res, y_res = SyntheticOverSampler(sampling_strategy=0.5, random_state=0).fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == object and y_res.dtype == np.int64
    assert (y_res == 1).sum() == int(0.5 * (y == 0).sum())
    np.testing.assert_array_equal(X_res[: len(X)], X)


def test_the_app_and_the_over_sampler_share_one_implementation(mixed):
    """Same table, same seed: the Pipeline door and the app's synthetic method make the same rows."""
    X, y = mixed.drop(columns="variant"), mixed["variant"]
    X_res, _ = SyntheticOverSampler(random_state=3).fit_resample(X, y)
    app = rebalance(mixed, column="variant", shares={"Variant X": 0.5}, method="synthetic", random_state=3)
    pd.testing.assert_frame_equal(
        X_res.iloc[len(X) :].reset_index(drop=True), app.new_rows.drop(columns="variant").reset_index(drop=True)
    )


def test_resampling_happens_in_fit_inside_each_fold_only(mixed, monkeypatch):
    seen = []
    original = SyntheticOverSampler._fit_resample

    def spy(self, X, y):
        seen.append(len(X))
        return original(self, X, y)

    monkeypatch.setattr(SyntheticOverSampler, "_fit_resample", spy)
    X = mixed[["age", "bmi"]].fillna(0)
    y = mixed["variant"] == "Variant X"
    model = make_pipeline(SyntheticOverSampler(random_state=0), LogisticRegression())
    cross_val_score(model, X, y, cv=StratifiedKFold(5), scoring="roc_auc")
    assert seen == [len(X) * 4 // 5] * 5  # once per fold, on its training rows; never on the scored fold


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sampling_strategy": 1.5}, "The 'sampling_strategy' parameter of SyntheticOverSampler must be"),
        ({"random_state": "x"}, "The 'random_state' parameter of SyntheticOverSampler must be"),
        ({"category_leaf": 0}, r"The 'category_leaf' parameter of SyntheticOverSampler must be an int in the range \[1, inf\)"),
        ({"number_leaf": -3}, r"The 'number_leaf' parameter of SyntheticOverSampler must be an int in the range \[1, inf\)"),
    ],
)
def test_bad_parameters_are_refused_by_name(params, message):
    with pytest.raises(ParameterError, match=message) as refused:
        SyntheticOverSampler(**params).fit_resample(np.zeros((10, 2)), np.r_[np.zeros(8), np.ones(2)])
    assert refused.value.parameter == next(iter(params))


def test_the_readme_pipeline_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    example = next(block for block in blocks if "SyntheticOverSampler" in block)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example, str(README), "exec"), {})
    scores = np.array(re.findall(r"\d\.\d+", printed.getvalue()), dtype=float)
    assert len(scores) == 5 and ((scores > 0) & (scores <= 1)).all()
