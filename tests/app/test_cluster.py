"""With REBALANCE_STUDIO_SCHEDULER set, Generate and Evaluate run on that Dask cluster and show the same results."""

import pytest
from distributed import LocalCluster

from tests.app.helpers import click, start, visit
from ui.state import PLAN, SCHEDULER_ENV


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as local:
        yield local


def test_generate_and_evaluate_run_on_the_teams_cluster(cluster, monkeypatch):
    monkeypatch.setenv(SCHEDULER_ENV, cluster.scheduler_address)
    at = visit(start(), "plan")
    click(at, "Generate")
    results = at.session_state[PLAN].outputs.results
    assert set(results) == {"naive", "smote", "synthetic"}
    for result in results.values():
        counts = result.table["variant"].value_counts()
        assert counts["Variant X"] == counts["Other"]
        assert not result.table[~result.generated]["patient_id"].duplicated().any()
    ran = set(cluster.scheduler.task_prefixes)
    assert {"generate_partition", "profile_partition"} <= ran
    visit(at, "evaluate")
    at.number_input(key="seeds").set_value(1).run()
    click(at, "Train and score")
    table = next(d.value for d in at.dataframe if "AUC-ROC" in getattr(d.value, "columns", []))
    assert list(table["training data"]) == ["unbalanced (real rows only)", "Naive oversampling", "SMOTE-NC", "Synthetic"]
    assert table["AUC-ROC"].str.match(r"0\.\d{3} ± 0\.000").all()
    assert any("train" in prefix for prefix in cluster.scheduler.task_prefixes)  # lightgbm.dask
