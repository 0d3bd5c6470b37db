"""Every in-process LightGBM call passes the one thread count, so fits side by side cannot crash each other."""

import lightgbm as lgb
import pytest

from synth.assess.evaluate import evaluate_all
from synth.data.holdout import split_holdout
from synth.fairness.fair import make_fair
from synth.threads import FIT_THREADS
from tests.unit.test_fairness import biased


@pytest.fixture
def thread_counts(monkeypatch) -> list[object]:
    """The thread count every ``lgb.train`` and ``Booster.predict`` was given (None: not given)."""
    seen: list[object] = []
    train, predict = lgb.train, lgb.Booster.predict

    def spy_train(params, *args, **kwargs):
        seen.append(params.get("num_threads"))
        return train(params, *args, **kwargs)

    def spy_predict(self, data, *args, **kwargs):
        seen.append(kwargs.get("num_threads"))
        return predict(self, data, *args, **kwargs)

    monkeypatch.setattr(lgb, "train", spy_train)
    monkeypatch.setattr(lgb.Booster, "predict", spy_predict)
    return seen


def test_fits_side_by_side_and_their_predictions_pass_the_thread_count(patients, thread_counts):
    split = split_holdout(patients, column="variant", share=0.3, seed=0)
    tables = {"a": split.train, "b": split.train.sample(frac=1.0, random_state=1)}
    evaluate_all(tables, holdout=split.holdout, column="variant", positive="Variant X", seeds=2, workers=2)
    assert len(thread_counts) == 8  # 2 tables x 2 seeds, a fit and a predict each
    assert set(thread_counts) == {FIT_THREADS}


def test_the_fairness_model_passes_the_thread_count(thread_counts):
    make_fair(biased(400), column="outcome", sensitive=["sex"], random_state=0)
    assert thread_counts and set(thread_counts) == {FIT_THREADS}
