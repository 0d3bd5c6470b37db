"""Rebalance Studio: upload or pick a table, rebalance a rare class three ways, compare, evaluate."""

import streamlit as st

from ui.state import DATASET, demo_dataset

DEFAULT_DEMO = "patients"

st.set_page_config(page_title="Rebalance Studio", page_icon=":material/balance:", layout="wide")

if DATASET not in st.session_state:
    st.session_state[DATASET] = demo_dataset(DEFAULT_DEMO)

navigation = st.navigation(
    [
        st.Page("pages/data.py", title="1 · Data", icon=":material/table:", default=True),
        st.Page("pages/plan.py", title="2 · Rebalance plan", icon=":material/tune:"),
        st.Page("pages/compare.py", title="3 · Compare", icon=":material/compare:"),
        st.Page("pages/evaluate.py", title="4 · Evaluate", icon=":material/monitoring:"),
        st.Page("pages/whatif.py", title="5 · What-if", icon=":material/science:"),
    ]
)

with st.sidebar:
    dataset = st.session_state[DATASET]
    st.markdown(f"**{dataset.name}**  \n{len(dataset.table):,} rows × {dataset.table.shape[1]} columns")

navigation.run()
