"""Rebalance Studio: upload or pick a table, rebalance a rare class three ways, compare, evaluate.

Each page draws its own frame (sidebar, workspace) through ``ui.shell.run_page``.
"""

import streamlit as st

from ui.shell import page_config, pages

page_config()
st.navigation(pages(), position="hidden").run()
