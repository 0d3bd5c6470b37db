"""Impute gaps: fill missing cells with real values drawn given the rest of each row, check, and use the result."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from synth.figures import PLOTLY_CONFIG, association_figure, distribution_figure
from synth.imputation import Imputation, impute, impute_training_rows
from synth.imputation.review import ColumnReview, gap_summary, review_columns
from synth.rebalancing.plan import suggest_column
from synth.table import fingerprint
from ui import cache
from ui.state import (
    IMPUTE_NOTICE,
    W_IMPUTE_COLUMNS,
    W_IMPUTE_SEED,
    Dataset,
    current_dataset,
    scoped,
    set_dataset,
)
from ui.text import file_name, plain
from ui.widgets import with_status


def show_gaps(dataset: Dataset) -> pd.DataFrame:
    """Each column's missing share; gap tokens such as '?' count as missing."""
    summary = cache.cached(("gap-summary", *dataset.key), lambda: gap_summary(dataset.table, dataset.schema))
    with_gaps = summary[summary["gaps"] > 0]
    if with_gaps.empty:
        st.success("This table has no gaps: nothing to fill.")
        st.stop()
    st.write(f"{len(with_gaps)} of {len(summary)} columns have gaps (cells that are empty, `NA`, `null` or `?`).")
    st.dataframe(
        with_gaps,
        column_config={"share": st.column_config.ProgressColumn("share", format="percent", min_value=0.0, max_value=1.0)},
        hide_index=True,
    )
    return with_gaps


def outcome_column(dataset: Dataset) -> str | None:
    """The column the Plan step preselects as the outcome (computed once per data)."""
    return cache.cached(("suggestion", *dataset.key), lambda: suggest_column(dataset.table, dataset.schema, dataset.column_hint))


def choose_columns(dataset: Dataset, with_gaps: pd.DataFrame) -> tuple[list[str], int]:
    """The columns to fill: every column with gaps except the outcome the Plan step would preselect."""
    outcome = outcome_column(dataset)
    options = with_gaps["column"].tolist()
    fillable = with_gaps[(with_gaps["share"] < 1.0)]["column"].tolist()
    default = [
        c
        for c, kind in zip(with_gaps["column"], with_gaps["kind"], strict=True)
        if c in fillable and c != outcome and kind != "id-like"
    ]
    columns = st.multiselect(
        "Columns to fill", options, default=default, key=scoped(W_IMPUTE_COLUMNS, dataset.fingerprint), format_func=str
    )
    if outcome in options and outcome not in columns:
        st.caption(f"{plain(outcome)} looks like the outcome later steps predict, so it is not filled unless you add it.")
    seed = int(st.number_input("Seed", 0, 2**31 - 1, 0, key=W_IMPUTE_SEED, help="The same seed gives the same fill."))
    return columns, seed


def fill(dataset: Dataset, columns: list[str], random_state: int) -> Imputation | None:
    """The fill for these columns and seed, made once (with progress) and kept for this data."""
    key = ("impute", *dataset.key, tuple(columns), random_state)
    if cache.peek(key, table=True) is None and not st.button("Fill", type="primary", disabled=not columns):
        return None
    return with_status(
        "Filling gaps…",
        lambda progress: cache.cached(
            key,
            lambda: impute(dataset.table, columns=columns, schema=dataset.schema, random_state=random_state, progress=progress),
            table=True,
        ),
        failed="Could not fill",
        done=lambda result: f"Filled {result.cells:,} cells",
        expanded=False,
    )


def show_column(review: ColumnReview, tokens: dict[str, int]) -> None:
    """One filled column: values before and after, and its relation to its most related column."""
    st.subheader(plain(review.column))
    written = ", ".join(f"{plain(t)} ×{n:,}" for t, n in tokens.items())
    st.caption(f"{review.filled:,} cells filled (gaps written as {written}).")
    left, right = st.columns(2)
    left.plotly_chart(distribution_figure(review.distribution, review.column), key=f"dist-{review.column}", config=PLOTLY_CONFIG)
    if review.related is not None:
        right.plotly_chart(
            association_figure(review.association, review.column, review.related),
            key=f"assoc-{review.column}",
            config=PLOTLY_CONFIG,
        )


def show_result(dataset: Dataset, result: Imputation) -> None:
    for warning in result.notes:
        st.warning(plain(warning))
    if not result.filled:
        return
    st.success(
        "Cells filled: " + ", ".join(f"{plain(c)} {n:,}" for c, n in result.filled.items()) + ". Nothing observed changed."
    )
    key = ("impute-review", *dataset.key, tuple(result.filled), int(result.table.shape[0]), fingerprint(result.table))
    with st.spinner("Comparing each filled column with its observed values…"):
        reviews = cache.cached(key, lambda: review_columns(dataset.table, result))
    for review in reviews:
        show_column(review, result.tokens.get(review.column, {}))


def use_or_download(dataset: Dataset, result: Imputation, columns: list[str], random_state: int) -> None:
    """Make the completed table the working data (keeping the holdout real), or download it."""
    st.divider()
    csv = cache.cached(
        ("impute-csv", *dataset.key, tuple(columns), random_state), lambda: result.table.to_csv(index=False).encode(), table=True
    )
    st.download_button(
        "Download the completed table (CSV)", csv, file_name=file_name("completed", dataset.name, ".csv"), mime="text/csv"
    )
    outcome = outcome_column(dataset)
    if dataset.holdout_file is None and outcome is not None:
        st.caption(
            f"The holdout ({dataset.holdout_share:.0%}, stratified by {plain(outcome)}) is set aside first and keeps its real "
            "values, gaps included; the other rows are filled from each other only, so no holdout value reaches training."
        )
    if st.button("Use the completed table for the next steps", type="primary"):
        set_dataset(completed_dataset(dataset, result, columns, random_state, outcome))
        st.session_state[IMPUTE_NOTICE] = "The completed table is now the working data for the next steps."
        st.rerun()


def completed_dataset(
    dataset: Dataset, result: Imputation, columns: list[str], random_state: int, outcome: str | None
) -> Dataset:
    """The working data after filling; a split-off holdout is fixed first, so its rows stay real."""
    name = f"{dataset.name} (gaps filled)"
    if dataset.holdout_file is not None or outcome is None:
        return replace(dataset, name=name, table=result.table, fingerprint=fingerprint(result.table))
    with st.spinner("Filling the training rows from each other only…"):
        filled = impute_training_rows(
            dataset.table,
            column=outcome,
            share=dataset.holdout_share,
            columns=columns,
            schema=dataset.schema,
            random_state=random_state,
        )
    train, holdout = filled.split.train, filled.split.holdout
    label = f"{len(holdout):,} real rows set aside before filling gaps ({dataset.holdout_share:.0%}, stratified by {outcome!r})"
    return replace(dataset, name=name, table=train, fingerprint=fingerprint(train), holdout_file=holdout, holdout_label=label)


def render() -> None:
    st.title("Impute gaps")
    st.write(
        "Fill missing cells with values **drawn from real rows that resemble each row in everything it does hold**, "
        "not with the column's mean or mode. Every filled value is one the column already holds; nothing observed changes."
    )
    notice = st.session_state.pop(IMPUTE_NOTICE, None)
    if notice:
        st.success(notice)
    dataset = current_dataset()
    with_gaps = show_gaps(dataset)
    columns, seed = choose_columns(dataset, with_gaps)
    result = fill(dataset, columns, seed)
    if result is None:
        return
    show_result(dataset, result)
    if result.filled:
        use_or_download(dataset, result, columns, seed)


render()
