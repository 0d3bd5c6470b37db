"""Every LightGBM call in a process passes that process's one thread count, so fits side by side cannot
crash each other: ``FIT_THREADS`` in the app and the CLI, the worker's own on a Dask worker."""

import lightgbm as lgb
import lightgbm.basic
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

from synth.assess.evaluate import evaluate_all
from synth.data.holdout import split_holdout
from synth.distributed.evaluate import LABEL, score_partition
from synth.fairness.fair import make_fair
from synth.lightgbm_calls import FIT_THREADS, lightgbm_threads, lightgbm_train


@pytest.fixture
def thread_counts(monkeypatch) -> list[object]:
    """The ``num_threads`` of every parameter set LightGBM hands its C library (Dataset, train, predict; None: not given)."""
    seen: list[object] = []
    to_text = lightgbm.basic._param_dict_to_str

    def spy(params):
        seen.append((params or {}).get("num_threads"))
        return to_text(params)

    monkeypatch.setattr(lightgbm.basic, "_param_dict_to_str", spy)
    return seen


def test_fits_side_by_side_and_their_predictions_pass_the_thread_count(patients, thread_counts):
    split = split_holdout(patients, column="variant", share=0.3, random_state=0)
    tables = {"a": split.train, "b": split.train.sample(frac=1.0, random_state=1)}
    evaluate_all(tables, holdout=split.holdout, column="variant", positive="Variant X", n_repeats=2, workers=2)
    assert len(thread_counts) >= 4 * 4  # 2 tables x 2 seeds: two Datasets, a booster and a prediction each
    assert set(thread_counts) == {FIT_THREADS}


def test_the_fairness_model_passes_the_thread_count(patients, thread_counts):
    make_fair(patients.head(1500), column="variant", sensitive=["region"], random_state=0)
    assert thread_counts and set(thread_counts) == {FIT_THREADS}


def test_a_dask_worker_scores_with_its_own_thread_count(thread_counts):
    """``lightgbm.dask`` trains with the worker's threads, so scoring on that worker must use the same."""
    x = pd.DataFrame({"a": np.arange(200.0), "b": np.arange(200.0) % 7})
    booster = lightgbm_train({"objective": "binary", "verbose": -1}, lgb.Dataset(x, label=(x["a"] > 120).astype(int)))
    part = x.assign(**{LABEL: (x["a"] > 120).astype("int8")})
    with (
        LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        thread_counts.clear()
        scored = client.submit(score_partition, part, booster, rounds=5).result()
        assert lightgbm_threads() == FIT_THREADS  # this thread is not a worker's, even beside one in-process
    assert thread_counts == [2]
    assert scored["proba"].between(0, 1).all() and len(scored) == len(part)
