"""What surrounds every page: the page set-up, the sidebar, and the workspace restored before and kept after.

app.py draws pages through ``st.navigation``; every page runs through ``run_page``, which draws the frame
around it. Streamlit still runs a ``pages/`` folder's file on its own (its old multipage mode) for a page
opened from its link as the first request after the server starts, and AppTest runs pages that way on
every run: drawn by the page itself, the frame is the same either way (its widgets keep their identity,
which Streamlit ties to the script drawing them), so a deep link opens the page with its sidebar and the
session's shared state.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from PIL import Image, ImageDraw
from streamlit.runtime.pages_manager import PagesManager

from ui import session
from ui.state import WORKSPACE, current_dataset, workspace
from ui.text import prose


def pages() -> list[st.Page]:
    """The app's steps, in the order of the walk."""
    return [
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


def page_config() -> None:
    st.set_page_config(page_title="Rebalance Studio", page_icon=page_icon(), layout="wide")


def sidebar() -> None:
    """Our own navigation (Streamlit's is off, so it never flashes file names), the current data and the workspace."""
    dataset = current_dataset()
    link = {WORKSPACE: workspace()}  # every link keeps the visitor's workspace
    with st.sidebar:
        for page in pages():
            st.page_link(page, query_params=link)
        st.divider()
        st.caption(f"{prose(dataset.name)}  \n{len(dataset.table):,} rows × {dataset.table.shape[1]} columns")
        session.sidebar_line()


def run_page(render: Callable[[], None]) -> None:
    """Every page's entry: the workspace restored first, the sidebar, the page, and the workspace kept after
    (also when the page stops early or asks for a rerun)."""
    PagesManager.uses_pages_directory = False  # what app.py's st.navigation sets: later runs go through app.py
    page_config()
    session.restore()
    sidebar()
    try:
        render()
    finally:
        session.keep()
