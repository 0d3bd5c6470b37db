"""Rebalance Studio: upload or pick a table, rebalance a rare class three ways, compare, evaluate."""

import streamlit as st
from PIL import Image, ImageDraw

from ui.state import WORKSPACE, current_dataset, workspace
from ui.text import prose

PAGES = [
    st.Page("pages/data.py", title="1 · Data", icon=":material/table:", default=True),
    st.Page("pages/impute.py", title="Impute gaps", icon=":material/healing:"),
    st.Page("pages/plan.py", title="2 · Rebalance plan", icon=":material/tune:"),
    st.Page("pages/compare.py", title="3 · Compare", icon=":material/compare:"),
    st.Page("pages/evaluate.py", title="4 · Evaluate", icon=":material/monitoring:"),
    st.Page("pages/fairness.py", title="5 · Fairness", icon=":material/balance:"),
    st.Page("pages/whatif.py", title="6 · What-if", icon=":material/science:"),
]


def page_icon() -> Image.Image:
    """A balance drawn here, so the browser never fetches an icon from a font or emoji server."""
    icon = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    blue = (47, 111, 159, 255)
    draw.line([(16, 4), (16, 27)], fill=blue, width=3)
    draw.line([(5, 9), (27, 9)], fill=blue, width=3)
    draw.polygon([(2, 18), (8, 18), (5, 10)], outline=blue)
    draw.polygon([(24, 18), (30, 18), (27, 10)], outline=blue)
    draw.rectangle([(9, 26), (23, 29)], fill=blue)
    return icon


def sidebar() -> None:
    """Our own navigation (Streamlit's is off, so it never flashes file names) and the current data."""
    dataset = current_dataset()
    link = {WORKSPACE: workspace()}  # every link keeps the visitor's workspace
    with st.sidebar:
        for page in PAGES:
            st.page_link(page, query_params=link)
        st.divider()
        st.caption(f"{prose(dataset.name)}  \n{len(dataset.table):,} rows × {dataset.table.shape[1]} columns")


st.set_page_config(page_title="Rebalance Studio", page_icon=page_icon(), layout="wide")
navigation = st.navigation(PAGES, position="hidden")
sidebar()
navigation.run()
