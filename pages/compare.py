"""Step 3: the methods' outputs side by side: counts, rows, distributions, drill-down, privacy."""

import pandas as pd
import streamlit as st

from synth.assess.compare import Condition, class_counts, distribution, drill_down, rows_of_value
from synth.data.kinds import ColumnKind
from synth.figures import dcr_figure, distribution_figure
from synth.rebalancing.plan import value_counts
from synth.rebalancing.samplers import SAMPLERS
from synth.study import HOLDOUT, class_diversity, fidelity_by_method, labelled_tables, privacy_by_method
from ui.state import DATASET, PLAN, RESULTS, cached, require

st.title("3 · Compare")
plan = require(PLAN, "Generate the rebalanced tables on the Plan step first.", "pages/plan.py")
results = st.session_state.get(RESULTS, {})
if not results:
    st.warning("No method produced rows; see the messages on the Plan step.")
    st.stop()
dataset = st.session_state[DATASET]
schema, column = dataset.schema, plan.column
labels = {m: SAMPLERS[m].label for m in results}

st.subheader("Rows per value")
tables = labelled_tables(results, plan.train, plan.holdout)
st.dataframe(class_counts(tables, column))

values = list(value_counts(plan.train[column]))
focus = st.selectbox("Class to inspect", values, index=len(values) - 1, key="compare_focus")
focused = {name: rows_of_value(table, column, focus) for name, table in tables.items()}

st.subheader("Sample rows")
for tab, (method, result) in zip(st.tabs(list(labels.values())), results.items(), strict=True):
    with tab:
        marked = result.marked()
        class_rows = rows_of_value(marked, column, focus)
        sample = class_rows.sample(min(100, len(class_rows)), random_state=0).sort_values("generated")
        st.caption(
            f"{int(result.generated.sum()):,} generated rows in {result.seconds:.1f} s; a sample of {focus!r} rows, generated ones ticked"
        )
        st.dataframe(sample, hide_index=True, height=240)
        with_flag = st.checkbox("Add a 'generated' column to the download", key=f"flag_{method}")
        st.download_button(
            f"Download {labels[method]} CSV",
            cached(
                ("csv", dataset.fingerprint, plan.key, method, with_flag),
                lambda t=marked if with_flag else result.table: t.to_csv(index=False).encode(),
            ),
            file_name=f"{column}-{method}.csv",
            mime="text/csv",
            key=f"download_{method}",
        )

st.subheader(f"Distribution of each column among {focus!r} rows")
features = [c for c in schema.modelled() if c != column]
feature = st.selectbox("Column", features, key="compare_feature")
st.plotly_chart(distribution_figure(distribution(focused, feature, schema, reference=HOLDOUT), feature))

st.subheader(f"Drill down within {focus!r} rows")
conditions = []
for i in range(2):
    left, right = st.columns([1, 2])
    name = left.selectbox(f"Condition {i + 1}", ["(none)", *features], key=f"drill_column_{i}")
    if name == "(none)":
        continue
    if schema.kind(name) is ColumnKind.CATEGORICAL:
        options = sorted(plan.train[name].dropna().astype(str).unique())
        chosen = right.multiselect("is one of", options, default=options[:1], key=f"drill_values_{i}")
        conditions.append(Condition(name, values=tuple(chosen)))
    else:
        numbers = plan.train[name].dropna()
        low, high = float(numbers.min()), float(numbers.max())
        picked = right.slider("between", low, high, (low, high), key=f"drill_range_{i}")
        conditions.append(Condition(name, low=picked[0], high=picked[1]))
if conditions:
    st.caption(" and ".join(c.describe() for c in conditions))
    st.dataframe(drill_down(focused, conditions).style.format({"share": "{:.1%}"}), hide_index=True)

st.subheader("Diversity")
st.write(
    f"Shannon entropy (bits) of each column among {focus!r} rows"
    + (f" that meet the drill-down conditions ({' and '.join(c.describe() for c in conditions)})" if conditions else "")
    + ". Repeated rows lower it; real holdout rows show how varied the class really is."
)
st.dataframe(class_diversity(tables, schema, column, focus, conditions).style.format("{:.2f}"))

st.subheader(f"Fidelity of generated {focus!r} rows")
st.write(
    f"Similarity of each column's distribution to real holdout {focus!r} rows (1 - total variation distance; "
    "1 is identical), and the mean gap in pairwise association (Cramér's V) between columns (0 is identical)."
)
fidelity_key = ("fidelity", dataset.fingerprint, plan.key, focus)
fidelity = cached(fidelity_key, lambda: fidelity_by_method(results, plan.holdout, schema, column, focus))
if fidelity:
    summary = {name: {"mean similarity": f.mean_similarity, "dependency gap": f.dependency_gap} for name, f in fidelity.items()}
    st.dataframe(pd.DataFrame(summary).style.format("{:.3f}"))
    per_column = pd.DataFrame({name: f.per_column.set_index("column")["similarity"] for name, f in fidelity.items()})
    with st.expander("Similarity per column"):
        st.dataframe(per_column.style.format("{:.3f}"))
else:
    st.caption(f"No generated {focus!r} rows to compare.")

st.subheader("Privacy: are generated rows new?")
st.write(
    "Exact copies: generated rows identical to a training row in every feature. DCR: distance to the closest "
    "training row. The DCR share is the chance that a generated row is nearer to training than a real holdout row "
    "is: about 50% for genuinely new rows, 100% for copies."
)
privacy_key = ("privacy", dataset.fingerprint, plan.key)
reports = cached(privacy_key, lambda: privacy_by_method(results, plan.train, plan.holdout, schema, column))
st.dataframe(
    {
        name: {
            "exact copies": f"{r.exact_copy_share:.1%}",
            "median DCR, generated": f"{r.dcr_generated_median:.3f}",
            "median DCR, holdout": f"{r.dcr_holdout_median:.3f}",
            "DCR share (closer to training)": f"{r.dcr_share:.1%}",
        }
        for name, r in reports.items()
    }
)
st.plotly_chart(dcr_figure(reports))
st.page_link("pages/evaluate.py", label="Next: train LightGBM on each output", icon=":material/arrow_forward:")
