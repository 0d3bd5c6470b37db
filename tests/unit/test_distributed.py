"""The distributed path: same plan, dtypes and shares as in memory, same output on 1 or 2 workers,
one-line refusals naming the file, and a worker killed mid-run."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dask
import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from distributed.comm.core import CommClosedError
from distributed.scheduler import KilledWorker

from synth import rebalance
from synth.__main__ import main
from synth.assess.evaluate import evaluate
from synth.data.demos import make_demo
from synth.data.kinds import detect_schema
from synth.distributed.cluster import cluster_errors, connect
from synth.distributed.evaluate import early_stopping_round, evaluate_frame
from synth.distributed.profile import profile_table
from synth.distributed.rebalance import allocate, generate_partition, partition_seed, rebalance_frame
from synth.distributed.source import MANIFEST, open_table, write_folder
from synth.errors import ClusterError, TableReadError
from synth.rebalancing.plan import make_plan

FILES = 4


def _write_parts(table: pd.DataFrame, folder: Path, parts: int = FILES) -> Path:
    folder.mkdir()
    size = -(-len(table) // parts)
    for i in range(parts):
        table.iloc[i * size : (i + 1) * size].to_parquet(folder / f"part-{i}.parquet", index=False)
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return _write_parts(make_demo("patients", random_state=1, rows=2400), tmp_path_factory.mktemp("patients") / "in")


@pytest.fixture(scope="module")
def whole(folder) -> pd.DataFrame:
    """The files read the in-memory way, one after another."""
    return pd.concat([pd.read_parquet(f) for f in sorted(folder.glob("*.parquet"))], ignore_index=True)


@pytest.fixture(scope="module")
def cluster():
    # In-process workers share LightGBM's one thread count with the test process: one thread each, as FIT_THREADS.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as local:
        yield local


@pytest.mark.parametrize("method", ["naive", "smote", "synthetic"])
def test_plan_dtypes_and_shares_match_the_in_memory_path(folder, whole, method):
    source = open_table(folder)
    with dask.config.set(scheduler="synchronous"):
        result = rebalance_frame(source.frame, column="variant", shares={"Variant X": 0.3}, method=method, files=source.files)
        out = result.table.compute()
    assert result.plan == make_plan(whole["variant"], {"Variant X": 0.3})
    kinds = [(c.name, c.kind) for c in result.schema.columns]
    assert kinds == [(c.name, c.kind) for c in detect_schema(whole).columns]
    assert out.dtypes.to_dict() == whole.dtypes.to_dict()
    assert out["variant"].value_counts().to_dict() == result.plan.target
    assert len(out) == result.rows == len(whole) + result.generated_rows
    assert out["patient_id"].is_unique  # new rows get IDs after every partition's
    real = out[out["patient_id"] <= whole["patient_id"].max()].reset_index(drop=True)
    pd.testing.assert_frame_equal(real, whole)  # hybrid keeps every input row exactly


def test_full_mode_generates_exactly_the_planned_rows(folder, whole):
    with dask.config.set(scheduler="synchronous"):
        result = rebalance_frame(open_table(folder).frame, column="variant", shares={"Variant X": 0.3}, mode="full", rows=1000)
        out = result.table.compute()
    assert out["variant"].value_counts().to_dict() == {"Other": 700, "Variant X": 300}
    assert not out["patient_id"].isin(whole["patient_id"]).any()


def test_shares_and_seeds_follow_partitions_not_workers():
    assert allocate(10, [3, 0, 1]) == [8, 0, 2]
    assert sum(allocate(1173, [750, 750, 750, 750])) == 1173
    assert partition_seed(0, 1) != partition_seed(0, 2) != partition_seed(1, 1)


@pytest.mark.parametrize("method", ["synthetic", "naive", "smote"])
def test_same_output_on_one_and_two_workers(folder, method):
    outputs = []
    for workers in (1, 2):
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=":0") as local,
            Client(local),
        ):
            result = rebalance(
                open_table(folder).frame, column="variant", shares={"Variant X": 0.4}, method=method, random_state=7
            )
            assert isinstance(result.table, dd.DataFrame)
            outputs.append(result.table.compute())
    pd.testing.assert_frame_equal(outputs[0], outputs[1])


def test_a_partition_can_be_generated_without_a_cluster(whole):
    """The per-partition work is a plain function over a pandas frame."""
    schema = detect_schema(whole)
    ids = whole.iloc[:0].copy()
    out = generate_partition(
        whole, None, method="naive", column="variant", schema=schema, shares=[{"Variant X": 5}], offsets=[0],
        ids=ids, full=False, random_state=0, params={}, partition_info={"number": 0},
    )  # fmt: skip
    assert len(out) == len(whole) + 5 and (out["variant"].iloc[-5:] == "Variant X").all()


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err.strip().splitlines()[-1]


def _bad_folder(tmp_path: Path, whole: pd.DataFrame, change) -> Path:
    folder = _write_parts(whole, tmp_path / "bad", parts=3)
    change(folder / "part-1.parquet")
    return folder


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f: pd.read_parquet(f).astype({"age": float}).to_parquet(f), "column 'age' is double"),
        (lambda f: pd.read_parquet(f).drop(columns="bmi").to_parquet(f), "lacks the column(s) ['bmi']"),
        (lambda f: pd.read_parquet(f).iloc[:0].to_parquet(f), "holds no rows"),
        (lambda f: f.write_bytes(b"not parquet"), "not a readable Parquet file"),
    ],
)
def test_bad_files_are_refused_in_one_line_naming_the_file(tmp_path, whole, capsys, change, expected):
    folder = _bad_folder(tmp_path, whole, change)
    code, line = _cli(
        capsys, "rebalance", str(folder), "--column", "variant", "--share", "Variant X=0.3", "--output", str(tmp_path / "out")
    )
    assert code == 2 and line.startswith("error: ") and "part-1.parquet" in line and expected in line
    assert not (tmp_path / "out").exists()


def test_output_inside_the_input_is_refused(folder, capsys):
    code, line = _cli(
        capsys, "rebalance", str(folder), "--column", "variant", "--share", "Variant X=0.3", "--output", str(folder / "out")
    )
    assert code == 2 and "inside" in line and not (folder / "out").exists()


def test_output_folders_beside_a_glob_or_an_odd_file_name_are_accepted_and_a_table_suffix_refused(tmp_path, whole, monkeypatch):
    from synth.distributed.source import check_output_folder

    odd = tmp_path / "we[ird].csv"
    whole.to_csv(odd, index=False)
    assert check_output_folder(tmp_path / "out", odd) == (tmp_path / "out").resolve()
    _write_parts(whole, tmp_path / "in", parts=2)
    monkeypatch.chdir(tmp_path / "in")
    assert check_output_folder("result", "*.parquet") == (tmp_path / "in" / "result").resolve()
    with pytest.raises(TableReadError, match="inside"):
        check_output_folder("result", "**/*.parquet")
    with pytest.raises(TableReadError, match=r"result\.csv: the output is a folder of Parquet files"):
        check_output_folder("result.csv", "*.parquet")


def test_a_class_absent_from_every_file_is_refused(folder, cluster, capsys, tmp_path):
    args = ["rebalance", str(folder), "--column", "variant", "--share", "Variant Y=0.3", "--output", str(tmp_path / "o")]
    code, line = _cli(capsys, *args, "--scheduler", cluster.scheduler_address)
    assert code == 2 and "'Variant Y' is not a value of column 'variant' in any of the 4 files" in line


def test_a_silent_scheduler_is_refused(folder, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("synth.distributed.cluster.CONNECT_SECONDS", 2)
    args = ["rebalance", str(folder), "--column", "variant", "--share", "Variant X=0.3", "--output", str(tmp_path / "o")]
    code, line = _cli(capsys, *args, "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and line == "error: tcp://127.0.0.1:1: no Dask scheduler answers at this address (OSError)."
    with pytest.raises(ClusterError), connect("tcp://127.0.0.1:1"):
        pass


@contextlib.contextmanager
def _listener(kind: str):
    """A port where something that is not Dask listens: an HTTP server, or a socket that accepts and never answers."""
    import http.server
    import socket
    import threading

    if kind == "http":
        server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
        server.shutdown()
        return
    held: list[socket.socket] = []
    with socket.create_server(("127.0.0.1", 0)) as silent:
        threading.Thread(target=lambda: held.extend(silent.accept() for _ in range(99)), daemon=True).start()
        yield f"tcp://127.0.0.1:{silent.getsockname()[1]}"


@pytest.mark.parametrize("kind", ["http", "silent"])
def test_a_port_where_something_else_listens_is_refused_as_soon_as_a_closed_one(folder, capsys, tmp_path, monkeypatch, kind):
    monkeypatch.setattr("synth.distributed.cluster.CONNECT_SECONDS", 2)
    args = ["rebalance", str(folder), "--column", "variant", "--share", "Variant X=0.3", "--output", str(tmp_path / "o")]
    with _listener(kind) as address:
        started = time.monotonic()
        code, line = _cli(capsys, *args, "--scheduler", address)
    assert time.monotonic() - started < 8
    assert code == 2 and line == f"error: {address}: something listens at this address, but not a Dask scheduler."


def test_a_full_table_too_big_for_a_workers_memory_is_refused_before_any_work(folder, capsys, tmp_path):
    """Each input file generates its share of the rows in one task: more than a worker holds is refused first."""
    # The worker shares this process's memory, so it must not pause at its limit: only the limit is under test.
    unpaused = {f"distributed.worker.memory.{step}": False for step in ("target", "spill", "pause", "terminate")}
    with (
        dask.config.set(unpaused),
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0", memory_limit="64MiB") as small,
    ):
        args = ["rebalance", str(folder), "--column", "variant", "--share", "Variant X=0.3", "--output", str(tmp_path / "o")]
        started = time.monotonic()
        code, line = _cli(capsys, *args, "--mode", "full", "--rows", "600000", "--scheduler", small.scheduler_address)
    assert code == 2 and time.monotonic() - started < 20 and not (tmp_path / "o").exists()
    assert line.startswith("error: ") and "part-0.parquet: its task would hold 150,000 rows (150,000 new)" in line
    assert "64 MiB" in line and "at most about" in line and "more files" in line


def test_cli_writes_a_folder_and_evaluates_it(folder, cluster, capsys, tmp_path):
    holdout = _write_parts(make_demo("patients", random_state=2, rows=1200), tmp_path / "holdout", parts=2)
    out = tmp_path / "out"
    code = main(["rebalance", str(folder), "--column", "variant", "--share", "Variant X=0.3", "--method", "smote",
                 "--output", str(out), "--scheduler", cluster.scheduler_address])  # fmt: skip
    assert code == 0 and sorted(p.name for p in out.iterdir()) == [MANIFEST, *(f"part-{i:05d}.parquet" for i in range(FILES))]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing left aside
    capsys.readouterr()
    code = main(["evaluate", str(out), "--holdout", str(holdout), "--column", "variant", "--positive", "Variant X",
                 "--repeats", "2", "--scheduler", cluster.scheduler_address])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["train_rows"] == len(pd.read_parquet(out)) and report["holdout_rows"] == 1200
    assert report["ignored_columns"] == ["patient_id"]
    assert set(report) >= {"auc_roc", "auc_pr", "f1_macro"} and 0.6 < report["auc_roc"]["mean"] <= 1


def test_evaluation_matches_the_in_memory_recipe_in_kind(tmp_path, cluster):
    train, holdout = make_demo("fraud", random_state=1, rows=12_000), make_demo("fraud", random_state=2, rows=4000)
    source = open_table(_write_parts(train, tmp_path / "train"))
    with Client(cluster):
        ours = evaluate_frame(source.frame, holdout, column="fraud", positive="fraud", n_repeats=3).summary()
    theirs = evaluate(train, holdout, column="fraud", positive="fraud", n_repeats=3).summary()
    # lightgbm.dask trains on the shards each worker happens to hold, so one run moves with the machine's load
    # (0.06 apart once, at load 3.4); the mean of three runs is the recipe's figure
    assert abs(ours["auc_roc_mean"] - theirs["auc_roc_mean"]) < 0.05


def test_early_stopping_round_is_lightgbms():
    assert early_stopping_round([0.5, 0.6, 0.7, 0.65, 0.66, 0.67, 0.68, 0.69, 0.9]) == 3
    assert early_stopping_round([0.5, 0.6]) == 2


def _pause(part: pd.DataFrame) -> pd.DataFrame:
    time.sleep(0.4)
    return part


def test_a_worker_killed_mid_run_is_retried_and_the_output_is_unchanged(tmp_path):
    table = make_demo("patients", random_state=3, rows=3200)
    source = open_table(_write_parts(table, tmp_path / "in", parts=6))
    slow = source.frame.map_partitions(_pause, meta=source.frame._meta)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local,
        Client(local) as client,
    ):
        expected = rebalance_frame(slow, column="variant", shares={"Variant X": 0.3}, random_state=1).table.compute()
        result = rebalance_frame(slow, column="variant", shares={"Variant X": 0.3}, random_state=1)  # the generator is shared
        future = client.compute(result.table)
        while not any(client.processing().values()):
            time.sleep(0.05)
        victim = next(address for address, tasks in client.processing().items() if tasks)
        with contextlib.suppress(OSError, CommClosedError):
            client.run(os._exit, 1, workers=[victim])  # the worker process dies; its nanny starts a new one
        written = future.result()
        assert victim not in client.scheduler_info()["workers"]
    pd.testing.assert_frame_equal(written, expected)
    write_folder(dd.from_pandas(written, npartitions=2), tmp_path / "out")
    assert len(pd.read_parquet(tmp_path / "out")) == len(expected)


def test_a_folder_of_csv_files_is_read_like_parquet(tmp_path, whole):
    folder = tmp_path / "csv"
    folder.mkdir()
    for i in range(2):
        whole.iloc[i * 1200 : (i + 1) * 1200].to_csv(folder / f"part-{i}.csv", index=False)
    source = open_table(folder)
    with dask.config.set(scheduler="synchronous"):
        result = rebalance_frame(source.frame, column="variant", shares={"Variant X": 0.3}, method="naive")
        out = result.table.compute()
    assert source.frame.npartitions == 2
    assert out["variant"].value_counts().to_dict() == result.plan.target


def _gap_in_an_integer_column(folder: Path, whole: pd.DataFrame) -> None:
    whole.iloc[:1200].to_csv(folder / "p0.csv", index=False)
    whole.iloc[1200:].astype({"age": object}).assign(age=lambda t: t["age"].mask(t.index == 1203)).to_csv(
        folder / "p1.csv", index=False
    )


def _columns_in_another_order(folder: Path, whole: pd.DataFrame) -> None:
    whole.iloc[:1200].to_csv(folder / "p0.csv", index=False)
    whole.iloc[1200:, ::-1].to_csv(folder / "p1.csv", index=False)


def _string_kinds(folder: Path, whole: pd.DataFrame) -> None:
    whole.iloc[:1200].to_parquet(folder / "p0.parquet", index=False)
    whole.iloc[1200:].astype({"sex": "string"}).to_parquet(folder / "p1.parquet", index=False)


@pytest.mark.parametrize("write", [_gap_in_an_integer_column, _columns_in_another_order, _string_kinds])
def test_files_holding_the_same_data_in_other_dtypes_or_orders_are_reconciled(tmp_path, whole, write):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, whole)
    with dask.config.set(scheduler="synchronous"):
        frame = open_table(folder).frame
        read = frame.compute().reset_index(drop=True)
        assert list(frame.partitions[1].compute().columns) == list(whole.columns)  # each partition as the meta says
    expected = whole.astype({"age": float}) if write is _gap_in_an_integer_column else whole
    if write is _gap_in_an_integer_column:
        expected.loc[1203, "age"] = float("nan")
    assert list(read.columns) == list(whole.columns)
    pd.testing.assert_frame_equal(read, expected, check_dtype=False)
    assert read["age"].dtype == expected["age"].dtype and read["sex"].dtype == whole["sex"].dtype


def test_a_relative_glob_is_read_wherever_the_worker_runs(tmp_path, whole, monkeypatch):
    folder = _write_parts(whole, tmp_path / "in", parts=2)
    monkeypatch.chdir(folder)
    source = open_table("*.parquet")
    monkeypatch.chdir(tmp_path)  # a worker started in another working directory
    with dask.config.set(scheduler="synchronous"):
        assert len(source.frame.compute()) == len(whole)


def test_a_file_a_worker_cannot_see_is_named_with_where_it_looked(tmp_path, whole):
    folder = _write_parts(whole, tmp_path / "in", parts=2)
    source = open_table(folder)
    (folder / "part-1.parquet").unlink()
    with (
        dask.config.set(scheduler="synchronous"),
        pytest.raises(TableReadError, match=r"part-1\.parquet: not found by the worker"),
    ):
        source.frame.compute()


def test_a_worker_lost_for_good_is_one_line():
    with pytest.raises(ClusterError, match=r"^a Dask worker died while running 'x' too many times"), cluster_errors():
        raise KilledWorker("x", None, 3)


def test_smote_neighbours_are_smotencs(whole):
    """The distance space and neighbour graph are imbalanced-learn's SMOTENC ones (same distances to the k nearest)."""
    from imblearn.over_sampling import SMOTENC
    from sklearn.neighbors import NearestNeighbors

    from synth.distributed.smote import encoded_features
    from synth.encoding import feature_kinds
    from synth.rebalancing.samplers.smote import feature_frame

    schema = detect_schema(whole)
    categorical, numeric = feature_kinds(schema, exclude="variant")
    both = feature_frame(whole, categorical, numeric)  # gaps filled alike (SMOTE cannot take them)
    rare = both[(whole["variant"] == "Variant X").to_numpy()].reset_index(drop=True)
    ours = NearestNeighbors(n_neighbors=6).fit(encoded_features(rare, categorical, numeric)).kneighbors()[0]
    smotenc = SMOTENC(categorical_features=list(range(len(categorical))), sampling_strategy={"Variant X": 100}, random_state=0)
    smotenc.fit_resample(both, whole["variant"].to_numpy(dtype=object))
    theirs = smotenc.nn_k_.kneighbors()[0]  # fitted on the rare class's rows, encoded by SMOTENC
    assert ours.shape == theirs.shape == (len(rare), 6)
    assert abs(ours - theirs).max() < 1e-6


def test_smote_takes_the_neighbours_most_frequent_category_and_interpolates_between_neighbours():
    from synth.distributed.smote import fit_neighbours

    # two far-apart groups of 8 rows, each with one odd category: a row's 5 neighbours are of its group
    table = pd.DataFrame(
        {
            "x": [1 + i / 8 for i in range(1, 9)] + [1001 + i / 8 for i in range(1, 9)],
            "colour": ["a", "a", "a", "b", "a", "a", "a", "a", "c", "c", "c", "c", "a", "c", "c", "c"],
            "y": ["rare"] * 16,
        }
    )
    schema = detect_schema(pd.concat([table, table.assign(y="common")], ignore_index=True))
    fitted = fit_neighbours(table, schema=schema, column="y", classes=["rare"], k_neighbors=5)
    new = fitted.generate({"rare": 400}, random_state=3)
    low = new["x"] < 500
    assert len(new) == 400 and (new["y"] == "rare").all() and 100 < low.sum() < 300
    assert new.loc[low, "x"].between(1.125, 2).all() and new.loc[~low, "x"].between(1001.125, 1002).all()
    assert (new.loc[low, "colour"] == "a").all() and (new.loc[~low, "colour"] == "c").all()
    assert new["x"].nunique() > 40  # new points between rows (at the column's 3 decimals), not copies of 16
    pd.testing.assert_frame_equal(new, fitted.generate({"rare": 400}, random_state=3))


def test_evaluation_trains_on_a_bounded_stratified_sample(tmp_path, cluster):
    from synth.distributed.evaluate import _model_frames, training_sample

    train, holdout = make_demo("fraud", random_state=1, rows=12_000), make_demo("fraud", random_state=2, rows=4000)
    source = open_table(_write_parts(train, tmp_path / "train"))
    profile = profile_table(source.frame, source.files, "fraud")
    model_train, _ = _model_frames(source.frame, source.frame, profile, "fraud", "fraud", ["transaction_id"])
    with dask.config.set(scheduler="synchronous"):
        sample = training_sample(model_train, profile, positive="fraud", rows=3000, random_state=1).compute()
    rate = (train["fraud"] == "fraud").mean()
    assert len(sample) == 3000 and abs(sample["__label__"].mean() - rate) < 2 / 3000  # the table's class balance
    lines = []
    with Client(cluster):
        result = evaluate_frame(
            source.frame, holdout, column="fraud", positive="fraud", n_repeats=2, max_rows=3000,
            progress=lambda _, line: lines.append(line),
        )  # fmt: skip
    assert "training table: training on a stratified sample of 3,000 of 12,000 rows: at most 3,000 rows asked" in lines
    report = result.report()
    assert set(report) == {"auc_roc", "auc_pr", "f1_macro"} and 0.6 < report["auc_roc"]["mean"] <= 1
    assert report["auc_roc"]["std"] > 0  # each seed draws its own sample


def test_an_output_folder_is_replaced_only_when_our_manifest_lists_its_files(tmp_path, whole):
    import pyarrow as pa
    import pyarrow.dataset as ds

    frame = dd.from_pandas(whole, npartitions=2)
    theirs = tmp_path / "theirs"
    ds.write_dataset(pa.Table.from_pandas(whole.head(10)), theirs, format="parquet", basename_template="part-{i}.parquet")
    before = sorted(p.name for p in theirs.iterdir())
    with dask.config.set(scheduler="synchronous"), pytest.raises(TableReadError, match="did not write"):
        write_folder(frame, theirs)
    assert sorted(p.name for p in theirs.iterdir()) == before == ["part-0.parquet"]
    ours = tmp_path / "ours"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = tmp_path / f".ours.partial-{dead.pid}"
    abandoned.mkdir()
    with dask.config.set(scheduler="synchronous"):
        write_folder(frame, ours)
        (ours / "notes.txt").write_text("mine")
        with pytest.raises(TableReadError, match="did not write"):
            write_folder(frame, ours)  # a file added since is not ours to delete
        (ours / "notes.txt").unlink()
        write_folder(frame.head(5, compute=False), ours)
    assert not abandoned.exists()  # a killed run's half-written folder is cleaned up by the next
    assert len(pd.read_parquet(ours)) == 5 and json.loads((ours / MANIFEST).read_text())["files"] == ["part-00000.parquet"]


def test_a_holdout_column_of_text_where_training_holds_numbers_is_named(folder, cluster, capsys, tmp_path):
    holdout = make_demo("patients", random_state=2, rows=600)
    worded = _write_parts(holdout.assign(age=holdout["age"].astype(str) + " yrs"), tmp_path / "worded", parts=2)
    argv = ["evaluate", str(folder), "--column", "variant", "--positive", "Variant X", "--repeats", "1"]
    code, line = _cli(capsys, *argv, "--holdout", str(worded), "--scheduler", cluster.scheduler_address)
    assert code == 2 and line == (
        "error: The holdout's column 'age' holds text such as '52 yrs' where the training table holds numbers; "
        "give both tables the same kind of values."
    )
    spelled = _write_parts(holdout.assign(age=holdout["age"].astype(str)), tmp_path / "spelled", parts=2)
    assert main([*argv, "--holdout", str(spelled), "--scheduler", cluster.scheduler_address]) == 0
    assert json.loads(capsys.readouterr().out)["holdout_rows"] == 600


def test_the_training_folder_is_refused_as_its_own_holdout(folder, capsys):
    argv = ["evaluate", str(folder), "--column", "variant", "--positive", "Variant X", "--repeats", "1"]
    code, line = _cli(capsys, *argv, "--holdout", str(folder / "*.parquet"), "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and line == (
        f"error: {folder / 'part-0.parquet'}: is both a training file and a holdout file (4 of the holdout's 4 files are); "
        "a holdout must be real rows kept apart from training."
    )


def test_holdout_outcomes_unseen_in_training_are_named_and_missing_ones_left_out(folder, cluster, capsys, tmp_path):
    holdout = make_demo("patients", random_state=2, rows=600)
    argv = ["evaluate", str(folder), "--column", "variant", "--positive", "Variant X", "--repeats", "1"]
    shouted = _write_parts(holdout.assign(variant=holdout["variant"].str.upper()), tmp_path / "shouted", parts=2)
    code, line = _cli(capsys, *argv, "--holdout", str(shouted), "--scheduler", cluster.scheduler_address)
    assert code == 2 and "holds value(s) ['OTHER', 'VARIANT X'] that the training table lacks (spelled" in line
    gappy = holdout.astype({"variant": object})
    gappy.loc[:9, "variant"] = None
    unlabelled = _write_parts(gappy, tmp_path / "unlabelled", parts=2)
    assert main([*argv, "--holdout", str(unlabelled), "--scheduler", cluster.scheduler_address]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["warnings"] == ["10 holdout row(s) with no value of 'variant' are left out of the scores."]


def test_a_cluster_running_another_version_is_refused_in_one_line_before_any_work(cluster):
    from distributed import Client

    from synth.distributed.cluster import check_versions, local_version
    from synth.errors import ClusterError

    with Client(cluster.scheduler_address) as client:
        check_versions(client, cluster.scheduler_address)  # this cluster runs this machine's version
        with pytest.raises(ClusterError) as refused:
            check_versions(client, cluster.scheduler_address, expected="0.0.1")
    message = str(refused.value)
    assert "\n" not in message and "0.0.1" in message
    assert f"the scheduler has {local_version()}" in message and "worker " in message
    assert "pip install 'rebalance-studio[dask]==0.0.1'" in message and "scheduler and every worker" in message
