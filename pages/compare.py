"""Step 3: the methods' outputs side by side: counts, rows, distributions, drill-down, fidelity, privacy."""

import numpy as np
import pandas as pd
import streamlit as st

from synth.assess.compare import class_counts, distribution, drill_down
from synth.assess.diversity import class_diversity
from synth.assess.fidelity import fidelity_frame, per_column_frame
from synth.assess.groups import Condition
from synth.assess.privacy import DCR_TEXT, privacy_frame
from synth.errors import SynthError
from synth.figures import PLOTLY_CONFIG, dcr_figure, distribution_figure
from synth.labels import HOLDOUT
from synth.rebalancing.run import Rebalanced
from synth.schema import ColumnKind, Schema
from synth.study import labelled_tables
from synth.table import as_numbers, rows_of, value_counts
from ui import assessments, cache
from ui.settings import ClassView
from ui.shell import run_page
from ui.state import (
    W_DRILL_COLUMN,
    W_DRILL_RANGE,
    W_DRILL_VALUES,
    W_FEATURE,
    W_FLAG,
    W_FOCUS,
    Dataset,
    PlanRun,
    current_dataset,
    kept,
    scoped,
)
from ui.steps import plan_run
from ui.text import date_columns, file_name, plain, prose


def sample_rows(dataset: Dataset, run: PlanRun, focus: str) -> None:
    """A sample of each output's rows of the focused class, and a CSV download built only when clicked."""
    st.subheader("Sample rows")
    results = run.outputs.results
    column = run.plan.column
    for tab, (method, result) in zip(st.tabs([r.label for r in results.values()]), results.items(), strict=True):
        with tab:
            sample = cache.cached(
                "sample",
                lambda r=result: class_sample(r, column, focus),
                data=dataset,
                settings=ClassView(run.settings, focus, method),
            )
            st.caption(
                f"{int(result.generated.sum()):,} generated rows in {result.seconds:.1f} s; "
                f"a sample of {plain(focus)} rows, generated ones ticked"
            )
            st.dataframe(sample, hide_index=True, height=240, column_config=date_columns(sample))
            with_flag = st.checkbox("Add a 'generated' column to the download", key=kept(scoped(W_FLAG, method), False))
            st.download_button(
                f"Download {result.label} CSV",
                lambda r=result, flag=with_flag: (r.marked() if flag else r.table).to_csv(index=False).encode(),
                file_name=file_name(f"rebalanced-{method}", dataset.name, ".csv"),
                mime="text/csv",
                key=f"download_{method}",
                on_click="ignore",
            )


def class_sample(result: Rebalanced, column: str, focus: str, size: int = 100) -> pd.DataFrame:
    """Up to ``size`` rows of ``focus``, real ones first, with the generated flag."""
    rows = rows_of(result.table, column, focus)
    picked = np.sort(np.random.default_rng(0).choice(rows, size=min(size, len(rows)), replace=False))
    sample = result.marked(picked)
    return sample.sort_values(sample.columns[0], kind="stable")


def drill_conditions(run: PlanRun, features: list[str], schema: Schema) -> list[Condition]:
    """Up to two conditions the user sets, for drill-down counts and diversity."""
    conditions = []
    for i in range(2):
        left, right = st.columns([1, 2])
        names = ["(none)", *features]
        name = left.selectbox(f"Condition {i + 1}", names, key=kept(scoped(W_DRILL_COLUMN, i), "(none)", options=names))
        if name == "(none)":
            continue
        if schema.kind(name) is ColumnKind.CATEGORICAL:
            options = sorted(run.split.train[name].dropna().astype(str).unique())
            key = kept(scoped(W_DRILL_VALUES, i, name), options[:1], options=options)
            chosen = right.multiselect("is one of", options, key=key)
            conditions.append(Condition(name, values=tuple(chosen)))
        elif schema.kind(name) is ColumnKind.DATETIME:
            dates = run.split.train[name].dropna()
            low, high = dates.min().to_pydatetime(), dates.max().to_pydatetime()
            picked = right.slider("between", low, high, key=kept(scoped(W_DRILL_RANGE, i, name), (low, high), bounds=(low, high)))
            days = as_numbers(pd.Series(pd.to_datetime(list(picked))))
            conditions.append(Condition(name, low=float(days[0]), high=float(days[1]), dates=True))
        else:
            numbers = run.split.train[name].dropna()
            low, high = float(numbers.min()), float(numbers.max())
            picked = right.slider("between", low, high, key=kept(scoped(W_DRILL_RANGE, i, name), (low, high), bounds=(low, high)))
            conditions.append(Condition(name, low=picked[0], high=picked[1]))
    return conditions


def focused(tables: dict[str, pd.DataFrame], positions: dict[str, np.ndarray], columns: list[str]) -> dict[str, pd.DataFrame]:
    """The focused class's rows of each table, only the ``columns`` a chart or count needs (no copy of whole tables)."""
    return {name: table[columns].iloc[positions[name]] for name, table in tables.items()}


@st.fragment
def column_distribution(
    tables: dict[str, pd.DataFrame], positions: dict[str, np.ndarray], features: list[str], focus: str, schema: Schema
) -> None:
    """One column's distribution per table; picking another column redraws only this chart."""
    st.subheader(f"Distribution of each column among {plain(focus)} rows")
    feature = st.selectbox("Column", features, key=kept(W_FEATURE, features[0], options=features))
    shares = distribution(focused(tables, positions, [feature]), feature, schema, reference=HOLDOUT)
    st.plotly_chart(distribution_figure(shares, feature), config=PLOTLY_CONFIG)


@st.fragment
def drill_down_and_diversity(
    dataset: Dataset,
    run: PlanRun,
    tables: dict[str, pd.DataFrame],
    positions: dict[str, np.ndarray],
    features: list[str],
    focus: str,
) -> None:
    """Counts and diversity under the user's conditions; changing a condition reruns only this part."""
    schema, column = dataset.schema, run.plan.column
    st.subheader(f"Drill down within {plain(focus)} rows")
    conditions = drill_conditions(run, features, schema)
    if conditions:
        st.caption(prose(" and ".join(c.describe() for c in conditions)))
        counts = drill_down(focused(tables, positions, list(dict.fromkeys(c.column for c in conditions))), conditions)
        st.dataframe(counts.style.format({"share": "{:.1%}", "matching rows": "{:,}"}), hide_index=True)

    st.subheader("Diversity")
    within = (
        f" that meet the drill-down conditions ({plain(' and '.join(c.describe() for c in conditions))})" if conditions else ""
    )
    st.write(
        f"Shannon entropy (bits) of each column among {plain(focus)} rows{within}. "
        "Repeated rows lower it; real holdout rows show how varied the class really is."
    )
    with st.spinner("Measuring how varied each column is…"):
        diversity = cache.cached(
            "diversity",
            lambda: class_diversity(tables, schema, column, focus, conditions),
            data=dataset,
            settings=ClassView(run.settings, focus, conditions=tuple(conditions)),
        )
    st.dataframe(diversity.style.format("{:.2f}"))


def show_fidelity(dataset: Dataset, run: PlanRun, focus: str) -> None:
    st.subheader(f"Fidelity of generated {plain(focus)} rows")
    st.write(
        f"Similarity of each column's distribution to real holdout {plain(focus)} rows (1 - total variation distance; "
        "1 is identical); the same for every pair of columns' joint distribution (mostlyai-qa's bivariate accuracy, "
        "on our groups: it cuts numbers into its own ten bins, so figures agree in direction, not to the digit); and "
        "the mean gap in pairwise association (Cramér's V) between columns (0 is identical), which sees a lost "
        "relation even where each pair's cells still look alike."
    )
    with st.spinner("Comparing every column with the real holdout…"):
        reports = assessments.fidelity(dataset, run, focus)
    if not reports:
        st.caption(f"No generated {plain(focus)} rows to compare.")
        return
    st.dataframe(fidelity_frame(reports).style.format("{:.3f}"))
    with st.expander("Similarity per column"):
        st.dataframe(per_column_frame(reports).style.format("{:.3f}"))


def show_privacy(dataset: Dataset, run: PlanRun) -> None:
    st.subheader("Privacy: are generated rows new?")
    st.write(DCR_TEXT)
    with st.spinner("Measuring each generated row's distance to the closest training row…"):
        try:
            reports = assessments.privacy(dataset, run)
        except SynthError as error:
            st.error(prose(error))
            return
    st.dataframe(privacy_frame(reports))
    st.plotly_chart(dcr_figure(reports), config=PLOTLY_CONFIG)


def render() -> None:
    st.title("3 · Compare")
    run = plan_run()
    if not run.outputs.results:
        st.warning("No method produced rows; see the messages on the Plan step.")
        st.stop()
    dataset = current_dataset()
    schema, column = dataset.schema, run.plan.column
    tables = labelled_tables(run.outputs, run.split)
    st.subheader("Rows per value")
    st.dataframe(cache.cached("counts", lambda: class_counts(tables, column), data=dataset, settings=run.settings))

    values = list(value_counts(run.split.train[column]))
    focus = st.selectbox("Class to inspect", values, key=kept(scoped(W_FOCUS, column), values[-1], options=values))
    positions = cache.cached(
        "focus-rows",
        lambda: {name: rows_of(t, column, focus) for name, t in tables.items()},
        data=dataset,
        settings=ClassView(run.settings, focus),
    )
    sample_rows(dataset, run, focus)

    features = schema.features(column)
    column_distribution(tables, positions, features, focus, schema)
    drill_down_and_diversity(dataset, run, tables, positions, features, focus)
    show_fidelity(dataset, run, focus)
    show_privacy(dataset, run)
    st.page_link("pages/evaluate.py", label="Next: train a classifier on each output", icon=":material/arrow_forward:")


run_page(render)
