"""Impute gaps: fill missing cells with real values drawn given the rest of each row, check, and use the result."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from synth.data.cells import parse_cells
from synth.data.kinds import detect_schema
from synth.figures import PLOTLY_CONFIG, association_figure, distribution_figure
from synth.imputation import Imputation, impute, impute_training_rows, without_tokens
from synth.imputation.review import ColumnReview, gap_summary, review_columns
from synth.rebalancing.plan import suggest_column
from synth.table import fingerprint
from ui import cache
from ui.session import restoring
from ui.settings import ImputeSettings
from ui.shell import run_page
from ui.state import (
    IMPUTE_NOTICE,
    IMPUTED,
    W_IMPUTE_COLUMNS,
    W_IMPUTE_SEED,
    Dataset,
    current_dataset,
    kept,
    scoped,
    set_dataset,
)
from ui.text import file_name, plain
from ui.widgets import with_status


def show_gaps(dataset: Dataset) -> pd.DataFrame:
    """Each column's missing share; gap tokens such as '?' count as missing."""
    summary = cache.cached("gap-summary", lambda: gap_summary(dataset.table, dataset.schema), data=dataset)
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
    return cache.cached("suggestion", lambda: suggest_column(dataset.table, dataset.schema, dataset.column_hint), data=dataset)


def choose_settings(dataset: Dataset, with_gaps: pd.DataFrame) -> ImputeSettings:
    """The columns to fill: every column with gaps except the outcome the Plan step would preselect."""
    outcome = outcome_column(dataset)
    options = with_gaps["column"].tolist()
    fillable = with_gaps[(with_gaps["share"] < 1.0)]["column"].tolist()
    default = [
        c
        for c, kind in zip(with_gaps["column"], with_gaps["kind"], strict=True)
        if c in fillable and c != outcome and kind != "id-like"
    ]
    key = kept(scoped(W_IMPUTE_COLUMNS, dataset.fingerprint), default, options=options)
    columns = st.multiselect("Columns to fill", options, key=key, format_func=str)
    if outcome in options and outcome not in columns:
        st.caption(f"{plain(outcome)} looks like the outcome later steps predict, so it is not filled unless you add it.")
    key = kept(W_IMPUTE_SEED, 0, bounds=(0, 2**31 - 1))
    seed = int(st.number_input("Seed", min_value=0, max_value=2**31 - 1, key=key, help="The same seed gives the same fill."))
    return ImputeSettings(tuple(columns), seed)


def fill(dataset: Dataset, settings: ImputeSettings) -> Imputation | None:
    """The fill for these columns and seed, made once (with progress) and kept for this data."""
    found = cache.peek("impute", data=dataset, settings=settings, table=True)
    if found is None and not (st.button("Fill", type="primary", disabled=not settings.columns) or restoring("impute", settings)):
        return None
    columns, random_state = list(settings.columns), settings.random_state
    return with_status(
        "Filling gaps…",
        lambda progress: cache.cached(
            "impute",
            lambda: impute(dataset.table, columns=columns, schema=dataset.schema, random_state=random_state, progress=progress),
            data=dataset,
            settings=settings,
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


def show_result(dataset: Dataset, result: Imputation, settings: ImputeSettings) -> None:
    for warning in result.notes:
        st.warning(plain(warning))
    if not result.filled:
        return
    st.success(
        "Cells filled: " + ", ".join(f"{plain(c)} {n:,}" for c, n in result.filled.items()) + ". Nothing observed changed."
    )
    if dataset.holdout_file is None:
        st.caption(
            "These figures and the download fill every row of the table. 'Use the completed table' below sets the holdout "
            "aside first and fills only the training rows, so it fills fewer cells and says how many."
        )
    with st.spinner("Comparing each filled column with its observed values…"):
        reviews = cache.cached("impute-review", lambda: review_columns(dataset.table, result), data=dataset, settings=settings)
    for review in reviews:
        show_column(review, result.tokens.get(review.column, {}))


def completed_csv(dataset: Dataset, result: Imputation) -> bytes:
    """The completed table as CSV; an uploaded CSV keeps its own text in every observed cell, as the CLI writes it."""
    upload = cache.upload(dataset.fingerprint)
    source = parse_cells(*upload) if upload is not None else None
    written = result.as_written(source)
    return (result.table.to_csv(index=False) if written is None else source.text(written)).encode()


def use_or_download(dataset: Dataset, result: Imputation, settings: ImputeSettings) -> None:
    """Make the completed table the working data (keeping the holdout real), or download it."""
    st.divider()
    csv = cache.cached("impute-csv", lambda: completed_csv(dataset, result), data=dataset, settings=settings, table=True)
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
        completed, notes = completed_dataset(dataset, result, settings, outcome)
        set_dataset(completed)
        st.session_state[IMPUTE_NOTICE] = " ".join(["The completed table is now the working data for the next steps.", *notes])
        st.rerun()


def completed_dataset(
    dataset: Dataset, result: Imputation, settings: ImputeSettings, outcome: str | None
) -> tuple[Dataset, tuple[str, ...]]:
    """The working data after filling, and what was done; a split-off holdout is fixed first, so its rows stay real.

    Every gap left (in the holdout, or in columns not filled) becomes a missing value, whatever its spelling, so no
    model learns a '?' category; the column kinds are detected afresh, keeping the kinds the user set.
    """
    if dataset.holdout_file is not None or outcome is None:
        table = without_tokens(result.table)
        holdout = None if dataset.holdout_file is None else without_tokens(dataset.holdout_file)
        notes: tuple[str, ...] = (f"{result.cells:,} cells were filled; the gaps left, however written, are now missing values.",)
        split_off = {}
    else:
        with st.spinner("Filling the training rows from each other only…"):
            filled = impute_training_rows(
                dataset.table,
                column=outcome,
                share=dataset.holdout_share,
                columns=list(settings.columns),
                schema=dataset.schema,
                random_state=settings.random_state,
            )
        table, holdout, notes = filled.split.train, filled.split.holdout, filled.notes
        share = f"{dataset.holdout_share:.0%}, stratified by {outcome!r}"
        split_off = {
            "holdout_label": f"{len(holdout):,} real rows set aside before filling gaps ({share})",
            "holdout_split_off": True,
        }
    detected, chosen = detect_schema(table), dataset.schema.overrides()
    completed = replace(
        dataset,
        name=f"{dataset.name} (gaps filled)",
        table=table,
        schema=detected.with_overrides({c: k for c, k in chosen.items() if c in table.columns}),
        fingerprint=fingerprint(table),
        holdout_file=holdout,
        **split_off,
    )
    return completed, notes


def render() -> None:
    st.title("Impute gaps")
    st.write(
        "Fill missing cells with values **drawn from real rows that resemble each row in everything it does hold**, "
        "not with the column's mean or mode. Every filled value is one the column already holds; nothing observed changes."
    )
    notice = st.session_state.pop(IMPUTE_NOTICE, None)
    if notice:
        st.success(plain(notice))
    dataset = current_dataset()
    with_gaps = show_gaps(dataset)
    settings = choose_settings(dataset, with_gaps)
    result = fill(dataset, settings)
    if result is None:
        return
    st.session_state[IMPUTED] = settings
    show_result(dataset, result, settings)
    if result.filled:
        use_or_download(dataset, result, settings)


run_page(render)
