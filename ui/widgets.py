"""Streamlit pieces that several pages draw the same way: a long step under a status box, a share editor."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import pandas as pd
import streamlit as st

from synth.data.holdout import Split, choose_holdout
from synth.errors import SynthError
from synth.progress import Progress
from ui import cache
from ui.settings import ColumnChoice
from ui.state import Dataset, progress_callback
from ui.text import prose

T = TypeVar("T")


def with_status(
    label: str, work: Callable[[Progress], T], *, failed: str, done: Callable[[T], str], expanded: bool = True
) -> T | None:
    """``work`` run under a status box with a progress bar; a refusal marks the box failed and is shown in one line."""
    with st.status(label, expanded=expanded) as status:
        bar = st.progress(0.0)
        try:
            result = work(progress_callback(bar))
        except SynthError as error:
            status.update(label=failed, state="error")
            st.error(prose(error))
            return None
        bar.empty()
        status.update(label=done(result), state="complete")
    return result


def share_editor(counts: Mapping[str, int], shares: Sequence[float], *, label: str, share: str, key: str) -> pd.DataFrame:
    """Each group's rows and share now (fixed) beside a new share in % (``shares``, editable); the edited table."""
    total = sum(counts.values())
    start = pd.DataFrame(
        {label: list(counts), "rows now": list(counts.values()), "share now (%)": [100 * n / total for n in counts.values()]}
    )
    start[share] = list(shares)
    return st.data_editor(
        start,
        disabled=[label, "rows now", "share now (%)"],
        hide_index=True,
        column_config={
            "rows now": st.column_config.NumberColumn(format="localized"),  # thousands separated, like the other counts
            "share now (%)": st.column_config.NumberColumn(format="%.1f"),
            share: st.column_config.NumberColumn(format="%.1f", min_value=0.0, max_value=100.0),
        },
        key=key,
    )


def holdout_split(dataset: Dataset, column: str) -> Split:
    """The real holdout for this outcome column, split once per data and column (Plan and Fairness share it)."""
    try:
        return cache.cached(
            "split",
            lambda: choose_holdout(dataset.table, column, dataset.holdout_file, dataset.holdout_share, dataset.holdout_label),
            data=dataset,
            settings=ColumnChoice(column),
            table=True,
        )
    except SynthError as error:
        st.error(prose(error))
        st.stop()
